#!/bin/sh
# Runs real tshark with the freshly built plugin: Wireshark ignores personal
# plugins when run as root and WIRESHARK_PLUGIN_DIR outside its own build
# tree, so tshark runs as an unprivileged user with a temporary HOME whose
# personal plugin folder holds the .so.
#   tshark-with-plugin.sh PLUGIN.so [tshark arguments...]
# A plugin built with -Db_sanitize=address,undefined needs its runtimes loaded
# first in the uninstrumented tshark; they are preloaded, and leak checking is
# off since the leaks it would report are tshark's own at exit.
set -eu
plugin=$1
shift
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
# The personal plugin folder is named by the Wireshark the plugin was built
# for (MAJOR.MINOR); Wireshark refuses a plugin of another minor version.
ver=$(pkg-config --modversion wireshark | cut -d. -f1,2)
dir=$home/.local/lib/wireshark/plugins/$ver/epan
mkdir -p "$dir"
cp "$plugin" "$dir/"
chmod -R a+rX "$home"
chmod 755 "$home"
preload=$(ldd "$plugin" | awk '/lib(asan|ubsan)\.so/ { printf "%s%s", sep, $3; sep = ":" }')
set -- env HOME="$home" ${preload:+LD_PRELOAD="$preload"} \
    ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 tshark "$@"
if [ "$(id -u)" -eq 0 ]; then
    # Capture files given by path must be readable by that user.
    set -- runuser -u nobody -- "$@"
fi
"$@"
