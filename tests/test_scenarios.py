#!/usr/bin/env python3
"""Every scenario under captures/scenarios: its committed capture is what
mops-sim makes of it today, byte for byte; its models end as its "expect"
says (NAT traversal tables, counters); and its capture decodes with exactly
the expert rules it expects (none, except in the captures meant to carry a
fault).

usage: test_scenarios.py MOPS_SIM MOPSDUMP CAPTURES_DIR
"""
import glob, json, os, subprocess, sys, tempfile

from pycheck import check, report

SIM, DUMP, DIR = sys.argv[1:4]


scenarios = sorted(glob.glob(os.path.join(DIR, "scenarios", "*.json")))
readme = open(os.path.join(DIR, "README.md")).read()
check(len(scenarios) >= 33, "the scenarios are there", str(len(scenarios)))
with tempfile.TemporaryDirectory() as tmp:
    for path in scenarios:
        s = json.load(open(path))
        name = s["name"]
        check(os.path.basename(path) == name + ".json", f"{name}: file named after it")
        check(f"[`{name}.pcapng`]" in readme, f"{name}: listed in captures/README.md")
        committed = os.path.join(DIR, name + ".pcapng")
        fresh = os.path.join(tmp, name + ".pcapng")
        p = subprocess.run([SIM, path, fresh, "--tables"], capture_output=True, text=True)
        check(p.returncode == 0, f"{name}: mops-sim runs", p.stderr)
        check(os.path.exists(committed) and open(fresh, "rb").read() == open(committed, "rb").read(),
              f"{name}: {committed} is what the scenario makes (ninja -C build regen-captures)")
        lines = p.stdout.splitlines()
        at = 0
        for want in s["expect"]["tables"]:
            while at < len(lines) and lines[at] != want:
                at += 1
            check(at < len(lines), f"{name}: ends with \"{want.strip()}\"", "\n  ".join(lines))
        d = subprocess.run([DUMP, "-r", committed, "-T", "json"], capture_output=True, text=True)
        check(d.returncode == 0, f"{name}: mopsdump reads its capture", d.stderr)
        rules = set()
        for line in d.stdout.splitlines():
            for e in json.loads(line).get("expert", []):
                rules.add(e["rule"])
        check(rules == set(s["expect"]["experts"]), f"{name}: decodes with exactly {s['expect']['experts']}",
              f"got {sorted(rules)}")
# A gateway that names the node's own address (found by fuzz_json): the
# frames it would send to itself are unroutable, and the run ends.
loop = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fuzz", "regressions", "json", "gateway-is-itself.json")
with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "loop.pcapng")
    p = subprocess.run([SIM, loop, out], capture_output=True, text=True, timeout=60)
    check(p.returncode == 0 and os.path.getsize(out) < 100000, "a gateway naming its own node ends, no flood",
          f"{p.returncode} {os.path.exists(out) and os.path.getsize(out)} {p.stderr[-200:]}")

sys.exit(report("test_scenarios"))
