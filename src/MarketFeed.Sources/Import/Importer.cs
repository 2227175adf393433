using System.Diagnostics;
using System.Globalization;
using MarketFeed.Core;
using MarketFeed.Sources.TickLog;

namespace MarketFeed.Sources.Import;

/// <summary>
/// Entry points for the CLI: import vendor files into one tick log (a dataset). Each call reads
/// every input, merges them in time order (ties: input order), assigns per-symbol sequence numbers
/// and cumulative trade volume/count, and writes the log.
/// </summary>
public static class Importer
{
    /// <summary>
    /// Imports <paramref name="inputs"/> of one format into <paramref name="outputPath"/>: the
    /// single entry point for a CLI. <paramref name="options"/> may be the format's own options type
    /// (<see cref="LeanImportOptions"/>, <see cref="TardisImportOptions"/>) or plain
    /// <see cref="ImportOptions"/>; <paramref name="mapping"/> is required for <see cref="ImportFormat.Csv"/>.
    /// </summary>
    public static ImportResult Import(ImportFormat format, IReadOnlyList<string> inputs, string outputPath, ImportOptions? options = null, GenericCsvMapping? mapping = null, CancellationToken cancellationToken = default) => format switch
    {
        ImportFormat.Lean => ImportLean(inputs, outputPath, options as LeanImportOptions ?? Copy(options, new LeanImportOptions()), cancellationToken),
        ImportFormat.Tardis => ImportTardis(inputs, outputPath, options as TardisImportOptions ?? Copy(options, new TardisImportOptions()), cancellationToken),
        ImportFormat.Csv => ImportGenericCsv(inputs, mapping ?? throw new ArgumentNullException(nameof(mapping), "the csv format needs a column mapping"), outputPath, options, cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown import format"),
    };

    /// <summary>Imports Lean/AlgoSeek tick zips (trades and/or quotes) into <paramref name="outputPath"/>.</summary>
    public static ImportResult ImportLean(IReadOnlyList<string> inputs, string outputPath, LeanImportOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new LeanImportOptions();
        long start = Stopwatch.GetTimestamp();
        var ticks = LeanAlgoSeekImporter.Read(inputs, options, cancellationToken);
        return Write(ticks, outputPath, options, start, "import lean " + string.Join(' ', FileNames(inputs)));
    }

    /// <summary>Imports Tardis CSV files (trades and/or quotes) into <paramref name="outputPath"/>.</summary>
    public static ImportResult ImportTardis(IReadOnlyList<string> inputs, string outputPath, TardisImportOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new TardisImportOptions();
        long start = Stopwatch.GetTimestamp();
        var ticks = TardisCsvImporter.Read(inputs, options, cancellationToken);
        return Write(ticks, outputPath, options, start, "import tardis " + string.Join(' ', FileNames(inputs)));
    }

    /// <summary>Imports CSV files described by <paramref name="mapping"/> into <paramref name="outputPath"/>.</summary>
    public static ImportResult ImportGenericCsv(IReadOnlyList<string> inputs, GenericCsvMapping mapping, string outputPath, ImportOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ImportOptions();
        long start = Stopwatch.GetTimestamp();
        var ticks = GenericCsvImporter.Read(inputs, mapping, options, cancellationToken);
        return Write(ticks, outputPath, options, start, "import csv " + string.Join(' ', FileNames(inputs)));
    }

    /// <summary>
    /// Writes already parsed ticks to a tick log and summarises. The log is written to a temporary
    /// file in the output's folder and renamed over <paramref name="outputPath"/> only when complete,
    /// so a reader of the old dataset (a running replay) keeps reading the version it opened and no
    /// reader ever sees a half-written file. Throws <see cref="ImportException"/> (with the counts in
    /// <see cref="ImportException.Result"/>, nothing written) when the share of bad rows is above
    /// <see cref="ImportOptions.MaxBadRowFraction"/>, when no tick was imported, or when the existing
    /// dataset holds more ticks than the new one and <see cref="ImportOptions.Force"/> is not set.
    /// </summary>
    public static ImportResult Write(ImportedTicks ticks, string outputPath, ImportOptions options, long startTimestamp, string source)
    {
        ArgumentNullException.ThrowIfNull(ticks);
        ArgumentNullException.ThrowIfNull(options);
        long trades = 0;
        long crossed = 0;
        long suspicious = 0;
        long first = 0;
        long last = 0;
        var span = ticks.Ticks.Span;
        foreach (ref readonly Tick t in span)
        {
            if (t.Kind == TickKind.Trade)
            {
                trades++;
            }
            else if (t.BidPrice > 0 && t.AskPrice > 0 && t.BidPrice > t.AskPrice)
            {
                crossed++;
            }

            if ((t.Flags & TickFlags.Suspicious) != 0)
            {
                suspicious++;
            }
        }

        var warnings = new List<string>();
        long quotes = span.Length - trades;
        if (quotes > 0 && crossed > options.MaxCrossedQuoteFraction * quotes)
        {
            warnings.Add(string.Create(CultureInfo.InvariantCulture, $"{crossed:N0} of {quotes:N0} quotes are crossed (bid above ask, {(double)crossed / quotes:P1}): are the bid and ask columns swapped?"));
        }

        if (suspicious > 0)
        {
            warnings.Add(string.Create(CultureInfo.InvariantCulture, $"{suspicious:N0} tick(s) flagged suspicious by the vendor were kept (flagged; skip them with SkipSuspicious / --skip-suspicious)"));
        }

        if (span.Length > 0)
        {
            first = span[0].Timestamp;
            last = span[^1].Timestamp;
        }

        var result = new ImportResult
        {
            OutputPath = outputPath,
            Symbols = ticks.Symbols,
            Files = ticks.Files,
            RowsRead = ticks.RowsRead,
            TicksWritten = span.Length,
            Trades = trades,
            Quotes = span.Length - trades,
            BadRows = ticks.BadRows,
            Errors = ticks.Errors,
            SuspiciousSkipped = ticks.SuspiciousSkipped,
            FirstTimestamp = first,
            LastTimestamp = last,
            CrossedQuotes = crossed,
            Warnings = warnings,
            Elapsed = Stopwatch.GetElapsedTime(startTimestamp),
        };

        CheckAcceptable(result, outputPath, options);
        string full = Path.GetFullPath(outputPath);
        string dir = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(dir);

        // Not *.mflog, so a catalog never lists it; same folder, so the rename is atomic.
        string temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var writer = TickLogWriter.Create(temp, ticks.Symbols, new TickLogWriterOptions { BlockTicks = options.BlockTicks, Overwrite = false, Source = source }))
            {
                writer.Append(span);
            }

            if (options.Overwrite)
            {
                File.Move(temp, full, overwrite: true);
            }
            else
            {
                File.Move(temp, full); // throws IOException if the dataset exists meanwhile
            }
        }
        catch
        {
            TryDelete(temp);
            throw;
        }

