#!/usr/bin/env bash
# The load-test runs behind docs/benchmarks.md (about 9 minutes). Reports go to reports/bench-*.
set -euo pipefail
cd "$(dirname "$0")/.."
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
dotnet build loadtests/MarketFeed.LoadTests -c Release -v q -nologo
# A breached threshold exits 2; keep going so every run writes its report.
lt() { dotnet loadtests/MarketFeed.LoadTests/bin/Release/net10.0/MarketFeed.LoadTests.dll "$@" --no-live || echo "exit code $? for: $*"; }
# Fan-out, MarketFeed vs SignalR at two tick rates (SignalR failures are results here, not a reason to stop).
lt run fanout --target both --clients 200 --symbols 20 --rate 10000 --duration 25 --max-failures 100000 --name bench-fanout-10k -t "p99 < 50ms" -t "errors = 0"
lt run fanout --target both --clients 200 --symbols 20 --rate 50000 --duration 25 --max-failures 100000 --name bench-fanout-50k -t "p99 < 50ms" -t "errors = 0"
# Batched delivery: many symbols per client, high tick rate (big frames), both targets.
lt run fanout --target both --clients 200 --symbols 100 --rate 200000 --duration 20 --max-failures 100000 --name bench-fanout-200k-both -t "delivered >= 5M/s" -t "p99 < 50ms"
# Simulator flat out (--rate 0: the simulator thread takes a whole core).
lt run fanout --clients 200 --symbols 50 --rate 0 --duration 25 --name bench-fanout-max -t "delivered >= 5M/s"
# Firehose: full mode, every tick, gap-checked.
lt run firehose --firehose-clients 4 --rate 100000 --duration 25 --name bench-firehose -t "gaps = 0" -t "errors = 0"
# Slow-consumer isolation, both targets.
lt run slow --target both --clients 100 --symbols 20 --rate 10000 --duration 25 --max-failures 100000 --name bench-slow
# Connection storm: 10k idle subscribed connections.
lt run storm --connections 10000 --ramp 10 --duration 10 --name bench-storm-10k -t "mem_per_conn_kb <= 16" -t "errors = 0"
# Replay burst: 4 full-mode replays of sample-equities at max speed, back to back, beside 100 live clients (baseline without replays first).
lt run replay --clients 100 --symbols 20 --rate 10000 --replay-clients 4 --duration 20 --name bench-replay -t "gaps = 0" -t "errors = 0" -t "replay_errors = 0"
# Sustainable rate: the same fan-out at rising tick rates on both targets (where does p99 break?).
lt run fanout --target both --clients 200 --symbols 20 --rate-steps 1000 2500 5000 --duration 15 --max-failures 100000 --name bench-fanout-steps -t "p99 < 50ms" --thresholds-for all
# Past one process's open-file limit: 100,000 idle connections over six gateways (about 8 minutes;
# RUN_100K=1 to include it). docs/benchmarks.md "100,000 connections on one box".
if [ "${RUN_100K:-0}" = 1 ]; then
  SERVER_ARGS="--Feed:HeartbeatIntervalMs=10000 --Feed:PingIntervalMs=30000 --Feed:PingTimeoutMs=30000" THROTTLED=0 \
    bash loadtests/run-connections.sh 100000 || echo "exit code $? for: run-connections.sh 100000"
fi
