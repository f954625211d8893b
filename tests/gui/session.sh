# Sourced by the GUI scripts: Wireshark's Qt GUI with the freshly built
# plugin, on a private Xvfb display. As in tshark-with-plugin.sh, Wireshark
# ignores personal plugins when run as root, so the GUI runs as nobody with a
# temporary HOME whose personal plugin folder (named by pkg-config's
# MAJOR.MINOR) holds the .so.
#   gui_start PLUGIN      Xvfb up, HOME made; sets DISPLAY and GUI_HOME
#   gui_upper_pane PIXELS the packet list's height in the next wireshark
#   gui_wireshark ARGS    wireshark started in the background (log: $GUI_LOG)
#   gui_window NAME       waits for a window whose title holds NAME; prints its id
#   gui_close WINDOW      File → Quit (Ctrl+Q) in WINDOW; returns wireshark's status
#   gui_quit              wireshark stopped
#   gui_stop              all stopped, HOME removed (also on exit)

gui_stop() {
    gui_quit
    if [ -n "${GUI_XVFB:-}" ]; then
        kill "$GUI_XVFB" 2>/dev/null || true
        wait "$GUI_XVFB" 2>/dev/null || true
    fi
    GUI_XVFB=
    if [ -n "${GUI_HOME:-}" ]; then rm -rf "$GUI_HOME"; fi
    GUI_HOME=
}

gui_start() {
    GUI_HOME=$(mktemp -d)
    trap gui_stop EXIT
    _gui_ver=$(pkg-config --modversion wireshark | cut -d. -f1,2)
    mkdir -p "$GUI_HOME/.local/lib/wireshark/plugins/$_gui_ver/epan" "$GUI_HOME/.config/wireshark" "$GUI_HOME/run" \
        "$GUI_HOME/extcap"
    cp "$1" "$GUI_HOME/.local/lib/wireshark/plugins/$_gui_ver/epan/"
    # A plugin built with sanitizers needs their runtimes preloaded in the
    # uninstrumented wireshark (leaks at exit are Wireshark's own).
    GUI_PRELOAD=$(ldd "$1" | awk '/lib(asan|ubsan)\.so/ { printf "%s%s", sep, $3; sep = ":" }')
    # With no window manager the main window opens small: its size and the
    # panes' come from the recent files. The bytes pane is hidden so that the
    # details pane has the room.
    printf 'gui.geometry_main_x: 0\ngui.geometry_main_y: 0\ngui.geometry_main_width: 1600\ngui.geometry_main_height: 1000\n' \
        >"$GUI_HOME/.config/wireshark/recent_common"
    gui_upper_pane 420
    chmod -R a+rX "$GUI_HOME"
    chmod 755 "$GUI_HOME"
    if [ "$(id -u)" -eq 0 ]; then
        chown -R nobody "$GUI_HOME"
        GUI_AS="runuser -u nobody --"
    else
        GUI_AS=
    fi
    chmod 700 "$GUI_HOME/run"
    # Xvfb picks a free display and writes its number to fd 3.
    Xvfb -displayfd 3 -screen 0 1600x1000x24 -nolisten tcp 3>"$GUI_HOME/display" >"$GUI_HOME/xvfb.log" 2>&1 &
    GUI_XVFB=$!
    _gui_i=0
    while [ ! -s "$GUI_HOME/display" ]; do
        _gui_i=$((_gui_i + 1))
        if [ $_gui_i -gt 100 ] || ! kill -0 "$GUI_XVFB" 2>/dev/null; then
            echo "gui: Xvfb did not start:" >&2
            cat "$GUI_HOME/xvfb.log" >&2
            return 1
        fi
        sleep 0.1
    done
    DISPLAY=:$(cat "$GUI_HOME/display")
    export DISPLAY
    GUI_LOG=$GUI_HOME/wireshark.log
}

gui_upper_pane() {
    printf 'gui.byte_view_show: FALSE\ngui.geometry_main_upper_pane: %s\n' "$1" \
        >"$GUI_HOME/.config/wireshark/recent"
}

gui_wireshark() {
    gui_quit
    # No extcap helpers: reading files needs none, and under a preloaded
    # sanitizer runtime (inherited) androiddump hangs at start.
    $GUI_AS env HOME="$GUI_HOME" XDG_RUNTIME_DIR="$GUI_HOME/run" DISPLAY="$DISPLAY" WIRESHARK_EXTCAP_DIR="$GUI_HOME/extcap" \
        ${GUI_PRELOAD:+LD_PRELOAD="$GUI_PRELOAD"} ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
        UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ${GUI_ENV:-} wireshark "$@" >"$GUI_LOG" 2>&1 &
    GUI_PID=$!
}

gui_window() {
    _gui_i=0
    while :; do
        _gui_id=$(xdotool search --name "$1" 2>/dev/null | head -1)
        [ -n "$_gui_id" ] && break
        _gui_i=$((_gui_i + 1))
        if [ $_gui_i -gt 300 ] || ! kill -0 "$GUI_PID" 2>/dev/null; then
            echo "gui: no window named '$1'; open: $(xdotool search --onlyvisible --classname . getwindowname %@ 2>/dev/null | tr '\n' ' ')" >&2
            echo "gui: wireshark said:" >&2
            cat "$GUI_LOG" >&2
            return 1
        fi
        sleep 0.1
    done
    echo "$_gui_id"
}

gui_close() {
    # With no window manager Qt takes keys only once its window has been
    # clicked; the click goes to the details pane's empty lower part.
    xdotool mousemove --window "$1" 800 950 click 1
    sleep 0.3
    xdotool key ctrl+q
    _gui_i=0
    while kill -0 "$GUI_PID" 2>/dev/null; do
        _gui_i=$((_gui_i + 1))
        if [ $_gui_i -gt 100 ]; then
            echo "gui: wireshark did not quit on Ctrl+Q" >&2
            gui_quit
            return 1
        fi
        sleep 0.1
    done
    _gui_status=0
    wait "$GUI_PID" || _gui_status=$?
    GUI_PID=
    return $_gui_status
}

gui_quit() {
    if [ -n "${GUI_PID:-}" ]; then
        # Wireshark itself is stopped, so that runuser (its parent when run
        # as root) exits quietly after it.
        pkill -TERM -P "$GUI_PID" 2>/dev/null || kill "$GUI_PID" 2>/dev/null || true
        wait "$GUI_PID" 2>/dev/null || true
    fi
    GUI_PID=
}
