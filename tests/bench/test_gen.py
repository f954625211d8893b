#!/usr/bin/env python3
"""The benchmark's generator keeps its promises (tests/bench/gen_bench.c):
the IPv6 twin matches the IPFF capture frame for frame in length and time,
the mix holds Migrates, replies and NAT acks, and the validator finds
nothing in it. Usage: test_gen.py MOPS-BENCHGEN MOPSDUMP"""
import re
import struct
import subprocess
import sys
import tempfile

GEN, MOPSDUMP = sys.argv[1:3]
failed = 0


def check(ok, what, detail=''):
    global failed
    if not ok:
        failed += 1
        print('FAIL: %s\n  %s' % (what, detail), file=sys.stderr)


def records(path):
    data = open(path, 'rb').read()
    off, out = 24, []
    while off + 16 <= len(data):
        sec, usec, caplen, wirelen = struct.unpack_from('<IIII', data, off)
        out.append((sec, usec, caplen, wirelen))
        off += 16 + caplen
    return out, off == len(data)


with tempfile.TemporaryDirectory() as tmp:
    a, b = tmp + '/ipff.pcap', tmp + '/ipv6.pcap'
    p = subprocess.run([GEN, '-n', '20000', '-s', '200', a, b], capture_output=True, text=True)
    check(p.returncode == 0, 'the generator runs', p.stderr)
    m = re.search(r'(\d+) Migrate, (\d+) replies, (\d+) NAT acks', p.stderr)
    check(m and int(m.group(1)) > 50 and m.group(1) == m.group(2) and int(m.group(3)) > 50,
          'Migrates, as many replies, and NAT acks', p.stderr)
    ra, whole_a = records(a)
    rb, whole_b = records(b)
    check(whole_a and whole_b and len(ra) == len(rb) == 20000, '20000 whole records each', '%d %d' % (len(ra), len(rb)))
    check(ra == rb, 'the same time and length, frame for frame',
          next((str((x, y)) for x, y in zip(ra, rb) if x != y), ''))
    v = subprocess.run([MOPSDUMP, '--validate', '-r', a], capture_output=True, text=True)
    check(v.returncode == 0 and '20000 packets, 0 errors, 0 warnings, 0 notes' in v.stderr,
          'the validator finds nothing', v.stderr[-500:])
    t = subprocess.run(['tcpdump', '-nr', b], capture_output=True, text=True)
    check(t.returncode == 0 and t.stdout.count('\n') == 20000 and 'IP6 ' in t.stdout, 'tcpdump reads the twin',
          t.stderr[-300:])
    c = subprocess.run([MOPSDUMP, '--count', '-r', a], capture_output=True, text=True)
    check(c.stdout == '20000 packets, 20000 IPFF, 0 flagged\n', 'every frame IPFF, none flagged', c.stdout)

print('test_gen: %d failed' % failed)
sys.exit(1 if failed else 0)
