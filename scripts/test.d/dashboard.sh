#!/usr/bin/env bash
# Dashboard suites, run by scripts/test.sh (writes "passed failed skipped" to $COUNTS):
#   1. node unit tests of the JS client (fixtures from the server's encoder, fake-server client tests)
#   2. the page in headless Chromium against the in-process fake server (warnings, replay UI)
#   3. the page in headless Chromium against the real server (built by test.sh) on a free
#      loopback port, including stop/restart -> reconnecting -> live
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
DASH="$ROOT/src/MarketFeed.Dashboard"
cd "$DASH" # test globs below are relative to the dashboard folder
COUNTS=${COUNTS:-/dev/null}
export MARKETFEED_ARTIFACTS=${MARKETFEED_ARTIFACTS:-$ROOT/artifacts/browser-tests}
passed=0 failed=0 skipped=0 status=0

suite() { # name, then the node --test arguments
  local name=$1; shift
  echo "-- $name"
  local out rc
  out=$(node --test --test-reporter=tap "$@" 2>&1); rc=$?
  echo "$out" | grep -E '^\s*(not ok|# (pass|fail|skipped) )' || true
  local p f s
  p=$(echo "$out" | sed -n 's/^# pass //p' | tail -n 1)
  f=$(echo "$out" | sed -n 's/^# fail //p' | tail -n 1)
  s=$(echo "$out" | sed -n 's/^# skipped //p' | tail -n 1)
  if [ -z "$p" ]; then echo "$out" | tail -n 30; f=$(( ${f:-0} + 1 ));
  elif [ $rc -ne 0 ]; then echo "$out" | grep -v '^\s*at ' | tail -n 80; fi
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${s:-0}))
  [ $rc -eq 0 ] || status=1
}

suite "js client unit tests" test/*.test.mjs
suite "dashboard in chromium (fake server)" test/browser/*.test.mjs

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
SERVER="$DASH/test/browser/real-server.sh"
export MARKETFEED_PORT=$PORT
if "$SERVER" start; then
  MARKETFEED_URL="http://127.0.0.1:$PORT" MARKETFEED_STOP_CMD="$SERVER stop" MARKETFEED_START_CMD="$SERVER start" \
    suite "dashboard in chromium (real server :$PORT)" test/browser/*.test.mjs
  "$SERVER" stop
else
  echo "real server did not start"; failed=$((failed + 1)); status=1
fi

echo "$passed $failed $skipped" > "$COUNTS"
exit $status
