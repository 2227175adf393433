#!/usr/bin/env bash
# Scale-out CPU (docs/benchmarks.md "Scale-out over NATS"): the same simulator rate run
#  (a) as one process (ScaleOut:Role=all) and (b) as 1 ingest + 2 gateways + nats-server -js,
# no clients; CPU seconds of every process over a WINDOW-second window after a warm-up.
#   bash loadtests/run-scaleout-cpu.sh [RATE=100000] [WINDOW=10]
# Needs src/MarketFeed.Server built in Release and nats-server on the PATH (or /usr/sbin).
set -euo pipefail
cd "$(dirname "$0")/.."
RATE=${1:-100000}; WINDOW=${2:-10}; WARMUP=5
DLL=src/MarketFeed.Server/bin/Release/net10.0/MarketFeed.Server.dll
NATS=$(command -v nats-server || echo /usr/sbin/nats-server)
TMP=$(mktemp -d); PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 1; rm -rf "$TMP"' EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }      # utime+stime in clock ticks
HZ=$(getconf CLK_TCK)
wait_http() { for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$1/health" >/dev/null && return 0; sleep 0.2; done; echo "node on $1 did not start" >&2; exit 1; }
measure() { # label pid...
  local label=$1; shift; local before=() p i=0
  for p in "$@"; do before+=("$(ticks "$p")"); done
  sleep "$WINDOW"
  for p in "$@"; do
    local used=$(( $(ticks "$p") - ${before[$i]} ))
    python3 -c "import sys; u=$used/$HZ; print(f'{sys.argv[1]:<22} pid {sys.argv[2]:>7}: {u:6.2f} CPU-s in $WINDOW s = {100*u/$WINDOW:5.1f} % of a core; per 100k ticks/s: {100*u/$WINDOW*100000/$RATE:5.1f} %')" "$label[$i]" "$p"
    i=$((i+1))
  done
}

echo "== rate $RATE ticks/s, window $WINDOW s, load: $(cut -d' ' -f1-3 /proc/loadavg) (shared box)"
P=$(port); dotnet "$DLL" --urls "http://127.0.0.1:$P" --rate "$RATE" >"$TMP/all.log" 2>&1 & PIDS+=($!); ALL=$!
wait_http "$P"; sleep "$WARMUP"; T0=$(curl -s "http://127.0.0.1:$P/health" | python3 -c 'import json,sys; print(json.load(sys.stdin)["ticksIn"])')
measure "all (single process)" "$ALL"
T1=$(curl -s "http://127.0.0.1:$P/health" | python3 -c 'import json,sys; print(json.load(sys.stdin)["ticksIn"])')
echo "  single process: $(( (T1 - T0) / WINDOW )) ticks/s achieved"
kill "$ALL"; wait "$ALL" 2>/dev/null || true

NP=$(port); "$NATS" -js -a 127.0.0.1 -p "$NP" -sd "$TMP/js" >"$TMP/nats.log" 2>&1 & PIDS+=($!); NATSPID=$!
sleep 1
I=$(port); dotnet "$DLL" --urls "http://127.0.0.1:$I" --rate "$RATE" --ScaleOut:Role=ingest --ScaleOut:NatsUrl="nats://127.0.0.1:$NP" >"$TMP/ingest.log" 2>&1 & PIDS+=($!); ING=$!
wait_http "$I"
G1=$(port); dotnet "$DLL" --urls "http://127.0.0.1:$G1" --ScaleOut:Role=gateway --ScaleOut:NatsUrl="nats://127.0.0.1:$NP" >"$TMP/g1.log" 2>&1 & PIDS+=($!); GW1=$!
G2=$(port); dotnet "$DLL" --urls "http://127.0.0.1:$G2" --ScaleOut:Role=gateway --ScaleOut:NatsUrl="nats://127.0.0.1:$NP" >"$TMP/g2.log" 2>&1 & PIDS+=($!); GW2=$!
wait_http "$G1"; wait_http "$G2"; sleep "$WARMUP"
measure "ingest,gateway1,gateway2,nats" "$ING" "$GW1" "$GW2" "$NATSPID"
for n in "$I" "$G1" "$G2"; do
  [ -n "$n" ] || continue
  curl -s "http://127.0.0.1:$n/health" | python3 -c '
import json, sys
h = json.load(sys.stdin); s = h.get("scaleOut") or {}
print("  %s: ticksIn %s, globalSequence %s, state %s, buffered %s" % (s.get("role"), h.get("ticksIn"), s.get("globalSequence"), s.get("state"), s.get("bufferedTicks")))'
done
curl -s "http://127.0.0.1:$I/metrics" | grep -E '^marketfeed_scaleout_(messages|ticks)_total'
