"""pandas DataFrames of replays and live captures (docs/python.md "DataFrame schema").

One row per quote or trade, in arrival order, indexed by the tick's exchange time (``timestamp``, a nanosecond
``DatetimeIndex`` in UTC). Prices and sizes stay fixed-point integers (nullable ``Int64``; the other kind's columns
are ``<NA>``) with ``price_decimals``/``size_decimals`` per row; ``values="decimal"`` turns them into exact
``decimal.Decimal`` objects, ``values="float"`` into float64 (lossy, opt-in). Bars come from
``bars_to_dataframe`` (the server's OHLCV bars, protocol 4.11), one row per bar indexed by its UTC start.
"""
from __future__ import annotations

import asyncio
from decimal import Decimal
from operator import attrgetter
from typing import Any, Iterable

from .client import DEFAULT_URL, MarketFeedClient
from .errors import MarketFeedConnectionError
from .messages import Disconnected, Quote, ReplayEnd, SequenceGap, Trade

COLUMNS = ["symbol", "kind", "seq", "bid_price", "bid_size", "ask_price", "ask_size", "price", "size", "side",
           "cum_volume", "trade_count", "flags", "price_decimals", "size_decimals"]
_PRICE_COLUMNS = ("bid_price", "ask_price", "price")
_SIZE_COLUMNS = ("bid_size", "ask_size", "size", "cum_volume")


def ticks_to_dataframe(ticks: Iterable[Quote | Trade], values: str = "int"):
    """A DataFrame of quotes and trades (other items are skipped); see the module doc for the schema."""
    import numpy as np
    import pandas as pd

    if values not in ("int", "decimal", "float"):
        raise ValueError('values must be "int", "decimal" or "float"')
    ticks = [t for t in ticks if type(t) is Quote or type(t) is Trade]
    n = len(ticks)
    # Column by column with numpy and attrgetter (a row loop building Python lists was the bottleneck); the other
    # kind's slots of a column are masked (<NA>).
    is_quote = np.fromiter((type(t) is Quote for t in ticks), bool, n)
    is_trade = ~is_quote
    quotes = [t for t in ticks if type(t) is Quote]
    trades = [t for t in ticks if type(t) is Trade]

    def ints(attr: str, dtype=np.int64):
        return np.fromiter(map(attrgetter(attr), ticks), dtype, n)

    def nullable(attr: str, rows: list, present, dtype=np.int64):
        values = np.zeros(n, dtype)
        values[present] = np.fromiter(map(attrgetter(attr), rows), dtype, len(rows))
        return pd.arrays.IntegerArray(values, ~present)

    index = pd.DatetimeIndex(pd.to_datetime(ints("timestamp"), unit="ns", utc=True), name="timestamp")
    frame = pd.DataFrame(
        {
            "symbol": np.array([t.symbol for t in ticks], dtype=object),
            "kind": np.where(is_quote, "Q", "T").astype(object),
            "seq": ints("seq"),
            "bid_price": nullable("bid_price", quotes, is_quote),
            "bid_size": nullable("bid_size", quotes, is_quote),
            "ask_price": nullable("ask_price", quotes, is_quote),
            "ask_size": nullable("ask_size", quotes, is_quote),
            "price": nullable("price", trades, is_trade),
            "size": nullable("size", trades, is_trade),
            "side": nullable("side", trades, is_trade, np.int8),
            "cum_volume": nullable("cum_volume", trades, is_trade),
            "trade_count": nullable("trade_count", trades, is_trade),
            "flags": ints("flags", np.int32),
            "price_decimals": ints("price_decimals", np.int8),
            "size_decimals": ints("size_decimals", np.int8),
        },
        index=index)
    if values != "int":
        frame = scale_values(frame, values)
    return frame


def scale_values(frame, values: str = "decimal"):
    """A copy with price and size columns in real units: exact ``Decimal`` objects, or float64 (lossy)."""
    out = frame.copy()
    for cols, dec_col in ((_PRICE_COLUMNS, "price_decimals"), (_SIZE_COLUMNS, "size_decimals")):
        for c in cols:
            if values == "decimal":
                out[c] = [None if v is None or v is frame[c].dtype.na_value or v != v else Decimal(int(v)).scaleb(-int(d))
                          for v, d in zip(frame[c].astype(object), frame[dec_col])]
            else:
                out[c] = frame[c].astype("float64") / (10.0 ** frame[dec_col].astype("float64"))
    return out


async def replay_to_dataframe(dataset: str, symbols: Iterable[str] | None = None, from_=None, to=None, *,
                              url: str = DEFAULT_URL, client: MarketFeedClient | None = None,
                              speed: float | str = "max", values: str = "int", timeout: float | None = None):
    """Replays ``dataset`` (optionally ``symbols`` and a ``from_``/``to`` window: int ns, ISO-8601, datetime or
    pandas Timestamp) in full mode and returns every tick as a DataFrame. Raises
    :class:`MarketFeedConnectionError` if the connection drops or the replay ends with a reason other than
    "completed" (a partial DataFrame would silently miss data), and RuntimeError on a sequence gap.
    ``df.attrs`` holds the replay start (dataset, range, symbols and scales) and the server's tick count."""
    own = client is None
    if own:
        client = MarketFeedClient(url, reconnect=False)
        await client.connect()
    try:
        return await asyncio.wait_for(_replay(client, dataset, symbols, from_, to, speed, values), timeout)
    finally:
        if own:
            await client.close()


