#!/usr/bin/env python3
"""mopsdump against the bundled captures: golden text at every verbosity and
golden JSON (compared structurally), the profile's vectors, the field
vocabulary, -w/-r round trips, stdin, filters, rotation, -Z, and bad input.

usage: test_mopsdump.py MOPSDUMP CAPTURES_DIR GOLDEN_DIR FIELDS_MD [--regen]
"""
import json, os, pwd, re, subprocess, sys, tempfile

from pycheck import check, report

MOPSDUMP, CAPTURES, GOLDEN, FIELDS_MD = sys.argv[1:5]
REGEN = "--regen" in sys.argv[5:]
PCAPNG = os.path.join(CAPTURES, "vectors.pcapng")
ETH_PCAP = os.path.join(CAPTURES, "vectors-ethernet.pcap")
ENV = dict(os.environ, TZ="UTC")


def run(*args, stdin=None):
    p = subprocess.run([MOPSDUMP, *args], input=stdin, capture_output=True, env=ENV)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


# --- golden outputs ------------------------------------------------------------
TEXT_CASES = {
    "default": ["-tt"],
    "v": ["-tt", "-v"],
    "vv": ["-tt", "-vv"],
    "vvv": ["-tt", "-vvv"],
    "q": ["-tt", "-q"],
    "e": ["-tt", "-e"],
    "numbers-X": ["-tt", "-#", "-X", "-c", "30"],
    "xx": ["-t", "-xx", "-c", "26"],
    "date": ["-tttt", "--nano", "-c", "3"],
}


def golden_text():
    for name, args in TEXT_CASES.items():
        rc, out, err = run("-r", PCAPNG, *args)
        path = os.path.join(GOLDEN, f"mopsdump-{name}.txt")
        if REGEN:
            open(path, "w").write(out)
            continue
        want = open(path).read()
        check(rc == 0, f"text {name}: exit 0", err)
        if out != want:
            a, b = out.splitlines(), want.splitlines()
            first = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
            check(False, f"text {name} matches {path}",
                  f"line {first + 1}:\n  got:  {a[first] if first < len(a) else '(none)'}\n"
                  f"  want: {b[first] if first < len(b) else '(none)'}")
        else:
            check(True, "")


def golden_json():
    rc, out, err = run("-r", PCAPNG, "-T", "json")
    path = os.path.join(GOLDEN, "mopsdump.jsonl")
    if REGEN:
        open(path, "w").write(out)
        return
    check(rc == 0, "json: exit 0", err)
    got = [json.loads(line) for line in out.splitlines()]
    want = [json.loads(line) for line in open(path)]
    check(len(got) == len(want), f"json: {len(want)} objects", f"got {len(got)}")
    for g, w in zip(got, want):
        if g != w:
            check(False, f"json frame {w['frame']['number']} matches", f"got  {g}\nwant {w}")
            break
    else:
        check(True, "")


# --- the vocabulary: every JSON path is a documented name -------------------------
def json_paths(obj, prefix=""):
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from json_paths(v, f"{prefix}.{k}" if prefix else k)
    elif isinstance(obj, list):
        for v in obj:
            yield from json_paths(v, prefix + "[]")
    else:
        yield prefix


def vocabulary():
    names = set(re.findall(r"^\| `[^`]+` \| `([^`]+)` \|", open(FIELDS_MD).read(), re.M))
    rc, out, _ = run("-r", PCAPNG, "-T", "json")
    unknown = set()
    for line in out.splitlines():
        for p in json_paths(json.loads(line)):
            # The invoking packet reuses the ipff/tcp/udpv5 names inside it.
            q = p[len("icmpv5.invoking."):] if p.startswith("icmpv5.invoking.") else p
            if q not in names:
                unknown.add(p)
    check(not unknown, "every JSON path is in docs/fields.md", ", ".join(sorted(unknown)))
    check(len(names) > 100, "docs/fields.md lists the vocabulary", str(len(names)))


