#!/usr/bin/env bash
# Connection storm against a self-hosted MarketFeed: raises the open-file limit first (each
# connection is one descriptor in the load generator and one in the server, both children of this
# shell), then runs the storm scenario. Usage: loadtests/run-storm.sh [connections] [extra args...]
# Above 20,000 connections the client sockets are spread over several loopback source addresses
# (127.0.0.2, 127.0.0.3, ...: one address has ~28k ephemeral ports towards the server's one port).
# 100k: loadtests/run-storm.sh 100000   (needs a hard open-file limit >= 104096 for both processes:
# root with CAP_SYS_RESOURCE, or raise it in /etc/security/limits.conf / the container runtime).
# Where it cannot be raised, loadtests/run-connections.sh spreads 100k over several gateway processes.
set -euo pipefail
cd "$(dirname "$0")/.."
connections="${1:-10000}"
shift || true
need=$((connections + 4096))
hard=$(ulimit -Hn)
if [ "$hard" != "unlimited" ] && [ "$hard" -lt "$need" ]; then
  # Raising the hard limit needs root (or CAP_SYS_RESOURCE); otherwise use what we have.
  ulimit -Hn "$need" 2>/dev/null || echo "warning: hard open-file limit is $hard (< $need); the storm may fail to connect" >&2
fi
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
echo "open-file limit: $(ulimit -n)"
dotnet build loadtests/MarketFeed.LoadTests -c Release -v q -nologo
sources=$(( connections / 20000 + 1 ))
dotnet loadtests/MarketFeed.LoadTests/bin/Release/net10.0/MarketFeed.LoadTests.dll run storm \
  --connections "$connections" --ramp 10 --duration 10 --source-addresses "$sources" --no-live "$@"
