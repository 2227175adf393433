using MarketFeed.Core;
using MarketFeed.Protocol;

namespace MarketFeed.Client;

/// <summary>Per-symbol cache and sequence baseline. Guarded by the client's state lock.</summary>
internal sealed class SymbolState
{
    public SymbolState(SymbolRef reference, DeliveryMode mode, int throttle, bool isReplay)
    {
        Reference = reference;
        Mode = mode;
        Throttle = throttle;
        IsReplay = isReplay;
        Snapshot.SymbolId = reference.SymbolId;
    }

    public SymbolRef Reference;
    public DeliveryMode Mode;
    public int Throttle;
    public bool IsReplay;

    /// <summary>Latest known state; fields only move forward (per kind).</summary>
    public MarketSnapshot Snapshot;

    /// <summary>Last sequence number accepted by the sequence check.</summary>
    public long LastSequence;

    /// <summary>True once a snapshot (or the first update) set the baseline.</summary>
    public bool HasBaseline;

    /// <summary>True after an ack or a resubscribe until the snapshot arrives: updates are applied but not checked.</summary>
    public bool AwaitingSnapshot;

    /// <summary>True once any state (snapshot or update) has been received.</summary>
    public bool HasData;

    /// <summary>The seq sent in a resume that awaits its ack (-1: none).</summary>
    public long ResumeAfter = -1;

    public void ApplyQuote(QuoteMessage q)
    {
        if (q.Sequence > Snapshot.QuoteSequence)
        {
            Snapshot.QuoteSequence = q.Sequence;
            Snapshot.QuoteTimestamp = q.Timestamp;
            Snapshot.BidPrice = q.BidPrice;
            Snapshot.BidSize = q.BidSize;
            Snapshot.AskPrice = q.AskPrice;
            Snapshot.AskSize = q.AskSize;
        }

        Snapshot.Sequence = Math.Max(Snapshot.Sequence, q.Sequence);
        HasData = true;
    }

    public void ApplyTrade(TradeMessage t)
    {
        if (t.Sequence > Snapshot.TradeSequence)
        {
            Snapshot.TradeSequence = t.Sequence;
            Snapshot.TradeTimestamp = t.Timestamp;
            Snapshot.LastPrice = t.Price;
            Snapshot.LastSize = t.Size;
            Snapshot.LastSide = t.Side;
            Snapshot.CumulativeVolume = t.CumulativeVolume;
            Snapshot.TradeCount = t.TradeCount;
        }

        Snapshot.Sequence = Math.Max(Snapshot.Sequence, t.Sequence);
        HasData = true;
    }
}
