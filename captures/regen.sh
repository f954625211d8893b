#!/bin/sh
# Rewrites every committed capture from its definition:
#   vectors.pcapng, vectors-ethernet.pcap   <- gen_vectors (tests/samples.c)
#   NAME.pcapng                             <- mops-sim scenarios/NAME.json
set -eu
gen=$1 sim=$2 dir=$3
"$gen" "$dir/vectors.pcapng" "$dir/vectors-ethernet.pcap"
for s in "$dir"/scenarios/*.json; do
    n=$(basename "$s" .json)
    "$sim" "$s" "$dir/$n.pcapng"
done
echo "regenerated $(ls "$dir"/scenarios/*.json | wc -l) scenario captures and the vectors"