# --- the profile's vectors -------------------------------------------------------
def vectors():
    rc, out, _ = run("-r", PCAPNG, "-t", "-c", "13")
    lines = out.splitlines()
    check(lines[0] == "MIGRATE 775.2.23.6.6 > 8.8.8.8.8: tcp 525.8.78.3.9 -> 775.2.23.6.6, 1 port "
          "[1027>2098 dport 80] seq 305419896, crc ok, length 40", "Appendix A migrate line", lines[0])
    check(lines[5] == "NATACK 10.2.0.0.99 > 10.2.0.0.1: level 2, tcp 10.0.0.0.1 -> 525.8.78.2.2, "
          "1 port [5050>6050], crc ok, length 28", "Appendix B NAT ack line", lines[5])
    check(lines[7] == "ANYCAST-ACK 8.8.8.8.8 > 525.8.78.3.9: tcp anycast 8.8.8.8.8 -> unicast "
          "8.8.4.4.4, ports 1027 > 80, crc ok, length 28", "anycast ack line", lines[7])
    check(lines[8] == "IPFF 525.8.78.3.9.1027 > 8.8.8.8.8.80: Flags [S], seq 195939070, win 65535, "
          "options [mobile_capable,nop,nop], length 0", "MOBILE_CAPABLE SYN line", lines[8])
    check(lines[9].startswith("IPFF 8.8.8.8.8.80 > 525.8.78.2.2.6050: [recv-src 525.8.78.2.2.6050] "
          "Flags [S.]"), "received-source line", lines[9])
    check(lines[12] == "IPFF 525.8.78.3.9.5000 > 8.8.8.8.8.53: UDPv5, length 5", "UDPv5 line", lines[12])
    rc, out, _ = run("-r", PCAPNG, "-T", "json", "-c", "26")
    js = [json.loads(l) for l in out.splitlines()]
    m = js[0]["mops"]["migrate"]
    check(js[0]["icmpv5"]["crc"] == 0x85C6A700 and js[0]["icmpv5"]["crc_status"] == "good", "migrate crc")
    check(m["prev_addr"] == "525.8.78.3.9" and m["mig_addr"] == "775.2.23.6.6" and m["n_ports"] == 1,
          "migrate addresses")
    check(m["ports"][0] == {"prev_sport": 1027, "mig_sport": 2098, "prev_dport": 80, "mig_dport": 80,
                            "seq": "305419896"}, "migrate port entry", str(m["ports"]))
    n = js[5]["mops"]["natack"]
    check(n["level"] == 2 and n["orig_addr"] == "10.0.0.0.1" and n["trans_addr"] == "525.8.78.2.2"
          and n["ports"] == [{"orig_port": 5050, "trans_port": 6050}], "NAT ack fields", str(n))
    check(js[5]["ipff"]["htl"] == 1, "NAT ack sent with HTL 1")
    a = js[7]["mops"]["anycast"]
    check(a == {"proto": 6, "anycast_addr": "8.8.8.8.8", "unicast_addr": "8.8.4.4.4", "sport": 1027,
                "dport": 80}, "anycast fields", str(a))
    t = js[8]["tcp"]
    check(t["checksum"] == 0x5D54 and t["checksum_status"] == "good" and t["seq_raw"] == 0x0BADCAFE
          and t["option"]["mobile_capable"] is True and t["flags_str"] == "S", "SYN fields", str(t))
    check(js[9]["ipff"]["recv_src"] == {"port": 6050, "addr": "525.8.78.2.2"}, "recv-src fields")
    u = js[12]["udpv5"]
    check(u == {"srcport": 5000, "dstport": 53, "checksum": 0x61AA, "checksum_status": "good",
                "length": 5}, "UDPv5 fields", str(u))
    check(js[0]["frame"]["time_epoch"] == "1767225600.000000000", "pcapng nanosecond time", js[0]["frame"])
    # LARA (profile §9): the DAD request and reply, the advertisement.
    check(js[23]["lara"] == {"dad": {"reserved": 0, "mac": "b8:6b:23:7b:c3:79", "session_id": 0x5EED0001}} and
          js[23]["icmpv5"]["type"] == 16 and js[24]["lara"]["dad"]["session_id"] == 0x5EED0002 and
          js[25]["lara"] == {"advert": {}} and js[25]["ipff"]["dst"] == "0.0.0.0.0", "LARA fields",
          str([js[i].get("lara") for i in (23, 24, 25)]))
    rc, out, _ = run("-r", ETH_PCAP, "-T", "json", "-c", "26")
    e = [json.loads(l) for l in out.splitlines()]
    check(e[23]["lara"]["eth"] == {"dst_of": "382.201.769.25.133",
                                   "dst_resolved": "logical MAC of 382.201.769.25.133"} and
          e[25]["lara"]["eth"] == {"src_of": "382.201.769.25.133", "src_resolved": "logical MAC of 382.201.769.25.133",
                                   "dst_resolved": "broadcast"} and "lara" not in e[0],
          "lara.eth: the logical MACs named", str([x.get("lara") for x in e[23:26]]))
    rc, out, _ = run("-r", ETH_PCAP, "-e", "-t", "-c", "26")
    check("b8:6b:23:7b:c3:79 > 0a:32:70:10:64:85 (logical MAC of 382.201.769.25.133), ethertype IPFF (0x88b5), "
          "length 54: DAD-REQUEST 382.201.769.25.133 > 382.201.769.25.133: mac b8:6b:23:7b:c3:79 session 0x5eed0001, "
          "crc ok, length 20" in out, "-e names the logical MAC", out[-600:])
    rc, out, _ = run("-r", ETH_PCAP, "-T", "json", "-c", "1")
    check(json.loads(out)["frame"]["time_epoch"] == "1767225600.026000", "pcap microsecond time", out[:80])


