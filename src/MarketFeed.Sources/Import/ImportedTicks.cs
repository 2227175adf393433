using MarketFeed.Core;
using MarketFeed.Sources.TickLog;

namespace MarketFeed.Sources.Import;

/// <summary>Ticks parsed from vendor files, merged in time order and sequenced, with the import statistics.</summary>
public sealed class ImportedTicks
{
    internal ImportedTicks(IReadOnlyList<TickLogSymbol> symbols, TickBuffer ticks, IReadOnlyList<string> files, long rowsRead, long badRows, IReadOnlyList<ImportRowError> errors, long suspiciousSkipped)
    {
        Symbols = symbols;
        Ticks = ticks;
        Files = files;
        RowsRead = rowsRead;
        BadRows = badRows;
        Errors = errors;
        SuspiciousSkipped = suspiciousSkipped;
    }

    /// <summary>Symbol table (tick symbol ids index it).</summary>
    public IReadOnlyList<TickLogSymbol> Symbols { get; }

    /// <summary>The ticks, time ordered, sequenced.</summary>
    public TickBuffer Ticks { get; }

    /// <summary>Input files.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>Data rows read (header rows excluded, bad rows included).</summary>
    public long RowsRead { get; }

    /// <summary>Rows rejected.</summary>
    public long BadRows { get; }

    /// <summary>The first rejected rows in detail (see <see cref="ImportOptions.MaxErrorDetails"/>).</summary>
    public IReadOnlyList<ImportRowError> Errors { get; }

    /// <summary>Rows skipped because the vendor marked them suspicious (when the option says so).</summary>
    public long SuspiciousSkipped { get; }

    /// <summary>Number of trade ticks.</summary>
    public long CountTrades()
    {
        long n = 0;
        foreach (ref readonly Tick t in Ticks.Span)
        {
            if (t.Kind == TickKind.Trade)
            {
                n++;
            }
        }

        return n;
    }
}
