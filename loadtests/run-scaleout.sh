#!/usr/bin/env bash
# Scale-out over NATS vs the single process (docs/benchmarks.md "Scale-out over NATS"):
#  A. one process (ScaleOut:Role=all) at RATE ticks/s, CLIENTS conflated fan-out clients (harness `run fanout`);
#  B. nats-server -js + 1 ingest + 2 gateways at the same RATE, CLIENTS/2 clients on each gateway
#     (two harness processes at once): delivered updates/s, p50/p99 latency from the source
#     timestamp, CPU of every process (ingest CPU per 100k ticks/s);
#  C. a fresh ingest at FAILOVER_RATE (default 2000, the simulator's default) + 2 gateways;
#     FAILOVER_CLIENTS full-mode clients of the client library x 5 symbols, each given both
#     gateways (harness `failover`); gateway 1 is killed (SIGKILL): time until all resumed on gateway 2.
#     (At 20,000 ticks/s, 200 full-mode clients of the 5 busiest symbols get ~800k ticks/s: more
#     than one load-generator core reads, so the clients lag and the measurement is the generator's.)
# Servers are pinned to SERVER_CPUS, the load generators to CLIENT_CPUS (taskset lists).
#   bash loadtests/run-scaleout.sh [RATE=20000] [CLIENTS=200] [DURATION=20] [FAILOVER_CLIENTS=200]
#   e.g. for the record: nice -n -15 bash loadtests/run-scaleout.sh 20000 200 20 200
# Needs nats-server (Debian's package) and builds src/MarketFeed.Server and the harness in Release.
# Exit code non-zero if a run failed (harness errors or gaps, a failover with a gap or a not-recovered symbol).
set -euo pipefail
cd "$(dirname "$0")/.."
RATE=${1:-20000}; CLIENTS=${2:-200}; DURATION=${3:-20}; FCLIENTS=${4:-200}; FRATE=${FAILOVER_RATE:-2000}
SERVER_CPUS=${SERVER_CPUS:-0}; CLIENT_CPUS=${CLIENT_CPUS:-1}
source loadtests/cluster-common.sh
node() { # port log args...: a MarketFeed node pinned to the server CPUs; sets NODE_PID
  local p=$1 log=$2; shift 2
  taskset -c "$SERVER_CPUS" dotnet "$DLL" --urls "http://127.0.0.1:$p" "$@" >"$TMP/$log.log" 2>&1 &
  NODE_PID=$!; PIDS+=("$NODE_PID")
}
fanout() { # name url clients [first-client]: the harness's fan-out against one node, in the background; sets FAN_PID
  # Client i picks its Zipf symbols with seed 42 + i: a run starting at client F uses --seed 42+F, so
  # the two gateway runs together hold exactly the single run's clients.
  dotnet "$HARNESS" run fanout --url "$2" --clients "$3" --seed $((42 + ${4:-0})) --rate "$RATE" --duration "$DURATION" \
    --client-cpus "$CLIENT_CPUS" --no-live --reports "$TMP/reports" --name "$1" >"$TMP/$1.out" 2>&1 &
  FAN_PID=$!
}
metric() { python3 - "$TMP/reports/$1/summary.csv" "$2" <<'EOF'
import csv, sys
rows = {r[0]: r[1] for r in csv.reader(open(sys.argv[1])) if len(r) > 1}
print(rows.get(sys.argv[2], "?").replace(",", ""))
EOF
}
cpu_report() { # label seconds ticks-before pid: % of a core and per 100k ticks/s
  local used=$(( $(ticks "$4") - $3 ))
  python3 -c "import sys; u=$used/$HZ; pct=100*u/$2; print(f'  {sys.argv[1]:<10} CPU {pct:5.1f} % of a core = {pct*100000/$RATE:5.1f} % per 100k ticks/s')" "$1"
}

echo "== scale-out vs single process: rate $RATE ticks/s, $CLIENTS fan-out clients, $DURATION s; servers on CPU $SERVER_CPUS, generators on CPU $CLIENT_CPUS"
echo "== load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (shared 2-core box); nice $(nice)"

# --- A. single process -----------------------------------------------------------------------
P=$(port); node "$P" single --rate "$RATE"; SINGLE=$NODE_PID
wait_http "$P"; sleep 2
T0=$(date +%s.%N); C0=$(ticks "$SINGLE")
fanout single "http://127.0.0.1:$P" "$CLIENTS"; wait "$FAN_PID" || STATUS=1
T1=$(date +%s.%N); WALL=$(python3 -c "print($T1-$T0)")
echo "-- A. single process (load avg $(cut -d' ' -f1 /proc/loadavg))"; grep -h "done:" "$TMP/single.out" || tail -n 20 "$TMP/single.out"
cpu_report single "$WALL" "$C0" "$SINGLE"
kill "$SINGLE"; wait "$SINGLE" 2>/dev/null || true

