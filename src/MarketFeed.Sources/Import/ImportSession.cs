namespace MarketFeed.Sources.Import;

/// <summary>State shared by the parsers of one import: symbols, errors, counters, progress.</summary>
internal sealed class ImportSession
{
    private readonly ImportOptions _options;
    private readonly List<string> _files = [];
    private readonly List<TickBuffer> _runs = [];
    private long _nextProgressAt;

    public ImportSession(ImportOptions options, IReadOnlyList<string> paths, CancellationToken cancellationToken)
    {
        if (!options.AllowDuplicateInputs)
        {
            ImportInputCheck.EnsureDistinct(paths);
        }

        _options = options;
        FileCount = paths.Count;
        CancellationToken = cancellationToken;
        Errors = new ImportRowErrorList(options);
        _nextProgressAt = Math.Max(1, options.ProgressEveryRows);
    }

    public ImportSymbolTable SymbolTable { get; } = new();

    public ImportRowErrorList Errors { get; }

    public CancellationToken CancellationToken { get; }

    public int FileCount { get; }

    public long Rows { get; set; }

    public long SuspiciousSkipped { get; set; }

    /// <summary>Starts a file: returns the run its ticks go to.</summary>
    public TickBuffer BeginFile(string name, long sizeHint)
    {
        _files.Add(name);
        var run = new TickBuffer((int)Math.Clamp(sizeHint / 40, 1024, 1 << 24));
        _runs.Add(run);
        return run;
    }

    /// <summary>Called per row: reports progress and checks cancellation every N rows.</summary>
    public void RowDone(string file, long charsRead, long bytesTotal)
    {
        Rows++;
        if (Rows >= _nextProgressAt)
        {
            _nextProgressAt = Rows + Math.Max(1, _options.ProgressEveryRows);
            CancellationToken.ThrowIfCancellationRequested();
            Report(file, charsRead, bytesTotal);
        }
    }

    public void Report(string file, long bytesRead, long bytesTotal) =>
        _options.Progress?.Report(new ImportProgress(file, Math.Max(0, _files.Count - 1), FileCount, bytesRead, bytesTotal, Rows, Errors.Count));

    /// <summary>Merges all runs in time order and sequences them.</summary>
    public ImportedTicks Finish()
    {
        var merged = ImportMerger.Merge(_runs);
        new ImportSequencer(SymbolTable.Symbols.Count).Apply(merged.Span);
        return new ImportedTicks([.. SymbolTable.Symbols], merged, [.. _files], Rows, Errors.Count, [.. Errors.Details], SuspiciousSkipped);
    }
}
