#!/usr/bin/env bash
# Connections past one process's open-file limit (issue 14 part 3; docs/benchmarks.md "100,000
# connections on one box"): one ingest and GATEWAYS gateway processes over NATS (the scale-out
# deployment, docs/operations.md "Scale-out"), all pinned to SERVER_CPUS, and one load-generator
# process per gateway pinned to CLIENT_CPUS, each with its own loopback source addresses
# (127.0.0.5-7, 127.0.0.8-10, ...), so that no process holds more than TOTAL/GATEWAYS sockets.
#
# For each total in COUNTS (default "1000 10000 50000 100000"), on a fresh cluster:
#   idle:      `run storm` (1 conflated symbol per connection, the ingest's source off, heartbeats
#              and pings flowing): once every connection is in, the gateways' RSS and CPU over
#              SAMPLE seconds -> RSS and CPU per connection.
# Then, unless THROTTLED=0, for the largest total, on a fresh cluster with the simulator at RATE:
#   throttled: `run fanout --symbols 1 --throttle 1` (a 1-update/s dashboard stream per connection):
#              delivered updates/s, errors (a dropped client is an error) and the gateways' CPU.
#
#   bash loadtests/run-connections.sh ["1000 10000 50000 100000"]
#   env: GATEWAYS=6 RAMP=(total/500 s, at least 10) HOLD=45 SETTLE=15 SAMPLE=10 RATE=2000 THROTTLED=1 SERVER_CPUS=0 CLIENT_CPUS=1 SKIP_BUILD=0
#        SERVER_ARGS="--Feed:HeartbeatIntervalMs=1000" (extra arguments for every gateway)
# Needs nats-server (Debian's package). Exit code non-zero if a phase had errors or did not connect
# every client.
set -euo pipefail
cd "$(dirname "$0")/.."
COUNTS=${1:-"1000 10000 50000 100000"}
GATEWAYS=${GATEWAYS:-6}; RAMP=${RAMP:-}; HOLD=${HOLD:-45}; SAMPLE=${SAMPLE:-10}; SETTLE=${SETTLE:-15}; RATE=${RATE:-2000}
THROTTLED=${THROTTLED:-1}; SERVER_CPUS=${SERVER_CPUS:-0}; CLIENT_CPUS=${CLIENT_CPUS:-1}
read -r -a EXTRA <<<"${SERVER_ARGS:-}"
source loadtests/cluster-common.sh
for n in $COUNTS; do
  per=$(( (n + GATEWAYS - 1) / GATEWAYS ))
  if [ "$(ulimit -n)" != unlimited ] && [ $((per + 1024)) -gt "$(ulimit -n)" ]; then
    echo "$n connections over $GATEWAYS gateways is $per per process: above the open-file limit $(ulimit -n); use more GATEWAYS" >&2; exit 2
  fi
