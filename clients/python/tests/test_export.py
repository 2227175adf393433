"""`marketfeed export --output x.csv` read with pandas (exact Decimal values, as docs/python.md shows) equals the
tick log read by the tests' own reader, row for row. (The Parquet round trip, read by ParquetSharp, is in
tests/MarketFeed.Cli.Tests/ExportTests.cs: Debian has no Parquet reader for Python.)"""
from __future__ import annotations

from decimal import Decimal

import pandas as pd
from ticklog import read_tick_log

import marketfeed as mf


def test_csv_export_read_by_pandas_equals_the_tick_log(server, cli, tmp_path):
    log = server.data_dir / "sample-equities.mflog"
    out = tmp_path / "sample.csv"
    result = cli("export", str(log), "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert "exported 20,000 rows" in result.stdout

    exact = {c: (lambda s: Decimal(s) if s else None)
             for c in ["bid", "bid_size", "ask", "ask_size", "price", "size", "cum_volume"]}
    df = pd.read_csv(out, converters=exact, keep_default_na=False, dtype={"side": str, "recv_ns": str})
    df.index = pd.to_datetime(df.ts_ns, unit="ns", utc=True)
    _, ticks = read_tick_log(log)
    assert len(df) == len(ticks) == 20_000
    assert list(df.index.asi8) == [t["ts"] for t in ticks]
    sides = {0: "", 1: "B", 2: "S"}
    for i, (row, t) in enumerate(zip(df.itertuples(index=False), ticks)):
        pd_, sd = t["pd"], t["sd"]
        expected = (mf.format_ns(t["ts"]), t["symbol"], t["kind"], t["seq"], t["flags"])
        assert (row.time, row.symbol, row.kind, row.seq, row.flags) == expected, i
        if t["kind"] == "Q":
            values = (row.bid, row.bid_size, row.ask, row.ask_size)
            assert values == (mf.to_decimal(t["a"], pd_), mf.to_decimal(t["b"], sd), mf.to_decimal(t["c"], pd_),
                              mf.to_decimal(t["d"], sd)), i
            assert (row.price, row.size, row.side, row.cum_volume, row.trade_count) == (None, None, "", None, ""), i
        else:
            values = (row.price, row.size, row.side, row.cum_volume, int(row.trade_count))
            assert values == (mf.to_decimal(t["a"], pd_), mf.to_decimal(t["b"], sd), sides[t["side"]],
                              mf.to_decimal(t["c"], sd), t["d"]), i
            assert (row.bid, row.ask) == (None, None), i
