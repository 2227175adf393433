#!/usr/bin/env bash
# Python client suite, run by scripts/test.sh (writes "passed failed skipped" to $COUNTS):
# pytest over clients/python/tests with Debian's /usr/bin/python3 (the python3 first on PATH may be another
# interpreter without these packages; PyPI is not reachable here). The tests start the real server (the build
# test.sh made: src/MarketFeed.Server/bin/Release) as processes on free loopback ports (clients/python/tests/
# conftest.py: a shared one, and one per restart test) and call the `marketfeed` CLI for the .NET side.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
COUNTS=${COUNTS:-/dev/null}
PY=/usr/bin/python3
RESULTS="$ROOT/artifacts/test-results"
mkdir -p "$RESULTS"

if ! $PY -c "import websockets, msgpack, pandas, pytest, venv, ensurepip" 2>/dev/null; then
  echo "== installing Debian packages: python3-websockets python3-msgpack python3-pandas python3-pytest python3-venv"
  pkgs=(python3-websockets python3-msgpack python3-pandas python3-pytest python3-venv)
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}" >/dev/null;
  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}" >/dev/null; fi
fi

for project in MarketFeed.Server MarketFeed.Cli; do
  if ! ls src/$project/bin/*/net*/*.dll >/dev/null 2>&1; then
    dotnet build src/$project -c Release -nologo -clp:ErrorsOnly || { echo "0 1 0" > "$COUNTS"; exit 1; }
  fi
done

JUNIT="$RESULTS/python.junit.xml"
rm -f "$JUNIT"
(cd clients/python && PYTHONDONTWRITEBYTECODE=1 timeout 900 $PY -m pytest -q -p no:cacheprovider --junitxml="$JUNIT" tests)
rc=$?

# Counts from the JUnit report; a run that produced none (crash, timeout) counts as one failure.
read -r passed failed skipped < <($PY - "$JUNIT" <<'PY'
import sys, xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except (OSError, ET.ParseError):
    print(0, 1, 0); sys.exit()
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
t = sum(int(s.get("tests", 0)) for s in suites)
f = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
s_ = sum(int(s.get("skipped", 0)) for s in suites)
print(t - f - s_, f, s_)
PY
)
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "python client: $passed passed, $failed failed, $skipped skipped"
echo "$passed $failed $skipped" > "$COUNTS"
[ "$rc" -eq 0 ]
