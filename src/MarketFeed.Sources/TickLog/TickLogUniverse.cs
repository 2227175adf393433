using MarketFeed.Core;

namespace MarketFeed.Sources.TickLog;

/// <summary>Turns a tick log's symbol table into a <see cref="SymbolUniverse"/> whose ids are the log's ids.</summary>
public static class TickLogUniverse
{
    /// <summary>
    /// A universe with one symbol per log entry, in log order (so a tick's log symbol id is its
    /// universe id). A log carries only names and scales: tick and lot size are 1 unit.
    /// </summary>
    public static SymbolUniverse From(IReadOnlyList<TickLogSymbol> symbols)
    {
        var list = new List<SymbolInfo>(symbols.Count);
        foreach (TickLogSymbol s in symbols)
        {
            list.Add(new SymbolInfo(s.Name, list.Count, s.Name, string.Empty, s.PriceDecimals, s.SizeDecimals, 1, 1, 0));
        }

        return new SymbolUniverse(list);
    }
}
