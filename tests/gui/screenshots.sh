#!/bin/sh
# Remakes the screenshots of docs/wireshark.md: Wireshark's Qt GUI driven
# under Xvfb with xdotool, each view taken with imagemagick's import.
#   screenshots.sh PLUGIN.so CAPTURES_DIR OUT_DIR
# Needs wireshark (Qt), xvfb, xdotool and imagemagick.
set -eu
here=$(dirname "$0")
. "$here/session.sh"
plugin=$1
captures=$(cd "$2" && pwd)
out=$3
mkdir -p "$out"
gui_start "$plugin"
# The captures must be readable by nobody.
cp "$captures/appendix-b.pcapng" "$captures/bad-accept-wrong-seq.pcapng" "$captures/lara-duplicate.pcapng" "$GUI_HOME/"
chmod a+r "$GUI_HOME"/*.pcapng

# Qt lays out and paints a moment after the window maps.
settle() { sleep "${1:-2}"; }
# A window taken as a 256-colour PNG (half the size, the same to the eye).
shot() {
    import -window "$1" "$GUI_HOME/shot.png"
    convert "$GUI_HOME/shot.png" -strip -colors 256 "PNG8:$out/$2"
}

# The packet list of Appendix B with our Info column: every MOPS message.
gui_upper_pane 700
gui_wireshark -r "$GUI_HOME/appendix-b.pcapng" -Y mops -g 24
w=$(gui_window appendix-b.pcapng)
settle 3
shot "$w" wireshark-packet-list.png
gui_upper_pane 420

# The details of a Migrate (frame 24) and of a level-2 NAT ack (frame 6),
# MOPS and ICMPv5 open: with no window manager, keys go to the window under
# the pointer, so the pointer is put on the details pane's empty lower part
# and a click focuses it; End selects the last item (MOPS), Shift+Right opens
# it with its subtrees, Up selects ICMPv5.
details() {
    gui_wireshark -r "$GUI_HOME/${3:-appendix-b}.pcapng" -g "$1"
    w=$(gui_window "${3:-appendix-b}.pcapng")
    settle 3
    xdotool mousemove --window "$w" 800 950 click 1
    settle 0.5
    xdotool key End shift+Right Up shift+Right
    settle 1.5
    shot "$w" "$2"
}
details 24 wireshark-migrate.png
details 6 wireshark-natack.png
# A DAD reply: the duplicate address the validator found (LARA, profile §9).
details 17 wireshark-lara.png lara-duplicate

# Statistics → MOPS: the menu opened with the mouse; MOPS is its last entry,
# reached by Up from the top.
gui_wireshark -r "$GUI_HOME/appendix-b.pcapng"
w=$(gui_window appendix-b.pcapng)
settle 3
xdotool mousemove --window "$w" 325 10 click 1
settle 1
xdotool key Up Return
w=$(gui_window 'Wireshark · MOPS')
xdotool windowmove "$w" 0 0 windowsize "$w" 1000 420
settle 2
shot "$w" wireshark-stats.png

# Analyze → Expert Information on a capture with a validator finding (-z
# expert opens it), ungrouped so that each row shows its own text (the
# finding's expected and actual), the Summary column widened by dragging its
# right edge, the Error group opened.
gui_wireshark -r "$GUI_HOME/bad-accept-wrong-seq.pcapng" -z expert
w=$(gui_window 'Expert Information')
xdotool windowmove "$w" 0 0 windowsize "$w" 1600 300
settle 2
xdotool mousemove --window "$w" 209 245 click 1
settle 1
xdotool mousemove --window "$w" 540 22 mousedown 1 mousemove --window "$w" 1290 22 mouseup 1
xdotool mousemove --window "$w" 60 40 click 1
xdotool key Right
settle 1
shot "$w" wireshark-expert.png
gui_stop
