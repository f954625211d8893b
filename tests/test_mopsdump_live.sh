#!/bin/bash
# mopsdump and mopstop on a real interface: a veth pair in a network
# namespace of this test's own, frames replayed with tcpreplay on one end,
# the tool on the other. Needs root (exit 77, skipped, without it); the namespace is deleted
# on exit.
set -u
MOPSDUMP=$1 CAPTURES=$2 MOPSTOP=$3
PCAP=$CAPTURES/vectors-ethernet.pcap
if [ "$(id -u)" -ne 0 ]; then echo "test_mopsdump_live: skipped, capturing needs root"; exit 77; fi
for tool in ip tcpreplay; do
    command -v $tool >/dev/null || { echo "test_mopsdump_live: $tool is missing (.ci/install-deps installs it)"; exit 1; }
done
ns=mopsdl$$
tmp=$(mktemp -d)
chmod 711 "$tmp"
bg=
cleanup() {
    [ -n "$bg" ] && kill "$bg" 2>/dev/null
    ip netns del "$ns" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
if ! ip netns add "$ns" 2>/dev/null; then echo "test_mopsdump_live: skipped, cannot create a network namespace"; exit 77; fi
ip -n "$ns" link add mva type veth peer name mvb && ip -n "$ns" link set mva up && ip -n "$ns" link set mvb up || exit 1
in_ns() { ip netns exec "$ns" "$@"; }

passed=0 failed=0
check() { # check CONDITION-EXIT-STATUS DESCRIPTION [DETAIL]
    if [ "$1" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $2" >&2; [ -n "${3:-}" ] && echo "  $3" >&2; fi
}
# Starts mopsdump in the namespace in the background; waits until it listens.
start() {
    # Not through a shell function: $! must be mopsdump itself (ip netns
    # exec execs it), so that signals reach it.
    ip netns exec "$ns" "$MOPSDUMP" "$@" >"$tmp/out" 2>"$tmp/err" &
    bg=$!
    for _ in $(seq 50); do grep -q "listening on" "$tmp/err" && return 0; sleep 0.1; done
    echo "mopsdump did not start: $(cat "$tmp/err")" >&2
    return 1
}
# Waits up to $1 seconds for it to end; its status in $rc.
finish() {
    rc=124
    for _ in $(seq $(($1 * 10))); do
        if ! kill -0 "$bg" 2>/dev/null; then wait "$bg"; rc=$?; bg=; return; fi
        sleep 0.1
    done
    kill "$bg"; wait "$bg"; bg=
}
# Timing in the reply/retransmission notes differs live.
normal() { sed -E 's/[0-9]+\.[0-9]+ (ms|s)/T/g' "$1"; }
replay() { in_ns tcpreplay -q -i mva "$@" "$PCAP" >/dev/null 2>&1; }

"$MOPSDUMP" -r "$PCAP" -t 'ether proto 0x88b5' >"$tmp/want" 2>/dev/null
want_n=$(wc -l <"$tmp/want")

# 1. -i with -c and a filter: what arrives decodes as the file does.
start -i mvb -c "$want_n" -t --immediate-mode 'ether proto 0x88b5' || exit 1
replay
finish 10
check $rc "-i -c exits 0 (status $rc)"
cmp -s <(normal "$tmp/out") <(normal "$tmp/want")
check $? "live output equals the file's" "$(diff <(normal "$tmp/out") <(normal "$tmp/want") | head -5)"
grep -qx "$want_n packets captured" "$tmp/err"; check $? "'$want_n packets captured'" "$(cat "$tmp/err")"
grep -qE "^[0-9]+ packets received by filter$" "$tmp/err"; check $? "'received by filter' line"
grep -qx "0 packets dropped by kernel" "$tmp/err"; check $? "'0 packets dropped by kernel'"
grep -q "listening on mvb, link-type EN10MB, snapshot length 262144 bytes" "$tmp/err"; check $? "listening line"

# 2. -i any: cooked v2, each frame seen leaving and arriving.
start -i any -c $((2 * want_n)) -t --immediate-mode 'ether proto 0x88b5' || exit 1
replay
finish 10
check $rc "-i any exits 0"
[ "$(wc -l <"$tmp/out")" -eq $((2 * want_n)) ]; check $? "-i any sees $((2 * want_n)) frames" "$(wc -l <"$tmp/out")"
grep -q "link-type LINUX_SLL2" "$tmp/err"; check $? "-i any is SLL2"
[ "$(grep -c '^MIGRATE 775.2.23.6.6 > 8.8.8.8.8' "$tmp/out")" -gt 0 ]; check $? "-i any decodes MOPS"

# 3. -w -U -Z, stopped by SIGTERM: a complete, valid file owned by the user.
mkdir -m 777 "$tmp/z"
start -i mvb -w "$tmp/z/live.pcapng" -U -Z nobody 'ether proto 0x88b5' || exit 1
replay
sleep 0.5
kill -TERM "$bg"
finish 10
check $rc "SIGTERM ends cleanly (status $rc)"
[ "$(stat -c %U "$tmp/z/live.pcapng")" = nobody ]; check $? "-Z: the file belongs to nobody"
"$MOPSDUMP" -r "$tmp/z/live.pcapng" -t >"$tmp/back" 2>"$tmp/back.err"
check $? "the SIGTERMed file reads back" "$(cat "$tmp/back.err")"
cmp -s <(normal "$tmp/back") <(normal "$tmp/want"); check $? "it holds every frame"
grep -qx "$want_n packets captured" "$tmp/err"; check $? "stats after SIGTERM"

# 4. -G 1 -W 3: a new file every second, and an end after three.
start -i mvb -w "$tmp/rot-%s.pcapng" -G 1 -W 3 'ether proto 0x88b5' || exit 1
replay --pps 25 --loop 5
finish 15
check $rc "-G -W exits by itself (status $rc)"
n=$(ls "$tmp"/rot-*.pcapng 2>/dev/null | wc -l)
[ "$n" -eq 3 ]; check $? "-G 1 -W 3 made 3 files" "$n"
for f in "$tmp"/rot-*.pcapng; do "$MOPSDUMP" -r "$f" -q >/dev/null 2>&1; check $? "$f is valid"; done

# 5. --validate live: the server's link of a misbehaving capture, replayed;
# the finding is printed as it happens and the exit status says error.
bad=$CAPTURES/bad-accept-wrong-seq.pcapng
tshark -r "$bad" -Y 'frame.interface_id == 4' -F pcap -w "$tmp/server-link.pcap" 2>/dev/null
n=$("$MOPSDUMP" -r "$tmp/server-link.pcap" -q 2>/dev/null | wc -l)
[ "$n" -eq 8 ]; check $? "the server's link of $bad holds 8 frames" "$n"
start --validate -i mvb -c "$n" --immediate-mode --events "$tmp/events" 'ether proto 0x88b5' || exit 1
in_ns tcpreplay -q -i mva "$tmp/server-link.pcap" >/dev/null 2>&1
finish 20
[ "$rc" -eq 1 ]; check $? "live --validate exits 1 on an error finding (status $rc)" "$(cat "$tmp/err")"
grep -q '^frame 7: error MIG-SEQ-ACCEPTED: expected: migration failed for port 1027 (sequence 123456789 outside window' "$tmp/out"
check $? "the finding, live" "$(cat "$tmp/out")"
grep -q '"rule":"MIG-SEQ-ACCEPTED"' "$tmp/events"; check $? "--events written live" "$(cat "$tmp/events")"

# 6. A burst: every frame sent is either captured or counted as dropped
# (TPACKET_V3 counts drops exactly), with a small buffer to provoke loss.
loops=300
start -i mvb -B 64 -w "$tmp/burst.pcap" 'ether proto 0x88b5' || exit 1
in_ns tcpreplay -i mva --topspeed --loop "$loops" "$PCAP" >"$tmp/replay" 2>&1
sleep 1
kill -INT "$bg"
finish 10
sent=$((want_n * loops))
captured=$(sed -n 's/^\([0-9]*\) packets\{0,1\} captured$/\1/p' "$tmp/err")
dropped=$(sed -n 's/^\([0-9]*\) packets\{0,1\} dropped by kernel$/\1/p' "$tmp/err")
[ -n "$captured" ] && [ -n "$dropped" ] && [ $((captured + dropped)) -eq "$sent" ]
check $? "burst: captured $captured + dropped $dropped = sent $sent" "$(cat "$tmp/err" "$tmp/replay")"
n=$("$MOPSDUMP" -r "$tmp/burst.pcap" -q 2>/dev/null | wc -l)
[ "$n" -eq "${captured:-x}" ]; check $? "burst: the -w file holds the $captured captured frames" "$n"

# 7. mopstop -i: the same frames, watched live; batch snapshots every second.
ip netns exec "$ns" "$MOPSTOP" -i mvb --immediate-mode --batch -d 1 -n 6 'ether proto 0x88b5' >"$tmp/top" 2>"$tmp/top.err" &
bg=$!
sleep 1.5
in_ns tcpreplay -q -i mva "$tmp/server-link.pcap" >/dev/null 2>&1
finish 20
check $rc "mopstop -i exits after -n 6 snapshots (status $rc)" "$(cat "$tmp/top.err")"
last=$(awk '/^mopstop /{s=""} {s=s $0 "\n"} END{printf "%s", s}' "$tmp/top")
printf '%b' "$last" | grep -q '^packets 8 (IPFF 8)'; check $? "mopstop counted the 8 frames live" "$(printf '%b' "$last" | head -3)"
printf '%b' "$last" | grep -q '666.6.6.6.6:4444 .* succeeded'; check $? "the migration row, live" "$(printf '%b' "$last")"
printf '%b' "$last" | grep -q 'MIG-SEQ-ACCEPTED'; check $? "the validator's finding, live"
[ "$(grep -c '^mopstop ' "$tmp/top")" -eq 6 ]; check $? "six snapshots"

# 8. The interface goes away mid-capture: a clear message, exit 2, and the
# -w file holds every frame captured before.
start -i mvb -w "$tmp/gone.pcapng" 'ether proto 0x88b5' || exit 1
replay
sleep 0.5
ip -n "$ns" link del mva
finish 10
[ "$rc" -eq 2 ]; check $? "interface gone: exit 2 (status $rc)" "$(cat "$tmp/err")"
grep -q "mvb" "$tmp/err"; check $? "interface gone: the message names it" "$(cat "$tmp/err")"
n=$("$MOPSDUMP" -r "$tmp/gone.pcapng" -q 2>/dev/null | wc -l)
[ "$n" -eq "$want_n" ]; check $? "interface gone: the -w file holds the $want_n frames" "$n"

echo "test_mopsdump_live: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
