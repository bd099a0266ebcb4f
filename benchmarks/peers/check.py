#!/usr/bin/env python3
"""Checks that the peers' window-funnel levels agree with JourneyKit's, customer by customer.

usage: check.py EVENTS.csv STEPS JOURNEYKIT.json CLICKHOUSE.tsv DUCKDB.csv

DuckDB's SQL (benchmarks/JourneyKit.Benchmarks/Peers/DuckDbFunnel.cs) follows current ClickHouse, as JourneyKit does:
it must agree on every customer. ClickHouse 18.16 keeps file order among events with equal timestamps, while current
ClickHouse (and JourneyKit) takes them in step order; so 18.16 must agree on every customer without a cross-step tie
(two events of different funnel steps at the same timestamp), and may differ only on customers with one. Exit code 1
on any other difference.
"""
import csv
import json
import sys


def main():
    events, steps, jk_path, ch_path, duck_path = sys.argv[1:6]
    step_of = {name: i + 1 for i, name in enumerate(steps.split(','))}
    seen = {}  # customer -> {timestamp: set of steps}
    tied = set()
    with open(events, newline='') as f:
        reader = csv.reader(f)
        header = next(reader)
        c, t, ts = header.index('customer_id'), header.index('touchpoint'), header.index('timestamp')
        for row in reader:
            step = step_of.get(row[t])
            if step is None:
                continue
            at = seen.setdefault(row[c], {}).setdefault(row[ts], set())
            at.add(step)
            if len(at) > 1:
                tied.add(row[c])
    with open(jk_path) as f:
        jk = {k: int(v) for k, v in json.load(f)['customers'].items()}
    ch = {}
    with open(ch_path) as f:
        for line in f:
            k, v = line.rstrip('\n').split('\t')
            ch[k] = int(v)
    duck = {}
    with open(duck_path) as f:
        for line in f:
            k, v = line.rstrip('\n').rsplit(',', 1)
            duck[k] = int(v)
    ok = True
    for name, peer in (('ClickHouse 18.16', ch), ('DuckDB', duck)):
        if set(peer) != set(jk):
            print(f'{name}: customer sets differ ({len(peer)} vs JourneyKit {len(jk)})')
            ok = False
            continue
        differ = [k for k in jk if jk[k] != peer[k]]
        untied = [k for k in differ if k not in tied]
        allowed = name.startswith('ClickHouse')
        print(f'{name}: {len(jk) - len(differ)} of {len(jk)} customers agree; {len(differ)} differ, '
              f'{len(differ) - len(untied)} of them with a cross-step tie ({len(tied)} customers have one)')
        if untied or (differ and not allowed):
            for k in (untied or differ)[:5]:
                print(f'  {k}: JourneyKit {jk[k]}, {name} {peer[k]}')
            ok = False
    print('peers agree' if ok else 'PEERS DISAGREE')
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
