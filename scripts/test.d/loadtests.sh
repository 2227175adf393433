#!/usr/bin/env bash
# Load-harness smoke run (every scenario for a few seconds, tiny sizes, self-hosted servers on
# loopback), so the harness cannot rot. Writes "passed failed skipped" to $COUNTS.
set -uo pipefail
cd "$(dirname "$0")/../.."
COUNTS=${COUNTS:-/dev/null}
dll=loadtests/MarketFeed.LoadTests/bin/Release/net10.0/MarketFeed.LoadTests.dll
out=$(timeout 600 dotnet "$dll" smoke 2>&1); rc=$?
echo "$out" | tail -n 40
line=$(echo "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -n 1)
p=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/'); f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
if [ -z "$line" ]; then p=0; f=1; fi
if [ $rc -ne 0 ] && [ "${f:-0}" = 0 ]; then f=1; fi
echo "${p:-0} ${f:-0} 0" > "$COUNTS"
exit $rc
