#!/bin/sh
# Regenerates the captures into a temporary directory and compares them with
# the committed ones: a change to the encoders or the samples must come with
# regenerated captures (ninja -C build regen-captures).
set -eu
gen=$1 pcapng=$2 pcap=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$gen" "$tmp/a.pcapng" "$tmp/b.pcap"
status=0
for pair in "$tmp/a.pcapng $pcapng" "$tmp/b.pcap $pcap"; do
    set -- $pair
    if cmp -s "$1" "$2"; then
        echo "$2: reproduced byte for byte"
    else
        echo "$2 differs from what its generator writes now; run: ninja -C build regen-captures" >&2
        status=1
    fi
done
exit $status
