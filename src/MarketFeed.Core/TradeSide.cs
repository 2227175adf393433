namespace MarketFeed.Core;

/// <summary>Aggressor side of a trade. Values are the wire values.</summary>
public enum TradeSide : byte
{
    /// <summary>Not known (e.g. the vendor does not say).</summary>
    Unknown = 0,

    /// <summary>Buyer initiated: lifted the ask.</summary>
    Buy = 1,

    /// <summary>Seller initiated: hit the bid.</summary>
    Sell = 2,
}
