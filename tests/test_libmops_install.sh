#!/bin/sh
# libmops as users get it: a staged `meson install` (DESTDIR) holds the
# shared library with its soname, the public headers and mops.pc; the
# README's "Using libmops" program, taken from the README as written, builds
# through `pkg-config --cflags --libs mops` against that copy alone and
# prints what it should of captures/appendix-b.pcapng.
#   test_libmops_install.sh BUILD_DIR README.md CAPTURE SANITIZE
set -eu
build=$1 readme=$2 capture=$3 sanitize=$4
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

meson install -C "$build" --no-rebuild --destdir "$stage" >"$stage/install.log" 2>&1 ||
    { cat "$stage/install.log"; fail "meson install"; }
pc=$(find "$stage" -name mops.pc | head -n 1)
[ -n "$pc" ] || fail "no mops.pc installed"
lib=$(find "$stage" -name 'libmops.so.*.*.*' | head -n 1)
[ -n "$lib" ] || fail "no libmops.so.X.Y.Z installed"
soname=$(readelf -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = libmops.so.0.1 ] || fail "soname is '$soname', not libmops.so.0.1"
[ -e "$(dirname "$lib")/$soname" ] || fail "no $soname link beside $lib"
inc=$(find "$stage" -path '*/include/mops' -type d | head -n 1)
for h in core/addr.h decode/decode.h capture/capture.h track/migrate.h model/server.h sim/scenario.h \
         validate/validate.h; do
    [ -f "$inc/$h" ] || fail "header mops/$h not installed"
done
[ ! -e "$inc/core/claim.h" ] || fail "the internal core/claim.h was installed"

# The program exactly as the README shows it: the first C block of its
# "Using libmops" section.
awk '/^## Using libmops/ {s = 1; next} s && /^## / {exit}
     s && /^```c$/ {c = 1; next} c && /^```$/ {exit} c {print}' "$readme" >"$stage/count.c"
grep -q 'int main' "$stage/count.c" || fail "no C program in the README's Using libmops section"

export PKG_CONFIG_PATH="$(dirname "$pc")" PKG_CONFIG_SYSROOT_DIR="$stage"
flags=$(pkg-config --cflags --libs mops) || fail "pkg-config --cflags --libs mops"
case $flags in *"$stage"*) ;; *) fail "pkg-config flags do not point into the staged install: $flags" ;; esac
san=
[ "$sanitize" = none ] || san="-fsanitize=$sanitize"
# shellcheck disable=SC2086
cc -std=gnu11 -Wall -Wextra -Werror $san "$stage/count.c" $flags -o "$stage/count" 2>"$stage/cc.log" ||
    { cat "$stage/cc.log"; fail "the README's program does not build against the installed libmops"; }
readelf -d "$stage/count" | grep -q "NEEDED.*\[libmops.so.0.1\]" || fail "count does not link libmops.so.0.1"

out=$(LD_LIBRARY_PATH="$(dirname "$lib")" "$stage/count" "$capture")
resolved=$(LD_LIBRARY_PATH="$(dirname "$lib")" ldd "$stage/count" | sed -n 's/.*libmops.so.0.1 => \([^ ]*\).*/\1/p')
case $resolved in "$stage"/*) ;; *) fail "libmops resolved to '$resolved', not the staged copy" ;; esac
want="42 frames: 4 Migrate requests, 4 replies; the first moves 525.8.78.2.2"
[ "$out" = "$want" ] || fail "count printed '$out', not '$want'"
echo "ok: $soname, $(ls "$inc"/*/*.h | wc -l) headers and mops.pc installed; the README's program printed: $out"
