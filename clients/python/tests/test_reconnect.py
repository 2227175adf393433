"""Reconnect with resubscribe against a real server that is stopped and started again on the same port."""
from __future__ import annotations

import asyncio

from conftest import run

import marketfeed as mf


def test_server_restart_reconnects_and_resubscribes(own_server):
    async def body():
        client = mf.MarketFeedClient(own_server.url, backoff_initial=0.1, backoff_max=0.5)
        await client.connect()
        first_connection = client.welcome["connectionId"]
        await client.subscribe(["AAPL"], mode="full")
        await client.subscribe(["MSFT"], mode="conflated", throttle=5)
        seen = 0
        while seen < 10:
            if isinstance(await client.recv(timeout=10), (mf.Quote, mf.Trade)):
                seen += 1

        await asyncio.to_thread(own_server.stop)  # graceful: the server closes with 1001 (going away)
        events = []
        while True:
            m = await client.recv(timeout=20)
            if isinstance(m, mf.Disconnected):
                events.append(m)
                break
        assert events[0].will_reconnect and client.state == "reconnecting"
        assert events[0].close_code in (mf.CloseCode.GOING_AWAY, None), events[0]

        await asyncio.to_thread(own_server.start)
        acks, snapshots, after = [], {}, {"AAPL": [], "MSFT": []}
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 30
        while len(after["AAPL"]) < 50 or len(after["MSFT"]) < 2:
            m = await client.recv(timeout=max(0.01, deadline - loop.time()))
            if isinstance(m, mf.Reconnected):
                assert m.connection_id is not None
            elif isinstance(m, mf.SubscribeAck):
                acks.append((m.mode, m.throttle, [s.symbol for s in m.symbols]))
            elif isinstance(m, mf.Snapshot):
                snapshots[m.symbol] = m
            elif isinstance(m, (mf.Quote, mf.Trade)) and m.symbol in snapshots:
                after[m.symbol].append(m)
            assert not isinstance(m, mf.SequenceGap), m
        # One subscribe per (mode, throttle) group, as held before the restart.
        assert sorted(acks) == [("conflated", 5, ["MSFT"]), ("full", 0, ["AAPL"])]
        seqs = [t.seq for t in after["AAPL"]]
        start = snapshots["AAPL"].seq
        assert seqs == list(range(start + 1, start + 1 + len(seqs)))
        assert client.state == "connected" and client.welcome["connectionId"] is not None
        assert first_connection is not None
        await client.close()

    run(body(), timeout=120)
