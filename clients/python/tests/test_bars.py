"""Bars against the real server: the 1-minute bars of the sample dataset equal bars pandas computes from the
replayed ticks (resample of the trades), and errors arrive with their documented codes."""
from __future__ import annotations

import pandas as pd
import pytest
from conftest import run

import marketfeed as mf

DATASET = "sample-equities"


def test_dataset_minute_bars_equal_a_pandas_resample_of_the_replayed_trades(server):
    async def body():
        async with mf.MarketFeedClient(server.url, reconnect=False) as client:
            ticks = await mf.replay_to_dataframe(DATASET, ["MSFT"], client=client)
            bars = await mf.bars_to_dataframe("MSFT", "1m", dataset=DATASET, client=client)
        return ticks, bars

    ticks, bars = run(body())
    trades = ticks[ticks["kind"] == "T"]
    assert len(trades) > 0
    grouped = trades["price"].astype("int64").resample("1min")
    expected = pd.DataFrame({
        "open": grouped.first(), "high": grouped.max(), "low": grouped.min(), "close": grouped.last(),
        "volume": trades["size"].astype("int64").resample("1min").sum(),
        "count": trades["price"].resample("1min").count(),
    }).dropna()
    expected = expected[expected["count"] > 0].astype("int64")
    traded = bars[bars["basis"] == "trades"]
    assert list(traded.index) == list(expected.index)
    for column in ("open", "high", "low", "close", "volume", "count"):
        assert list(traded[column].astype("int64")) == list(expected[column]), column
    assert traded["closed"].all()
    assert (bars[bars["basis"] == "mid"]["volume"] == 0).all()


def test_live_bars_and_errors(server):
    async def body():
        async with mf.MarketFeedClient(server.url, reconnect=False) as client:
            await client.subscribe(["AAPL"], mode="full")
            seen = 0
            async for m in client:
                if isinstance(m, mf.Trade):
                    seen += 1
                    if seen >= 3:
                        break
            live = await client.bars("AAPL", "1s", last=5)
            errors = {}
            for args in (("NOPE", "1m"), ("AAPL", "7x"), ("AAPL", "1m", None, None, None, "no-such-dataset")):
                with pytest.raises(mf.MarketFeedError) as info:
                    await client.bars(*args)
                errors[args[0] + args[1]] = info.value.code
        return live, errors

    live, errors = run(body())
    assert live.symbol == "AAPL" and live.interval == "1s" and 1 <= len(live.bars) <= 5
    assert sum(b.count for b in live.bars) >= 1
    assert errors == {"NOPE1m": 404, "AAPL7x": 400, "AAPL1m": 410}