# --- behaviour -------------------------------------------------------------------------
def behaviour(tmp):
    rc, base, _ = run("-r", PCAPNG, "-tt")
    # -w then -r
    out = os.path.join(tmp, "copy.pcapng")
    rc, printed, err = run("-r", PCAPNG, "-w", out)
    check(rc == 0 and printed == "", "-w prints nothing", err)
    rc, again, _ = run("-r", out, "-tt")
    check(again == base, "-w then -r gives the same output")
    rc, printed, _ = run("-r", PCAPNG, "-w", os.path.join(tmp, "p.pcapng"), "--print", "-tt")
    check(printed == base, "--print prints while writing")
    # pcap output keeps one link type
    rc, _, err = run("-r", PCAPNG, "-w", os.path.join(tmp, "x.pcap"))
    check(rc == 2 and "a pcap file holds one" in err, "pcap -w refuses several link types", err)
    rc, _, err = run("-r", ETH_PCAP, "-w", os.path.join(tmp, "e.pcap"), "ether proto 0x88b5")
    rc2, out, _ = run("-r", os.path.join(tmp, "e.pcap"), "-t", "-q")
    check(rc == 0 and len(out.splitlines()) == 35, "filtered pcap round trip", f"{len(out.splitlines())} lines")
    # -w - to a pipe
    p1 = subprocess.run([MOPSDUMP, "-r", PCAPNG, "-w", "-"], capture_output=True)
    rc, out, _ = run("-r", "-", "-tt", stdin=p1.stdout)
    check(out == base, "-w - | -r - gives the same output")
    # stdin, pcap and pcapng
    rc, out, _ = run("-r", "-", "-tt", stdin=open(PCAPNG, "rb").read())
    check(rc == 0 and out == base, "pcapng on stdin")
    rc, a, _ = run("-r", "-", "-t", stdin=open(ETH_PCAP, "rb").read())
    rc, b, _ = run("-r", ETH_PCAP, "-t")
    check(a == b and len(a.splitlines()) == 36, "pcap on stdin")
    # filters, counts
    rc, out, _ = run("-r", PCAPNG, "-t", "udp port 5505")
    check(len(out.splitlines()) == 130, "BPF filter udp port 5505", str(len(out.splitlines())))
    rc, out, _ = run("-r", PCAPNG, "-t", "vlan", "100")
    check(len(out.splitlines()) == 26, "BPF filter words joined like tcpdump's", str(len(out.splitlines())))
    rc, out, _ = run("-r", PCAPNG, "-t", "-c", "5")
    check(len(out.splitlines()) == 5, "-c 5")
    rc, out, _ = run("-r", PCAPNG, "-t", "--ipff-only")
    check(len(out.splitlines()) == 296 and "non-IPFF" not in out, "--ipff-only")
    rc, out, _ = run("-r", PCAPNG, "-t", "-c", "1", "--mops-types", "200,201,202")
    check(out.startswith("ICMPv5 775.2.23.6.6 > 8.8.8.8.8: type 100, code 0, crc ok, length 40 "
                         "[unknown ICMPv5 type 100]"), "--mops-types", out)
    rc, out, _ = run("-r", PCAPNG, "-t", "-c", "9", "--mobile-capable-kind", "33")
    check("options [unknown-32,nop,nop]" in out.splitlines()[8], "--mobile-capable-kind", out)
    rc, out, _ = run("-r", PCAPNG, "-t", "--ethertype", "0x0806", "-c", "1", "arp")
    check(out.startswith("IPFF [IPFF version 0, expected 5]"), "--ethertype decodes another type", out)
    rc, out, _ = run("-r", PCAPNG, "-t", "--udp-port", "40000", "-c", "1", "udp port 40000")
    check(out.startswith("MIGRATE 775.2.23.6.6"), "--udp-port", out)
    rc, out, err = run("-r", PCAPNG, "-t", "-n", "-l", "-c", "1")
    check(rc == 0 and out.startswith("MIGRATE"), "-n and -l accepted")
    rc, out, err = run("--version")
    check(rc == 0 and out.startswith("mopsdump ") and "libpcap" in out, "--version", out)
    rc, out, err = run("-h")
    check(rc == 0 and out.startswith("Usage: mopsdump"), "-h")
    rc, out, err = run("-D")
    check(rc == 0 and re.search(r"^\d+\.lo .*Loopback", out, re.M), "-D lists lo", out)
    rc, _, err = run("-r", PCAPNG, "-t")
    check(err.startswith("reading from file ") and "link-type USER0" in err, "reading-from line", err)
    # replies tracked against their requests, per interface (profile §7)
    mm = os.path.join(CAPTURES, "bad-reply-mismatch.pcapng")
    rc, out, _ = run("-r", mm, "-t", "-c", "19")
    check(out.splitlines()[-1] == "MIGRATE-SUCCESS 8.8.8.8.8 > 775.2.23.6.6: tcp 525.8.78.3.9 -> 775.2.23.6.6, 1 port "
          "[1027>2099 dport 80] seq 364537064, reply to #18, 5.0 ms, crc ok, length 40 "
          "[reply mismatch: port 1 mops.migrate.ports.mig_sport 2099, request #18 had 2098]",
          "a reply that does not echo its request", out.splitlines()[-1:])
    rc, out, _ = run("-r", mm, "-T", "json", "-c", "19")
    j = json.loads(out.splitlines()[-1])
    check(j["mops"]["migrate"]["response_to"] == 18 and
          [(e["rule"], e["severity"], e["group"]) for e in j["expert"]] == [("MIG-REPLY-MISMATCH", "error", "sequence")],
          "... in JSON: response_to and the expert", str(j.get("expert")))
    rc, out, _ = run("-r", os.path.join(CAPTURES, "appendix-b.pcapng"), "-t", "icmp or ether proto 0x88b5")
    check("reply mismatch" not in out and "request not seen" not in out, "Appendix B: every reply fits")
    # the capture starts after the request: an orphan reply is a note
    rc, out, _ = run("-r", os.path.join(CAPTURES, "lost-reply.pcapng"), "-t", "-c", "3",
                     "ether proto 0x88b5 and ether[14 + 20 + 4:2] = 100 and ether[14 + 20 + 6] = 2")
    check(out.splitlines()[0].endswith("[reply to a request not seen]"), "an orphan reply", out.splitlines()[:1])

    # head closes the pipe: a quiet end, no error
    p = subprocess.run(f"'{MOPSDUMP}' -r '{PCAPNG}' -vvv | head -1", shell=True, capture_output=True)
    check(p.returncode == 0 and len(p.stdout.splitlines()) == 1 and b"mopsdump:" not in p.stderr,
          "a closed pipe ends quietly", p.stderr.decode())


