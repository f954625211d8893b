#!/bin/sh
# The README's first run: mops-decode over the bundled capture prints these
# exact lines, and fails clearly on bad input.
set -u
tool=$1 capture=$2
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
fails=0
expect_line() {
    if grep -qxF -- "$1" "$out"; then :; else
        echo "missing line: $1" >&2
        fails=$((fails + 1))
    fi
}

"$tool" "$capture" >"$out" 2>"$err" || { echo "mops-decode exited $?" >&2; fails=$((fails + 1)); }
expect_line "frame 1: 2026-01-01 00:00:00.000000000 UTC, 60 of 60 octets, link type USER0, interface 0: ok"
expect_line "  icmpv5.crc = 0x85c6a700 [good]"
expect_line "  mops.migrate.prev_addr = 525.8.78.3.9 (global)"
expect_line "  mops.migrate.port[0] = 1027>2098 dport 80>80 seq 0x0000000012345678"
expect_line "  mops.natack.level = 2"
expect_line "  mops.natack.port[0] = 5050 -> 6050"
expect_line "  mops.anycast.unicast_addr = 8.8.4.4.4 (global)"
expect_line "  ipff.dstopts.recv_src.addr = 525.8.78.2.2 (global)"
expect_line "  tcp.option = MOBILE_CAPABLE (kind 32, length 2)"
expect_line "  udpv5.checksum = 0x61aa [good]"
expect_line "  link.carrier = udp6"
expect_line "  problem ICMP5-CRC (error) at offset 34: bad crc 0xdeadbeef != 0x85c6a700"
expect_line "  problem IPFF-TRUNCATED (error) at offset 50: truncated at offset 50 in Migrate"
[ "$(grep -c "mops.migrate.prev_addr = 0.0.0.0.0" "$out")" = 0 ] || { echo "undecoded fields printed" >&2; fails=$((fails + 1)); }
expect_line "  problem IPFF-VERSION (error) at offset 14: IPFF version 4, expected 5"
expect_line "  problem IPFF-ADDR-FIELD (error) at offset 14: invalid address field 1003 in ipff.src 1003.0.0.0.1"
expect_line "  link.trailer = 15"
expect_line "  lara.dad.mac = b8:6b:23:7b:c3:80"
expect_line "  lara.dad.session_id = 0x5eed0002"
expect_line "  lara.eth.dst_resolved = logical MAC of 382.201.769.25.133"
expect_line "297 frames: 292 ok, 1 not IPFF, 1 truncated, 3 malformed"

# With a filter: only the IPFF-in-UDP frames.
"$tool" "$capture" "udp port 5505" >"$out" 2>"$err"
expect_line "130 frames: 130 ok, 0 not IPFF, 0 truncated, 0 malformed"
grep -qxF "mops-decode: the filter does not apply to interface 0 (link type 147); its frames are skipped" "$err" ||
    { echo "wrong or missing warning: $(cat "$err")" >&2; fails=$((fails + 1)); }

# Bad input: a clear message and exit 2.
if "$tool" /nonexistent.pcap >"$out" 2>"$err"; then fails=$((fails + 1)); fi
grep -qxF "mops-decode: /nonexistent.pcap: No such file or directory" "$err" || { echo "no message for a missing file" >&2; fails=$((fails + 1)); }
if "$tool" "$capture" "udp port" >"$out" 2>"$err"; then fails=$((fails + 1)); fi
grep -q "^mops-decode: bad filter expression: " "$err" || { echo "no message for a bad filter" >&2; fails=$((fails + 1)); }
head -c 1000 "$capture" | "$tool" - >"$out" 2>"$err"
[ $? -eq 2 ] || { echo "a cut capture on stdin must exit 2" >&2; fails=$((fails + 1)); }
grep -q "file ends inside a block (truncated capture)" "$err" || { echo "no message for a cut capture" >&2; fails=$((fails + 1)); }
grep -q "^frame 1: " "$out" || { echo "the readable prefix was not decoded" >&2; fails=$((fails + 1)); }

echo "test_mops_decode: $fails failed"
[ $fails -eq 0 ]
