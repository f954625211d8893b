#!/bin/sh
# Runs one libFuzzer harness for SECONDS from a copy of its seed corpus and
# prints its figures (executions, coverage, corpus); any crash, leak,
# sanitizer report or timeout fails, with the reproducer kept in the build
# folder.
#   run_fuzz.sh HARNESS SEED_DIR SECONDS
set -u
harness=$1 seeds=$2 seconds=$3
name=$(basename "$harness")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus"
cp "$seeds"/* "$work/corpus/" 2>/dev/null
artifacts=$(dirname "$harness")/artifacts-$name
mkdir -p "$artifacts"
"$harness" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "$work/corpus" >"$work/log" 2>&1
rc=$?
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
cov=$(grep -o 'cov: [0-9]*' "$work/log" | tail -1 | cut -d' ' -f2)
units=$(ls "$work/corpus" | wc -l)
echo "$name: ${execs:-?} executions in ${seconds} s, coverage ${cov:-?} edges, corpus $(ls "$seeds" | wc -l) -> $units, exit $rc"
if [ "$rc" -ne 0 ]; then
    grep -E 'ERROR|runtime error|SUMMARY|Test unit written' "$work/log" | head -20
    exit 1
fi
