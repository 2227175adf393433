namespace MarketFeed.Core;

/// <summary>
/// The latest state of one symbol: last quote, last trade and the trade accumulator
/// (cumulative volume and trade count since the feed started). What a snapshot message carries
/// and what the conflation engine keeps per symbol.
/// </summary>
public struct MarketSnapshot
{
    /// <summary>Symbol id.</summary>
    public int SymbolId;

    /// <summary>Sequence number of the last tick of either kind applied (0 = no tick yet).</summary>
    public long Sequence;

    /// <summary>Sequence number of the last quote (0 = none yet).</summary>
    public long QuoteSequence;

    /// <summary>Source time of the last quote, ns since the epoch.</summary>
    public long QuoteTimestamp;

    /// <summary>Best bid price.</summary>
    public long BidPrice;

    /// <summary>Best bid size.</summary>
    public long BidSize;

    /// <summary>Best ask price.</summary>
    public long AskPrice;

    /// <summary>Best ask size.</summary>
    public long AskSize;

    /// <summary>Sequence number of the last trade (0 = none yet).</summary>
    public long TradeSequence;

    /// <summary>Source time of the last trade, ns since the epoch.</summary>
    public long TradeTimestamp;

    /// <summary>Last trade price.</summary>
    public long LastPrice;

    /// <summary>Last trade size.</summary>
    public long LastSize;

    /// <summary>Last trade aggressor side.</summary>
    public TradeSide LastSide;

    /// <summary>Vendor flags of the last quote (travel with it in conflated delivery too).</summary>
    public TickFlags QuoteFlags;

    /// <summary>Vendor flags of the last trade.</summary>
    public TickFlags TradeFlags;

    /// <summary>Cumulative traded size.</summary>
    public long CumulativeVolume;

    /// <summary>Cumulative number of trades.</summary>
    public long TradeCount;

    /// <summary>The last quote as a tick.</summary>
    public readonly Tick QuoteTick => new()
    {
        SymbolId = SymbolId,
        Kind = TickKind.Quote,
        Flags = QuoteFlags,
        Sequence = QuoteSequence,
        Timestamp = QuoteTimestamp,
        BidPrice = BidPrice,
        BidSize = BidSize,
        AskPrice = AskPrice,
        AskSize = AskSize,
    };

    /// <summary>The last trade as a tick (with the accumulator).</summary>
    public readonly Tick TradeTick => new()
    {
        SymbolId = SymbolId,
        Kind = TickKind.Trade,
        Flags = TradeFlags,
        Sequence = TradeSequence,
        Timestamp = TradeTimestamp,
        Price = LastPrice,
        Size = LastSize,
        Side = LastSide,
        CumulativeVolume = CumulativeVolume,
        TradeCount = TradeCount,
    };

    /// <summary>Applies a sequenced tick to this state (what the engine does per tick).</summary>
    public void Apply(in Tick tick)
    {
        Sequence = tick.Sequence;
        if (tick.Kind == TickKind.Quote)
        {
            QuoteSequence = tick.Sequence;
            QuoteTimestamp = tick.Timestamp;
            QuoteFlags = tick.Flags;
            BidPrice = tick.BidPrice;
            BidSize = tick.BidSize;
            AskPrice = tick.AskPrice;
            AskSize = tick.AskSize;
        }
        else
        {
            TradeSequence = tick.Sequence;
            TradeTimestamp = tick.Timestamp;
            TradeFlags = tick.Flags;
            LastPrice = tick.Price;
            LastSize = tick.Size;
            LastSide = tick.Side;
            CumulativeVolume = tick.CumulativeVolume;
            TradeCount = tick.TradeCount;
        }
    }
}
