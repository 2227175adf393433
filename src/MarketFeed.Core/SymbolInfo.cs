namespace MarketFeed.Core;

/// <summary>
/// Reference data of one instrument. Prices on the wire are integers meaning
/// <c>price / 10^PriceDecimals</c>; sizes likewise with <see cref="SizeDecimals"/>.
/// </summary>
/// <param name="Name">Ticker, upper case (e.g. "AAPL", "BTCUSDT").</param>
/// <param name="Id">Dense id in its <see cref="SymbolUniverse"/> (0-based, the wire symbol id).</param>
/// <param name="Description">Human readable name.</param>
/// <param name="Currency">ISO currency (or quote asset) of prices.</param>
/// <param name="PriceDecimals">Decimal digits of the fixed-point price scale.</param>
/// <param name="SizeDecimals">Decimal digits of the fixed-point size scale.</param>
/// <param name="TickSize">Minimum price increment, in price units (scaled integer).</param>
/// <param name="LotSize">Minimum size increment, in size units (scaled integer).</param>
/// <param name="ReferencePrice">The price (scaled) a session's change is measured against — the previous
/// close; the simulator's walk starts there. 0 when the source has none. Sent in the symbol directory.</param>
public sealed record SymbolInfo(
    string Name,
    int Id,
    string Description,
    string Currency,
    int PriceDecimals,
    int SizeDecimals,
    long TickSize,
    long LotSize,
    long ReferencePrice);
