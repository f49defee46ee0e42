#!/bin/sh
# check-format.sh SOURCE_ROOT CLANG_FORMAT — every C file is laid out as .clang-format says
# (STYLE.md). Exit 77 (skipped) without clang-format. To fix: clang-format -i FILE.
set -eu
root=$1
cf=${2:-}
[ -n "$cf" ] && [ -x "$cf" ] || { echo "clang-format not found: skipped"; exit 77; }
cd "$root"
files=$(find lib tools jni tests fuzz bench examples -name '*.[ch]' | sort)
bad=""
for f in $files; do
    "$cf" --dry-run --Werror "$f" >/dev/null 2>&1 || bad="$bad $f"
done
if [ -n "$bad" ]; then
    echo "not formatted by .clang-format (run: clang-format -i$bad):" >&2
    for f in $bad; do "$cf" --dry-run "$f" 2>&1 | head -n 6 >&2; done
    exit 1
fi
echo "$(echo "$files" | wc -w) C files match .clang-format"
