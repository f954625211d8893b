#!/usr/bin/env python3
"""Hostile files for every front end, as Wireshark's fuzz test does for its
dissectors: each reference capture mutated with editcap -E (seeded, so a
failure repeats), read by mopsdump (text -vvv and JSON), the validator and
mopstop --batch, each with a timeout: exit 0 or 1 with output, never a
crash, a sanitizer report or a hang. Then broken files: truncated,
zero-length, wrong magic, absurd snaplen, a record longer than the snaplen,
pcapng with unknown blocks and with many interfaces.

usage: test_mutations.py MOPSDUMP MOPSTOP CAPTURES_DIR [ROUNDS]
"""
import glob, os, struct, subprocess, sys, tempfile

from pycheck import check, report

MOPSDUMP, MOPSTOP, CAPTURES = sys.argv[1:4]
ROUNDS = int(sys.argv[4]) if len(sys.argv) > 4 else 2
TIMEOUT = 120
totals = {"files": 0, "runs": 0}


def run(args, ok_codes):
    try:
        p = subprocess.run(args, capture_output=True, text=True, timeout=TIMEOUT, errors="replace")
    except subprocess.TimeoutExpired:
        return False, f"hang: more than {TIMEOUT} s"
    totals["runs"] += 1
    bad = [l for l in p.stderr.splitlines() if "runtime error" in l or "Sanitizer" in l or "LeakSanitizer" in l]
    if p.returncode not in ok_codes or bad:
        return False, f"exit {p.returncode}: " + "\n".join(bad[:3] or p.stderr.splitlines()[-3:])
    return True, ""


def tools(path, codes_dump=(0,), codes_val=(0, 1), codes_top=(0,)):
    """Every front end on one file; (name, ok, why) each."""
    yield "mopsdump -vvv", *run([MOPSDUMP, "-r", path, "-vvv", "-e"], codes_dump)
    yield "mopsdump -T json", *run([MOPSDUMP, "-r", path, "-T", "json"], codes_dump)
    yield "mopsdump --validate", *run([MOPSDUMP, "--validate", "-r", path, "--report", os.devnull], codes_val)
    yield "mopstop --batch", *run([MOPSTOP, "-r", path, "--speed", "max", "--batch", "--json", "-d", "30"],
                                  codes_top)


with tempfile.TemporaryDirectory() as tmp:
    # 1. Mutated captures: the bytes of the frames change, the file stays readable.
    for cap in sorted(glob.glob(os.path.join(CAPTURES, "*.pcap*"))):
        for seed in range(1, ROUNDS + 1):
            bad = os.path.join(tmp, f"{seed}-{os.path.basename(cap)}")
            subprocess.run(["editcap", "-E", "0.02", "--seed", str(seed), cap, bad], check=True, capture_output=True)
            totals["files"] += 1
            for name, ok, why in tools(bad):
                check(ok, f"{os.path.basename(cap)} mutated (seed {seed}): {name}", why)
            os.remove(bad)

    # 2. Broken files: a message and exit 2 where nothing can be read; what
    # is readable is processed first otherwise.
    good = open(os.path.join(CAPTURES, "appendix-b.pcapng"), "rb").read()
    pcap = open(os.path.join(CAPTURES, "vectors-ethernet.pcap"), "rb").read()

    def pcapng_block(btype, body):
        body += b"\0" * (-len(body) % 4)
        n = 12 + len(body)
        return struct.pack("<II", btype, n) + body + struct.pack("<I", n)

    shb = pcapng_block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    good_shb_len = struct.unpack_from("<I", good, 4)[0]
    cases = {
        "empty": (b"", 2),
        "wrong-magic": (b"\x00\x01\x02\x03" + good[4:], 2),
        "truncated-header": (pcap[:10], 2),
        "truncated-pcapng": (good[: len(good) // 2], 2),
        "absurd-snaplen": (pcap[:16] + struct.pack("<I", 0xFFFFFFF0) + pcap[20:], None),
        "record-over-snaplen": (pcap[:16] + struct.pack("<I", 60) + pcap[20:], None),
        "unknown-blocks": (good[:good_shb_len] + pcapng_block(0x0BADB10C, b"hello") + good[good_shb_len:], (0,)),
        "many-interfaces": (shb + b"".join(pcapng_block(1, struct.pack("<HHI", 147, 0, 65535))
                                           for _ in range(300)), (0,)),
    }
    for name, (data, want) in cases.items():
        path = os.path.join(tmp, name + ".pcapng")
        open(path, "wb").write(data)
        totals["files"] += 1
        if want == 2:
            for tool_name, ok, why in tools(path, (2,), (2,), (2,)):
                check(ok, f"{name}: {tool_name} exits 2", why)
            p = subprocess.run([MOPSDUMP, "-r", path], capture_output=True, text=True)
            check(p.stderr.strip().startswith("mopsdump:") or "mopsdump: " in p.stderr, f"{name}: a message", p.stderr)
        else:
            codes = want or (0, 2)
            for tool_name, ok, why in tools(path, codes, tuple(set(codes) | {1}), codes):
                check(ok, f"{name}: {tool_name} copes", why)

print(f"test_mutations: {totals['files']} files, {totals['runs']} runs of the tools")
sys.exit(report("test_mutations"))
