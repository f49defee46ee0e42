#!/bin/sh
# check-exports.sh MODULE: the JNI module exports JNI_OnLoad and Java_io_qsplit_* only,
# so the core linked inside it cannot clash with another libqsplit in the process.
set -eu
syms=$(nm -D --defined-only "$1" | awk '{print $3}')
echo "$syms" | grep -qx JNI_OnLoad || { echo "JNI_OnLoad not exported" >&2; exit 1; }
echo "$syms" | grep -q '^Java_io_qsplit_' || { echo "no Java_io_qsplit_ symbol" >&2; exit 1; }
extra=$(echo "$syms" | grep -v -E '^(JNI_OnLoad|JNI_OnUnload|Java_io_qsplit_[A-Za-z0-9_]+)$' \
    || true)
if [ -n "$extra" ]; then
    echo "unexpected exports:" >&2
    echo "$extra" >&2
    exit 1
fi
