#!/usr/bin/env python3
"""Several files as one capture (issue 17): the same report from the pieces
as from the whole; and compressed captures (gzip, zstd, lz4) as the plain. A capture split into a series (editcap -c, as rotation
makes one), given with -r again, with -V LIST or in another order; and a
multi-link capture split by interface as probes would capture it (tshark
-Y frame.interface_id), merged by timestamp. Each finding names its file
and its frame there; mopstop reads the same pieces to the same state.

Reports of many jobs fold into one with mops-report merge.

usage: test_files.py MOPSDUMP MOPSTOP CAPTURES_DIR MOPS_REPORT SCHEMA
"""
import glob, json, os, subprocess, sys, tempfile

from pycheck import check, report

MOPSDUMP, MOPSTOP, CAPTURES, MOPS_REPORT, SCHEMA = sys.argv[1:6]
tmp = tempfile.mkdtemp(prefix="mops-files-")
PIECE = 7


def run(*args):
    p = subprocess.run([MOPSDUMP, *args], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def validate(files, extra=()):
    args = ["--validate", "--report", "-", *extra]
    for f in files:
        args += ["-r", f]
    rc, out, err = run(*args)
    return rc, (json.loads(out) if out.startswith("{") else None), err


def comparable(r):
    """The report less what names the inputs (files, their interfaces)."""
    r = json.loads(json.dumps(r))
    r.pop("input", None)
    r.pop("inputs", None)
    for v in r["violations"]:
        v.pop("file", None)
        v.pop("file_frame", None)
    # Interfaces are numbered by input: each probe's file has its own.
    for m in r["migrations"]:
        for s in m.get("story", []):
            s.pop("interface", None)
    return r


def mopstop_final(files):
    args = [MOPSTOP, "--batch", "--speed", "max"]
    for f in files:
        args += ["-r", f]
    p = subprocess.run(args, capture_output=True, text=True)
    last = p.stdout.rstrip("\n").split("\n==")[-2].split("\n")
    return p.returncode, "\n".join(l for l in last[1:] if l)  # less the header naming the source


SERIES = ["appendix-b", "bad-accept-wrong-seq", "bad-no-reply", "nat-slow-links", "partial-failure", "lost-reply",
          "bad-rewrite-seq", "anycast"]
for name in SERIES:
    whole = os.path.join(CAPTURES, name + ".pcapng")
    rc_w, rep_w, err_w = validate([whole])
    check(rep_w is not None, f"{name}: the whole validated", err_w[-300:])
    if rep_w is None:
        continue
    # A series: editcap -c writes NAME_00000_DATE.pcapng, ... in order.
    base = os.path.join(tmp, name + ".pcapng")
    subprocess.run(["editcap", "-c", str(PIECE), whole, base], check=True, capture_output=True)
    pieces = sorted(glob.glob(os.path.join(tmp, name + "_*.pcapng")))
    n_frames = rep_w["packets"]
    check(len(pieces) == (n_frames + PIECE - 1) // PIECE, f"{name}: {len(pieces)} pieces of {PIECE} frames")
    rc_p, rep_p, err_p = validate(pieces)
    check(rep_p is not None and rc_p == rc_w, f"{name}: the series validated, same exit status",
          f"{rc_p} vs {rc_w}: {err_p[-300:]}")
    if rep_p is None:
        continue
    check(comparable(rep_p) == comparable(rep_w), f"{name}: the series' report is the whole's")
    check(rep_p.get("inputs") == pieces and rep_p["input"] == pieces[0], f"{name}: the report names every file")
    for v in rep_p["violations"]:
        k, local = (v["frame"] - 1) // PIECE, (v["frame"] - 1) % PIECE + 1
        check(v.get("file") == pieces[k] and v.get("file_frame") == local,
              f"{name}: {v['rule']} at frame {v['frame']} names {os.path.basename(pieces[k])} frame {local}",
              f"{v.get('file')} frame {v.get('file_frame')}")
    # Decoded the same, frame for frame (numbers go on, interfaces shared).
    _, jw, _ = run("-T", "json", "-r", whole)
    args = ["-T", "json"]
    for f in pieces:
        args += ["-r", f]
    _, jp, _ = run(*args)
    check(jp == jw and jw, f"{name}: -T json of the series is the whole's")
    # -V LIST, and the files given in another order: merged by time.
    lst = os.path.join(tmp, name + ".list")
    with open(lst, "w") as f:
        f.write("\n".join(pieces) + "\n\n")
    rc, out, err = run("--validate", "--report", "-", "-V", lst)
    check(rc == rc_w and out and comparable(json.loads(out)) == comparable(rep_w), f"{name}: -V LIST", err[-300:])
    _, rep_r, _ = validate(list(reversed(pieces)))
    check(rep_r is not None and comparable(rep_r) == comparable(rep_w), f"{name}: the pieces in reverse order")
    # mopstop over the pieces ends where it ends over the whole.
    rc1, s1 = mopstop_final([whole])
    rc2, s2 = mopstop_final(pieces)
    check(rc1 == 0 and rc2 == 0 and s1 == s2 and "Sessions" in s1, f"{name}: mopstop -r pieces", s2[-400:])

# Probes: each interface of a multi-link capture in a file of its own.
for name in ("appendix-b", "nat-slow-links", "bad-rewrite-seq", "bad-no-relay"):
    whole = os.path.join(CAPTURES, name + ".pcapng")
    _, rep_w, _ = validate([whole])
    p = subprocess.run(["tshark", "-r", whole, "-T", "fields", "-e", "frame.interface_id"], capture_output=True,
                       text=True)
    ids = sorted({int(x) for x in p.stdout.split()})
    check(len(ids) >= 3, f"{name}: captured on {len(ids)} links")
    probes = []
    for i in ids:
        out = os.path.join(tmp, f"{name}-probe{i}.pcapng")
        subprocess.run(["tshark", "-r", whole, "-Y", f"frame.interface_id == {i}", "-w", out], check=True,
                       capture_output=True)
        probes.append(out)
    _, rep_m, err = validate(probes)
    check(rep_m is not None and comparable(rep_m) == comparable(rep_w), f"{name}: {len(probes)} probes merged",
          err[-300:])
    if rep_m:
        for v in rep_m["violations"]:
            check(v.get("file") in probes and v.get("file_frame", 0) >= 1, f"{name}: {v['rule']} names its probe")

# What cannot be read.
rc, _, err = run("-r", os.path.join(CAPTURES, "appendix-b.pcapng"), "-r", "-")
check(rc == 2 and "standard input cannot be one of several files" in err, "stdin is not one of several", err)
rc, _, err = run("-r", os.path.join(CAPTURES, "appendix-b.pcapng"), "-r", os.path.join(tmp, "missing.pcapng"))
check(rc == 2 and "missing.pcapng: No such file or directory" in err, "a missing file is named", err)
rc, _, err = run("-V", os.path.join(tmp, "missing.list"))
check(rc == 2 and "missing.list: No such file or directory" in err, "a missing -V list is named", err)
empty = os.path.join(tmp, "empty.list")
open(empty, "w").write("\n\n")
rc, _, err = run("-V", empty)
check(rc == 2 and "names no file" in err, "an empty -V list", err)
# A damaged piece: the frames before the damage are read, and the error names the piece.
pieces = sorted(glob.glob(os.path.join(tmp, "appendix-b_*.pcapng")))
data = open(pieces[2], "rb").read()
cut = os.path.join(tmp, "cut.pcapng")
open(cut, "wb").write(data[:-9])
rc, out, err = run("-r", pieces[0], "-r", pieces[1], "-r", cut, "-r", pieces[3])
check(rc == 2 and "cut.pcapng" in err and "truncated" in err and len(out.splitlines()) == 2 * PIECE + PIECE - 1,
      "a damaged piece stops the read where it is damaged, named", f"{len(out.splitlines())} lines; {err[-300:]}")

# Compressed captures, known by their content (as Wireshark reads them):
# the same frames as the plain file, from a file, from stdin, in a series.
import gzip, shutil as _sh


def pack(src, kind, dst):
    if kind == "gz":
        with open(src, "rb") as f, gzip.open(dst, "wb") as g:
            g.write(f.read())
    else:
        subprocess.run([kind if kind == "zstd" else "lz4", "-q", "-f", "-c", src], stdout=open(dst, "wb"), check=True)


plain23 = os.path.join(tmp, "v23.pcap")  # pcap 2.3: left to libpcap, through the decompressor too
d = bytearray(open(os.path.join(CAPTURES, "vectors-ethernet.pcap"), "rb").read())
d[6:8] = (3).to_bytes(2, "little")
open(plain23, "wb").write(d)
for src in (os.path.join(CAPTURES, "appendix-b.pcapng"), os.path.join(CAPTURES, "vectors.pcapng"),
            os.path.join(CAPTURES, "vectors-ethernet.pcap"), plain23):
    _, want, _ = run("-T", "json", "-r", src)
    for kind in ("gz", "zstd", "lz4"):
        z = os.path.join(tmp, os.path.basename(src) + ".packed-" + kind)  # no telling suffix: by content
        pack(src, kind, z)
        rc, got, err = run("-T", "json", "-r", z)
        check(rc == 0 and got == want and want, f"{os.path.basename(src)} as {kind}", err[-300:])
        p = subprocess.run([MOPSDUMP, "-T", "json", "-r", "-"], stdin=open(z, "rb"), capture_output=True, text=True)
        check(p.returncode == 0 and p.stdout == want, f"{os.path.basename(src)} as {kind} on stdin", p.stderr[-300:])
        data = open(z, "rb").read()
        cut = z + ".cut"
        open(cut, "wb").write(data[:-20])
        rc, _, err = run("--count", "-r", cut)
        check(rc == 2 and f"the {'gzip' if kind == 'gz' else kind} data ends early (truncated file)" in err,
              f"{os.path.basename(src)} as {kind}, cut short", err)
bad = bytearray(open(os.path.join(tmp, "appendix-b.pcapng.packed-gz"), "rb").read())
bad[200] ^= 0xFF
open(os.path.join(tmp, "bad.gz"), "wb").write(bad)
rc, _, err = run("-r", os.path.join(tmp, "bad.gz"))
check(rc == 2 and "bad.gz: corrupt gzip data" in err, "corrupt gzip data is named", err)
# A series whose pieces are compressed, each its own way.
pieces = sorted(glob.glob(os.path.join(tmp, "appendix-b_*.pcapng")))
packed = []
for i, f in enumerate(pieces):
    packed.append(f + ".z")
    pack(f, ("gz", "zstd", "lz4")[i % 3], packed[-1])
_, rep_w, _ = validate([os.path.join(CAPTURES, "appendix-b.pcapng")])
_, rep_z, err = validate(packed)
check(rep_z is not None and comparable(rep_z) == comparable(rep_w), "a series of compressed pieces", err[-300:])

# mops-report merge: the reports of independent jobs folded into one, the
# same whatever the order, valid against the schema.
import jsonschema
jobs = ["appendix-b", "bad-accept-wrong-seq", "partial-failure", "lost-reply", "bad-no-reply"]
reps = {}
for name in jobs:
    path = os.path.join(tmp, name + ".report.json")
    run("--validate", "-r", os.path.join(CAPTURES, name + ".pcapng"), "--report", path)
    reps[name] = json.load(open(path))
paths = [os.path.join(tmp, n + ".report.json") for n in jobs]
m1 = subprocess.run([MOPS_REPORT, "merge", *paths], capture_output=True, text=True)
m2 = subprocess.run([MOPS_REPORT, "merge", *reversed(paths)], capture_output=True, text=True)
check(m1.returncode == 0 and m1.stdout == m2.stdout, "merge: the same report whatever the order", m1.stderr)
if m1.returncode == 0:
    mr = json.loads(m1.stdout)
    try:
        jsonschema.validate(mr, json.load(open(SCHEMA)))
        check(True, "merge: valid against the schema")
    except jsonschema.ValidationError as e:
        check(False, "merge: valid against the schema", str(e)[:300])
    rs = list(reps.values())
    check(mr["packets"] == sum(r["packets"] for r in rs), "merge: packets summed")
    for k in ("requested", "succeeded", "failed", "unanswered"):
        check(mr["summary"]["migrations"][k] == sum(r["summary"]["migrations"][k] for r in rs), f"merge: {k} summed")
    for sev in ("error", "warning", "note"):
        check(mr["summary"]["severities"][sev] == sum(r["summary"]["severities"][sev] for r in rs),
              f"merge: {sev}s summed")
    want = sorted((r["input"], v["rule"], v["frame"]) for r in rs for v in r["violations"])
    got = sorted((v["file"], v["rule"], v["file_frame"]) for v in mr["violations"])
    check(got == want and len(want) >= 2, "merge: every finding, naming its job's input and frame", str(got))
    check(len(mr["migrations"]) == sum(len(r["migrations"]) for r in rs) and
          all(x["file"] in {r["input"] for r in rs} for x in mr["migrations"]), "merge: every migration, named")
    check(sorted(mr["inputs"]) == sorted(r["input"] for r in rs), "merge: the inputs listed")
p = subprocess.run([MOPS_REPORT, "merge", os.path.join(CAPTURES, "README.md")], capture_output=True, text=True)
check(p.returncode == 2 and "README.md" in p.stderr, "merge: a file that is no report is named", p.stderr)

sys.exit(report("test_files"))
