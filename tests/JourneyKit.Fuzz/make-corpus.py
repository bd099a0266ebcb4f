#!/usr/bin/env python3
"""Writes the seed corpus (corpus/<target>/) from the repository's sample data and hand-written cases.
Run from this folder: python3 make-corpus.py. Sources: samples/data (JourneyKit's own sample journeys and events) and
tests/data/bpic2012-excerpt.xes.gz (BPI Challenge 2012, see tests/data/README.md for the source and licence terms)."""
import gzip, os, shutil

root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
shutil.rmtree(out, ignore_errors=True)

def put(target, name, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)

def gz(data):
    return gzip.compress(data.encode() if isinstance(data, str) else data, mtime=0)

def head_lines(path, n):
    with open(path, encoding="utf-8") as f:
        return "".join(f.readline() for _ in range(n))

# journey-json
for name in ["retail-bank-account-opening", "ecommerce-purchase", "bpic2012"]:
    with open(os.path.join(root, "samples", "data", name + ".journey.json"), encoding="utf-8") as f:
        put("journey-json", name + ".json", f.read())
put("journey-json", "minimal.json", '{"id":"j","stages":[{"id":"s","touchpoints":["a"]}],"touchpoints":[{"id":"a","name":"A","channel":"web"}]}')
put("journey-json", "moments.json", """{
  // comments and trailing commas are allowed
  "id": "m", "version": 2, "name": "Moments",
  "touchpoints": [{"id": "pay", "name": "Pay", "channel": "web"}, {"id": "call", "name": "Call", "channel": "voice"}],
  "stages": [
    {"id": "start", "touchpoints": ["pay"], "standardTime": "1d", "next": ["done"]},
    {"id": "done", "touchpoints": ["call"], "isGoal": true},
  ],
  "momentsOfTruth": [{"id": "m1", "name": "Failed then call", "pattern": "pay .* call within 1h", "weight": 2, "outcome": "negative"}],
}""")

put("journey-json", "regress-rule-value-invalid-utf8.json", b'{"id":"j","touchpoints":[{"id":"a","name":"A","channel":"web"}],"stages":[{"id":"s","touchpoints":["a"],"isGoal":true}],"personas":[{"id":"p","name":"P","rule":{"all":[{"attribute":"plan","op":"eq","value":"x\xff"}]}}]}')
put("journey-json", "regress-rule-value-lone-surrogate.json", b'{"id":"j","touchpoints":[{"id":"a","name":"A","channel":"web"}],"stages":[{"id":"s","touchpoints":["a"],"isGoal":true}],"personas":[{"id":"p","name":"P","rule":{"all":[{"attribute":"plan","op":"eq","value":"x\\ud800"}]}}]}')

# csv
csv_bank = head_lines(os.path.join(root, "samples", "data", "retail-bank-account-opening.events.csv"), 40)
csv_shop = head_lines(os.path.join(root, "samples", "data", "ecommerce-purchase.events.csv"), 40)
put("csv", "bank.csv", csv_bank)
put("csv", "shop.csv", csv_shop)
put("csv", "minimal.csv", "customer_id,touchpoint,timestamp\nc1,a,2026-01-02T03:04:05Z\nc1,b,2026-01-02T04:04:05Z\n")
put("csv", "quoted.csv", 'customer_id,touchpoint,timestamp,channel,value,"plan, tier"\r\n"c ""1""",a,1767323045,web,1.5,"gold, 2"\r\nc2,b,2026-01-02 03:04:05+01:00,,,\r\n')
put("csv", "bom-bad-rows.csv", "\ufeffcustomer_id,touchpoint,timestamp,event_id\nc1,a,not a time,e1\nc1,a,2026-01-02T03:04:05Z,e1\nc1,a,2026-01-02T03:04:05Z,e1\n,,,\n")

# jsonl
jl = ('{"customer_id":"c1","touchpoint":"a","timestamp":"2026-01-02T03:04:05Z","channel":"web","event_id":"e1","value":3.5,"attributes":{"plan":"gold"}}\n'
      '{"customer_id":"c1","touchpoint":"b","timestamp":1767326645}\n'
      '{"customer_id":"c2","touchpoint":"a","timestamp":"2026-01-02T03:04:05+02:00","plan":"basic"}\n')