        return result;
    }

    private static void CheckAcceptable(ImportResult result, string outputPath, ImportOptions options)
    {
        var inv = CultureInfo.InvariantCulture;
        if (result.TicksWritten == 0)
        {
            throw new ImportException(string.Create(inv, $"no tick imported ({result.RowsRead:N0} rows read, {result.BadRows:N0} bad); {outputPath} not written"), result);
        }

        if (result.RowsRead > 0 && result.BadRows > options.MaxBadRowFraction * result.RowsRead)
        {
            throw new ImportException(
                string.Create(inv, $"{result.BadRows:N0} of {result.RowsRead:N0} rows are bad ({(double)result.BadRows / result.RowsRead:P2}), above the limit of {options.MaxBadRowFraction:P2}; {outputPath} not written (raise the limit with MaxBadRowFraction, CLI --max-bad-rows, to import the good rows anyway)"),
                result);
        }

        if (!File.Exists(outputPath))
        {
            return;
        }

        if (!options.Overwrite)
        {
            throw new ImportException($"{outputPath} exists and overwriting is off", result);
        }

        if (options.Force)
        {
            return;
        }

        long existing;
        try
        {
            using var reader = TickLogReader.Open(outputPath);
            existing = reader.TickCount;
        }
        catch (InvalidDataException)
        {
            return; // not a readable tick log: nothing of value to protect
        }

        if (existing > result.TicksWritten)
        {
            throw new ImportException(
                string.Create(inv, $"{outputPath} holds {existing:N0} ticks, the new import only {result.TicksWritten:N0}; the existing dataset is kept (use Force, CLI --force, to replace it)"),
                result);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static T Copy<T>(ImportOptions? from, T to)
        where T : ImportOptions
    {
        if (from is null)
        {
            return to;
        }

        // Options are init-only: rebuild the format's options with the common settings.
        return to switch
        {
            LeanImportOptions => (T)(ImportOptions)new LeanImportOptions { ErrorPolicy = from.ErrorPolicy, MaxErrorDetails = from.MaxErrorDetails, Progress = from.Progress, ProgressEveryRows = from.ProgressEveryRows, BlockTicks = from.BlockTicks, Overwrite = from.Overwrite, MaxBadRowFraction = from.MaxBadRowFraction, MaxCrossedQuoteFraction = from.MaxCrossedQuoteFraction, AllowDuplicateInputs = from.AllowDuplicateInputs, Force = from.Force },
            TardisImportOptions => (T)(ImportOptions)new TardisImportOptions { ErrorPolicy = from.ErrorPolicy, MaxErrorDetails = from.MaxErrorDetails, Progress = from.Progress, ProgressEveryRows = from.ProgressEveryRows, BlockTicks = from.BlockTicks, Overwrite = from.Overwrite, MaxBadRowFraction = from.MaxBadRowFraction, MaxCrossedQuoteFraction = from.MaxCrossedQuoteFraction, AllowDuplicateInputs = from.AllowDuplicateInputs, Force = from.Force },
            _ => to,
        };
    }

    private static IEnumerable<string> FileNames(IReadOnlyList<string> inputs)
    {
        foreach (string s in inputs)
        {
            yield return Path.GetFileName(s);
        }
    }
}
