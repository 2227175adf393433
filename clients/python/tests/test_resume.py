"""Resume on reconnect (protocol 7.1) against a real server: a connection cut mid-stream resumes with exactly the
missed ticks in full mode; a server restart without recording changes the epoch, so nothing is recovered."""
from __future__ import annotations

import asyncio

from conftest import run

import marketfeed as mf
from marketfeed.client import _abort

SYMBOLS = ["AAPL", "MSFT", "NVDA", "AMZN", "GOOGL"]


def test_force_closed_mid_stream_resumes_with_exactly_the_missed_ticks(server):
    async def body():
        client = mf.MarketFeedClient(server.url, backoff_initial=0.05, backoff_max=0.2)
        await client.connect()
        await client.subscribe(SYMBOLS, mode="full")
        last: dict[str, int] = {}
        before = after = 0
        resumed = None
        cut = False
        while after < 1000 or resumed is None:
            m = await client.recv(timeout=20)
            if isinstance(m, mf.Snapshot):
                assert not cut, f"a snapshot after the cut: {m.symbol} was not recovered"
                last[m.symbol] = m.seq
            elif isinstance(m, (mf.Quote, mf.Trade)):
                # One sequence per symbol across the cut: exactly the missed ticks, no gap, no duplicate.
                assert m.seq == last[m.symbol] + 1, (m.symbol, last[m.symbol], m.seq)
                last[m.symbol] = m.seq
                if resumed is None:
                    before += 1
                else:
                    after += 1
            elif isinstance(m, mf.Resumed):
                resumed = m
            elif isinstance(m, mf.Disconnected):
                assert m.will_reconnect
            assert not isinstance(m, mf.SequenceGap), m
            if not cut and before >= 300:
                cut = True
                _abort(client._ws)  # mid-stream, no close handshake: ticks in flight are lost to this connection
        assert sorted(resumed.recovered) == sorted(SYMBOLS) and resumed.not_recovered == []
        await client.close()

    run(body(), timeout=90)


def test_resume_after_a_restart_without_recording_is_not_recovered(own_server):
    async def body():
        client = mf.MarketFeedClient(own_server.url, backoff_initial=0.1, backoff_max=0.5)
        await client.connect()
        epoch = client.welcome["epoch"]
        await client.subscribe(["AAPL"], mode="full")
        seen = 0
        while seen < 10:
            if isinstance(await client.recv(timeout=10), (mf.Quote, mf.Trade)):
                seen += 1
        await asyncio.to_thread(own_server.stop)
        await asyncio.to_thread(own_server.start)
        resumed = snapshot = None
        while resumed is None or snapshot is None:
            m = await client.recv(timeout=30)
            if isinstance(m, mf.Resumed):
                resumed = m
            elif isinstance(m, mf.Snapshot) and resumed is not None:
                snapshot = m
        assert client.welcome["epoch"] != epoch  # a new epoch: the old seqs mean nothing
        assert resumed.recovered == [] and resumed.not_recovered == ["AAPL"]
        await client.close()

    run(body(), timeout=120)