async def _replay(client, dataset, symbols, from_, to, speed, values):
    start = await client.replay(dataset, symbols, from_, to, speed=speed, mode="full")
    ids = {s.symbol_id for s in start.symbols}
    ticks: list = []
    async for m in client:
        if isinstance(m, (Quote, Trade)):
            if m.symbol_id in ids:
                ticks.append(m)
        elif isinstance(m, SequenceGap) and m.symbol in {s.symbol for s in start.symbols}:
            raise RuntimeError(f"sequence gap in the replay of {m.symbol}: expected {m.expected_seq}, got {m.received_seq}")
        elif isinstance(m, ReplayEnd) and m.replay_id == start.replay_id:
            if m.reason != "completed":
                raise MarketFeedConnectionError(f"replay {start.replay_id} of {dataset} ended: {m.reason} after "
                                                f"{len(ticks)} ticks")
            if m.ticks_sent is not None and m.ticks_sent != len(ticks):
                raise RuntimeError(f"replay sent {m.ticks_sent} ticks, received {len(ticks)}")
            frame = ticks_to_dataframe(ticks, values)
            frame.attrs["replay"] = {"dataset": start.dataset, "from": start.from_ns, "to": start.to_ns,
                                     "replay_id": start.replay_id, "ticks_sent": m.ticks_sent,
                                     "symbols": {s.symbol: (s.price_decimals, s.size_decimals) for s in start.symbols}}
            return frame
    raise MarketFeedConnectionError("the connection closed before the replay ended")


async def capture_to_dataframe(symbols: Iterable[str], seconds: float, *, url: str = DEFAULT_URL,
                               client: MarketFeedClient | None = None, mode: str = "full", values: str = "int"):
    """Subscribes to ``symbols`` and returns what arrives during ``seconds`` as a DataFrame (snapshots are not rows;
    they are in ``df.attrs["snapshots"]``). A disconnect or a full-mode sequence gap is listed in
    ``df.attrs["gaps"]``/``df.attrs["disconnects"]`` rather than hidden."""
    own = client is None
    if own:
        client = MarketFeedClient(url, reconnect=True)
        await client.connect()
    try:
        ack = await client.subscribe(list(symbols), mode=mode)
        ids = {s.symbol for s in ack.symbols}
        ticks: list = []
        snapshots: dict[str, Any] = {}
        gaps: list = []
        disconnects: list = []
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while (left := deadline - loop.time()) > 0:
            try:
                m = await client.recv(timeout=left)
            except asyncio.TimeoutError:
                break
            if isinstance(m, (Quote, Trade)) and m.symbol in ids:
                ticks.append(m)
            elif isinstance(m, SequenceGap):
                gaps.append(m)
            elif isinstance(m, Disconnected):
                disconnects.append(m)
            elif type(m).__name__ == "Snapshot":
                snapshots[m.symbol] = m
        frame = ticks_to_dataframe(ticks, values)
        frame.attrs.update(snapshots=snapshots, gaps=gaps, disconnects=disconnects)
        return frame
    finally:
        if own:
            await client.close()
        else:
            await client.unsubscribe(list(symbols))


async def bars_to_dataframe(symbol: str, interval: str, from_=None, to=None, last: int | None = None,
                            dataset: str | None = None, url: str = DEFAULT_URL, client: MarketFeedClient | None = None,
                            values: str = "int"):
    """The server's OHLCV bars of ``symbol`` as a DataFrame indexed by bar start (ns, UTC), columns open, high,
    low, close, volume (fixed-point ``Int64`` unless ``values`` is "decimal" or "float"), count, basis ("trades" or
    "mid"), closed, price_decimals, size_decimals. Pages through the whole range (each reply holds at most the
    server's ``Bars:MaxBarsPerRequest``). Missing intervals are missing rows: a gap, never a flat bar."""
    import pandas as pd

    own = client is None
    if own:
        client = MarketFeedClient(url, reconnect=False)
        await client.connect()
    try:
        rows, page_from, scales = [], from_, (0, 0)
        while True:
            reply = await client.bars(symbol, interval, page_from, to, last, dataset)
            scales = (reply.price_decimals, reply.size_decimals)
            rows.extend(reply.bars)
            if reply.complete or not reply.bars or last is not None:
                break
            page_from = reply.bars[-1].start + 1
    finally:
        if own:
            await client.close()
    frame = pd.DataFrame({
        "open": pd.array([b.open for b in rows], dtype="Int64"),
        "high": pd.array([b.high for b in rows], dtype="Int64"),
        "low": pd.array([b.low for b in rows], dtype="Int64"),
        "close": pd.array([b.close for b in rows], dtype="Int64"),
        "volume": pd.array([b.volume for b in rows], dtype="Int64"),
        "count": pd.array([b.count for b in rows], dtype="Int64"),
        "basis": [b.basis for b in rows],
        "closed": [b.closed for b in rows],
        "price_decimals": scales[0],
        "size_decimals": scales[1],
    }, index=pd.DatetimeIndex(pd.to_datetime([b.start for b in rows], unit="ns", utc=True), name="start"))
    if values == "int":
        return frame
    if values not in ("decimal", "float"):
        raise ValueError('values must be "int", "decimal" or "float"')
    for column, decimals in (("open", scales[0]), ("high", scales[0]), ("low", scales[0]), ("close", scales[0]),
                             ("volume", scales[1])):
        exact = [Decimal(int(v)).scaleb(-decimals) for v in frame[column]]
        frame[column] = exact if values == "decimal" else [float(v) for v in exact]
    return frame
