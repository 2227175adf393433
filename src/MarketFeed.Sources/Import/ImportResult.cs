using System.Globalization;
using System.Text;
using MarketFeed.Sources.TickLog;

namespace MarketFeed.Sources.Import;

/// <summary>What an import did: counts, rejected rows, output file.</summary>
public sealed class ImportResult
{
    /// <summary>Tick log written (null if the import was to memory only).</summary>
    public string? OutputPath { get; init; }

    /// <summary>Symbols of the output.</summary>
    public required IReadOnlyList<TickLogSymbol> Symbols { get; init; }

    /// <summary>Input files.</summary>
    public required IReadOnlyList<string> Files { get; init; }

    /// <summary>Data rows read (bad rows included).</summary>
    public long RowsRead { get; init; }

    /// <summary>Ticks written.</summary>
    public long TicksWritten { get; init; }

    /// <summary>Trades among them.</summary>
    public long Trades { get; init; }

    /// <summary>Quotes among them.</summary>
    public long Quotes { get; init; }

    /// <summary>Rows rejected (skipped under <see cref="ImportErrorPolicy.Skip"/>).</summary>
    public long BadRows { get; init; }

    /// <summary>The first rejected rows with file and line.</summary>
    public required IReadOnlyList<ImportRowError> Errors { get; init; }

    /// <summary>Rows skipped because flagged suspicious (when asked to skip them).</summary>
    public long SuspiciousSkipped { get; init; }

    /// <summary>Quotes with both sides whose bid is above the ask.</summary>
    public long CrossedQuotes { get; init; }

    /// <summary>Things about the data the user should look at (crossed quotes above the limit, kept suspicious ticks).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>First tick time, ns since the epoch (0 if none).</summary>
    public long FirstTimestamp { get; init; }

    /// <summary>Last tick time, ns since the epoch (0 if none).</summary>
    public long LastTimestamp { get; init; }

    /// <summary>Wall time of the import.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>Rows per second.</summary>
    public double RowsPerSecond => Elapsed > TimeSpan.Zero ? RowsRead / Elapsed.TotalSeconds : 0;

    /// <summary>A human readable summary, listing rejected rows.</summary>
    public string Summary()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{Files.Count} file(s), {RowsRead:N0} rows -> {TicksWritten:N0} ticks ({Trades:N0} trades, {Quotes:N0} quotes) in {Elapsed.TotalSeconds:F2}s ({RowsPerSecond:N0} rows/s)");
        if (OutputPath is not null)
        {
            sb.Append(CultureInfo.InvariantCulture, $" -> {OutputPath}");
        }

        sb.AppendLine();
        foreach (string w in Warnings)
        {
            sb.Append("warning: ").AppendLine(w);
        }

        if (SuspiciousSkipped > 0)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"{SuspiciousSkipped:N0} suspicious row(s) skipped");
        }

        if (BadRows > 0)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"{BadRows:N0} bad row(s) skipped:");
            foreach (var e in Errors)
            {
                sb.Append("  ").AppendLine(e.ToString());
            }

            if (BadRows > Errors.Count)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"  ... and {BadRows - Errors.Count:N0} more");
            }
        }

        return sb.ToString();
    }
}
