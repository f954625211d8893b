#!/bin/bash
# The long robustness runs whose figures docs/robustness.md reports: each
# libFuzzer harness to FUZZ_RUNS executions (default 10,000,000) or SECONDS
# (default 600; 0: no cap) under ASan+UBSan, and ROUNDS
# (default 20) editcap mutations of every reference capture through
# mopsdump, the validator and mopstop (test_mutations.py) under the same
# sanitizers; the ASan plugin in real tshark over HOSTILE (default 10000)
# mutated captures on this machine's Wireshark and, through
# tests/compat/run, on 4.4 and 4.6; the state-exhaustion capture against a
# normal one. Prints the lines that go into docs/robustness.md.
#   tests/robustness.sh [SECONDS] [ROUNDS] [HOSTILE]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600} rounds=${2:-20} hostile=${3:-10000}
opts=(-Db_sanitize=address,undefined --buildtype=debug -Dplugin=disabled)
[ -f build-fuzz/build.ninja ] || CC=clang meson setup build-fuzz -Dfuzz=true "${opts[@]}" -Doptimization=1 >/dev/null
meson compile -C build-fuzz >/dev/null
# Each harness to RUNS executions (default ten million, issue 18) or SECONDS
# (then a cap: 0 for none), from its seed corpus, one after the other.
runs=${FUZZ_RUNS:-10000000}
echo "## Fuzzing, $(date -u +%Y-%m-%d), $runs executions per harness (at most $seconds s each)"
fz=$(mktemp -d)
for h in addr decode capture json models validator; do
    mkdir -p "$fz/$h/corpus" "$fz/$h/art"
    cp build-fuzz/tests/fuzz/corpus/$h/* "$fz/$h/corpus/" 2>/dev/null || true
    start=$(date +%s)
    rc=0
    build-fuzz/tests/fuzz/fuzz_$h -runs="$runs" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$fz/$h/art/" "$fz/$h/corpus" >"$fz/$h/log" 2>&1 || rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$fz/$h/log")
    cov=$(grep -o 'cov: [0-9]*' "$fz/$h/log" | tail -1 | cut -d' ' -f2)
    echo "- fuzz_$h: ${execs:-?} executions in $(($(date +%s) - start)) s, coverage ${cov:-?} edges, corpus" \
        "$(ls build-fuzz/tests/fuzz/corpus/$h | wc -l) -> $(ls "$fz/$h/corpus" | wc -l), exit $rc"
    [ "$rc" -eq 0 ] || grep -E 'ERROR|runtime error|SUMMARY|Test unit written' "$fz/$h/log" | head -5
done
rm -rf "$fz"
[ -f build-test/build.ninja ] || meson setup build-test "${opts[@]}" >/dev/null
meson compile -C build-test >/dev/null
echo "## Mutated captures, $rounds seeds per capture"
python3 tests/test_mutations.py build-test/mopsdump/mopsdump build-test/mopstop/mopstop captures "$rounds" | tail -2 |
    sed 's/^/- /'
echo "## The plugin on hostile captures, $hostile per Wireshark version"
meson configure build-test -Dplugin=enabled >/dev/null 2>&1 || true
meson compile -C build-test >/dev/null
echo "- $(pkg-config --modversion wireshark): $(python3 tests/plugin_hostile.py build-test/dissector/mops.so captures \
    tests/tshark-with-plugin.sh "$hostile" | tail -1)"
for v in 4.4 4.6; do
    MOPS_HOSTILE_CAPTURES=$hostile bash tests/compat/run "$v" >/dev/null 2>&1 || true
    echo "- $v: $(grep -ho 'plugin_hostile: [^"\\]*' build-compat/$v/testlog.json 2>/dev/null | tail -1 || echo 'not run')"
done
echo "## Random scenarios through the validator, 1000 seeds"
python3 tests/random_scenarios.py build-test 1000 1 | head -2 | sed 's/^/- /' || true
echo "## State under attack: mops-floodgen -n 1000000 (4,000,000 frames) against a normal capture of as many"
rel=build-robust
[ -f $rel/build.ninja ] || meson setup $rel --buildtype=release -Dplugin=disabled >/dev/null
meson compile -C $rel >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
$rel/tests/bench/mops-floodgen -n 1000000 "$tmp/flood.pcap"
$rel/tests/bench/mops-benchgen -n 4000000 "$tmp/normal.pcap" "$tmp/v6.pcap" >/dev/null && rm "$tmp/v6.pcap"
measure() { # prints "seconds peak-KiB" of a command, its output discarded
    /usr/bin/time -f '%e %M' "$@" 2>&1 >/dev/null | tail -1
}
for tool in "mopsdump --validate" "mopstop --batch" "mopsdump text"; do
    case $tool in
        "mopsdump --validate") cmd=($rel/mopsdump/mopsdump --validate -r) ;;
        "mopstop --batch") cmd=($rel/mopstop/mopstop --batch --speed max -n 1000000 -d 3600 -r) ;;
        *) cmd=($rel/mopsdump/mopsdump -r) ;;
    esac
    read -r tf mf < <(measure "${cmd[@]}" "$tmp/flood.pcap")
    read -r tn mn < <(measure "${cmd[@]}" "$tmp/normal.pcap")
    echo "- $tool: flood ${tf} s, ${mf} KiB peak; normal ${tn} s, ${mn} KiB; time $(python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.2f}')" "$tf" "$tn")x"
done
$rel/mopsdump/mopsdump --validate -r "$tmp/flood.pcap" --report "$tmp/r.json" >/dev/null 2>&1 || true
echo "- state_overflow: $(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['state_overflow'])" "$tmp/r.json")"

