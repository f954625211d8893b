#!/bin/sh
# docs/validator-rules.md must hold the table `mopsdump --list-rules` prints.
set -eu
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
sed -n '/^<!-- rules:/,/^<!-- end of rules -->/p' "$2" | sed '1d;$d' > "$tmp"
if "$1" --list-rules | cmp -s - "$tmp"; then
    echo "$2: matches mopsdump --list-rules"
else
    echo "$2: the rule table differs from mopsdump --list-rules; paste its output between the markers" >&2
    "$1" --list-rules | diff -u "$tmp" - >&2 || true
    exit 1
fi
