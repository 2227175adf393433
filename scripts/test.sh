#!/usr/bin/env bash
# MarketFeed: the whole test suite, installing what it needs when missing.
#   bash scripts/test.sh
# Prints the test runners' output and ends with one line "N passed, N failed[, N skipped]"
# counted from the TRX results of every test run (and node's own runs).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
RESULTS="$ROOT/artifacts/test-results"
rm -rf "$RESULTS"; mkdir -p "$RESULTS"

need_apt=()
command -v node >/dev/null || need_apt+=(nodejs npm)
command -v chromium >/dev/null || need_apt+=(chromium)
# The scale-out tests (tests/MarketFeed.IntegrationTests/ScaleOut) start nats-server -js themselves.
command -v nats-server >/dev/null || [ -x /usr/sbin/nats-server ] || need_apt+=(nats-server)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "== installing Debian packages: ${need_apt[*]}"
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null;
  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null; fi
fi

for dir in tests/node src/MarketFeed.Dashboard; do
  if [ -f "$dir/package.json" ] && [ ! -d "$dir/node_modules" ]; then
    echo "== npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) || exit 1
  fi
done

echo "== build"
dotnet build MarketFeed.sln -c Release -nologo -clp:ErrorsOnly || exit 1

status=0
for project in tests/*/*.csproj; do
  name=$(basename "$project" .csproj)
  [ "$name" = MarketFeed.Testing ] && continue
  echo "== $name"
  dotnet test "$project" -c Release --no-build -nologo \
    --logger "trx;LogFileName=$name.trx" --results-directory "$RESULTS" \
    --logger "console;verbosity=minimal" || status=1
done

# Extra suites that are not xunit projects register themselves as scripts/test.d/*.sh;
# each writes "passed failed skipped" counts to the file named by $COUNTS.
if [ -d scripts/test.d ]; then
  for suite in scripts/test.d/*.sh; do
    [ -f "$suite" ] || continue
    echo "== $(basename "$suite" .sh)"
    COUNTS="$RESULTS/$(basename "$suite" .sh).counts" bash "$suite" || status=1
  done
fi

python3 - "$RESULTS" <<'PY' || status=1
import glob, os, re, sys
passed = failed = skipped = 0
for trx in glob.glob(os.path.join(sys.argv[1], "*.trx")):
    text = open(trx, encoding="utf-8-sig").read()
    m = re.search(r'<Counters [^>]*>', text)
    if not m:
        continue
    attrs = dict(re.findall(r'(\w+)="(\d+)"', m.group(0)))
    passed += int(attrs.get("passed", 0))
    failed += int(attrs.get("failed", 0)) + int(attrs.get("error", 0)) + int(attrs.get("timeout", 0)) + int(attrs.get("aborted", 0))
    skipped += int(attrs.get("notExecuted", 0))
for counts in glob.glob(os.path.join(sys.argv[1], "*.counts")):
    p, f, s = (int(x) for x in open(counts).read().split())
    passed += p; failed += f; skipped += s
line = f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else "")
print(line)
sys.exit(1 if failed or passed == 0 else 0)
PY
exit $status
