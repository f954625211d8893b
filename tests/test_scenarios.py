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

# Random loss drops in the sender's queue (the capture never shows the
# frame); a drop rule loses it on the wire, after the tap. no-reply loses
# its Migrates on the server's side of router-b by a drop rule.
def kinds(path, sc):
    with open(path + ".json", "w") as f:
        json.dump(sc, f)
    p = subprocess.run([SIM, path + ".json", path + ".pcapng"], capture_output=True, text=True)
    if p.returncode:
        return p.stderr
    out = subprocess.run([DUMP, "-r", path + ".pcapng", "-n"], capture_output=True, text=True).stdout
    return [line.split()[1] for line in out.splitlines()]
base = json.load(open(os.path.join(DIR, "scenarios", "no-reply.json")))
uplink = [l for l in base["links"] if l["name"] == "org-b-uplink"][0]
with tempfile.TemporaryDirectory() as tmp:
    wire = kinds(os.path.join(tmp, "wire"), base)
    check(wire.count("MIGRATE") == 8 and "MIGRATE-SUCCESS" not in wire,
          "a drop rule's frame is captured on the link that loses it", str(wire))
    uplink["captured"] = False
    untapped = kinds(os.path.join(tmp, "untapped"), base)
    check(untapped.count("MIGRATE") == 4 and len(untapped) == len(wire) - 4,
          "a link with no tap: none of its frames in the capture", f"{len(wire)} {untapped}")
    del uplink["captured"]
    del uplink["drop"]
    uplink["loss"] = 1.0
    queue = kinds(os.path.join(tmp, "queue"), base)
    check(queue.count("MIGRATE") == 4 and "MIGRATE-SUCCESS" not in queue,
          "random loss is not captured: the Migrates on the mobile's link only", str(queue))
    uplink["loss_spares"] = ["migrate-request"]
    spared = kinds(os.path.join(tmp, "spared"), base)
    # The Migrates cross all three links and are answered; the replies,
    # not spared, are lost on the way back, so the mobile node resends.
    check(spared.count("MIGRATE") == 12 and spared.count("MIGRATE-SUCCESS") == 3,
          "loss_spares: the Migrate passes, the server answers", str(spared))
    uplink["loss_spares"] = ["syn"]
    err = kinds(os.path.join(tmp, "bad"), base)
    check(isinstance(err, str) and "loss_spares" in err and "nat-ack" in err,
          "an unknown loss_spares kind is named in the error", str(err))

sys.exit(report("test_scenarios"))
