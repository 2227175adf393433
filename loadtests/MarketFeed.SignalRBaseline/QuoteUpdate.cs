using MessagePack;

namespace MarketFeed.SignalRBaseline;

/// <summary>A quote pushed to a symbol's group (MessagePack array layout, same fields as MarketFeed's quote).</summary>
[MessagePackObject]
public sealed class QuoteUpdate
{
    /// <summary>Dense symbol id.</summary>
    [Key(0)] public int SymbolId { get; set; }

    /// <summary>Per-symbol sequence number (quotes and trades share it).</summary>
    [Key(1)] public long Sequence { get; set; }

    /// <summary>Source generation time, ns since the Unix epoch.</summary>
    [Key(2)] public long Timestamp { get; set; }

    /// <summary>Best bid (fixed point).</summary>
    [Key(3)] public long BidPrice { get; set; }

    /// <summary>Bid size.</summary>
    [Key(4)] public long BidSize { get; set; }

    /// <summary>Best ask (fixed point).</summary>
    [Key(5)] public long AskPrice { get; set; }

    /// <summary>Ask size.</summary>
    [Key(6)] public long AskSize { get; set; }
}
