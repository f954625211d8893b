#!/usr/bin/env python3
"""State under attack: a capture that floods the validator's bounded tables
(tests/bench/gen_flood.c: distinct sessions, Migrates to distinct tuples,
NAT acks of distinct levels, findings on distinct flows, N of each) is
judged within the tables, and the report says what was retired early
(state_overflow, and a coverage entry), never silently; the findings are
all counted, the first 16,384 listed.

    test_state_overflow.py FLOODGEN MOPSDUMP SCHEMA"""
import json
import os
import subprocess
import sys
import tempfile

from pycheck import check, report

floodgen, mopsdump, schema = sys.argv[1:4]
N = 70000  # more than the 65,536 sessions and 16,384 transactions held
with tempfile.TemporaryDirectory() as tmp:
    cap, rep = os.path.join(tmp, "flood.pcap"), os.path.join(tmp, "r.json")
    subprocess.run([floodgen, "-n", str(N), cap], check=True)
    p = subprocess.run([mopsdump, "-r", cap, "--validate", "--report", rep], capture_output=True, text=True)
    check(p.returncode == 1, "the flood's findings are errors: exit 1", f"{p.returncode} {p.stderr[-300:]}")
    r = json.load(open(rep))
    ov = r.get("state_overflow", {})
    for key in ("sessions", "transactions", "nat_levels", "findings"):
        check(ov.get(key, 0) > 0, f"state_overflow.{key} counts what was retired early", str(ov))
    check(ov.get("findings") == N - 16384, "findings beyond the list of 16,384: counted", str(ov.get("findings")))
    check(len(r["violations"]) == 16384, "the report lists 16,384 findings", str(len(r["violations"])))
    check(r["summary"]["rules"].get("TCP-CHECKSUM") == N, f"all {N} bad checksums counted", str(r["summary"]["rules"]))
    first = r["coverage"][0] if r["coverage"] else {}
    check(first.get("role") == "validator" and first.get("text", "").startswith("state overflow: ")
          and first.get("not_judged") == sum(ov.values()), "the coverage says so first", str(first)[:300])
    check(any(l.strip().startswith("state overflow: ") for l in p.stderr.splitlines()),
          "the summary on stderr says so", p.stderr[-300:])
    try:
        import jsonschema
        jsonschema.validate(r, json.load(open(schema)))
        check(True, "the report matches the schema")
    except ImportError:
        pass
    except jsonschema.ValidationError as e:
        check(False, "the report matches the schema", str(e)[:300])
    # A normal capture: nothing retired, all zeros.
    captures = os.path.join(os.path.dirname(schema), "..", "captures", "appendix-b.pcapng")
    subprocess.run([mopsdump, "-r", captures, "--validate", "--report", rep], capture_output=True)
    r = json.load(open(rep))
    check(set(r["state_overflow"].values()) == {0}, "appendix-b: nothing retired early", str(r["state_overflow"]))
sys.exit(report("test_state_overflow"))
