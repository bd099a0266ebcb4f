#!/usr/bin/env python3
"""Adds new public symbols to PublicAPI.Unshipped.txt and removes vanished ones (RS0016/RS0017).

Usage: python3 eng/update-public-api.py [project-or-solution]   (default: JourneyKit.sln)
Run it after changing public API, review the diff, commit it with the change.
"""
import os, re, subprocess, sys, collections

target = sys.argv[1] if len(sys.argv) > 1 else "JourneyKit.sln"
out = subprocess.run(["dotnet", "build", target, "--no-incremental", "-p:TreatWarningsAsErrors=false", "-nologo", "-clp:NoSummary"],
                     capture_output=True, text=True).stdout
add = collections.defaultdict(set)
remove = collections.defaultdict(set)
pat = re.compile(r"^(?P<file>/[^(]+)\(\d+,\d+\): (?:error|warning) (?P<code>RS001[67]): Symbol '(?P<sym>.*)' is (?:not )?part of the declared (?:public )?API.*\[(?P<proj>[^\]]+\.csproj)\]$")
for line in out.splitlines():
    m = pat.match(line.strip())
    if not m:
        continue
    projdir = os.path.dirname(m.group("proj"))
    (add if m.group("code") == "RS0016" else remove)[projdir].add(m.group("sym"))
for projdir in sorted(set(add) | set(remove)):
    path = os.path.join(projdir, "PublicAPI.Unshipped.txt")
    lines = open(path).read().splitlines() if os.path.exists(path) else ["#nullable enable"]
    body = set(l for l in lines if l and not l.startswith("#")) | add[projdir]
    body -= remove[projdir]
    open(path, "w").write("#nullable enable\n" + "".join(s + "\n" for s in sorted(body, key=lambda s: s.lstrip("~").replace("static ", "").replace("override ", "").replace("abstract ", "").replace("virtual ", "").replace("const ", ""))))
    print(f"{path}: +{len(add[projdir])} -{len(remove[projdir])}")
errors = [l for l in out.splitlines() if ": error " in l and "RS001" not in l]
for e in sorted(set(errors))[:30]:
    print(e)
