#!/bin/bash
# The long robustness runs whose figures docs/robustness.md reports: each
# libFuzzer harness for SECONDS (default 600) under ASan+UBSan, and ROUNDS
# (default 20) editcap mutations of every reference capture through
# mopsdump, the validator and mopstop (test_mutations.py) under the same
# sanitizers. Prints the lines that go into docs/robustness.md.
#   tests/robustness.sh [SECONDS] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600} rounds=${2:-20}
opts=(-Db_sanitize=address,undefined --buildtype=debug -Dplugin=disabled)
[ -f build-fuzz/build.ninja ] || CC=clang meson setup build-fuzz -Dfuzz=true "${opts[@]}" -Doptimization=1 >/dev/null
meson configure build-fuzz -Dfuzz_seconds="$seconds"
meson compile -C build-fuzz >/dev/null
meson test -C build-fuzz --suite fuzz --timeout-multiplier 2 >/dev/null || true
echo "## Fuzzing, $(date -u +%Y-%m-%d), $seconds s per harness"
grep -h "executions in" build-fuzz/meson-logs/testlog.txt | sed 's/^/- /'
[ -f build-test/build.ninja ] || meson setup build-test "${opts[@]}" >/dev/null
meson compile -C build-test >/dev/null
echo "## Mutated captures, $rounds seeds per capture"
python3 tests/test_mutations.py build-test/mopsdump/mopsdump build-test/mopstop/mopstop captures "$rounds" | tail -2 |
    sed 's/^/- /'
echo "## Random scenarios through the validator, 1000 seeds"
python3 tests/random_scenarios.py build-test 1000 1 | head -2 | sed 's/^/- /' || true
