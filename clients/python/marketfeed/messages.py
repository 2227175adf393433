"""Typed server messages and client events. Prices and sizes are fixed-point integers; the ``*_decimal`` properties
give exact ``decimal.Decimal`` values in the symbol's scale (never binary floats)."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .errors import MarketFeedError
from .fixed_point import to_decimal

# Message kinds (docs/protocol.md section 4).
QUOTE = 1
TRADE = 2
SUBSCRIBE_ACK = 3
SNAPSHOT = 4
ERROR = 5
HEARTBEAT = 6
REPLAY_START = 7
REPLAY_END = 8
STATUS = 9
PONG = 10
SYMBOL_DIRECTORY = 11
UNSUBSCRIBE_ACK = 12
CATALOG = 13
REPLAY_STATUS = 14
BARS = 15

SIDE_UNKNOWN, SIDE_BUY, SIDE_SELL = 0, 1, 2


@dataclass(slots=True, frozen=True)
class SymbolRef:
    """A symbol's id on this connection and its scales (from a subscribe ack or a replay start)."""

    symbol: str
    symbol_id: int
    price_decimals: int
    size_decimals: int


@dataclass(slots=True)
class Quote:
    """Top of book after the tick with this ``seq`` (kind 1)."""

    symbol: str
    symbol_id: int
    seq: int
    timestamp: int
    bid_price: int
    bid_size: int
    ask_price: int
    ask_size: int
    price_decimals: int
    size_decimals: int
    flags: int = 0

    @property
    def bid(self) -> Decimal:
        return to_decimal(self.bid_price, self.price_decimals)

    @property
    def ask(self) -> Decimal:
        return to_decimal(self.ask_price, self.price_decimals)

    @property
    def bid_qty(self) -> Decimal:
        return to_decimal(self.bid_size, self.size_decimals)

    @property
    def ask_qty(self) -> Decimal:
        return to_decimal(self.ask_size, self.size_decimals)


@dataclass(slots=True)
class Trade:
    """One trade (kind 2); ``cum_volume``/``trade_count`` are the symbol's cumulative totals including it."""

    symbol: str
    symbol_id: int
    seq: int
    timestamp: int
    price: int
    size: int
    side: int
    cum_volume: int
    trade_count: int
    price_decimals: int
    size_decimals: int
    flags: int = 0

    @property
    def price_decimal(self) -> Decimal:
        return to_decimal(self.price, self.price_decimals)

    @property
    def size_decimal(self) -> Decimal:
        return to_decimal(self.size, self.size_decimals)


@dataclass(slots=True)
class Snapshot:
    """The complete latest state of a symbol (kind 4); resets sequence checks to ``seq``."""

    symbol: str
    symbol_id: int
    seq: int
    quote_seq: int
    quote_timestamp: int
    bid_price: int
    bid_size: int
    ask_price: int
    ask_size: int
    trade_seq: int
    trade_timestamp: int
    last_price: int
    last_size: int
    last_side: int
    cum_volume: int
    trade_count: int
    price_decimals: int
    size_decimals: int


@dataclass(slots=True)
class SubscribeAck:
    """Answer to subscribe (kind 3). ``errors`` holds the per-symbol errors sent before it (e.g. 404)."""

    request_id: int
    mode: str
    throttle: int
    symbols: list[SymbolRef]
    errors: list[MarketFeedError] = field(default_factory=list)
    #: For a subscribe that asked to resume (protocol 7.1): per entry of ``symbols``, whether it continues without a
    #: snapshot; None otherwise.
    recovered: list[bool] | None = None


@dataclass(slots=True)
class UnsubscribeAck:
    request_id: int
    symbols: list[str]


@dataclass(slots=True)
class ErrorMessage:
    """An error message (kind 5) as it appears in the stream; ``error`` is the exception form."""

    request_id: int
    code: int
    code_name: str
    message: str
    symbol: str | None
    symbols: list[str] | None = None
    """Every symbol this one error rejects (e.g. all unknown symbols of a subscribe or replay), or None."""

    @property
    def error(self) -> MarketFeedError:
        return MarketFeedError(self.code, self.code_name, self.message, self.symbol, self.request_id, self.symbols)


@dataclass(slots=True)
class Heartbeat:
    server_time: int


@dataclass(slots=True)
class ReplayStart:
    request_id: int
    replay_id: int
    dataset: str
    from_ns: int
    to_ns: int
    speed: str
    mode: str
    symbols: list[SymbolRef]


@dataclass(slots=True)
class ReplayEnd:
    """End of a replay (kind 8): reason ``completed``, ``stopped``, ``error``, or ``connection_lost`` (made by this
    client when the connection dropped during the replay; ``ticks_sent`` is then None)."""

    request_id: int
    replay_id: int
    reason: str
    ticks_sent: int | None


@dataclass(slots=True)
class ReplayStatus:
    replay_id: int
    state: str
    speed: str
    position: int
    request_id: int


@dataclass(slots=True)
class Status:
    state: str
    details: dict[str, Any]


@dataclass(slots=True)
class Pong:
    request_id: int
    client_time: int
    server_time: int


