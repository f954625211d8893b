#!/usr/bin/env python3
"""Seed corpora for the libFuzzer harnesses, from the reference captures and
the scenarios: every frame of every capture (decode), every capture as one
packet stream (validator), address strings (addr), scenarios and topologies
(json), timelines of operations (models), and capture files as pcapng,
pcap of both byte orders and time resolutions, compressed, and cut in two
(capture).

usage: make_corpus.py CAPTURES_DIR OUT_DIR
"""
import glob, gzip, os, struct, sys

CAPTURES, OUT = sys.argv[1:3]
STAMP = sys.argv[sys.argv.index("--stamp") + 1] if "--stamp" in sys.argv else None
# The harnesses' carrier list (fuzz_common.h), by LINKTYPE.
LINKTYPES = [1, 147, 113, 276, 101, 228, 229, 0, 108]


def frames(path):
    """(linktype, interface, timestamp in µs, bytes) of each packet of a pcapng or pcap file."""
    data = open(path, "rb").read()
    out = []
    if data[:4] == b"\x0a\x0d\x0d\x0a":
        off, ifaces, bo = 0, [], "<"
        while off + 12 <= len(data):
            btype, blen = struct.unpack_from(bo + "II", data, off)
            if btype == 0x0A0D0D0A:
                bo = "<" if data[off + 8:off + 12] == b"\x4d\x3c\x2b\x1a" else ">"
                btype, blen = struct.unpack_from(bo + "II", data, off)
                ifaces = []
            if blen < 12:
                break
            body = data[off + 8:off + blen - 4]
            if btype == 1:
                ifaces.append(struct.unpack_from(bo + "H", body, 0)[0])
            elif btype == 6:
                ifid, hi, lo, cap, _ = struct.unpack_from(bo + "IIIII", body, 0)
                out.append((ifaces[ifid] if ifid < len(ifaces) else 1, ifid, (hi << 32 | lo), body[20:20 + cap]))
            off += blen
    else:
        bo = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
        linktype = struct.unpack_from(bo + "I", data, 20)[0]
        off = 24
        while off + 16 <= len(data):
            sec, usec, cap, _ = struct.unpack_from(bo + "IIII", data, off)
            out.append((linktype, 0, sec * 1000000 + usec, data[off + 16:off + 16 + cap]))
            off += 16 + cap
    return out


def write(kind, name, blob):
    d = os.path.join(OUT, kind)
    os.makedirs(d, exist_ok=True)
    open(os.path.join(d, name), "wb").write(blob)