def rotation(tmp):
    big = os.path.join(tmp, "big.pcapng")
    data = open(PCAPNG, "rb").read()
    open(big, "wb").write(data * 80)  # 80 sections: 2.7 MB
    rc, total, _ = run("-r", big, "-q", "-t")
    n_total = len(total.splitlines())
    out = os.path.join(tmp, "rot")
    rc, _, err = run("-r", big, "-w", out + ".pcapng", "-C", "1")
    files = sorted(f for f in os.listdir(tmp) if f.startswith("rot"))
    check(rc == 0 and files == ["rot.pcapng", "rot.pcapng1", "rot.pcapng2"], "-C 1 makes 3 files", str(files) + err)
    counted = 0
    for f in files:
        check(os.path.getsize(os.path.join(tmp, f)) <= 1_000_000, f"{f} within 1 MB")
        rc, o, e = run("-r", os.path.join(tmp, f), "-q", "-t")
        check(rc == 0, f"{f} is a valid capture", e)
        counted += len(o.splitlines())
    check(counted == n_total, "rotated files hold every frame", f"{counted} != {n_total}")
    ring = os.path.join(tmp, "ring.pcapng")
    rc, _, err = run("-r", big, "-w", ring, "-C", "1", "-W", "2")
    files = sorted(f for f in os.listdir(tmp) if f.startswith("ring"))
    check(rc == 0 and files == ["ring.pcapng0", "ring.pcapng1"], "-C 1 -W 2 keeps a ring of 2", str(files) + err)
    if os.geteuid() == 0:
        z = os.path.join(tmp, "zdir")
        os.mkdir(z)
        os.chmod(z, 0o777)
        rc, _, err = run("-r", big, "-w", os.path.join(z, "z.pcapng"), "-C", "1", "-Z", "nobody")
        nobody = pwd.getpwnam("nobody").pw_uid
        owners = {os.stat(os.path.join(z, f)).st_uid for f in os.listdir(z)}
        check(rc == 0 and owners == {nobody} and len(os.listdir(z)) == 3, "-Z: rotated files belong to the user",
              f"{owners} {err}")
        rc, _, err = run("-r", PCAPNG, "-Z", "no-such-user-here")
        check(rc == 2 and "unknown user 'no-such-user-here'" in err, "-Z unknown user", err)


