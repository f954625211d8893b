#!/bin/sh
# Runs real tshark with the freshly built plugin: Wireshark ignores personal
# plugins when run as root and WIRESHARK_PLUGIN_DIR outside its own build
# tree, so tshark runs as an unprivileged user with a temporary HOME whose
# personal plugin folder holds the .so.
#   tshark-with-plugin.sh PLUGIN.so [tshark arguments...]
set -eu
plugin=$1
shift
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
dir=$home/.local/lib/wireshark/plugins/4.0/epan
mkdir -p "$dir"
cp "$plugin" "$dir/"
chmod -R a+rX "$home"
chmod 755 "$home"
user=nobody
if [ "$(id -u)" -ne 0 ]; then
    exec env HOME="$home" tshark "$@"
fi
# Capture files given by path must be readable by that user.
runuser -u "$user" -- env HOME="$home" tshark "$@"
