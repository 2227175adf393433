namespace MarketFeed.Core;

/// <summary>What a <see cref="Tick"/> carries. Values are the wire message kinds.</summary>
public enum TickKind : byte
{
    /// <summary>Top-of-book quote: bid/ask price and size.</summary>
    Quote = 1,

    /// <summary>A trade (print): price, size, aggressor side.</summary>
    Trade = 2,
}
