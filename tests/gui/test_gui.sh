#!/bin/sh
# Wireshark's Qt GUI, for real, under Xvfb with the freshly built plugin, on
# a capture with a validator finding: the plugin must load (a Lua probe in
# the GUI reads our fields), the GUI must dissect what tshark dissects (the
# MOPS frames and the finding on each), and the capture must be read with no
# warning or error (no dialog, nothing unexpected on stderr).
#   test_gui.sh PLUGIN.so CAPTURES_DIR TSHARK_WITH_PLUGIN
set -eu
here=$(dirname "$0")
. "$here/session.sh"
plugin=$1
captures=$2
tshark_with_plugin=$3
capture=bad-accept-wrong-seq.pcapng

for tool in wireshark Xvfb xdotool; do
    command -v $tool >/dev/null || {
        echo "FAIL: $tool is not installed (bash .ci/install-deps installs wireshark, xvfb, xdotool)" >&2
        exit 1
    }
done

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

gui_start "$plugin"
cp "$captures/$capture" "$here/probe.lua" "$GUI_HOME/"
chmod a+r "$GUI_HOME/$capture" "$GUI_HOME/probe.lua"
: >"$GUI_HOME/probe.out"
chmod a+rw "$GUI_HOME/probe.out"

# What tshark says, and what the capture's scenario says it must: the server
# wrongly accepts the attacker's Migrate, answered in frame 18.
expected=$(sh "$tshark_with_plugin" "$plugin" -r "$captures/$capture" -Y mops \
    -T fields -e frame.number -e mops.finding.rule -E aggregator=,)
printf '%s\n' "$expected" | grep -qx "18	MIG-SEQ-ACCEPTED" ||
    fail "tshark does not show MIG-SEQ-ACCEPTED on frame 18: $expected"
want=$(printf '%s\n' "$expected" | wc -l)

GUI_ENV="MOPS_GUI_PROBE=$GUI_HOME/probe.out"
gui_wireshark -X lua_script:"$GUI_HOME/probe.lua" -r "$GUI_HOME/$capture"
main=$(gui_window "$capture") || fail "the GUI did not open $capture"
i=0
while [ "$(wc -l <"$GUI_HOME/probe.out")" -lt "$want" ]; do
    i=$((i + 1))
    [ $i -le 300 ] || fail "the GUI dissected $(wc -l <"$GUI_HOME/probe.out") MOPS frames in 30 s, tshark $want"
    kill -0 "$GUI_PID" 2>/dev/null || fail "wireshark exited: $(cat "$GUI_LOG")"
    sleep 0.1
done
# A warning or error on reading is a dialog: a second visible window.
sleep 2
for w in $(xdotool search --onlyvisible --classname '.'); do
    [ "$w" = "$main" ] || fail "a dialog opened over the capture: '$(xdotool getwindowname "$w")'"
done
gui_close "$main" || fail "wireshark did not exit cleanly (status $?): $(cat "$GUI_LOG")"

got=$(cat "$GUI_HOME/probe.out")
[ "$got" = "$expected" ] || fail "the GUI dissected
$got
where tshark dissected
$expected"
# Wireshark prints nothing else here on a clean start (nl80211 is the absent
# wireless support, not a warning).
unexpected=$(grep -v -x -e 'nl80211 not found.' -e '' "$GUI_LOG" || true)
[ -z "$unexpected" ] || fail "wireshark wrote to stderr: $unexpected"
echo "GUI: plugin loaded, $want MOPS frames as tshark, finding MIG-SEQ-ACCEPTED on frame 18, no dialog, clean stderr"