def bad_input(tmp):
    def expect(args, message, stdin=None, lines=None):
        rc, out, err = run(*args, stdin=stdin)
        check(rc == 2, f"{' '.join(args)}: exit 2", f"exit {rc}")
        check(message in err, f"{' '.join(args)}: says '{message}'", err)
        if lines is not None:
            check(len(out.splitlines()) == lines, f"{' '.join(args)}: prints {lines} lines first",
                  str(len(out.splitlines())))

    expect(["-r", "/nonexistent.pcap"], "mopsdump: /nonexistent.pcap: No such file or directory")
    bad_header = os.path.join(tmp, "badheader.pcap")
    open(bad_header, "wb").write(b"\xd4\xc3\xb2\xa1\x09\x00\x09\x00" + b"\x00" * 16)
    expect(["-r", bad_header], "mopsdump: " + bad_header + ":")
    garbage = os.path.join(tmp, "garbage")
    open(garbage, "wb").write(b"this is not a capture file at all")
    expect(["-r", garbage], "unknown file format")
    cut = os.path.join(tmp, "cut.pcap")
    data = open(ETH_PCAP, "rb").read()
    open(cut, "wb").write(data[:-10])
    expect(["-r", cut, "-t"], "truncated dump file", lines=35)
    cutng = os.path.join(tmp, "cut.pcapng")
    data = open(PCAPNG, "rb").read()
    open(cutng, "wb").write(data[:-10])
    expect(["-r", cutng, "-t"], "file ends inside a block (truncated capture)", lines=296)
    expect(["-i", "nosuch0"], "mopsdump: nosuch0: no such interface (mopsdump -D lists them)")
    expect(["-r", PCAPNG, "ether", "proto"], "mopsdump: bad filter expression:")
    expect(["-r", PCAPNG, "-Q"], "unknown option '-Q'")
    expect(["-r"], "option '-r' needs an argument")
    expect(["-r", PCAPNG, "-i", "lo"], "-r and -i are mutually exclusive")
    expect(["-r", PCAPNG, "-c", "zero"], "-c wants a positive count")
    expect(["-r", PCAPNG, "-C", "1"], "give -w")
    expect(["-r", PCAPNG, "--mops-types", "1,2,3"], "may not reuse a base ICMPv5 type")
    expect(["-r", PCAPNG, "--lara-types", "16,17,100"], "the MOPS and LARA ICMPv5 types (six in all) must differ")
    expect(["-r", PCAPNG, "--lara-types", "16,17"], "expected three ICMPv5 type numbers, e.g. 16,17,18")
    expect(["-r", PCAPNG, "-T", "xml"], "-T knows json, ek and text")
    expect(["-r", PCAPNG, "-w", "/nonexistent/dir/x.pcap"], "No such file or directory")
    expect(["-r", ETH_PCAP, "-w", "/dev/full", "--print"], "write failed")
    expect(["-r", PCAPNG, "-w", os.path.join(tmp, "several.pcap")], "a pcap file holds one: write pcapng")


