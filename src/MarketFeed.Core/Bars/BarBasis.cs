namespace MarketFeed.Core.Bars;

/// <summary>What a bar's prices were taken from.</summary>
public enum BarBasis : byte
{
    /// <summary>Trade prices (the bar has at least one trade).</summary>
    Trades = 0,

    /// <summary>Quote mids: the symbol quoted but did not trade in the bar.</summary>
    QuoteMid = 1,
}
