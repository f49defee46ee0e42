#!/bin/sh
# cross-build.sh SRCDIR CROSSDIR CROSSFILE OUT: the aarch64 JNI library, from a cross build
# of the whole project in CROSSDIR (configured on the first run with Debian's
# gcc-aarch64-linux-gnu, see CROSSFILE; jni/qemu-unit.sh then runs its C unit tests under
# qemu-aarch64), copied to OUT for the jar without debug information.
set -eu
src=$1 dir=$2 crossfile=$3 out=$4
if [ ! -f "$dir/build.ninja" ]; then
    # The build machine's JDK headers serve every Linux CPU (jni/meson.build says why).
    javac=$(command -v javac) || { echo "cross-build.sh: javac not found" >&2; exit 1; }
    jdk=$(dirname "$(dirname "$(readlink -f "$javac")")")
    printf "[properties]\njni_include = '%s'\n" "$jdk/include" >"$dir.jdk.ini"
    rm -rf "$dir"
    if ! meson setup "$dir" "$src" --cross-file "$crossfile" --cross-file "$dir.jdk.ini" \
        -Dpush=disabled -Dbuildtype=debugoptimized >"$dir.setup.log" 2>&1; then
        cat "$dir.setup.log" >&2
        exit 1
    fi
fi
ninja -C "$dir" jni/libqsplit_jni.so >"$dir.ninja.log" 2>&1 || { cat "$dir.ninja.log" >&2; exit 1; }
# Without debug information, as the jar carries it; replaced only when it changed, so the
# jar is not rebuilt on every ninja run (restat).
aarch64-linux-gnu-strip --strip-debug -o "$out.tmp" "$dir/jni/libqsplit_jni.so"
if cmp -s "$out.tmp" "$out"; then rm -f "$out.tmp"; else mv "$out.tmp" "$out"; fi
