using MarketFeed.Sources.TickLog;

namespace MarketFeed.Sources.Import;

/// <summary>Options of the Tardis CSV importer.</summary>
public sealed class TardisImportOptions : ImportOptions
{
    /// <summary>Price decimals for every symbol; null = per symbol from <see cref="SymbolScales"/> or detected.</summary>
    public int? PriceDecimals { get; init; }

    /// <summary>Size decimals for every symbol; null = per symbol from <see cref="SymbolScales"/> or detected.</summary>
    public int? SizeDecimals { get; init; }

    /// <summary>Explicit scales per symbol (e.g. BTCUSDT 2/3). Symbols not listed use the global values or detection.</summary>
    public IReadOnlyList<TickLogSymbol> SymbolScales { get; init; } = [];

    /// <summary>
    /// When scales are detected: the number of fractional digits is the largest seen in the
    /// files (a pre-pass over price and amount columns), at least this minimum.
    /// </summary>
    public int MinDetectedDecimals { get; init; }
}
