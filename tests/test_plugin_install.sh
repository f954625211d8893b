#!/bin/sh
# `meson install` puts the plugin where Wireshark looks for epan plugins:
# a staged install (DESTDIR) must hold the very .so that was built, under
# the configured plugin folder (Wireshark's global one by default).
#   test_plugin_install.sh BUILD_DIR PLUGIN.so PLUGIN_DIR
set -eu
build=$1 plugin=$2 plugin_dir=$3
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
meson install -C "$build" --no-rebuild --destdir "$stage" >"$stage.log" 2>&1 || {
    cat "$stage.log"; rm -f "$stage.log"; echo "FAIL: meson install"; exit 1; }
rm -f "$stage.log"
installed=$stage$plugin_dir/mops.so
if ! cmp -s "$plugin" "$installed"; then
    echo "FAIL: $installed is missing or differs from $plugin"
    find "$stage" -name 'mops.so'
    exit 1
fi
ver=$(pkg-config --modversion wireshark | cut -d. -f1,2)
case $plugin_dir in
*/plugins/$ver/epan) ;;
*) echo "FAIL: $plugin_dir is not a Wireshark $ver epan plugin folder"; exit 1 ;;
esac
echo "ok: installed as $plugin_dir/mops.so"