def count_mode():
    """--count: every frame decoded, only the counts printed (the vectors:
    one frame carries no IPFF, nine are flagged: the one-fault frames)."""
    rc, out, err = run("--count", "-r", PCAPNG)
    check(rc == 0 and out == "297 packets, 296 IPFF, 9 flagged\n", "--count on the vectors", out + err)
    rc, out, err = run("--count", "-c", "10", "-r", PCAPNG)
    check(rc == 0 and out.startswith("10 packets, "), "--count with -c 10", out + err)
    rc, out, err = run("--count", "-T", "json", "-r", PCAPNG)
    check(rc == 2 and "not with --validate or -T json" in err and out == "", "--count with -T json refused", err)


with tempfile.TemporaryDirectory() as tmp:
    os.chmod(tmp, 0o711)  # -Z runs as nobody, who must reach its directory
    golden_text()
    golden_json()
    if not REGEN:
        vocabulary()
        vectors()
        count_mode()
        behaviour(tmp)
        rotation(tmp)
        bad_input(tmp)
# -T ek: tshark's Elasticsearch bulk form, an index action and the frame's
# -T json object as its layers, line by line.
_, js, _ = run("-T", "json", "-r", os.path.join(CAPTURES, "appendix-b.pcapng"))
rc, ek, err = run("-T", "ek", "-r", os.path.join(CAPTURES, "appendix-b.pcapng"))
objs = [json.loads(l) for l in js.splitlines()]
lines = ek.splitlines()
check(rc == 0 and len(lines) == 2 * len(objs) == 84, "-T ek: two lines a frame", err[-200:])
ok = True
for k, o in enumerate(objs):
    act, doc = json.loads(lines[2 * k]), json.loads(lines[2 * k + 1])
    ms = str(int(o["frame"]["time_epoch"].replace(".", "")) // 1000000)
    ok &= act == {"index": {"_index": "packets-2026-01-01"}} and doc == {"timestamp": ms, "layers": o}
check(ok, "-T ek: the index by the frame's UTC day, ms timestamps, the -T json object as layers")

# What pcapng carries besides packets (issue 17), as editcap and Wireshark
# write it: frame comments, the capture's comment, interface names; shown
# by -v, in -T json by Wireshark's names, kept by -w (tshark reads them back).
with tempfile.TemporaryDirectory() as tmp:
    src, kept = os.path.join(tmp, "c.pcapng"), os.path.join(tmp, "kept.pcapng")
    p = subprocess.run(["editcap", "-a", "2:hello, world", "-a", "5:evil\x1b[2J", "--capture-comment", "lab run 7",
                        os.path.join(CAPTURES, "appendix-b.pcapng"), src], capture_output=True, text=True)
    check(p.returncode == 0, "editcap adds comments", p.stderr)
    rc, out, err = run("-v", "-c", "5", "-r", src)
    lines = out.splitlines()
    check(rc == 0 and lines[2] == "    comment: hello, world" and lines[-1] == "    comment: evil\\x1b[2J" and
          len(lines) == 7, "-v: a frame's comment on a line after it, control octets escaped", out)
    check("capture comment: lab run 7\ninterface 0: org-a-lan, link-type EN10MB\n" in err and
          "interface 6: dc, link-type EN10MB" in err, "-v: the capture's comment and its interfaces", err)
    rc, out, _ = run("-T", "json", "-c", "2", "-r", src)
    fr = [json.loads(l)["frame"] for l in out.splitlines()]
    check(fr == [{"number": 1, "time_epoch": "1767225600.100000000", "cap_len": 58, "len": 58, "interface_id": 0,
                  "interface_name": "org-a-lan"},
                 {"number": 2, "time_epoch": "1767225600.101000000", "cap_len": 62, "len": 62, "interface_id": 0,
                  "interface_name": "org-a-lan", "comment": "hello, world"}],
          "-T json: frame.comment and frame.interface_name, as Wireshark names them", str(fr))
    rc, _, err = run("-r", src, "-w", kept)
    t = subprocess.run(["tshark", "-r", kept, "-Y", "frame.comment", "-T", "fields", "-e", "frame.number", "-e",
                        "frame.comment", "-e", "frame.interface_name"], capture_output=True, text=True)
    ci = subprocess.run(["capinfos", kept], capture_output=True, text=True)
    check(rc == 0 and t.stdout == "2\thello, world\torg-a-lan\n5\tevil\x1b[2J\torg-a-uplink\n" and
          re.search(r"Capture comment:\s+lab run 7", ci.stdout) is not None,
          "-w keeps the comments and interface names (tshark and capinfos read them back)", t.stdout + t.stderr + ci.stdout)

sys.exit(report("test_mopsdump"))
