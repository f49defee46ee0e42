#!/bin/sh
# The shared library must export exactly the functions the public header declares, each
# bound to a version node of the map (lib/libqsplit.map), and the map must name exactly
# those functions: a function added to the header without a node, or left in the map after
# it is gone, fails here (docs/abi.md).
set -eu
lib=$1
header=$2
map=${3:-}
fail=0
exported=$(nm -D --defined-only "$lib" | awk '$2 == "T" {print $3}' | sed 's/@.*//' | sort -u)
declared=$(grep -oE '\bqs_[a-z0-9_]+\(' "$header" | tr -d '(' | sort -u)
compare() { # what-a what-b list-a list-b
    if [ "$3" != "$4" ]; then
        echo "$2 differ from $1:" >&2
        diff -u /dev/fd/3 /dev/fd/4 3<<E1 4<<E2 >&2 || true
$3
E1
$4
E2
        fail=1
    fi
}
compare qsplit.h "exported symbols" "$declared" "$exported"
if [ -n "$map" ]; then
    # Names in the map's global: sections (comments stripped first).
    mapped=$(sed 's,/\*.*\*/,,; /\/\*/,/\*\//d' "$map" |
        grep -oE '^[[:space:]]*qs_[a-z0-9_]+;' | tr -d ' ;\t' | sort -u)
    compare qsplit.h "libqsplit.map's symbols" "$declared" "$mapped"
    # Every export carries a QSPLIT_ version (@@ default or @ old).
    unversioned=$(nm -D --defined-only "$lib" | awk '$2 == "T" && $3 !~ /@@?QSPLIT_[0-9]+\.[0-9]+$/ {print $3}')
    if [ -n "$unversioned" ]; then
        echo "exports without a QSPLIT_x.y version: $unversioned" >&2
        fail=1
    fi
fi
[ "$fail" = 0 ] || exit 1
echo "$(echo "$exported" | wc -l) exported symbols match qsplit.h${map:+ and the version map}"
