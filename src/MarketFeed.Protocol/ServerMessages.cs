using MarketFeed.Core;

namespace MarketFeed.Protocol;

/// <summary>A decoded server message (client side). See docs/protocol.md section 4.</summary>
public abstract record ServerMessage(MessageKind Kind);

/// <summary>Symbol reference as carried by subscribe ack and replay start.</summary>
public sealed record SymbolRef(string Symbol, int SymbolId, int PriceDecimals, int SizeDecimals);

/// <summary>Quote (1).</summary>
public sealed record QuoteMessage(int SymbolId, long Sequence, long Timestamp, long BidPrice, long BidSize, long AskPrice, long AskSize) : ServerMessage(MessageKind.Quote)
{
    /// <summary>Tick flags (suspicious, size unknown); <see cref="TickFlags.None"/> from servers that do not send them.</summary>
    public TickFlags Flags { get; init; }
}

/// <summary>Trade (2).</summary>
public sealed record TradeMessage(int SymbolId, long Sequence, long Timestamp, long Price, long Size, TradeSide Side, long CumulativeVolume, long TradeCount) : ServerMessage(MessageKind.Trade)
{
    /// <summary>Tick flags (suspicious, size unknown); <see cref="TickFlags.None"/> from servers that do not send them.</summary>
    public TickFlags Flags { get; init; }
}

/// <summary>Subscribe ack (3).</summary>
public sealed record SubscribeAckMessage(long RequestId, DeliveryMode Mode, int Throttle, IReadOnlyList<SymbolRef> Symbols) : ServerMessage(MessageKind.SubscribeAck)
{
    /// <summary>For a subscribe that asked to resume: per entry of <see cref="Symbols"/>, whether it continues without a snapshot; else null.</summary>
    public IReadOnlyList<bool>? Recovered { get; init; }
}

/// <summary>Snapshot (4).</summary>
public sealed record SnapshotMessage(MarketSnapshot State) : ServerMessage(MessageKind.Snapshot);

/// <summary>
/// Basket (16), the reply to <c>snapshot</c>: the state of each symbol (in the order of the ack that
/// precedes it) as of global sequence <see cref="GlobalSequence"/> of epoch <see cref="Epoch"/>.
/// </summary>
public sealed record BasketMessage(long RequestId, long GlobalSequence, long Epoch, IReadOnlyList<MarketSnapshot> States) : ServerMessage(MessageKind.Basket);

/// <summary>Error (5). <paramref name="Symbols"/>: every symbol one error rejects (e.g. all unknown symbols of a subscribe), or null.</summary>
public sealed record ErrorMessage(long RequestId, int Code, string CodeName, string Message, string? Symbol, IReadOnlyList<string>? Symbols = null) : ServerMessage(MessageKind.Error);

/// <summary>Heartbeat (6).</summary>
public sealed record HeartbeatMessage(long ServerTime) : ServerMessage(MessageKind.Heartbeat);

/// <summary>Replay start (7).</summary>
public sealed record ReplayStartMessage(long RequestId, long ReplayId, string Dataset, long From, long To, string Speed, DeliveryMode Mode, IReadOnlyList<SymbolRef> Symbols) : ServerMessage(MessageKind.ReplayStart);

/// <summary>Replay end (8). <paramref name="Damage"/>: the damaged parts the replay met (reason <c>damaged</c>: the one it ended at; <c>damage-skipped</c>: each one skipped, first 100), or null.</summary>
public sealed record ReplayEndMessage(long RequestId, long ReplayId, string Reason, long TicksSent, IReadOnlyList<ReplayDamage>? Damage = null) : ServerMessage(MessageKind.ReplayEnd);

/// <summary>Status (9).</summary>
public sealed record StatusMessage(string State, IReadOnlyDictionary<string, object?> Details) : ServerMessage(MessageKind.Status);

/// <summary>Pong (10).</summary>
public sealed record PongMessage(long RequestId, long ClientTime, long ServerTime) : ServerMessage(MessageKind.Pong);

/// <summary>Symbol directory (11).</summary>
public sealed record SymbolDirectoryMessage(long RequestId, IReadOnlyList<SymbolInfo> Symbols) : ServerMessage(MessageKind.SymbolDirectory);

/// <summary>Unsubscribe ack (12).</summary>
public sealed record UnsubscribeAckMessage(long RequestId, IReadOnlyList<string> Symbols) : ServerMessage(MessageKind.UnsubscribeAck);

/// <summary>Catalog (13).</summary>
public sealed record CatalogMessage(long RequestId, IReadOnlyList<CatalogEntry> Datasets) : ServerMessage(MessageKind.Catalog);

/// <summary>Replay status (14).</summary>
public sealed record ReplayStatusMessage(long ReplayId, string State, string Speed, long Position, long RequestId = 0) : ServerMessage(MessageKind.ReplayStatus);

/// <summary>A message of a kind this client does not know (kept, not dropped, so callers can log it).</summary>
public sealed record UnknownMessage(int RawKind) : ServerMessage((MessageKind)RawKind);

/// <summary>One bar of a <see cref="BarsMessage"/>: fixed-point prices and volume in the symbol's scale.</summary>
public sealed record BarEntry(long Start, long Open, long High, long Low, long Close, long Volume, long Count, Core.Bars.BarBasis Basis, bool Closed);

/// <summary>Reply to bars.</summary>
public sealed record BarsMessage(long RequestId, string Symbol, string Interval, int PriceDecimals, int SizeDecimals, IReadOnlyList<BarEntry> Bars, bool Complete) : ServerMessage(MessageKind.Bars);

/// <summary>
/// Live bar update (16): the latest state of one bar of a symbol a subscription (or replay) asked
/// bars for. <see cref="BarEntry.Closed"/> is true once a later bar has begun (the final state).
/// </summary>
public sealed record BarUpdateMessage(int SymbolId, string Interval, BarEntry Bar) : ServerMessage(MessageKind.BarUpdate);