counts = {}
for path in sorted(glob.glob(os.path.join(CAPTURES, "*.pcap*"))):
    base = os.path.basename(path).split(".")[0]
    fr = frames(path)
    stream, last = bytearray(b"\x00"), None
    for i, (lt, ifid, ts, b) in enumerate(fr):
        if lt not in LINKTYPES:
            continue
        idx = LINKTYPES.index(lt)
        write("decode", f"{base}-{i + 1}", bytes([idx]) + b)
        gap = 0 if last is None else min(200, (ts - last) // 1000)
        last = ts
        stream += struct.pack(">HBBB", len(b), idx, ifid, gap) + b
    write("validator", base, bytes(stream))
    counts[base] = len(fr)
def pcap(fr, bo, nano):
    """The frames as a classic pcap file (one link type: the first's)."""
    out = bytearray(struct.pack(bo + "IHHiIII", 0xA1B23C4D if nano else 0xA1B2C3D4, 2, 4, 0, 0, 262144,
                                fr[0][0] if fr else 1))
    for lt, _, ts, b in fr:
        sub = ts % 1000000 * (1000 if nano else 1)
        out += struct.pack(bo + "IIII", ts // 1000000 & 0xFFFFFFFF, sub, len(b), len(b)) + b
    return bytes(out)


# Capture files: every reference capture up to 16 KiB whole (mostly
# pcapng), and the three smallest in the other forms. The first octet is
# the harness's mode (fuzz_capture.c): bit 0 batches, bit 1 two files cut
# where the next two octets say.
small = sorted(glob.glob(os.path.join(CAPTURES, "*.pcap*")), key=os.path.getsize)
for k, path in enumerate(small):
    blob = open(path, "rb").read()
    if len(blob) > 16384:
        continue
    base = os.path.basename(path).split(".")[0]
    write("capture", base, bytes([k & 1, 0, 0]) + blob)
    if k < 3:
        fr = [f for f in frames(path) if f[0] == frames(path)[0][0]]
        write("capture", base + "-le-us.pcap", b"\x01\x00\x00" + pcap(fr, "<", False))
        write("capture", base + "-be-ns.pcap", b"\x00\x00\x00" + pcap(fr, ">", True))
        write("capture", base + ".gz", b"\x01\x00\x00" + gzip.compress(blob, mtime=0))
        write("capture", base + "-series", bytes([3, len(blob) // 2 >> 8, len(blob) // 2 & 255]) + blob + blob)
# Timelines for fuzz_models: four octets of misbehaviours (none), then
# operations of six octets (op, arguments).
ops = {
    "tcp-move": [(0, 0, 0, 0, 4, 1), (3, 50, 0, 0, 0, 0), (1, 0, 20, 0, 0, 0), (3, 50, 0, 0, 0, 0),
                 (2, 1, 0, 0, 0, 0), (3, 100, 0, 0, 0, 0), (3, 250, 0, 0, 0, 0)],
    "udp-id-move-out": [(0, 0, 1, 1, 3, 2), (3, 20, 0, 0, 0, 0), (1, 0, 5, 0, 0, 0), (2, 0, 1, 0, 0, 0),
                        (3, 200, 0, 0, 0, 0), (3, 210, 0, 0, 0, 0)],
    "anycast": [(0, 1, 0, 0, 4, 3), (3, 30, 0, 0, 0, 0), (1, 0, 4, 0, 0, 0), (2, 1, 2, 0, 0, 0), (3, 120, 0, 0, 0, 0)],
    "dnat-lost": [(0, 2, 0, 0, 4, 4), (3, 30, 0, 0, 0, 0), (4, 2, 0, 0, 0, 0), (2, 1, 3, 0, 0, 0),
                  (3, 150, 0, 0, 0, 0), (3, 220, 0, 0, 0, 0)],
    "replay-changed": [(0, 0, 0, 0, 4, 5), (3, 30, 0, 0, 0, 0), (2, 1, 0, 0, 0, 0), (6, 0, 8, 1, 2, 3),
                       (6, 1, 6, 9, 9, 9), (6, 2, 3, 0, 0, 1), (3, 100, 0, 0, 0, 0)],
    "inject": [(0, 0, 0, 0, 4, 6), (3, 30, 0, 0, 0, 0), (7, 0, 0, 0, 6, 0), (7, 1, 3, 1, 7, 1), (3, 80, 0, 0, 0, 0)],
}
for name, seq in ops.items():
    write("models", name, bytes(4) + b"".join(bytes(o) for o in seq))
for i, a in enumerate(["10.2.0.0.1", "525.8.78.3.9", "..0", "..1", "999.999.999.999.999", "1003.0.0.0.1",
                       "10.2.0.0.0/40", "8.8.8.8.8/50", "0.0.0.0.0/0", "172.16.0.0.1", " 1.2.3.4.5", "1.2.3.4"]):
    write("addr", f"addr-{i}", a.encode())
for path in sorted(glob.glob(os.path.join(CAPTURES, "scenarios", "*.json"))):
    write("json", os.path.basename(path), open(path, "rb").read())
# Inputs that once failed (tests/fuzz/regressions/KIND/*) stay in the corpora.
for path in sorted(glob.glob(os.path.join(os.path.dirname(os.path.abspath(__file__)), "regressions", "*", "*"))):
    write(os.path.basename(os.path.dirname(path)), "regression-" + os.path.basename(path), open(path, "rb").read())
write("json", "topology.json", b'{"servers": [{"address": "8.8.8.8.8", "sequence_check": "exact", '
                               b'"unique_ids": [{"proto": "udp", "port": 5001, "id": 4276215469}]}], '
                               b'"links": {"8.8.8.8.8": 4}}')
print(f"make_corpus: {sum(counts.values())} frames from {len(counts)} captures into {OUT}")
if STAMP:
    open(STAMP, "w").write("ok\n")
