"""Live subscriptions against the real server: both modes, with sequence checks done here independently of the
client's own tracker."""
from __future__ import annotations

import asyncio
from decimal import Decimal

from conftest import run

import marketfeed as mf


async def _collect(client, symbols, updates_per_symbol, limit_s=20.0):
    """Reads until every symbol has `updates_per_symbol` quotes/trades after its snapshot (bounded in time)."""
    got = {s: [] for s in symbols}
    snapshots, events = {}, []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit_s
    while any(len(v) < updates_per_symbol for v in got.values()):
        m = await client.recv(timeout=max(0.01, deadline - loop.time()))
        if isinstance(m, mf.Snapshot):
            snapshots[m.symbol] = m
        elif isinstance(m, (mf.Quote, mf.Trade)) and m.symbol in got:
            assert m.symbol in snapshots, "an update before the symbol's snapshot"
            got[m.symbol].append(m)
        elif isinstance(m, (mf.SequenceGap, mf.Disconnected)):
            events.append(m)
    return snapshots, got, events


def test_subscribe_full_mode_every_seq_follows_the_snapshot(server):
    async def body():
        async with mf.MarketFeedClient(server.url) as client:
            ack = await client.subscribe(["AAPL", "MSFT"], mode="full")
            assert ack.mode == "full" and ack.errors == []
            assert {s.symbol for s in ack.symbols} == {"AAPL", "MSFT"}
            snapshots, got, events = await _collect(client, ["AAPL", "MSFT"], 200)
            assert events == []
            for symbol, updates in got.items():
                seqs = [u.seq for u in updates]
                start = snapshots[symbol].seq
                assert seqs == list(range(start + 1, start + 1 + len(seqs))), f"{symbol}: not contiguous from {start}"
                trades = [u for u in updates if isinstance(u, mf.Trade)]
                assert trades, "the simulator trades"
                for prev, t in zip(trades, trades[1:]):
                    assert t.cum_volume == prev.cum_volume + t.size and t.trade_count == prev.trade_count + 1
                q = next(u for u in updates if isinstance(u, mf.Quote))
                assert isinstance(q.bid, Decimal) and q.bid == Decimal(q.bid_price).scaleb(-q.price_decimals)
                assert q.ask_price >= q.bid_price

    run(body())


def test_subscribe_conflated_mode_seq_never_goes_back_and_volume_adds_up(server):
    async def body():
        async with mf.MarketFeedClient(server.url) as client:
            ack = await client.subscribe(["NVDA", "AMZN"], mode="conflated", throttle=20)
            assert (ack.mode, ack.throttle) == ("conflated", 20)
            snapshots, got, events = await _collect(client, ["NVDA", "AMZN"], 30)
            assert events == []
            for symbol, updates in got.items():
                last = {"Quote": 0, "Trade": 0}
                for u in updates:
                    assert u.seq > last[type(u).__name__], f"{symbol}: seq went back"
                    last[type(u).__name__] = u.seq
                assert updates[-1].seq > snapshots[symbol].seq
                # No lost volume: cum_volume only grows, and by at least the size of each trade received.
                trades = [u for u in updates if isinstance(u, mf.Trade)]
                for prev, t in zip(trades, trades[1:]):
                    assert t.cum_volume >= prev.cum_volume + t.size and t.trade_count > prev.trade_count

    run(body())


def test_unsubscribe_stops_updates_and_latest_cache_follows(server):
    async def body():
        async with mf.MarketFeedClient(server.url) as client:
            await client.subscribe(["GOOGL"], mode="full")
            await _collect(client, ["GOOGL"], 5)
            assert client.latest("GOOGL").get("snapshot") is not None
            assert await client.unsubscribe(["GOOGL"]) == ["GOOGL"]
            # After the ack nothing for GOOGL is delivered (its id is forgotten); a ping round trip proves the
            # stream moved on.
            rtt = await client.ping()
            assert 0 <= rtt < 5
            while True:
                m = await client.recv(timeout=5)
                if isinstance(m, mf.Pong):
                    break
            for _ in range(3):
                assert isinstance(await client.recv(timeout=3), mf.Heartbeat)

    run(body())


def test_capture_to_dataframe_live(server):
    async def body():
        df = await mf.capture_to_dataframe(["AAPL"], 1.5, url=server.url)
        assert len(df) > 0 and set(df.symbol) == {"AAPL"}
        assert str(df.index.dtype) == "datetime64[ns, UTC]"
        assert df.attrs["gaps"] == [] and "AAPL" in df.attrs["snapshots"]
        seqs = list(df.seq)
        start = df.attrs["snapshots"]["AAPL"].seq
        assert seqs == list(range(start + 1, start + 1 + len(seqs)))

    run(body())


def test_symbol_directory_and_catalog(server):
    async def body():
        async with mf.MarketFeedClient(server.url) as client:
            directory = await client.symbols("AA")
            assert [s.symbol for s in directory] == ["AAPL"]
            aapl = directory[0]
            assert aapl.price_decimals == 4 and aapl.reference_price > 0 and aapl.tick_size > 0
            catalog = {d.dataset: d for d in await client.catalog()}
            sample = catalog["sample-equities"]
            assert sample.tick_count == 20_000 and sorted(sample.symbols) == ["AAPL", "AMZN", "GOOGL", "MSFT", "NVDA"]
            assert mf.format_ns(sample.from_ns) == "2024-06-03T13:30:00.001000000Z"

    run(body())
