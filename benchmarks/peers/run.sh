#!/usr/bin/env bash
# The end-to-end peer benchmark: the same window funnel from the same CSV in JourneyKit's CLI, ClickHouse 18.16 and
# DuckDB, answers checked customer by customer, then timed in interleaved rounds (medians reported).
#   bash benchmarks/peers/run.sh [ROUNDS] [CUSTOMERS]
# Defaults: 5 rounds, 1,936,000 customers (≈ 10⁷ events). Work files go to ${PEERS_DIR:-/tmp/jk-peers}; the results
# table to benchmarks/results/peers-funnel.tsv. Needs python3; installs ClickHouse from Debian (clickhouse.sh install).
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-5}
customers=${2:-1936000}
work=${PEERS_DIR:-/tmp/jk-peers}
steps=web.browse,cart.add,checkout.start,order.placed
window_s=86400
mkdir -p "$work"

# PEERS_NO_BUILD=1 reuses the builds of an earlier run (the CLI copied to $work/cli, the benchmarks in $work/bench).
if [ -z "${PEERS_NO_BUILD:-}" ]; then
  dotnet build src/JourneyKit.Cli -c Release -warnaserror -v q -nologo >/dev/null
  rm -rf "$work/cli"; cp -r src/JourneyKit.Cli/bin/Release/net10.0 "$work/cli"
  dotnet build benchmarks/JourneyKit.Benchmarks -c Release -warnaserror -p:Peers=true -v q -nologo -o "$work/bench" >/dev/null
fi
jk="$work/cli/JourneyKit.Cli"
duck="$work/bench/JourneyKit.Benchmarks"

# The data: `journeykit generate` on the e-commerce journey (seed 1), projected to the three columns a funnel reads (the
# generated file has no quoted fields, so cut is exact). Duplicated and out-of-order events stay in.
if [ ! -f "$work/events-$customers.csv" ]; then
  "$jk" generate --journey samples/data/ecommerce-purchase.journey.json --customers "$customers" --seed 1 --out "$work/full.csv" >/dev/null
  cut -d, -f1-3 "$work/full.csv" > "$work/events-$customers.csv"
  rm "$work/full.csv"
fi
events="$work/events-$customers.csv"

bash benchmarks/peers/clickhouse.sh install
eval "$(bash benchmarks/peers/clickhouse.sh start)"
trap 'bash benchmarks/peers/clickhouse.sh stop "$CLICKHOUSE_DIR"' EXIT
ln -sf "$events" "$CLICKHOUSE_DIR/user_files/events.csv"
conds=$(echo "$steps" | sed "s/\([^,]*\)/touchpoint='\1'/g; s/,/, /g")
funnel="windowFunnel($window_s)(parseDateTimeBestEffort(timestamp), $conds)"
source="file('events.csv', 'CSVWithNames', 'customer_id String, touchpoint String, timestamp String')"
ch() { clickhouse-client --port "$CLICKHOUSE_PORT" --query "$1"; }

echo "checking answers on $(($(wc -l < "$events") - 1)) events" >&2
"$jk" funnel --events "$events" --steps "$steps" --window 1d --format json > "$work/jk.json"
ch "SELECT customer_id, $funnel FROM $source GROUP BY customer_id FORMAT TSV" > "$work/ch.tsv"
"$duck" --duckdb-funnel "$events" "$steps" "$window_s" "$work/duck.csv" >/dev/null
python3 benchmarks/peers/check.py "$events" "$steps" "$work/jk.json" "$work/ch.tsv" "$work/duck.csv" | tee "$work/check.txt" >&2

now() { date +%s.%N; }
# CPU seconds (user + system): JourneyKit's and DuckDB's processes from /usr/bin/time, ClickHouse's server process from
# /proc/PID/stat around its query (wall time on a shared machine measures the scheduler as much as the tools).
ch_pid=$(cat "$CLICKHOUSE_DIR/server.pid")
ch_ticks() { awk '{print $14 + $15}' "/proc/$ch_pid/stat"; }
hz=$(getconf CLK_TCK)
cpu_of() { awk '{printf "%.2f", $1 + $2}' "$1"; }
out=benchmarks/results/peers-funnel.tsv
cpu=benchmarks/results/peers-funnel-cpu.txt
printf 'round\tjourneykit_funnel_s\tclickhouse_csv_query_s\tduckdb_load_s\tduckdb_query_s\n' > "$out"
: > "$cpu"
for r in $(seq 1 "$rounds"); do
  t0=$(now); /usr/bin/time -f '%U %S' -o "$work/jk.time" "$jk" funnel --events "$events" --steps "$steps" --window 1d > /dev/null; t1=$(now)
  c0=$(ch_ticks)
  ch "SELECT level, count() FROM (SELECT customer_id, $funnel AS level FROM $source GROUP BY customer_id) GROUP BY level" > /dev/null; t2=$(now)
  c1=$(ch_ticks)
  d=$(/usr/bin/time -f '%U %S' -o "$work/duck.time" "$duck" --duckdb-funnel "$events" "$steps" "$window_s" | head -1)
  dl=$(echo "$d" | sed 's/.*load_s=\([0-9.]*\).*/\1/'); dq=$(echo "$d" | sed 's/.*query_s=\([0-9.]*\).*/\1/')
  printf '%s\t%.3f\t%.3f\t%s\t%s\n' "$r" "$(echo "$t1 - $t0" | bc)" "$(echo "$t2 - $t1" | bc)" "$dl" "$dq" | tee -a "$out" >&2
  printf 'round %s jk_cpu=%s ch_server_cpu=%.2f duck_cpu_load_and_query=%s\n' "$r" "$(cpu_of "$work/jk.time")" "$(echo "($c1 - $c0) / $hz" | bc -l)" "$(cpu_of "$work/duck.time")" | tee -a "$cpu" >&2
done
python3 - "$out" "$cpu" <<'PY'
import statistics, sys
rows = [line.rstrip('\n').split('\t') for line in open(sys.argv[1])][1:]
med = [statistics.median(float(r[i]) for r in rows) for i in range(1, 5)]
cpu = [dict(kv.split('=') for kv in line.split()[2:]) for line in open(sys.argv[2])]
cmed = {k: statistics.median(float(c[k]) for c in cpu) for k in cpu[0]}
print(f"medians over {len(rows)} rounds: journeykit {med[0]:.2f} s, clickhouse {med[1]:.2f} s, duckdb load {med[2]:.2f} s + query {med[3]:.2f} s")
print(f"ratios: clickhouse / journeykit = {med[1] / med[0]:.2f}x, duckdb query / journeykit = {med[3] / med[0]:.2f}x (wall)")
print(f"CPU medians: journeykit {cmed['jk_cpu']:.2f} s, clickhouse server {cmed['ch_server_cpu']:.2f} s, duckdb load + query {cmed['duck_cpu_load_and_query']:.2f} s; clickhouse / journeykit = {cmed['ch_server_cpu'] / cmed['jk_cpu']:.2f}x")
PY
