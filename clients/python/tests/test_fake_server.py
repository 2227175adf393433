"""Client behaviour that a healthy server never shows, driven by a scripted WebSocket server (unit tests of the
client class): a full-mode sequence gap, a silent link (heartbeat timeout), and a frame with an unknown kind and
appended fields."""
from __future__ import annotations

import asyncio
import json

import msgpack
import websockets
from conftest import run

import marketfeed as mf

WELCOME = [9, "welcome", {"server": "MarketFeed", "protocol": 1, "connectionId": "f1", "heartbeatMs": 1000}]
FAST_WELCOME = [9, "welcome", {"server": "MarketFeed", "protocol": 1, "connectionId": "f2", "heartbeatMs": 100}]


async def _fake(handler):
    async def quiet(ws, path=None):
        try:
            await handler(ws)
        except websockets.exceptions.ConnectionClosed:
            pass  # the client went away: expected at the end of every test

    server = await websockets.serve(quiet, "127.0.0.1", 0, subprotocols=["marketfeed.v1"])
    port = server.sockets[0].getsockname()[1]
    return server, f"ws://127.0.0.1:{port}/ws/v1"


def _control(raw):
    return msgpack.unpackb(raw, raw=False) if isinstance(raw, bytes) else json.loads(raw)


def test_full_mode_gap_is_reported_and_the_symbol_resubscribed():
    received = []

    async def handler(ws, path=None):
        await ws.send(msgpack.packb([WELCOME]))
        async for raw in ws:
            request = _control(raw)
            received.append(request)
            rid = request["id"]
            if len(received) == 1:
                await ws.send(msgpack.packb([[3, rid, "full", 0, [["AAPL", 0, 4, 0]]],
                                             [4, 0, 5, 5, 10, 100, 1, 101, 1, 0, 0, 0, 0, 0, 0, 0]]))
                await ws.send(msgpack.packb([[1, 0, 6, 11, 100, 1, 101, 1], [1, 0, 8, 12, 100, 2, 101, 1]]))
            else:
                await ws.send(msgpack.packb([[3, rid, "full", 0, [["AAPL", 0, 4, 0]]],
                                             [4, 0, 8, 8, 12, 100, 2, 101, 1, 0, 0, 0, 0, 0, 0, 0],
                                             [1, 0, 9, 13, 100, 3, 101, 1]]))

    async def body():
        server, url = await _fake(handler)
        async with mf.MarketFeedClient(url) as client:
            await client.subscribe(["AAPL"], mode="full")
            items = []
            while len([m for m in items if isinstance(m, mf.Quote)]) < 3:
                items.append(await client.recv(timeout=5))
        server.close()
        return items

    items = run(body())
    kinds = [type(m).__name__ for m in items if not isinstance(m, (mf.Status, mf.Heartbeat))]
    assert kinds == ["SubscribeAck", "Snapshot", "Quote", "SequenceGap", "Quote", "SubscribeAck", "Snapshot", "Quote"]
    gap = next(m for m in items if isinstance(m, mf.SequenceGap))
    assert (gap.symbol, gap.expected_seq, gap.received_seq, gap.resubscribed) == ("AAPL", 7, 8, True)
    assert received[1]["op"] == "subscribe" and received[1]["symbols"] == ["AAPL"] and received[1]["mode"] == "full"


def test_silent_link_times_out_and_reconnects():
    connections = []

    async def handler(ws, path=None):
        connections.append(ws)
        await ws.send(msgpack.packb([FAST_WELCOME]))  # then nothing: no heartbeat, no data
        try:
            await ws.wait_closed()
        except Exception:  # noqa: BLE001
            pass

    async def body():
        server, url = await _fake(handler)
        client = mf.MarketFeedClient(url, backoff_initial=0.05)
        await client.connect()
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        lost = await client.recv(timeout=5)
        while not isinstance(lost, mf.Disconnected):
            lost = await client.recv(timeout=5)
        silent_for = loop.time() - t0
        again = await client.recv(timeout=5)
        while isinstance(again, mf.Status):  # the new connection's welcome
            again = await client.recv(timeout=5)
        await client.close()
        server.close()
        return lost, silent_for, again

    lost, silent_for, again = run(body())
    assert lost.cause == "heartbeat_timeout" and lost.will_reconnect
    assert 0.25 <= silent_for < 2.0  # 3 x heartbeatMs (100 ms), checked every half interval
    assert isinstance(again, mf.Reconnected) and len(connections) == 2


def test_unknown_kinds_and_appended_fields_are_tolerated():
    async def handler(ws, path=None):
        await ws.send(msgpack.packb([WELCOME]))
        async for raw in ws:
            rid = _control(raw)["id"]
            await ws.send(msgpack.packb([
                [3, rid, "conflated", 0, [["BTCUSDT", 7, 2, 3]], "future"],
                [99, "from", "a", "newer", "server"],
                [2, 7, 1, 1000, 6512345, 1500, 2, 1500, 1, 1, "appended"],
            ]))

    async def body():
        server, url = await _fake(handler)
        async with mf.MarketFeedClient(url) as client:
            await client.subscribe(["BTCUSDT"])
            items = [await client.recv(timeout=5) for _ in range(4)]
        server.close()
        return items

    _, _, unknown, trade = run(body())
    assert isinstance(unknown, mf.UnknownMessage) and unknown.kind == 99
    assert isinstance(trade, mf.Trade)
    assert (trade.price_decimal, trade.size_decimal, trade.side, trade.flags) == (
        mf.to_decimal(6512345, 2), mf.to_decimal(1500, 3), 2, 1)
    assert str(trade.price_decimal) == "65123.45" and str(trade.size_decimal) == "1.500"
