using MessagePack;

namespace MarketFeed.LoadTests.Clients;

/// <summary>Client-side shape of the baseline's trade.</summary>
[MessagePackObject]
public sealed class SignalRTrade
{
    /// <summary>Symbol id.</summary>
    [Key(0)] public int SymbolId { get; set; }

    /// <summary>Sequence.</summary>
    [Key(1)] public long Sequence { get; set; }

    /// <summary>Source timestamp, ns.</summary>
    [Key(2)] public long Timestamp { get; set; }

    /// <summary>Price.</summary>
    [Key(3)] public long Price { get; set; }

    /// <summary>Size.</summary>
    [Key(4)] public long Size { get; set; }

    /// <summary>Side.</summary>
    [Key(5)] public int Side { get; set; }

    /// <summary>Cumulative volume.</summary>
    [Key(6)] public long CumulativeVolume { get; set; }

    /// <summary>Trade count.</summary>
    [Key(7)] public long TradeCount { get; set; }
}
