using System.Diagnostics;
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

    /// <summary>Writes already parsed ticks to a tick log and summarises.</summary>
    public static ImportResult Write(ImportedTicks ticks, string outputPath, ImportOptions options, long startTimestamp, string source)
    {
        ArgumentNullException.ThrowIfNull(ticks);
        ArgumentNullException.ThrowIfNull(options);
        long trades = 0;
        long first = 0;
        long last = 0;
        var span = ticks.Ticks.Span;
        using (var writer = TickLogWriter.Create(outputPath, ticks.Symbols, new TickLogWriterOptions { BlockTicks = options.BlockTicks, Overwrite = options.Overwrite, Source = source }))
        {
            writer.Append(span);
        }

        foreach (ref readonly Tick t in span)
        {
            if (t.Kind == TickKind.Trade)
            {
                trades++;
            }
        }

        if (span.Length > 0)
        {
            first = span[0].Timestamp;
            last = span[^1].Timestamp;
        }

        return new ImportResult
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
            Elapsed = Stopwatch.GetElapsedTime(startTimestamp),
        };
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
            LeanImportOptions => (T)(ImportOptions)new LeanImportOptions { ErrorPolicy = from.ErrorPolicy, MaxErrorDetails = from.MaxErrorDetails, Progress = from.Progress, ProgressEveryRows = from.ProgressEveryRows, BlockTicks = from.BlockTicks, Overwrite = from.Overwrite },
            TardisImportOptions => (T)(ImportOptions)new TardisImportOptions { ErrorPolicy = from.ErrorPolicy, MaxErrorDetails = from.MaxErrorDetails, Progress = from.Progress, ProgressEveryRows = from.ProgressEveryRows, BlockTicks = from.BlockTicks, Overwrite = from.Overwrite },
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
