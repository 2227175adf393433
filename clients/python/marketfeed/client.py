"""asyncio client for the MarketFeed WebSocket protocol (docs/protocol.md)."""
from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Iterable

import msgpack
import websockets

from . import messages as k
from .errors import CloseCode, MarketFeedConnectionError, MarketFeedError
from .fixed_point import to_ns
from .messages import (
    Disconnected, ErrorMessage, Quote, Reconnected, ReplayEnd, ReplayStart, Resumed, SequenceGap, Snapshot, Status,
    SubscribeAck, SymbolRef, Trade,
)
from .sequence import SequenceTracker
from .stream import MessageStream

DEFAULT_URL = "ws://127.0.0.1:5080/ws/v1"
SUBPROTOCOL = "marketfeed.v1"

_CLOSED = object()  # end-of-stream marker in the queue


@dataclass
class _Pending:
    future: asyncio.Future
    collect_errors: bool  # subscribe: per-symbol errors come before the ack and belong to it
    errors: list = field(default_factory=list)


@dataclass
class _Subscription:
    mode: str
    throttle: int


class MarketFeedClient:
    """One connection to a MarketFeed server, with reconnect and resubscribe.

    Everything the server sends (and the client's own events: :class:`SequenceGap`, :class:`Disconnected`,
    :class:`Reconnected`) arrives in order through ``async for message in client`` (or :meth:`recv`). Requests
    (:meth:`subscribe`, :meth:`replay`, ...) await their reply by request id and raise :class:`MarketFeedError` with
    the documented code when the server answers with an error.

    The stream is a bounded queue (``queue_size``): when the application stops reading, the client stops reading
    the socket (nothing is dropped in the client; the server then applies its slow-consumer rules, and paces a
    full-mode replay at "max" speed). Replies are read from the same socket, so keep consuming the stream while
    awaiting a request.
    """

    def __init__(
        self,
        url: str = DEFAULT_URL,
        *,
        reconnect: bool = True,
        connect_timeout: float = 10.0,
        request_timeout: float = 10.0,
        heartbeat_misses: int = 3,
        backoff_initial: float = 0.25,
        backoff_max: float = 10.0,
        backoff_jitter: float = 0.2,
        queue_size: int = 10_000,
        resubscribe_on_gap: bool = True,
        resume: bool = True,
    ):
        self.url = url
        self.reconnect = reconnect
        self.connect_timeout = connect_timeout
        self.request_timeout = request_timeout
        self.heartbeat_misses = heartbeat_misses
        self.backoff_initial = backoff_initial
        self.backoff_max = backoff_max
        self.backoff_jitter = backoff_jitter
        self.resubscribe_on_gap = resubscribe_on_gap
        #: Resume on reconnect (protocol 7.1): the resubscribe carries the lost connection's epoch and each symbol's
        #: last seq; a :class:`Resumed` event (before the ack) says which symbols continued without a snapshot.
        self.resume = resume
        #: Details of the last welcome status (connectionId, heartbeatMs, limits); None before the first.
        self.welcome: dict[str, Any] | None = None
        #: "idle", "connecting", "connected", "reconnecting", "closed".
        self.state = "idle"
        #: Close code and reason of the last disconnect, if any.
        self.last_disconnect: Disconnected | None = None
        self._queue = MessageStream(queue_size)
        self._ws = None
        self._reader: asyncio.Task | None = None
        self._watchdog: asyncio.Task | None = None
        self._reconnector: asyncio.Task | None = None
        self._welcome_event: asyncio.Event | None = None
        self._pending: dict[int, _Pending] = {}
        self._next_id = 0
        self._last_receive = 0.0
        self._closing = False
        self._subs: dict[str, _Subscription] = {}  # what the application asked for (restored on reconnect)
        self._ids: dict[int, SymbolRef] = {}  # symbol id on this connection -> symbol (live and replay)
        self._trackers: dict[int, SequenceTracker] = {}
        self._repairing: set[str] = set()  # symbols resubscribed after a gap, not yet acked
        self._replays: dict[int, ReplayStart] = {}  # running replays on this connection
        self._latest: dict[str, dict[str, Any]] = {}
        self._heartbeat_lost = False
        self._blocked = False  # the reader waits for the application to make room in the stream
        self._event_tasks: set[asyncio.Task] = set()  # fire-and-forget sends (gap repairs), kept from the GC
        self._resumable: dict[str, SequenceTracker] = {}  # live symbol -> its tracker when the connection was lost
        self._resume_epoch: int | None = None  # the epoch those seqs come from

    # ---- connection ----

    async def connect(self) -> "MarketFeedClient":
        """Connects and waits for the welcome; raises :class:`MarketFeedConnectionError` if that fails."""
        self._closing = False
        self.state = "connecting"
        try:
            await self._open()
        except MarketFeedConnectionError:
            self.state = "closed"
            raise
        self.state = "connected"
        return self

    async def close(self) -> None:
        """Closes for good (no reconnect); the stream ends after what was already received."""
        self._closing = True
        for task in (self._reconnector, self._watchdog):
            if task is not None and task is not asyncio.current_task():
                task.cancel()
        ws = self._ws
        if ws is not None:
            try:
                await asyncio.wait_for(ws.close(), 2.0)
            except (asyncio.TimeoutError, Exception):  # noqa: BLE001 - closing anyway
                _abort(ws)
        if self._reader is not None:
            try:
                await asyncio.wait_for(asyncio.shield(self._reader), 2.0)
            except (asyncio.TimeoutError, asyncio.CancelledError, Exception):  # noqa: BLE001
                self._reader.cancel()
        self.state = "closed"
        self._fail_pending(MarketFeedConnectionError("client closed"))
        self._put_nowait(_CLOSED)

    async def __aenter__(self) -> "MarketFeedClient":
        return await self.connect()

    async def __aexit__(self, *exc) -> None:
        await self.close()

    async def _open(self) -> None:
        self._welcome_event = asyncio.Event()
        try:
            ws = await asyncio.wait_for(
                websockets.connect(self.url, subprotocols=[SUBPROTOCOL], max_size=None, ping_interval=None,
                                   close_timeout=2),
                self.connect_timeout)
        except (OSError, asyncio.TimeoutError, websockets.exceptions.WebSocketException) as e:
            raise MarketFeedConnectionError(f"cannot connect to {self.url}: {e or type(e).__name__}") from e
        self._ws = ws
        self._ids = {}
        self._trackers = {}
        self._repairing = set()
        self._last_receive = asyncio.get_running_loop().time()
        self._reader = asyncio.create_task(self._read_loop(ws))
        try:
            await asyncio.wait_for(self._welcome_event.wait(), self.connect_timeout)
        except asyncio.TimeoutError as e:
            _abort(ws)
            raise MarketFeedConnectionError(f"no welcome from {self.url} within {self.connect_timeout} s") from e
        if self._ws is not ws:  # lost between the welcome and here
            raise MarketFeedConnectionError(f"connection to {self.url} lost right after the welcome")
        if self._watchdog is None or self._watchdog.done():
            self._watchdog = asyncio.create_task(self._watch_heartbeats())

    async def _read_loop(self, ws) -> None:
        close_code, reason, cause = None, "", "closed"
        loop = asyncio.get_running_loop()
        try:
            async for frame in ws:
                self._last_receive = loop.time()
                if isinstance(frame, str):
                    continue  # the server sends binary frames only
                queue = self._queue
                for m in msgpack.unpackb(frame, raw=False, strict_map_key=False):
                    if m[0] == k.QUOTE or m[0] == k.TRADE:
                        event, msg = self._tick(m)
                        if event is not None:
                            await self._emit(event)
                        if msg is not None:
                            if queue.full():
                                await self._emit(msg)
                            else:
                                queue.put_nowait(msg)
                    else:
                        await self._dispatch(m)
        except websockets.exceptions.ConnectionClosed:
            pass
        except asyncio.CancelledError:
            cause = "cancelled"
            raise
        except Exception as e:  # noqa: BLE001 - a malformed frame or a bug: drop the link, report it
            cause = f"receive failed: {type(e).__name__}: {e}"
            _abort(ws)
        finally:
            close_code, reason = _close_info(ws)
            if self._heartbeat_lost:
                cause, self._heartbeat_lost = "heartbeat_timeout", False
            if self._ws is ws:
                self._ws = None
                if cause != "cancelled":
                    self._on_lost(close_code, reason, cause)

    def _on_lost(self, close_code: int | None, reason: str, cause: str) -> None:
        will = self.reconnect and not self._closing and close_code not in CloseCode.NO_RECONNECT \
            and self.state != "connecting"
        info = Disconnected(close_code, reason, cause, will)
        self.last_disconnect = info
        self._fail_pending(MarketFeedConnectionError(f"connection lost ({cause}, close code {close_code})",
                                                     close_code, reason))
        if self._closing:
            return
        # Where each live symbol stands, for the resume on reconnect (kept across failed attempts).
        if self.resume and self._ids:
            epoch = (self.welcome or {}).get("epoch")
            if epoch != self._resume_epoch:
                self._resumable = {}
            self._resume_epoch = epoch
            for sid, ref in self._ids.items():
                tracker = self._trackers.get(sid)
                if sid < 1 << 20 and tracker is not None and tracker.last_seq > 0 and ref.symbol not in self._repairing:
                    self._resumable[ref.symbol] = tracker
        for replay_id in list(self._replays):  # a replay lives on its connection only
            self._put_nowait(ReplayEnd(0, replay_id, "connection_lost", None))
        self._replays.clear()
        self._put_nowait(info)
        if will:
            self.state = "reconnecting"
            if self._reconnector is None or self._reconnector.done():
                self._reconnector = asyncio.create_task(self._reconnect_loop())
        elif self.state != "connecting":
            self.state = "closed"
            self._put_nowait(_CLOSED)

    async def _reconnect_loop(self) -> None:
        delay = self.backoff_initial
        attempts = 0
        while not self._closing:
            attempts += 1
            await asyncio.sleep(delay * (1 + random.uniform(-self.backoff_jitter, self.backoff_jitter)))
            try:
                await self._open()
            except MarketFeedConnectionError:
                delay = min(delay * 2, self.backoff_max)
                continue
            self.state = "connected"
            await self._emit(Reconnected(attempts, (self.welcome or {}).get("connectionId")))
            await self._restore_subscriptions()
            if self._ws is not None:
                return
            delay = self.backoff_initial  # lost again while restoring: start over

    async def _restore_subscriptions(self) -> None:
        # One subscribe per (mode, throttle) group of what the application holds. With resume (protocol 7.1) it
        # carries the lost connection's epoch and each symbol's last seq: recovered symbols continue without a
        # snapshot (the ack's `recovered`, reported as a Resumed event); the others are rebuilt from snapshots.
        groups: dict[tuple[str, int], list[str]] = {}
        for symbol, sub in self._subs.items():
            groups.setdefault((sub.mode, sub.throttle), []).append(symbol)
        for (mode, throttle), symbols in groups.items():
            extra: dict[str, Any] = {}
            if self.resume and self._resume_epoch:
                pairs = [[s, self._resumable[s].last_seq] for s in symbols
                         if s in self._resumable and self._resumable[s].mode == mode]
                if pairs:
                    extra = {"epoch": self._resume_epoch, "resume": pairs}
            try:
                await self._subscribe(symbols, mode, throttle, True, extra)
            except (MarketFeedError, MarketFeedConnectionError, asyncio.TimeoutError) as e:
                await self._emit(ErrorMessage(0, getattr(e, "code", 0), getattr(e, "code_name", "resubscribe"),
                                                   f"resubscribe failed: {e}", None))
                return

    async def _watch_heartbeats(self) -> None:
        loop = asyncio.get_running_loop()
        while not self._closing:
            hb = max(0.05, float((self.welcome or {}).get("heartbeatMs", 1000)) / 1000.0)
            await asyncio.sleep(hb / 2)
            ws = self._ws
            # Time spent waiting for the application to read is not silence on the link.
            if ws is not None and not self._blocked and loop.time() - self._last_receive > self.heartbeat_misses * hb:
                self._heartbeat_lost = True
                _abort(ws)

    # ---- stream ----

    def __aiter__(self) -> AsyncIterator[Any]:
        return self._iterate()

    async def _iterate(self):
        while True:
            item = await self._queue.get()
            if item is _CLOSED:
                self._put_nowait(_CLOSED)  # keep the stream ended for other readers
                return
            yield item

    async def recv(self, timeout: float | None = None) -> Any:
        """The next message or event; raises ``asyncio.TimeoutError`` after ``timeout`` s, and
        :class:`MarketFeedConnectionError` once the stream has ended for good."""
        item = await asyncio.wait_for(self._queue.get(), timeout)
        if item is _CLOSED:
            self._put_nowait(_CLOSED)
            raise MarketFeedConnectionError("the connection is closed", (self.last_disconnect or Disconnected(None, "", "", False)).close_code)
        return item

    @property
    def reading_paused(self) -> bool:
        """True while the stream is full and the client has stopped reading the socket until the application reads."""
        return self._blocked

    @property
    def pending_messages(self) -> int:
        """Messages and events waiting in the stream."""
        return self._queue.qsize()

    def symbol(self, symbol_id: int) -> SymbolRef | None:
        """The symbol with this id on the current connection (live or replay)."""
        return self._ids.get(symbol_id)

    def latest(self, symbol: str) -> dict[str, Any]:
        """The last snapshot, quote and trade received for a symbol (keys "snapshot", "quote", "trade")."""
        return self._latest.get(symbol, {})

    def _put_nowait(self, item: Any) -> None:
        """Queues a client event from a callback; past a full stream rather than dropping it (events are few)."""
        self._queue.put_nowait(item)

    async def _emit(self, item: Any) -> None:
        """Queues an item from the reader; waits (without reading the socket) while the stream is full."""
        if not self._queue.full():
            self._queue.put_nowait(item)
            return
        self._blocked = True
        try:
            await self._queue.put(item)
        finally:
            self._blocked = False
            self._last_receive = asyncio.get_running_loop().time()

    # ---- receive ----

    def _tick(self, m: list) -> tuple[Any, Any]:
        """Decodes and checks a quote or trade: (event or None, update or None). Synchronous: it runs per tick."""
        kind = m[0]
        ref = self._ids.get(m[1])
        if ref is None:
            return None, None  # an update for a symbol this connection no longer holds (after unsubscribe)
        if kind == k.QUOTE:
            msg = Quote(ref.symbol, m[1], m[2], m[3], m[4], m[5], m[6], m[7], ref.price_decimals, ref.size_decimals,
                        m[8] if len(m) > 8 and type(m[8]) is int else 0)
        else:
            msg = Trade(ref.symbol, m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8], ref.price_decimals,
                        ref.size_decimals, m[9] if len(m) > 9 and type(m[9]) is int else 0)
        event = None
        tracker = self._trackers.get(m[1])
        if tracker is not None:
            accept, expected = tracker.observe(kind == k.QUOTE, msg.seq)
            if not accept:
                return SequenceGap(ref.symbol, tracker.mode, expected, msg.seq, "backward"), None
            if tracker.mode == "full" and msg.seq != expected and expected != 1:
                event = self._on_gap(ref, tracker, expected, msg.seq)
        latest = self._latest.get(ref.symbol)
        if latest is None:
            latest = self._latest[ref.symbol] = {}
        latest["quote" if kind == k.QUOTE else "trade"] = msg
        return event, msg

    async def _dispatch(self, m: list) -> None:
        kind = m[0]
        if kind == k.SNAPSHOT:
            ref = self._ids.get(m[1])
            if ref is None:
                return
            msg = Snapshot(ref.symbol, *m[1:16], ref.price_decimals, ref.size_decimals)
            tracker = self._trackers.get(m[1])
            if tracker is not None:
                tracker.reset(msg.seq, msg.quote_seq, msg.trade_seq)
            self._latest.setdefault(ref.symbol, {})["snapshot"] = msg
            await self._emit(msg)
            return
        msg = k.decode_control(m)
        if kind == k.STATUS and msg.state == "welcome":
            self.welcome = msg.details
            if self._welcome_event is not None:
                self._welcome_event.set()
        elif kind == k.SUBSCRIBE_ACK:
            recovered: list[str] = []
            not_recovered: list[str] = []
            for i, ref in enumerate(msg.symbols):
                # Held from the ack on (not when the caller resumes): updates right behind it may need a repair.
                self._subs[ref.symbol] = _Subscription(msg.mode, msg.throttle)
                self._ids[ref.symbol_id] = ref
                held = self._resumable.pop(ref.symbol, None) if msg.recovered is not None else None
                if msg.recovered is not None and i < len(msg.recovered) and msg.recovered[i] and held is not None:
                    # Recovered: no snapshot comes; the sequence check carries on right after what we hold.
                    tracker = SequenceTracker(msg.mode)
                    tracker.reset(held.last_seq, held.last_quote_seq, held.last_trade_seq)
                    self._trackers[ref.symbol_id] = tracker
                    recovered.append(ref.symbol)
                else:
                    self._trackers[ref.symbol_id] = SequenceTracker(msg.mode)
                    if msg.recovered is not None:
                        not_recovered.append(ref.symbol)
                self._repairing.discard(ref.symbol)
            if msg.recovered is not None:
                await self._emit(Resumed(recovered, not_recovered))
        elif kind == k.REPLAY_START:
            self._replays[msg.replay_id] = msg
            for ref in msg.symbols:
                self._ids[ref.symbol_id] = ref
                self._trackers[ref.symbol_id] = SequenceTracker(msg.mode)
        elif kind == k.REPLAY_END:
            start = self._replays.pop(msg.replay_id, None)
            if start is not None and msg.reason == "live":
                # The replay continues live (protocol 6.1): the live ack that follows carries each symbol's
                # sequence on from where the replay left it.
                for ref in start.symbols:
                    tracker = self._trackers.get(ref.symbol_id)
                    if tracker is not None:
                        self._resumable[ref.symbol] = tracker
        elif kind == k.UNSUBSCRIBE_ACK:
            removed = set(msg.symbols)
            for sid in [sid for sid, ref in self._ids.items() if ref.symbol in removed and sid < 1 << 20]:
                del self._ids[sid]
                self._trackers.pop(sid, None)
        self._resolve(kind, msg)
        await self._emit(msg)

    def _resolve(self, kind: int, msg: Any) -> None:
        rid = getattr(msg, "request_id", 0)
        pending = self._pending.get(rid) if rid else None
        if pending is None or pending.future.done():
            return
        if kind == k.ERROR:
            if pending.collect_errors and msg.symbol is not None:
                pending.errors.append(msg.error)  # the ack follows
            else:
                pending.future.set_exception(msg.error)
            return
        if kind == k.SUBSCRIBE_ACK:
            msg.errors = pending.errors
        pending.future.set_result(msg)

    def _on_gap(self, ref: SymbolRef, tracker: SequenceTracker, expected: int, received: int) -> SequenceGap:
        live = ref.symbol_id < 1 << 20
        resubscribe = live and self.resubscribe_on_gap and ref.symbol not in self._repairing and ref.symbol in self._subs
        if resubscribe:
            self._repairing.add(ref.symbol)
            sub = self._subs[ref.symbol]
            # Not awaited here (the reply arrives on this very loop): the ack and snapshot reset the baseline.
            task = asyncio.get_running_loop().create_task(self._send_quietly(
                {"op": "subscribe", "id": self._new_id(), "symbols": [ref.symbol], "mode": sub.mode,
                 "throttle": sub.throttle, "snapshot": True}))
            self._event_tasks.add(task)
            task.add_done_callback(self._event_tasks.discard)
        return SequenceGap(ref.symbol, tracker.mode, expected, received, "gap", resubscribe)

    async def _send_quietly(self, message: dict) -> None:
        try:
            await self._send(message)
        except MarketFeedConnectionError:
            pass  # the connection is gone; reconnect resubscribes everything

    def _fail_pending(self, error: Exception) -> None:
        for pending in self._pending.values():
            if not pending.future.done():
                pending.future.set_exception(error)
                pending.future.exception()  # mark retrieved: nobody may be waiting any more

    # ---- requests ----

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    async def _send(self, message: dict) -> None:
        ws = self._ws
        if ws is None:
            raise MarketFeedConnectionError("not connected" + (" (reconnecting)" if self.state == "reconnecting" else ""))
        try:
            await ws.send(msgpack.packb(message, use_bin_type=True))
        except websockets.exceptions.ConnectionClosed as e:
            raise MarketFeedConnectionError(f"connection lost while sending: {e}") from e

    async def request(self, message: dict, *, collect_errors: bool = False) -> Any:
        """Sends a control message (an ``id`` is added) and returns its reply; an error reply raises
        :class:`MarketFeedError`, no reply within ``request_timeout`` raises ``asyncio.TimeoutError``."""
        rid = self._new_id()
        message = dict(message, id=rid)
        future = asyncio.get_running_loop().create_future()
        self._pending[rid] = _Pending(future, collect_errors)
        try:
            await self._send(message)
            return await asyncio.wait_for(future, self.request_timeout)
        finally:
            self._pending.pop(rid, None)

    async def subscribe(self, symbols: Iterable[str], mode: str = "conflated", throttle: int = 0,
                        snapshot: bool = True) -> SubscribeAck:
        """Subscribes (``mode`` "conflated" or "full"); returns the ack, whose ``errors`` list the symbols that were
        not subscribed (404 unknown_symbol, 422 limit_exceeded, ...). Held symbols are restored on reconnect."""
        symbols = [symbols] if isinstance(symbols, str) else list(symbols)
        return await self._subscribe(symbols, mode, throttle, snapshot)

    async def _subscribe(self, symbols: list[str], mode: str, throttle: int, snapshot: bool,
                         extra: dict[str, Any] | None = None) -> SubscribeAck:
        return await self.request({"op": "subscribe", "symbols": symbols, "mode": mode, "throttle": throttle,
                                   "snapshot": snapshot, **(extra or {})}, collect_errors=True)

    async def unsubscribe(self, symbols: Iterable[str]) -> list[str]:
        """Unsubscribes (``["*"]`` = all); returns the symbols actually removed."""
        symbols = [symbols] if isinstance(symbols, str) else list(symbols)
        ack = await self.request({"op": "unsubscribe", "symbols": symbols})
        for s in ack.symbols:
            self._subs.pop(s, None)
        if "*" in symbols:
            self._subs.clear()
        return ack.symbols

    async def ping(self) -> float:
        """Round-trip time in seconds."""
        import time

        t0 = time.time_ns()
        pong = await self.request({"op": "ping", "time": t0})
        return (time.time_ns() - pong.client_time) / 1e9

    async def symbols(self, match: str | None = None) -> list[k.SymbolInfo]:
        """The symbol directory (optionally names starting with ``match``, case-insensitive)."""
        message: dict[str, Any] = {"op": "symbols"}
        if match:
            message["match"] = match
        return (await self.request(message)).symbols

    async def catalog(self) -> list[k.CatalogEntry]:
        """Datasets the server can replay."""
        return (await self.request({"op": "catalog"})).datasets

    async def bars(self, symbol: str, interval: str, from_=None, to=None, last: int | None = None,
                   dataset: str | None = None) -> k.Bars:
        """OHLCV bars of one symbol (protocol 4.11) of the live feed, or of ``dataset``. ``interval``: "1s", "1m",
        "5m" ...; ``from_``/``to`` select bars by start; ``last`` keeps the newest N. One reply: check ``complete``."""
        message: dict[str, Any] = {"op": "bars", "symbol": symbol, "interval": interval}
        if from_ is not None:
            message["from"] = to_ns(from_)
        if to is not None:
            message["to"] = to_ns(to)
        if last is not None:
            message["last"] = last
        if dataset is not None:
            message["dataset"] = dataset
        return await self.request(message)

    async def replay(self, dataset: str, symbols: Iterable[str] | None = None, from_=None, to=None,
                     speed: float | str = 1, mode: str = "full", throttle: int | None = None,
                     continue_live: bool = False) -> ReplayStart:
        """Starts a replay (protocol section 6). ``from_``/``to``: int ns, ISO-8601 text, datetime or pandas
        Timestamp; ``speed``: a multiplier or "max". The ticks and the :class:`ReplayEnd` follow in the stream.
        ``continue_live``: at the end the replay's symbols continue live (protocol 6.1: reason "live", then a
        :class:`Resumed` event and the live ack; today's live recording joins without a gap)."""
        message: dict[str, Any] = {"op": "replay", "dataset": dataset, "speed": speed, "mode": mode}
        if continue_live:
            message["continueLive"] = True
        if symbols is not None:
            message["symbols"] = [symbols] if isinstance(symbols, str) else list(symbols)
        if from_ is not None:
            message["from"] = to_ns(from_)
        if to is not None:
            message["to"] = to_ns(to)
        if throttle is not None:
            message["throttle"] = throttle
        return await self.request(message)

    async def replay_pause(self, replay_id: int) -> k.ReplayStatus:
        return await self.request({"op": "replay.pause", "replayId": replay_id})

    async def replay_resume(self, replay_id: int) -> k.ReplayStatus:
        return await self.request({"op": "replay.resume", "replayId": replay_id})

    async def replay_speed(self, replay_id: int, speed: float | str) -> k.ReplayStatus:
        return await self.request({"op": "replay.speed", "replayId": replay_id, "speed": speed})

    async def replay_seek(self, replay_id: int, time) -> k.ReplayStatus:
        """Moves the replay; a snapshot of each replay symbol at the new position follows the status."""
        return await self.request({"op": "replay.seek", "replayId": replay_id, "time": to_ns(time)})

    async def replay_stop(self, replay_id: int) -> ReplayEnd:
        return await self.request({"op": "replay.stop", "replayId": replay_id})


def _abort(ws) -> None:
    transport = getattr(ws, "transport", None)
    if transport is not None:
        transport.abort()


def _close_info(ws) -> tuple[int | None, str]:
    rcvd = getattr(ws, "close_rcvd", None)  # websockets >= 10
    if rcvd is not None:
        return rcvd.code, rcvd.reason
    code = getattr(ws, "close_code", None)
    return (code if code not in (1005, 1006) else None), getattr(ws, "close_reason", "") or ""
