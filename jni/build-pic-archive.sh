#!/bin/sh
# build-pic-archive.sh SRC OUT.a CC: build a CMake library's static archive from the Debian
# source package in SRC, position-independent, so it can go into the JNI module.
# (jansson: Debian's amd64 libjansson.a is built -fPIE; see jni/meson.build.)
set -eu
src=$1 out=$2 cc=$3
dir="$out.d"
rm -rf "$dir"
cmake -S "$src" -B "$dir" -G Ninja -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_POSITION_INDEPENDENT_CODE=ON -DBUILD_SHARED_LIBS=OFF \
    -DJANSSON_BUILD_SHARED_LIBS=OFF -DJANSSON_WITHOUT_TESTS=ON -DJANSSON_BUILD_DOCS=OFF \
    -DJANSSON_EXAMPLES=OFF >"$dir.log" 2>&1 || { cat "$dir.log" >&2; exit 1; }
ninja -C "$dir" >>"$dir.log" 2>&1 || { cat "$dir.log" >&2; exit 1; }
a=$(find "$dir" -name '*.a' | head -n 1)
[ -n "$a" ] || { echo "build-pic-archive.sh: no .a built in $dir" >&2; exit 1; }
cp "$a" "$out"