@dataclass(slots=True)
class SymbolInfo:
    """Symbol directory entry (kind 11); tick_size, lot_size, reference_price in fixed point."""

    symbol: str
    symbol_id: int
    price_decimals: int
    size_decimals: int
    tick_size: int
    lot_size: int
    currency: str | None
    description: str | None
    reference_price: int


@dataclass(slots=True)
class SymbolDirectory:
    request_id: int
    symbols: list[SymbolInfo]


@dataclass(slots=True)
class CatalogEntry:
    dataset: str
    symbols: list[str]
    from_ns: int
    to_ns: int
    tick_count: int


@dataclass(slots=True)
class Catalog:
    request_id: int
    datasets: list[CatalogEntry]


@dataclass(slots=True)
class Bar:
    """One OHLCV bar (protocol 4.11): fixed-point integers in the reply's scale; ``start`` ns since the epoch, UTC.
    ``basis`` is "trades" or "mid" (the symbol quoted but did not trade in the bar: quote mids, no volume)."""

    start: int
    open: int
    high: int
    low: int
    close: int
    volume: int
    count: int
    basis: str
    closed: bool


@dataclass(slots=True)
class Bars:
    """Reply to ``bars``: ``complete`` is False when the range held more bars than one reply carries."""

    request_id: int
    symbol: str
    interval: str
    price_decimals: int
    size_decimals: int
    bars: list[Bar]
    complete: bool


@dataclass(slots=True)
class UnknownMessage:
    """A message kind this client does not know (a newer server); kept, not dropped."""

    kind: int
    fields: list[Any]


# ---- client events (not server messages) ----

@dataclass(slots=True)
class SequenceGap:
    """Inserted just before an update whose ``seq`` skips in full mode (``resubscribed``: the client asked for a
    fresh snapshot), or that goes backwards (``anomaly == "backward"``; the stale update is dropped)."""

    symbol: str
    mode: str
    expected_seq: int
    received_seq: int
    anomaly: str = "gap"
    resubscribed: bool = False


@dataclass(slots=True)
class Disconnected:
    """The connection was lost (``close_code``/``reason`` when the server closed it; ``cause`` says what happened)."""

    close_code: int | None
    reason: str
    cause: str
    will_reconnect: bool


@dataclass(slots=True)
class Resumed:
    """After a reconnect (or a replay that continued live), just before the subscribe ack: which symbols continue
    right after the last ``seq`` the client held (``recovered``: no snapshot; in full mode exactly the missed ticks
    follow) and which got a fresh snapshot instead (``not_recovered``: epoch changed, too far behind)."""

    recovered: list[str]
    not_recovered: list[str]


@dataclass(slots=True)
class Reconnected:
    """Connected again after ``attempts`` tries; subscriptions are being restored (acks and snapshots follow)."""

    attempts: int
    connection_id: str | None


def symbol_refs(rows) -> list[SymbolRef]:
    return [SymbolRef(str(r[0]), int(r[1]), int(r[2]), int(r[3])) for r in rows]


def decode_control(m: list) -> Any:
    """Decodes every kind except quote/trade/snapshot (which need the symbol table)."""
    kind = m[0]
    if kind == SUBSCRIBE_ACK:
        return SubscribeAck(m[1], m[2], m[3], symbol_refs(m[4]),
                            recovered=[bool(x) for x in m[5]] if len(m) > 5 and isinstance(m[5], list) else None)
    if kind == ERROR:
        return ErrorMessage(m[1], m[2], m[3], m[4], m[5] if len(m) > 5 else None,
                            list(m[6]) if len(m) > 6 and m[6] is not None else None)
    if kind == HEARTBEAT:
        return Heartbeat(m[1])
    if kind == REPLAY_START:
        return ReplayStart(m[1], m[2], m[3], m[4], m[5], m[6], m[7], symbol_refs(m[8]))
    if kind == REPLAY_END:
        return ReplayEnd(m[1], m[2], m[3], m[4])
    if kind == STATUS:
        return Status(m[1], dict(m[2] or {}))
    if kind == PONG:
        return Pong(m[1], m[2], m[3])
    if kind == SYMBOL_DIRECTORY:
        # referencePrice (the 9th field) came later: an older server's 8-field rows get 0 ("none").
        return SymbolDirectory(m[1], [SymbolInfo(*(list(r[:9]) + [0] * (9 - len(r)))) for r in m[2]])
    if kind == UNSUBSCRIBE_ACK:
        return UnsubscribeAck(m[1], list(m[2]))
    if kind == CATALOG:
        return Catalog(m[1], [CatalogEntry(r[0], list(r[1]), r[2], r[3], r[4]) for r in m[2]])
    if kind == BARS:
        return Bars(m[1], m[2], m[3], m[4], m[5],
                    [Bar(b[0], b[1], b[2], b[3], b[4], b[5], b[6], "mid" if b[7] == 1 else "trades", bool(b[8]))
                     for b in m[6]], bool(m[7]))
    if kind == REPLAY_STATUS:
        return ReplayStatus(m[1], m[2], m[3], m[4], m[5] if len(m) > 5 else 0)
    return UnknownMessage(kind, list(m[1:]))
