#!/bin/sh
# build-jar.sh OUT.jar CLASSPATH NATIVE_SO RESOURCE_DIR SOURCES...
# Compile SOURCES against CLASSPATH and pack them into OUT.jar; when NATIVE_SO is not
# empty it goes into the jar at RESOURCE_DIR/ (where NativeLoader looks for it).
set -eu
out=$1 cp=$2 so=$3 resdir=$4
shift 4
tmp=$(mktemp -d "${out}.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/classes"
javac --release 11 -encoding UTF-8 -Xlint:all -Xlint:-options -Werror \
    -d "$tmp/classes" -cp "$cp" "$@"
if [ -n "$so" ]; then
    mkdir -p "$tmp/classes/$resdir"
    cp "$so" "$tmp/classes/$resdir/"
fi
jar --create --file "$tmp/out.jar" -C "$tmp/classes" .
mv "$tmp/out.jar" "$out"
