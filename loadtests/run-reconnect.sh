#!/usr/bin/env bash
# Mass reconnect (issue 9): N full-mode clients x 5 symbols at 2,000 ticks/s, all aborted at once,
# back after 5 s resuming from their last seq. Raises the open-file limit first (one descriptor per
# connection in each process). Usage: loadtests/run-reconnect.sh [connections] [extra args...]
# e.g. loadtests/run-reconnect.sh 10000 --server-cpus 0 --client-cpus 1
set -euo pipefail
cd "$(dirname "$0")/.."
connections="${1:-10000}"
shift || true
need=$((connections + 4096))
hard=$(ulimit -Hn)
if [ "$hard" != "unlimited" ] && [ "$hard" -lt "$need" ]; then
  ulimit -Hn "$need" 2>/dev/null || echo "warning: hard open-file limit is $hard (< $need); the run may fail to connect" >&2
fi
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
echo "open-file limit: $(ulimit -n)"
dotnet build loadtests/MarketFeed.LoadTests -c Release -v q -nologo
dotnet build src/MarketFeed.Server -c Release -v q -nologo
sources=$(( connections / 20000 + 1 ))
dotnet loadtests/MarketFeed.LoadTests/bin/Release/net10.0/MarketFeed.LoadTests.dll run reconnect \
  --connections "$connections" --symbols 5 --rate 2000 --ramp 20 --down-seconds 5 --duration 15 \
  --source-addresses "$sources" --no-live "$@"
