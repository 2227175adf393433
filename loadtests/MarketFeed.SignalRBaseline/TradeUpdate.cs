using MessagePack;

namespace MarketFeed.SignalRBaseline;

/// <summary>A trade pushed to a symbol's group (MessagePack array layout, same fields as MarketFeed's trade).</summary>
[MessagePackObject]
public sealed class TradeUpdate
{
    /// <summary>Dense symbol id.</summary>
    [Key(0)] public int SymbolId { get; set; }

    /// <summary>Per-symbol sequence number.</summary>
    [Key(1)] public long Sequence { get; set; }

    /// <summary>Source generation time, ns since the Unix epoch.</summary>
    [Key(2)] public long Timestamp { get; set; }

    /// <summary>Trade price (fixed point).</summary>
    [Key(3)] public long Price { get; set; }

    /// <summary>Trade size.</summary>
    [Key(4)] public long Size { get; set; }

    /// <summary>0 unknown, 1 buy, 2 sell.</summary>
    [Key(5)] public int Side { get; set; }

    /// <summary>Cumulative traded size of the symbol.</summary>
    [Key(6)] public long CumulativeVolume { get; set; }

    /// <summary>Number of trades of the symbol so far.</summary>
    [Key(7)] public long TradeCount { get; set; }
}
