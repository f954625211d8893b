#!/usr/bin/env python3
"""mopsdump --validate on every reference capture: exactly the findings each
scenario expects (rule and frame), nothing on the clean ones; reports valid
against docs/validator-report.schema.json; Appendix B's NAT chains as the
draft's tables (E2, E7); exit codes; --rules, --ignore, --max-per-flow,
--events; bad input.

usage: test_validator.py MOPSDUMP CAPTURES_DIR SCHEMA
"""
import glob, json, os, subprocess, sys, tempfile

import jsonschema

from pycheck import check, report

MOPSDUMP, CAPTURES, SCHEMA = sys.argv[1:4]
schema = json.load(open(SCHEMA))


def validate(*args):
    p = subprocess.run([MOPSDUMP, "--validate", *args], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def report_of(capture, *extra):
    rc, out, err = validate("-r", capture, "--report", "-", *extra)
    try:
        return rc, json.loads(out), err
    except ValueError:
        return rc, None, err


# Every scenario: exactly its findings (given its topology: what the
# capture cannot show, such as Unique IDs).
topo_tmp = tempfile.TemporaryDirectory()  # removed at exit
topo_dir = topo_tmp.name
for path in sorted(glob.glob(os.path.join(CAPTURES, "scenarios", "*.json"))):
    s = json.load(open(path))
    name = s["name"]
    want = [(v["rule"], v["frame"]) for v in s["expect"]["violations"]]
    extra = []
    if "topology" in s["expect"]:
        extra = ["--topology", os.path.join(topo_dir, name + ".json")]
        json.dump(s["expect"]["topology"], open(extra[1], "w"))
    rc, r, err = report_of(os.path.join(CAPTURES, name + ".pcapng"), "--max-per-flow", "0", *extra)
    if r is None:
        check(False, f"{name}: a report", err[-300:])
        continue
    got = [(v["rule"], v["frame"]) for v in r["violations"]]
    check(sorted(got) == sorted(want), f"{name}: findings {sorted(set(x for x, _ in want))}", f"got {got}, want {want}")
    errors = sum(1 for v in r["violations"] if v["severity"] == "error")
    check(rc == (1 if errors else 0), f"{name}: exit {1 if errors else 0}", f"{rc}: {err[-200:]}")
    try:
        jsonschema.validate(r, schema)
        check(True, "")
    except jsonschema.ValidationError as e:
        check(False, f"{name}: report matches the schema", str(e)[:400])
    if name.startswith("bad-") and "validator_gap" not in s["expect"]:
        check(len(want) > 0, f"{name}: its misbehaviour is found")

# LARA (profile §9): judged only where the capture shows it; a capture
# without it says so in the coverage, never as a finding.
for name, judged in (("appendix-a", False), ("appendix-a-lara", True), ("appendix-b-lara", True)):
    rc, r, _ = report_of(os.path.join(CAPTURES, name + ".pcapng"))
    lara = [c for c in (r or {}).get("coverage", []) if c["role"] == "lara"]
    check(len(lara) == 1 and (lara[0]["judged"] > 0) == judged and
          (lara[0]["text"].startswith("LARA: ") if judged else
           lara[0]["text"] == "LARA not judged: no node in the capture runs it (no DAD, advertisement or logical MAC)"),
          f"{name}: LARA {'judged' if judged else 'not judged'} in the coverage", str(lara))

# A pcap file holds one link, so first sightings are not looked up there
# (one_link): the same capture as pcapng, where they are, judges the same.
with tempfile.TemporaryDirectory() as tmp:
    for name in ("vectors-ethernet.pcap", "bad-no-recv-src.pcapng", "appendix-b.pcapng"):
        src = os.path.join(CAPTURES, name)
        as_pcap, as_ng = os.path.join(tmp, "one.pcap"), os.path.join(tmp, "one.pcapng")
        subprocess.run(["editcap", "-F", "pcap", src, as_pcap], check=True, capture_output=True)
        subprocess.run(["editcap", "-F", "pcapng", as_pcap, as_ng], check=True, capture_output=True)
        got = [report_of(p, "--max-per-flow", "0")[1] for p in (as_pcap, as_ng)]
        found = [[(x["rule"], x["frame"]) for x in r["violations"]] if r else None for r in got]
        check(found[0] is not None and found[0] == found[1] and (name != "bad-no-recv-src.pcapng" or found[0]),
              f"{name}: as pcap (one link) and as pcapng, the same findings", str(found))

# The clean scenarios yield no error.
for clean in ("appendix-a", "appendix-b", "anycast", "atomic-rollback", "partial-failure", "udp-unique-id",
              "lost-reply", "no-reply", "flapping", "dnat-partial", "hijack-refused"):
    rc, r, _ = report_of(os.path.join(CAPTURES, clean + ".pcapng"))
    check(rc == 0 and r["summary"]["severities"]["error"] == 0 and r["violations"] == [], f"{clean}: clean, exit 0")

# Appendix B: the chains are the draft's tables (level 2 per E2, Router-C per E7).
rc, r, _ = report_of(os.path.join(CAPTURES, "appendix-b.pcapng"))
chains = {(c["mobile"], c["port"]): [(l["level"], l["orig"], l["trans"]) for l in c["levels"]] for c in r["nat_chains"]}
check(chains == {
    ("10.2.0.0.1", 1027): [(1, "10.2.0.0.1:1027", "10.0.0.0.1:5050"), (2, "10.0.0.0.1:5050", "525.8.78.2.2:6050")],
    ("192.168.1.1.1", 1027): [(1, "192.168.1.1.1:1027", "172.16.0.0.1:2038"),
                              (2, "172.16.0.0.1:2038", "775.2.23.5.5:4128")],
}, "Appendix B NAT chains", str(chains))
m = r["migrations"]
check(len(m) == 1 and m[0]["previous"] == "525.8.78.2.2:6050" and m[0]["migrated"] == "192.168.1.1.1:1027"
      and m[0]["outcome"] == "succeeded" and m[0]["request_frame"] == 24 and m[0]["reply_frame"] == 34,
      "Appendix B migration as the mobile node saw it", str(m))
check(r["summary"]["migrations"] == {"requested": 1, "succeeded": 1, "failed": 0, "unanswered": 0,
                                     "latency": {"min_ms": 17.0, "median_ms": 17.0, "max_ms": 17.0}},
      "summary of migrations", str(r["summary"]["migrations"]))

# A finding says what was expected and what the capture shows.
rc, r, err = report_of(os.path.join(CAPTURES, "bad-accept-wrong-seq.pcapng"))
v = r["violations"][0]
check(v["rule"] == "MIG-SEQ-ACCEPTED" and v["severity"] == "error" and v["spec"] == "MOPS §4.1, profile §7"
      and v["expected"] == "migration failed for port 1027 (sequence 123456789 outside window [3053982953, 3054048488))"
      and v["actual"] == f"migration success, frame {v['frame']}" and v["time"].endswith("Z"),
      "MIG-SEQ-ACCEPTED: expected and actual", json.dumps(v))
check(rc == 1 and "MIG-SEQ-ACCEPTED" in err and "1 errors" in err, "exit 1 and the summary on stderr", err)
rc, out, err = validate("-r", os.path.join(CAPTURES, "bad-accept-wrong-seq.pcapng"))
check(out.startswith(f"frame {v['frame']}: error MIG-SEQ-ACCEPTED: expected: migration failed for port 1027"),
      "text finding on stdout", out)

# A migration's story: Appendix B's Migrate hop by hop, the NAT acks its new
# mappings caused, and the reply back to the mobile node.
rc, r, err = report_of(os.path.join(CAPTURES, "appendix-b.pcapng"))
st = r["migrations"][0]["story"]
got = [(x["frame"], x["kind"], x["src"], x.get("migrated") or x.get("orig")) for x in st]
check(got == [(24, "migrate", "192.168.1.1.1", "192.168.1.1.1:1027"), (25, "nat_ack", "192.168.1.1.99", "192.168.1.1.1:1027"),
              (26, "migrate", "172.16.0.0.1", "172.16.0.0.1:2038"), (27, "nat_ack", "172.16.0.0.99", "172.16.0.0.1:2038"),
              (28, "migrate", "775.2.23.5.5", "775.2.23.5.5:4128"), (29, "nat_ack", "192.168.1.1.99", "172.16.0.0.1:2038"),
              (30, "migrate", "775.2.23.5.5", "775.2.23.5.5:4128"), (31, "reply", "8.8.8.8.8", "775.2.23.5.5:4128"),
              (32, "reply", "8.8.8.8.8", "775.2.23.5.5:4128"), (33, "reply", "8.8.8.8.8", "172.16.0.0.1:2038"),
              (34, "reply", "8.8.8.8.8", "192.168.1.1.1:1027")], "appendix-b: the migration's story", str(got))
check([x["ms"] for x in st][-1] == 17.0 and st[5]["level"] == 2 and st[5]["trans"] == "775.2.23.5.5:4128",
      "appendix-b: story times and levels", json.dumps(st[5]))
rc, r, err = report_of(os.path.join(CAPTURES, "bad-retx-early.pcapng"))
kinds = [x["kind"] for x in r["migrations"][0]["story"]]
check(kinds.count("resend") >= 3, "bad-retx-early: the resends in the story", str(kinds))

# A finding names the node at fault, as the shadow that judged it.
for name, want in [("bad-accept-wrong-seq", ("MIG-SEQ-ACCEPTED", "server", "8.8.8.8.8")),
                   ("bad-no-natack", ("NAT-ACK-MISSING", "nat", "10.0.0.0.1")),
                   ("bad-rewrite-seq", ("NAT-REWRITE", "nat", "775.2.23.5.5")),
                   ("bad-retx-early", ("MIG-RETX-EARLY", "mobile", "775.2.23.6.6")),
                   ("bad-prev-not-translated", ("MIG-PREV-UNTRANSLATED", "mobile", "192.168.1.1.1")),
                   ("bad-remap-unconfirmed", ("DNAT-REMAP", "dnat", "8.8.8.8.8")),
                   ("bad-natack-htl", ("MOPS-NATACK-HTL", "packet", "10.2.0.0.99"))]:
    rc, r, err = report_of(os.path.join(CAPTURES, name + ".pcapng"))
    got = {(x["rule"], x.get("role"), x.get("node")) for x in r["violations"]}
    check(got == {want}, name + ": the finding names its node", str(got))

# --rules / --ignore / --max-per-flow / --events
early = os.path.join(CAPTURES, "bad-retx-early.pcapng")
rc, r, _ = report_of(early, "--ignore", "MIG-RETX-EARLY")
check(r["violations"] == [] and rc == 0, "--ignore drops a rule")
rc, r, _ = report_of(early, "--rules", "MIG-NO-REPLY,MIG-RETX-EXCESS")
check(r["violations"] == [], "--rules keeps only those")
rc, r, _ = report_of(early, "--max-per-flow", "1")
check(len(r["violations"]) == 1 and r["summary"]["rules"]["MIG-RETX-EARLY"] == 3 and r["summary"]["suppressed"] == 2,
      "--max-per-flow keeps 1 and counts all", json.dumps(r["summary"]))
with tempfile.TemporaryDirectory() as tmp:
    ev, rep = os.path.join(tmp, "e.ndjson"), os.path.join(tmp, "r.json")
    rc, out, err = validate("-r", early, "--events", ev, "--report", rep)
    lines = [json.loads(l) for l in open(ev)]
    check(len(lines) == 3 and all(l["rule"] == "MIG-RETX-EARLY" for l in lines)
          and lines == json.load(open(rep))["violations"], "--events: one JSON line per finding, as in the report")
    rc, _, err = validate("-r", early, "--report", os.path.join(tmp, "no", "such", "dir.json"))
    check(rc == 2 and "dir.json" in err, "unwritable report: exit 2", err)

# Bad input and usage: exit 2 with a message.
rc, _, err = validate("-r", "/nonexistent.pcapng")
check(rc == 2 and "nonexistent" in err, "missing capture: exit 2", err)
rc, _, err = validate("-r", early, "--rules", "NO-SUCH-RULE")
check(rc == 2 and "unknown rule 'NO-SUCH-RULE'" in err, "unknown rule: exit 2", err)
rc, _, err = subprocess.run([MOPSDUMP, "-r", early, "--report", "x.json"], capture_output=True, text=True).returncode, None, ""
check(rc == 2, "--report without --validate: exit 2")
with tempfile.TemporaryDirectory() as tmp:
    cut = os.path.join(tmp, "cut.pcapng")
    data = open(os.path.join(CAPTURES, "appendix-b.pcapng"), "rb").read()
    open(cut, "wb").write(data[: len(data) - 37])
    rc, out, err = validate("-r", cut)
    check(rc == 2 and "truncated" in err, "truncated capture: exit 2 with the summary still printed", err[-300:])

# --topology: what the capture cannot show (profile §7: UDP migrates only by
# an exact Unique ID; a server may check the sequence exactly).
udp = os.path.join(CAPTURES, "udp-unique-id.pcapng")
with tempfile.TemporaryDirectory() as tmp:
    def topo(text):
        path = os.path.join(tmp, "topology.json")
        open(path, "w").write(text)
        return path
    rc, r, err = report_of(udp, "--topology", topo('{"servers": [{"address": "8.8.8.8.8", "unique_ids": '
                                                   '[{"proto": "udp", "port": 5001, "id": 4276215469}]}]}'))
    check(rc == 0 and r["violations"] == [], "topology: the right Unique ID accepted, clean", err[-200:])
    rc, r, err = report_of(udp, "--topology", topo('{"servers": [{"address": "8.8.8.8.8", "unique_ids": '
                                                   '[{"proto": "udp", "port": 5001, "id": 4277009102}]}]}'))
    check(rc == 1 and [v["rule"] for v in r["violations"]] == ["MIG-SEQ-ACCEPTED"]
          and r["violations"][0]["expected"] == "migration failed for port 5000 (Unique ID 0xfee1dead, expected 0xfeedface)",
          "topology: a wrong Unique ID accepted is MIG-SEQ-ACCEPTED", json.dumps(r["violations"] if r else err))
    for clean in ("appendix-a", "appendix-b", "atomic-rollback"):
        rc, r, err = report_of(os.path.join(CAPTURES, clean + ".pcapng"), "--topology",
                               topo('{"servers": [{"address": "8.8.8.8.8", "sequence_check": "exact"}]}'))
        check(rc == 0 and r["violations"] == [], f"topology: {clean} clean under the exact sequence check", err[-200:])
    rc, r, err = report_of(os.path.join(CAPTURES, "bad-accept-wrong-seq.pcapng"), "--topology",
                           topo('{"servers": [{"address": "8.8.8.8.8", "sequence_check": "exact"}], '
                                '"links": {"8.8.8.8.8": 4}}'))
    check(rc == 1 and r["violations"][0]["expected"].endswith("(sequence 123456789, RCV.NXT 3053982953 (exact check))"),
          "topology: exact check and a named link", json.dumps(r["violations"] if r else err))
    for text, want in (('{"servers": [{"adress": "8.8.8.8.8"}]}', "unknown key in servers[]: adress"),
                       ('{"servers": [', "]' expected"),
                       ('{"servers": [{"address": "1003.0.0.0.1"}]}', "not an IPFF address"),
                       ('{"servers": [{"address": "8.8.8.8.8", "sequence_check": "loose"}]}', "sequence_check is")):
        rc, _, err = validate("-r", udp, "--topology", topo(text))
        check(rc == 2 and want in err, f"bad topology: {want}", err)

# Damaged captures (seeded editcap): a report that still matches the schema,
# and exit 0 or 1, never a crash (the sanitizers watch in CI).
with tempfile.TemporaryDirectory() as tmp:
    for name in ("vectors", "appendix-b", "bad-no-rollback", "flapping"):
        for seed in (1, 2, 3):
            bad = os.path.join(tmp, f"{seed}-{name}.pcapng")
            subprocess.run(["editcap", "-E", "0.03", "--seed", str(seed), os.path.join(CAPTURES, name + ".pcapng"), bad],
                           check=True, capture_output=True)
            rc, r, err = report_of(bad, "--max-per-flow", "0")
            ok = rc in (0, 1) and r is not None and "runtime error" not in err and "Sanitizer" not in err
            if ok:
                try:
                    jsonschema.validate(r, schema)
                except jsonschema.ValidationError as e:
                    ok, err = False, str(e)[:300]
            check(ok, f"damaged {name} (seed {seed}): a valid report", f"{rc}: {err[-300:]}")

sys.exit(report("test_validator"))
