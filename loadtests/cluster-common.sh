# Shared by the scripts that start MarketFeed clusters on this box (run-scaleout.sh,
# run-connections.sh); sourced from the repository root. Builds the server and the harness in
# Release (unless SKIP_BUILD=1), finds nats-server, raises the open-file limit, and gives:
#   DLL HARNESS NATS TMP PIDS STATUS HZ, port, ticks PID, wait_http PORT (and a cleanup trap that
#   kills every PID in PIDS and removes TMP).
DLL=src/MarketFeed.Server/bin/Release/net10.0/MarketFeed.Server.dll
HARNESS=loadtests/MarketFeed.LoadTests/bin/Release/net10.0/MarketFeed.LoadTests.dll
NATS=$(command -v nats-server || echo /usr/sbin/nats-server)
[ -x "$NATS" ] || { echo "nats-server not found: apt-get install nats-server" >&2; exit 2; }
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  dotnet build src/MarketFeed.Server -c Release -v q -nologo -clp:ErrorsOnly
  dotnet build loadtests/MarketFeed.LoadTests -c Release -v q -nologo -clp:ErrorsOnly
fi
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
TMP=$(mktemp -d); PIDS=(); STATUS=0
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$TMP"; }
trap cleanup EXIT
HZ=$(getconf CLK_TCK)
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }   # utime+stime, clock ticks
wait_http() { for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$1/health" >/dev/null && return 0; sleep 0.2; done; echo "node on $1 did not start" >&2; exit 1; }
