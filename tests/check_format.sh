#!/bin/sh
# The tree is formatted as .clang-format says: every tracked C file, as
# clang-format would leave it. Prints the files that are not, and the first
# lines clang-format would change.
#   check_format.sh SRCDIR
set -eu
src=$1
command -v clang-format >/dev/null || { echo "clang-format not installed (.ci/install-deps)"; exit 77; }
cd "$src"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    files=$(git ls-files '*.c' '*.h')
else
    files=$(find lib dissector mopsdump mopstop tests captures -name '*.[ch]')
fi
n=$(echo "$files" | wc -w)
# One run over them all; then, if it complained, file by file to say which.
# shellcheck disable=SC2086
if clang-format --dry-run --Werror $files >/dev/null 2>&1; then
    echo "$n files formatted as .clang-format says"
    exit 0
fi
bad=0
for f in $files; do
    if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
        bad=$((bad + 1))
        echo "not formatted: $f"
        clang-format "$f" | diff -u "$f" - | sed -n '3,12p'
    fi
done
if [ "$bad" -ne 0 ]; then
    echo "$bad of $n files differ from clang-format (run: git ls-files '*.c' '*.h' | xargs clang-format -i)"
else
    clang-format --dry-run --Werror $files 2>&1 | head -n 5
fi
exit 1
