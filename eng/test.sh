#!/usr/bin/env bash
# Runs the whole JourneyKit test suite on a fresh machine with the .NET 10 SDK:
# installs what the tests need (Debian packages), restores, builds with warnings as errors, runs every test
# project, and prints "N passed, M failed" alone on the last line. Exit code 0 only when all passed and N > 0.
set -uo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
# PostgreSQL for the JourneyKit.Storage.PostgreSql tests, unless a developer points JOURNEYKIT_POSTGRES at a server.
if [ -z "${JOURNEYKIT_POSTGRES:-}" ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then need_apt+=(postgresql); fi
if [ ${#need_apt[@]} -gt 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing: ${need_apt[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO="sudo"
  $SUDO apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null 2>&1 \
    || echo "warning: could not install ${need_apt[*]}; tests that need them will fail" >&2
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
results="${JOURNEYKIT_TEST_RESULTS:-artifacts/test-results}"
rm -rf "$results"; mkdir -p "$results"

dotnet restore JourneyKit.sln || { echo "0 passed, 1 failed"; exit 1; }
dotnet build JourneyKit.sln --no-restore -c Release -warnaserror || { echo "0 passed, 1 failed"; exit 1; }
# A private PostgreSQL cluster (eng/postgres.sh: a temporary directory, 127.0.0.1 on a free port, run as a non-root
# user), stopped and deleted on exit. Without it the PostgreSQL tests fail and say why; they never skip.
pg_dir=""
if [ -z "${JOURNEYKIT_POSTGRES:-}" ]; then
  if pg_env=$(bash eng/postgres.sh start); then
    eval "$pg_env" # exports JOURNEYKIT_POSTGRES and JOURNEYKIT_POSTGRES_DIR
    pg_dir=$JOURNEYKIT_POSTGRES_DIR
    trap 'bash eng/postgres.sh stop "$pg_dir"' EXIT
    echo "PostgreSQL: a private cluster in $pg_dir ($JOURNEYKIT_POSTGRES)" >&2
  else
    echo "error: could not start PostgreSQL (is the postgresql package installed?); the PostgreSQL tests will fail" >&2
  fi
else
  echo "PostgreSQL: the server in JOURNEYKIT_POSTGRES" >&2
fi

dotnet test JourneyKit.sln --no-build -c Release --logger "trx" --results-directory "$results" -- RunConfiguration.TestSessionTimeout=1500000
status=$?

passed=0; failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(echo "$counters" | sed -n 's/.* passed="\([0-9]*\)".*/\1/p'); p=${p:-0}
  f=$(echo "$counters" | sed -n 's/.* failed="\([0-9]*\)".*/\1/p'); f=${f:-0}
  passed=$((passed + p)); failed=$((failed + f))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi

# The fuzz smoke run (docs/fuzzing.md): every target's seed corpus (with the regression inputs of earlier findings),
# then deterministic mutations (seed 1), 35 s in all; one test per target. Findings are saved under $results/fuzz.
fuzz_log="$results/fuzz-smoke.log"
dotnet tests/JourneyKit.Fuzz/bin/Release/net10.0/JourneyKit.Fuzz.dll smoke --seconds 35 --seed 1 --crashes "$results/fuzz" >"$fuzz_log" 2>&1
fuzz_status=$?
grep -E '^fuzz [a-z-]+: ' "$fuzz_log" | grep -v '^fuzz smoke:' | cut -c1-300 >&2
fuzz_summary=$(grep -E '^fuzz smoke: [0-9]+ targets passed, [0-9]+ targets failed$' "$fuzz_log" | tail -1)
if [ -n "$fuzz_summary" ]; then
  fp=$(echo "$fuzz_summary" | sed 's/^fuzz smoke: \([0-9]*\) targets passed, \([0-9]*\) targets failed$/\1/')
  ff=$(echo "$fuzz_summary" | sed 's/^fuzz smoke: \([0-9]*\) targets passed, \([0-9]*\) targets failed$/\2/')
  passed=$((passed + fp)); failed=$((failed + ff))
  [ "$fuzz_status" -eq 0 ] || status=1
else
  echo "fuzz smoke run ended without a summary (exit $fuzz_status: a hang or a crash of the process); see $fuzz_log" >&2
  failed=$((failed + 1)); status=1
fi
[ "$fuzz_status" -eq 0 ] || tail -c 4000 "$fuzz_log" >&2

# The benchmark guard: allocations per event and linear scaling, as ratios within one run (counts as one test).
if dotnet run -c Release --no-build --project benchmarks/JourneyKit.Benchmarks -- --guard; then
  passed=$((passed + 1))
else
  failed=$((failed + 1)); status=1
fi
echo "${passed} passed, ${failed} failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