done
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
connections() { local sum=0 c; for p in "${GPORTS[@]}"; do c=$(curl -sf "http://127.0.0.1:$p/health" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("connections",0))' 2>/dev/null || echo 0); sum=$((sum + c)); done; echo "$sum"; }
sum_rss() { local s=0; for p in "$@"; do s=$((s + $(rss_kb "$p"))); done; echo "$s"; }
sum_ticks() { local s=0; for p in "$@"; do s=$((s + $(ticks "$p"))); done; echo "$s"; }
metric() { python3 - "$TMP/reports/$1/summary.csv" "$2" <<'EOF'
import csv, sys
try:
    rows = {r[0]: r[1] for r in csv.reader(open(sys.argv[1])) if len(r) > 1}
except OSError:
    rows = {}
print(rows.get(sys.argv[2], "?"))
EOF
}

NP=$(port); taskset -c "$SERVER_CPUS" "$NATS" -js -a 127.0.0.1 -p "$NP" -sd "$TMP/js" >"$TMP/nats.log" 2>&1 & NATSPID=$!; PIDS+=("$NATSPID")
for _ in $(seq 1 100); do grep -q "Server is ready" "$TMP/nats.log" && break; sleep 0.1; done
ROUND=0
cluster() { # prefix ingest-args...: a fresh ingest and GATEWAYS gateways on that subject prefix; sets ING GW[] GPORTS[]
  local prefix=$1; shift
  local ip; ip=$(port)
  taskset -c "$SERVER_CPUS" dotnet "$DLL" --urls "http://127.0.0.1:$ip" --Logging:LogLevel:Default=Warning \
    --ScaleOut:Role=ingest --ScaleOut:NatsUrl="nats://127.0.0.1:$NP" --ScaleOut:SubjectPrefix="$prefix" "$@" >"$TMP/ingest-$prefix.log" 2>&1 &
  ING=$!; PIDS+=("$ING"); wait_http "$ip"
  GW=(); GPORTS=()
  for g in $(seq 1 "$GATEWAYS"); do
    local gp; gp=$(port)
    taskset -c "$SERVER_CPUS" dotnet "$DLL" --urls "http://127.0.0.1:$gp" --Logging:LogLevel:Default=Warning \
      --ScaleOut:Role=gateway --ScaleOut:NatsUrl="nats://127.0.0.1:$NP" --ScaleOut:SubjectPrefix="$prefix" "${EXTRA[@]}" \
      >"$TMP/gw$g-$prefix.log" 2>&1 &
    GW+=($!); PIDS+=($!); GPORTS+=("$gp")
  done
  for gp in "${GPORTS[@]}"; do wait_http "$gp"; done
  sleep 3
}
stop_cluster() { for p in "${GW[@]}" "$ING"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; }
generators() { # name total scenario-args...: one harness per gateway, each on its own source address; sets GEN[]
  local name=$1 total=$2; shift 2
  GEN=()
  local per=$(( (total + GATEWAYS - 1) / GATEWAYS )) left=$total g=0
  for gp in "${GPORTS[@]}"; do
    local k=$(( left < per ? left : per )); left=$((left - k)); g=$((g + 1))
    # Fresh source addresses every round: the previous round's sockets may still hold ports.
    local count=--clients; [ "$1" = storm ] && count=--connections
    # Three source addresses per generator: a socket bound to an address before connecting gets its
    # port from a part of the ephemeral range only (about 7,000 ports here), so one address capped a
    # generator near 7,000 connections.
    dotnet "$HARNESS" run "$@" "$count" "$k" --url "http://127.0.0.1:$gp" --source-addresses 3 \
      --first-source-address $((2 + 3 * (ROUND * GATEWAYS + g))) --client-cpus "$CLIENT_CPUS" --no-live \
      --reports "$TMP/reports" --name "$name-$g" --max-failures 1000000 >"$TMP/$name-$g.out" 2>&1 &
    GEN+=($!)
  done
  ROUND=$((ROUND + 1))
}
wait_connected() { # total deadline-seconds: until the gateways hold total connections (or the deadline)
  local end=$((SECONDS + $2)) c=0
  while [ $SECONDS -lt $end ]; do c=$(connections); [ "$c" -ge "$1" ] && break; sleep 1; done
  echo "$c"
}
report() { # name: the harnesses' figures, one line each
  for g in $(seq 1 "$GATEWAYS"); do
    printf '    gen %d: peak %s  connect p50/p99 %s ms  errors/gaps %s  close codes %s  delivered %s/s\n' "$g" \
      "$(metric "$1-$g" 'peak connections')" "$(metric "$1-$g" 'connect p50/p99 (ms)')" "$(metric "$1-$g" 'errors / gaps / server errors')" \
      "$(metric "$1-$g" 'close codes')" "$(metric "$1-$g" 'delivered updates/s')"
    grep -q '"result","pass"' "$TMP/reports/$1-$g/summary.csv" 2>/dev/null || STATUS=1
    # A client that could not connect, or was dropped, fails the phase (the harness itself tolerates them here).
    case "$(metric "$1-$g" 'errors / gaps / server errors')" in "0 / 0 / 0") ;; *) STATUS=1 ;; esac
  done
}

