#!/bin/sh
# Regenerates a capture into a temporary file and compares it with the
# committed one: a change to the encoders or the samples must come with the
# regenerated capture (ninja -C build regen-captures).
set -eu
gen=$1 committed=$2
tmp=$(mktemp --suffix=.pcapng)
trap 'rm -f "$tmp"' EXIT
"$gen" "$tmp"
if cmp -s "$tmp" "$committed"; then
    echo "$committed: reproduced byte for byte"
else
    echo "$committed differs from what its generator writes now; run: ninja -C build regen-captures" >&2
    cmp "$tmp" "$committed" >&2 || true
    exit 1
fi