# --- B. 1 ingest + 2 gateways --------------------------------------------------------------------
NP=$(port); taskset -c "$SERVER_CPUS" "$NATS" -js -a 127.0.0.1 -p "$NP" -sd "$TMP/js" >"$TMP/nats.log" 2>&1 & NATSPID=$!; PIDS+=("$NATSPID")
for _ in $(seq 1 100); do grep -q "Server is ready" "$TMP/nats.log" && break; sleep 0.1; done
cluster() { # prefix rate: an ingest and two gateways on that subject prefix; sets I G1 G2 ING GW1 GW2
  I=$(port); node "$I" "ingest-$1" --rate "$2" --ScaleOut:Role=ingest --ScaleOut:NatsUrl="nats://127.0.0.1:$NP" --ScaleOut:SubjectPrefix="$1"; ING=$NODE_PID
  wait_http "$I"
  G1=$(port); node "$G1" "gw1-$1" --ScaleOut:Role=gateway --ScaleOut:NatsUrl="nats://127.0.0.1:$NP" --ScaleOut:SubjectPrefix="$1"; GW1=$NODE_PID
  G2=$(port); node "$G2" "gw2-$1" --ScaleOut:Role=gateway --ScaleOut:NatsUrl="nats://127.0.0.1:$NP" --ScaleOut:SubjectPrefix="$1"; GW2=$NODE_PID
  wait_http "$G1"; wait_http "$G2"; sleep 2
}
cluster fanout "$RATE"
T0=$(date +%s.%N); CI=$(ticks "$ING"); CG1=$(ticks "$GW1"); CG2=$(ticks "$GW2"); CN=$(ticks "$NATSPID")
fanout gw1 "http://127.0.0.1:$G1" $((CLIENTS / 2)); F1=$FAN_PID
fanout gw2 "http://127.0.0.1:$G2" $((CLIENTS - CLIENTS / 2)) $((CLIENTS / 2)); F2=$FAN_PID
wait "$F1" || STATUS=1; wait "$F2" || STATUS=1
T1=$(date +%s.%N); WALL=$(python3 -c "print($T1-$T0)")
echo "-- B. 1 ingest + 2 gateways (load avg $(cut -d' ' -f1 /proc/loadavg))"
grep -h "done:" "$TMP/gw1.out" "$TMP/gw2.out" || tail -n 20 "$TMP/gw1.out" "$TMP/gw2.out"
cpu_report ingest "$WALL" "$CI" "$ING"; cpu_report gateway1 "$WALL" "$CG1" "$GW1"; cpu_report gateway2 "$WALL" "$CG2" "$GW2"; cpu_report nats "$WALL" "$CN" "$NATSPID"
curl -s "http://127.0.0.1:$I/metrics" | grep -E '^marketfeed_scaleout_(messages|ticks)_total' | tr '\n' ' '; echo

echo "-- summary (delivered updates/s, latency from the source timestamp)"
for run in single gw1 gw2; do
  printf '  %-7s delivered %9s/s  p50 %7s ms  p99 %7s ms  errors/gaps %s  load %s\n' "$run" \
    "$(metric "$run" 'delivered updates/s')" "$(metric "$run" 'latency p50 (ms)')" "$(metric "$run" 'latency p99 (ms)')" \
    "$(metric "$run" 'errors / gaps / server errors')" "$(metric "$run" 'host load avg (1 min) start/end')"
done

# --- C. failover: kill gateway 1 under FCLIENTS full-mode clients ----------------------------------
for p in "$GW1" "$GW2" "$ING"; do kill "$p"; wait "$p" 2>/dev/null || true; done
cluster failover "$FRATE"
echo "-- C. failover at $FRATE ticks/s: $FCLIENTS full-mode clients x 5 symbols on gateway 1 (gateway 2 as failover), gateway 1 killed"
dotnet "$HARNESS" failover --url "ws://127.0.0.1:$G1/ws/v1" --failover-url "ws://127.0.0.1:$G2/ws/v1" \
  --clients "$FCLIENTS" --client-cpus "$CLIENT_CPUS" --ready-file "$TMP/ready" >"$TMP/failover.out" 2>&1 & FO=$!
for _ in $(seq 1 1200); do [ -f "$TMP/ready" ] && break; kill -0 "$FO" 2>/dev/null || break; sleep 0.1; done
[ -f "$TMP/ready" ] || { cat "$TMP/failover.out"; echo "failover clients never got live" >&2; exit 1; }
sleep 2
echo "  load avg at the kill: $(cut -d' ' -f1 /proc/loadavg)"
kill -9 "$GW1"
wait "$FO" || STATUS=1
cat "$TMP/failover.out"
exit $STATUS
