#!/usr/bin/env python3
"""The plugin in real tshark on hostile captures, as Wireshark's own fuzz
test feeds its dissectors (tools/fuzz-test.sh): every reference capture
mutated by `editcap -E` at several rates (seeded, so a failure repeats),
and random IPFF frames on every carrier (randpkt's manner: a header that
mostly holds together, MOPS types in a share of the ICMPv5 ones, then
noise), each dissected in one pass and in two (`tshark -2`), with -V so
that every field is built. Under the sanitizer build of the plugin, any
crash, sanitizer report or "Dissector bug" fails.

Mutated captures are dissected in batches (mergecap -a joins them), so
that tshark's start-up is paid once a batch, not once a capture.

    plugin_hostile.py PLUGIN.so CAPTURES TSHARK_WRAPPER [N] [--seed S]

N: mutated captures (default $MOPS_HOSTILE_CAPTURES, else 300 as CI runs;
the long run of docs/robustness.md gives 10000, also through
tests/compat/run). Prints one summary line."""
import glob
import os
import random
import struct
import subprocess
import sys
import tempfile

args = [a for a in sys.argv[1:] if not a.startswith("--")]
PLUGIN, CAPTURES, WRAPPER = args[:3]
N = int(args[3]) if len(args) > 3 else int(os.environ.get("MOPS_HOSTILE_CAPTURES", "300"))
SEED = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 1
RATES = ["0.005", "0.02", "0.05", "0.15"]
BATCH = 50
BAD = ("Dissector bug", "runtime error", "AddressSanitizer", "LeakSanitizer")


def tshark(path, passes):
    p = subprocess.run([WRAPPER, PLUGIN, "-r", path, "-V", *passes], capture_output=True, text=True,
                       errors="replace", timeout=900)
    bugs = [l for l in (p.stdout + p.stderr).splitlines() if any(b in l for b in BAD)]
    # 2: a cut or damaged file ends tshark's read with a message; anything
    # else (a signal, an abort) is a crash.
    return p.returncode, bugs, p.stderr, p.stdout.count("Internet Protocol Five Fields")


rnd = random.Random(SEED)


def ipff(n):
    body = bytes(rnd.getrandbits(8) for _ in range(n))
    proto = rnd.choice([1, 6, 17, 43, 44, 60, 0, rnd.getrandbits(14)])
    if proto == 1 and n >= 8 and rnd.random() < 0.7:
        body = body[:4] + struct.pack(">H", rnd.choice([100, 101, 102, 1, 2, 3, 4, 5, 128, 129])) + body[6:]
    w0 = 5 << 60 | rnd.getrandbits(10) * (rnd.random() < 0.1) << 50 | rnd.getrandbits(50)
    w1 = proto << 50 | rnd.getrandbits(50)
    plen = n if rnd.random() < 0.8 else rnd.getrandbits(16)
    return struct.pack(">QQBBH", w0, w1, rnd.randint(0, 255), 0, plen) + body


def udp4(p):
    udp = struct.pack(">HHHH", 40000, 5505, 8 + len(p), 0) + p
    return struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0, b"\x0a\0\0\x01", b"\x0a\0\0\x02") + udp


def udp6(p):
    udp = struct.pack(">HHHH", 40000, 5505, 8 + len(p), 0) + p
    return struct.pack(">IHBB16s16s", 6 << 28, len(udp), 17, 64, b"\xfd" + b"\0" * 14 + b"\x01",
                       b"\xfd" + b"\0" * 14 + b"\x02") + udp


# Every carrier the profile names (§1), by LINKTYPE.
CARRIERS = {
    1: lambda p: b"\x02" * 6 + b"\x04" * 6 + b"\x88\xb5" + p,
    147: lambda p: p,
    113: lambda p: struct.pack(">HHH8sH", 0, 1, 6, b"\x02" * 6 + b"\0\0", 0x88B5) + p,
    276: lambda p: struct.pack(">HHIHBB8s", 0x88B5, 0, 1, 1, 0, 6, b"\x02" * 6 + b"\0\0") + p,
    101: udp4,
    228: udp4,
    229: udp6,
    0: lambda p: struct.pack("<I", 2) + udp4(p),
    108: lambda p: struct.pack(">I", 2) + udp4(p),
}

failures = []
runs = frames = 0
with tempfile.TemporaryDirectory() as tmp:
    os.chmod(tmp, 0o755)
    sources = sorted(glob.glob(os.path.join(CAPTURES, "*.pcapng")))
    made = []
    for i in range(N):
        src = sources[i % len(sources)]
        rate = RATES[i // len(sources) % len(RATES)]
        out = os.path.join(tmp, f"m{i}.pcapng")
        subprocess.run(["editcap", "-E", rate, "--seed", str(SEED * 100003 + i), src, out], check=True,
                       capture_output=True)
        made.append(out)
    batches = []
    for k in range(0, len(made), BATCH):
        path = os.path.join(tmp, f"batch{k // BATCH}.pcapng")
        subprocess.run(["mergecap", "-a", "-w", path, *made[k:k + BATCH]], check=True, capture_output=True)
        for m in made[k:k + BATCH]:
            os.remove(m)
        batches.append((path, f"mutated captures {k + 1}-{min(k + BATCH, N)}"))
    randoms = []
    for linktype, wrap in CARRIERS.items():
        path = os.path.join(tmp, f"random-{linktype}.pcap")
        with open(path, "wb") as f:
            f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, linktype))
            for i in range(300):
                frame = wrap(ipff(rnd.choice([0, 4, 8, 12, 24, 40, 56, 72, 120, 300])))
                f.write(struct.pack("<IIII", 1700000000 + i, 0, len(frame), len(frame)) + frame)
        randoms.append((path, f"300 random IPFF frames, linktype {linktype}"))
    for path, what in batches + randoms:
        os.chmod(path, 0o644)
        for passes in ([], ["-2"]):
            rc, bugs, err, n_ipff = tshark(path, passes)
            runs += 1
            frames += n_ipff
            if rc not in (0, 2) or bugs:
                failures.append(f"{what} {' '.join(passes)}: exit {rc}: " + ("\n".join(bugs[:3]) or err[-300:]))
            elif path in dict(randoms) and n_ipff < 200:
                failures.append(f"{what} {' '.join(passes)}: only {n_ipff} of 300 frames dissected as IPFF")
for f in failures:
    print("FAIL: " + f)
print(f"plugin_hostile: {N} mutated captures (editcap -E {', '.join(RATES)}) in {len(batches)} batches and "
      f"{len(randoms)} random-frame captures (every carrier), one and two passes: {runs} tshark runs, "
      f"{frames} IPFF frames dissected, {len(failures)} failed")
sys.exit(1 if failures else 0)
