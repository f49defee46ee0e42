#!/bin/sh
# The shared library must export exactly the functions the public header declares.
set -eu
lib=$1
header=$2
exported=$(nm -D --defined-only "$lib" | awk '$2 == "T" {print $3}' | sed 's/@.*//' | sort -u)
declared=$(grep -oE '\bqs_[a-z0-9_]+\(' "$header" | tr -d '(' | sort -u)
if [ "$exported" != "$declared" ]; then
    echo "exported symbols differ from qsplit.h:" >&2
    diff -u /dev/fd/3 /dev/fd/4 3<<E1 4<<E2 >&2 || true
$declared
E1
$exported
E2
    exit 1
fi
echo "$(echo "$exported" | wc -l) exported symbols match qsplit.h"
