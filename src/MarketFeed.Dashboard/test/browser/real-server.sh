#!/bin/sh
# Starts/stops the real MarketFeed server (built by `dotnet build src/MarketFeed.Server`) on a
# loopback port, for the browser tests' restart scenario:
#   test/browser/real-server.sh start|stop      (port: $MARKETFEED_PORT, default 5187)
# `start` returns once the page answers; `stop` returns once the process has exited.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
server_dir=$(cd "$here/../../../MarketFeed.Server" && pwd)
port=${MARKETFEED_PORT:-5187}
pidfile=${TMPDIR:-/tmp}/marketfeed-browser-test-$port.pid
# $MARKETFEED_SERVER_DLL, else the Release build (what scripts/test.sh builds), else Debug.
# Release (what scripts/test.sh builds) before Debug: one `ls` of both would sort Debug first.
dll=${MARKETFEED_SERVER_DLL:-$( (ls "$server_dir"/bin/Release/net*/MarketFeed.Server.dll; ls "$server_dir"/bin/Debug/net*/MarketFeed.Server.dll) 2>/dev/null | head -n 1)}

case "${1:-}" in
  start)
    [ -n "$dll" ] || { echo "build the server first: dotnet build src/MarketFeed.Server" >&2; exit 1; }
    cd "$server_dir"
    nohup dotnet "$dll" --urls "http://127.0.0.1:$port" > "${TMPDIR:-/tmp}/marketfeed-browser-test-$port.log" 2>&1 &
    echo $! > "$pidfile"
    i=0
    until curl -sf -o /dev/null "http://127.0.0.1:$port/"; do
      i=$((i + 1)); [ $i -lt 150 ] || { echo "server did not start on $port" >&2; exit 1; }
      sleep 0.1
    done ;;
  stop)
    [ -f "$pidfile" ] || exit 0
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    rm -f "$pidfile" ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