put("jsonl", "events.jsonl", jl)
put("jsonl", "bad-rows.jsonl", '{"customer_id":"c1"}\n\n{"customer_id":"c1","touchpoint":"a","timestamp":"x"}\n[1]\n{"customer_id":"\\u00e9","touchpoint":"a","timestamp":"2026-01-02T03:04:05Z"}\n')
put("jsonl", "crlf.jsonl", jl.replace("\n", "\r\n"))
# Regression inputs: fuzz findings, replayed by every smoke run (and a unit test each).
put("jsonl", "regress-cut-array-attribute.jsonl", '{"customer_id":"c1","touchpoint":"a","timestamp":0,"plan":[1\n{"customer_id":"c2","touchpoint":"a","timestamp":0}\n')

# xes
with gzip.open(os.path.join(root, "tests", "data", "bpic2012-excerpt.xes.gz"), "rt", encoding="utf-8") as f:
    xes = f.read()
first = xes.index("<trace>")
third = xes.index("<trace>", xes.index("<trace>", first + 1) + 1)
log_start = xes.index("<log")
header = xes[:first]
excerpt = header + xes[first:third] + "</log>\n"
put("xes", "bpic2012-two-traces.xes", excerpt)
put("xes", "minimal.xes", """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0">
  <trace><string key="concept:name" value="c1"/>
    <event><string key="concept:name" value="a"/><date key="time:timestamp" value="2026-01-02T03:04:05Z"/><string key="lifecycle:transition" value="complete"/><float key="value" value="2.5"/></event>
    <event><string key="concept:name" value="b"/><date key="time:timestamp" value="2026-01-02T04:04:05.123+01:00"/><string key="org:resource" value="r &amp; d"/></event>
  </trace>
  <trace><string key="concept:name" value="c2"/><event><string key="concept:name" value="a"/><date key="time:timestamp" value="2026-01-03T00:00:00Z"/></event></trace>
</log>
""")

# events (format and gzip told from the content)
put("events", "bank.csv", csv_bank[:1500])
put("events", "bank.csv.gz", gz(csv_bank))
put("events", "events.jsonl.gz", gz(jl))
put("events", "events.jsonl", jl)
put("events", "minimal.xes.gz", gz(open(os.path.join(out, "xes", "minimal.xes"), "rb").read()))
put("events", "two-members.csv.gz", gz("customer_id,touchpoint,timestamp\nc1,a,2026-01-02T03:04:05Z\n") + gz("c1,b,2026-01-02T04:04:05Z\n"))

# Regression input (events fuzz target): a gzip member cut where the reader's 64 KiB buffer ends.
rows = "customer_id,touchpoint,timestamp\n" + "".join("c%d,t%d,%d\n" % (i % 97, i % 7, 1700000000 + i) for i in range(12000))
put("events", "regress-gzip-cut-at-64k.csv.gz", gzip.compress(rows.encode(), compresslevel=0, mtime=0)[:65536])

# pattern
patterns = [
    "cart.add checkout.start", "cart.add .* order.placed", "^ web.browse [cart.add cart.view]+ checkout.start",
    "payment.failed .* (chat.question | support.call) within 1h", "payment.failed ~(..10m) [^payment.failed]",
    "pay{value>100, channel=web|mobile, plan=gold}", "app.open{3,}", "(id.upload id.rejected){2} .* $", ".*",
    "a? b* c+ (d | e){1,3} f within 7d", "[^a b] . a{2} $", "a{1,1000}", "((a+)+)+", "x ~(1m..2h) y ~(..30s) z",
]
for i, p in enumerate(patterns):
    put("pattern", f"p{i:02}.txt", p)

# web-events (the web sample's POST /events body)
put("web-events", "one.json", '{"customerId":"c1","touchpoint":"app.open","timestamp":"2026-01-24T08:08:23Z","channel":"mobile","eventId":"e1","value":12.5,"attributes":{"plan":"gold"}}')
put("web-events", "many.json", '[{"customerId":"c1","touchpoint":"app.open","timestamp":1769242103},{"customerId":"c2","touchpoint":"form.start","timestamp":"2026-01-24T08:08:23+01:00","channel":null}]')
put("web-events", "regress-invalid-utf8-in-string.json", b'{"customerId":"c\xff1","touchpoint":"app.open","timestamp":1769242103}')
put("web-events", "regress-long-attribute-key.json", '{"customerId":"c1","touchpoint":"app.open","timestamp":1769242103,"attributes":{"' + "k" * 1028 + '":"v"}}')
put("web-events", "invalid.json", '[{"customerId":"","touchpoint":1,"timestamp":"2026-01-24T08:08:23","channel":"fax","extra":true},[],null]')
print("corpus written to", out)
