#!/bin/sh
# build-jar.sh OUT.jar CLASSPATH NATIVES RESOURCES SOURCES...
# Compile SOURCES against CLASSPATH and pack them into OUT.jar. NATIVES and RESOURCES are
# ':'-separated lists of the same length (may be empty): each native library goes into the
# jar at its resource path, e.g. native/linux/aarch64/libqsplit_jni.so (NativeLoader's).
set -eu
out=$1 cp=$2 natives=$3 resources=$4
shift 4
tmp=$(mktemp -d "${out}.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/classes"
javac --release 11 -encoding UTF-8 -Xlint:all -Xlint:-options -Werror \
    -d "$tmp/classes" -cp "$cp" "$@"
while [ -n "$natives" ]; do
    so=${natives%%:*} res=${resources%%:*}
    [ -n "$res" ] || { echo "build-jar.sh: no resource path for $so" >&2; exit 1; }
    mkdir -p "$tmp/classes/$(dirname "$res")"
    cp "$so" "$tmp/classes/$res"
    case "$natives" in *:*) natives=${natives#*:} resources=${resources#*:} ;; *) natives="" ;; esac
done
jar --create --file "$tmp/out.jar" -C "$tmp/classes" .
mv "$tmp/out.jar" "$out"
