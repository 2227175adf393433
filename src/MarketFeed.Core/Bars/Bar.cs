using System.Runtime.InteropServices;

namespace MarketFeed.Core.Bars;

/// <summary>
/// One OHLCV bar of a symbol for one interval. Prices and volume are fixed-point integers in the
/// symbol's scale; <see cref="Start"/> is the bar's UTC start in nanoseconds since the Unix epoch
/// (a multiple of the interval).
/// </summary>
/// <remarks>
/// Open/high/low/close come from trades. A bar in which the symbol did not trade but quoted takes
/// them from the quote mid ((bid + ask) / 2, both sides present, rounded toward zero) and says so
/// with <see cref="Basis"/> = <see cref="BarBasis.QuoteMid"/>; its volume and count are 0. Once a
/// trade arrives in such a bar it restarts from that trade (<see cref="BarBasis.Trades"/>). An
/// interval with no tick at all has no bar: a gap is a missing bar, never a flat one.
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
public struct Bar
{
    /// <summary>UTC start of the bar, ns since the epoch.</summary>
    public long Start;

    /// <summary>First price in the bar.</summary>
    public long Open;

    /// <summary>Highest price.</summary>
    public long High;

    /// <summary>Lowest price.</summary>
    public long Low;

    /// <summary>Last price.</summary>
    public long Close;

    /// <summary>Sum of trade sizes in the bar (0 for a quote-mid bar).</summary>
    public long Volume;

    /// <summary>Number of trades in the bar.</summary>
    public long Count;

    /// <summary>Where the prices came from.</summary>
    public BarBasis Basis;
}
