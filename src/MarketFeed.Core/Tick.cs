using System.Runtime.InteropServices;

namespace MarketFeed.Core;

/// <summary>
/// One market event: a top-of-book <see cref="TickKind.Quote"/> or a <see cref="TickKind.Trade"/>.
/// Prices and sizes are fixed-point integers in the symbol's scale (see <see cref="SymbolInfo"/>);
/// <see cref="Timestamp"/> is nanoseconds since the Unix epoch, UTC.
/// </summary>
/// <remarks>
/// A plain 64-byte value type so that rings of ticks are one cache line per tick and copying
/// one never allocates. Quote and trade payloads share storage (explicit layout): read only the
/// members of the tick's <see cref="Kind"/>. <see cref="Sequence"/>, <see cref="CumulativeVolume"/>
/// and <see cref="TradeCount"/> are assigned by the sequencer, not by sources.
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = 64)]
public struct Tick
{
    /// <summary>Dense symbol id in the server's <see cref="SymbolUniverse"/>.</summary>
    [FieldOffset(0)] public int SymbolId;

    /// <summary>Quote or trade.</summary>
    [FieldOffset(4)] public TickKind Kind;

    /// <summary>Aggressor side (trades only).</summary>
    [FieldOffset(5)] public TradeSide Side;

    /// <summary>Vendor flags.</summary>
    [FieldOffset(6)] public TickFlags Flags;

    /// <summary>Per-symbol sequence number, 1-based, assigned by the sequencer.</summary>
    [FieldOffset(8)] public long Sequence;

    /// <summary>Source (exchange) time, nanoseconds since the Unix epoch, UTC.</summary>
    [FieldOffset(16)] public long Timestamp;

    /// <summary>Quote: best bid price.</summary>
    [FieldOffset(24)] public long BidPrice;

    /// <summary>Quote: size at the best bid.</summary>
    [FieldOffset(32)] public long BidSize;

    /// <summary>Quote: best ask price.</summary>
    [FieldOffset(40)] public long AskPrice;

    /// <summary>Quote: size at the best ask.</summary>
    [FieldOffset(48)] public long AskSize;

    /// <summary>Trade: price.</summary>
    [FieldOffset(24)] public long Price;

    /// <summary>Trade: size.</summary>
    [FieldOffset(32)] public long Size;

    /// <summary>Trade: the symbol's cumulative traded size including this trade (sequencer-assigned).</summary>
    [FieldOffset(40)] public long CumulativeVolume;

    /// <summary>Trade: the symbol's number of trades including this one (sequencer-assigned).</summary>
    [FieldOffset(48)] public long TradeCount;

    /// <summary>Receive (local) time where the source knows it, else 0; nanoseconds since the epoch.</summary>
    [FieldOffset(56)] public long ReceiveTimestamp;

    /// <summary>Creates an unsequenced quote tick.</summary>
    public static Tick NewQuote(int symbolId, long timestamp, long bidPrice, long bidSize, long askPrice, long askSize) => new()
    {
        SymbolId = symbolId,
        Kind = TickKind.Quote,
        Timestamp = timestamp,
        BidPrice = bidPrice,
        BidSize = bidSize,
        AskPrice = askPrice,
        AskSize = askSize,
    };

    /// <summary>Creates an unsequenced trade tick.</summary>
    public static Tick NewTrade(int symbolId, long timestamp, long price, long size, TradeSide side) => new()
    {
        SymbolId = symbolId,
        Kind = TickKind.Trade,
        Timestamp = timestamp,
        Price = price,
        Size = size,
        Side = side,
    };

    /// <inheritdoc />
    public override readonly string ToString() => Kind == TickKind.Quote
        ? $"Q#{SymbolId} seq={Sequence} t={Timestamp} {BidSize}@{BidPrice} / {AskSize}@{AskPrice}"
        : $"T#{SymbolId} seq={Sequence} t={Timestamp} {Size}@{Price} {Side} cum={CumulativeVolume}/{TradeCount}";
}
