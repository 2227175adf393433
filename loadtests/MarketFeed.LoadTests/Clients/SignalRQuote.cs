using MessagePack;

namespace MarketFeed.LoadTests.Clients;

/// <summary>Client-side shape of the baseline's quote (same MessagePack array layout as the hub's QuoteUpdate).</summary>
[MessagePackObject]
public sealed class SignalRQuote
{
    /// <summary>Symbol id.</summary>
    [Key(0)] public int SymbolId { get; set; }

    /// <summary>Sequence.</summary>
    [Key(1)] public long Sequence { get; set; }

    /// <summary>Source timestamp, ns.</summary>
    [Key(2)] public long Timestamp { get; set; }

    /// <summary>Bid.</summary>
    [Key(3)] public long BidPrice { get; set; }

    /// <summary>Bid size.</summary>
    [Key(4)] public long BidSize { get; set; }

    /// <summary>Ask.</summary>
    [Key(5)] public long AskPrice { get; set; }

    /// <summary>Ask size.</summary>
    [Key(6)] public long AskSize { get; set; }
}
