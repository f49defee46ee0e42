#!/bin/sh
# The built libqsplit against the ABI reference dump of the last version (the highest
# tests/data/abi/libqsplit-<version>.abi, made by scripts/abi-dump.sh; docs/abi.md):
# - abidiff finds no change to a function, variable or public type the reference has
#   (a removed or re-versioned symbol, a changed parameter, a struct that grew or moved);
#   functions added in a new version node are allowed;
# - no function was added to a version node the reference already has (a released node
#   is closed: new functions go in a new node).
# Exits 77 (skipped) without abidiff (Debian: abigail-tools) or without debug info.
set -eu
abidiff=$1
lib=$2
refdir=$3
ref=$(ls "$refdir"/libqsplit-*.abi | sort -V | tail -1)
if [ -z "$abidiff" ]; then
    echo "skipped: abidiff not found (Debian package abigail-tools)"
    exit 77
fi
if ! readelf -S "$lib" | grep -q '\.debug_info'; then
    echo "skipped: $lib has no debug info for abidiff to read (build with -g)"
    exit 77
fi
status=0
"$abidiff" --no-added-syms "$ref" "$lib" || status=$?
if [ "$status" -ne 0 ]; then
    echo "ABI differs from $(basename "$ref") (abidiff exit $status: 4 = change, 8 = incompatible)." >&2
    echo "If the change is deliberate, see docs/abi.md: a new version node, and scripts/abi-dump.sh." >&2
    exit 1
fi
# name@version of every function the library exports in a node the reference knows.
nodes=$(grep -o "elf-symbol name='qs_[a-z0-9_]*' version='[^']*'" "$ref" | sed "s/.*version='//; s/'//" | sort -u)
known=$(grep -o "elf-symbol name='qs_[a-z0-9_]*' version='[^']*'" "$ref" |
    sed "s/elf-symbol name='\([^']*\)' version='\([^']*\)'/\1@\2/" | sort -u)
built=$(nm -D --defined-only "$lib" | awk '$2 == "T" {print $3}' | sed 's/@@*/@/' | sort -u)
new_in_old=""
for s in $built; do
    v=${s#*@}
    if echo "$nodes" | grep -qx "$v" && ! echo "$known" | grep -qx "$s"; then
        new_in_old="$new_in_old $s"
    fi
done
if [ -n "$new_in_old" ]; then
    echo "added to a version node the reference already has:$new_in_old" >&2
    echo "put new functions in a new node (docs/abi.md)" >&2
    exit 1
fi
echo "ABI matches $(basename "$ref"): $(echo "$known" | wc -l) functions in $(echo "$nodes" | tr '\n' ' ')"
