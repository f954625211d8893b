#!/bin/sh
# docs/fields.md must be what mops-fields prints from the field table.
set -eu
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
"$1" > "$tmp"
if cmp -s "$tmp" "$2"; then
    echo "$2: matches the field table"
else
    echo "$2 is out of date; run: ninja -C build regen-docs" >&2
    diff -u "$2" "$tmp" >&2 || true
    exit 1
fi