echo "== connections over $GATEWAYS gateways (1 ingest, nats-server -js), servers on CPU $SERVER_CPUS, generators on CPU $CLIENT_CPUS"
echo "== open-file limit $(ulimit -n); load average $(cut -d' ' -f1-3 /proc/loadavg); gateway args: ${EXTRA[*]:-(defaults)}"
printf '%-9s | %-13s | %-22s | %-15s | %-20s | %s\n' connected "RSS before MB" "RSS at peak MB (+KB/c)" "CPU % of a core" "CPU us per conn-s" "load avg"
LARGEST=0
for n in $COUNTS; do
  [ "$n" -gt "$LARGEST" ] && LARGEST=$n
  ramp=${RAMP:-$(( n / 500 > 10 ? n / 500 : 10 ))}
  cluster "idle$n" --Feed:Source=none
  before=$(sum_rss "${GW[@]}")
  generators "idle$n" "$n" storm --ramp "$ramp" --duration "$HOLD" --churn-workers 0
  got=$(wait_connected "$n" $((ramp + HOLD)))
  sleep "$SETTLE"                             # the last handshakes' work and the JIT's tier-up settle
  t0=$(date +%s.%N); c0=$(sum_ticks "${GW[@]}")
  sleep "$SAMPLE"
  c1=$(sum_ticks "${GW[@]}"); t1=$(date +%s.%N); peak=$(sum_rss "${GW[@]}")
  python3 - "$got" "$before" "$peak" "$c0" "$c1" "$t0" "$t1" "$HZ" "$(cut -d' ' -f1 /proc/loadavg)" <<'EOF'
import sys
got, before, peak, c0, c1 = (int(x) for x in sys.argv[1:6]); t0, t1 = float(sys.argv[6]), float(sys.argv[7]); hz = int(sys.argv[8])
cpu = (c1 - c0) / hz / (t1 - t0)
per = (peak - before) / got if got else float("nan")
print(f"{got:>9,} | {before/1024:>13,.0f} | {peak/1024:>8,.0f} (+{per:5.1f} KB/c) | {100*cpu:>15.1f} | {1e6*cpu/max(got,1):>20.2f} | {sys.argv[9]}")
EOF
  [ "$got" -ge "$n" ] || { echo "    only $got of $n connected" >&2; STATUS=1; }
  for p in "${GEN[@]}"; do wait "$p" || STATUS=1; done
  report "idle$n"
  stop_cluster
done

if [ "$THROTTLED" != 0 ]; then
  n=$LARGEST
  echo "-- throttled: $n connections x 1 symbol at throttle 1/s, simulator at $RATE ticks/s"
  ramp=${RAMP:-$(( n / 500 > 10 ? n / 500 : 10 ))}
  cluster "thr$n" --rate "$RATE"
  generators "thr$n" "$n" fanout --symbols 1 --throttle 1 --rate "$RATE" --ramp "$ramp" --duration "$HOLD" --warmup $((ramp + 5))
  got=$(wait_connected "$n" $((ramp + HOLD)))
  sleep "$SETTLE"
  t0=$(date +%s.%N); c0=$(sum_ticks "${GW[@]}"); n0=$(ticks "$NATSPID"); i0=$(ticks "$ING")
  sleep "$SAMPLE"
  t1=$(date +%s.%N); c1=$(sum_ticks "${GW[@]}"); n1=$(ticks "$NATSPID"); i1=$(ticks "$ING")
  python3 -c "w=$t1-$t0; print(f'    {$got:,} connected; gateways {100*($c1-$c0)/$HZ/w:.1f} % of a core, ingest {100*($i1-$i0)/$HZ/w:.1f} %, nats {100*($n1-$n0)/$HZ/w:.1f} %; RSS {$(sum_rss "${GW[@]}")/1024:,.0f} MB')"
  for p in "${GEN[@]}"; do wait "$p" || STATUS=1; done
  report "thr$n"
  stop_cluster
fi
exit $STATUS
