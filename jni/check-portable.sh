#!/bin/sh
# check-portable.sh FLOOR [--arch ARCH]... FILE...: each FILE is a jar (every
# native/*/*/*.so in it is checked) or a shared library. A library passes when
#   - it NEEDs nothing beyond glibc's own libraries (readelf -d), and
#   - no symbol it imports asks for a glibc version newer than GLIBC_FLOOR, nor for a version
#     of anything but glibc (objdump -T, readelf -V);
# in a jar, native/linux/ARCH/ must hold a library of that machine type for each --arch.
set -eu
floor=$1
shift
archs=""
while [ "${1:-}" = "--arch" ]; do
    archs="$archs $2"
    shift 2
done
[ $# -gt 0 ] || { echo "usage: check-portable.sh FLOOR [--arch ARCH]... FILE..." >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
allowed="libc.so.6 libm.so.6 libpthread.so.0 libdl.so.2 librt.so.1 ld-linux-x86-64.so.2 ld-linux-aarch64.so.1"
bad=0

check_lib() { # LIB NAME
    lib=$1 name=$2
    needed=$(readelf -d "$lib" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
    for n in $needed; do
        case " $allowed " in
        *" $n "*) ;;
        *) echo "$name: NEEDED $n is not one of glibc's libraries" >&2; bad=1 ;;
        esac
    done
    # Version names the loader checks (.gnu.version_r), then the symbols that ask for them.
    for v in $(readelf -V "$lib" | sed -n 's/.*Name: \([^ ]*\) *Flags.*/\1/p' | sort -u); do
        case "$v" in
        GLIBC_[0-9]*)
            num=${v#GLIBC_}
            newest=$(printf '%s\n%s\n' "$num" "$floor" | sort -V | tail -n 1)
            if [ "$newest" != "$floor" ]; then
                syms=$(objdump -T "$lib" | awk -v v="($v)" '$0 ~ /\*UND\*/ && index($0, v) {print $NF}')
                echo "$name: $v is newer than GLIBC_$floor, for:" $syms >&2
                bad=1
            fi
            ;;
        *) echo "$name: asks for version $v, not glibc's" >&2; bad=1 ;;
        esac
    done
    newest=$(objdump -T "$lib" | sed -n 's/.*(GLIBC_\([0-9.]*\)).*/\1/p' | sort -V | tail -n 1)
    echo "$name: $(readelf -h "$lib" | sed -n 's/ *Machine: *//p'); NEEDED: $(echo $needed);" \
        "newest symbol version GLIBC_${newest:-none}"
}

for f in "$@"; do
    case "$f" in
    *.jar)
        d="$tmp/$(basename "$f").d"
        mkdir -p "$d"
        python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
            "$f" "$d"
        libs=$(cd "$d" && find native -name '*.so' 2>/dev/null | sort)
        [ -n "$libs" ] || { echo "$f: no native library in the jar" >&2; bad=1; }
        for l in $libs; do
            check_lib "$d/$l" "$(basename "$f")!/$l"
        done
        for a in $archs; do
            want=$(case $a in amd64) echo X86-64 ;; aarch64) echo AArch64 ;; *) echo "$a" ;; esac)
            l="$d/native/linux/$a/libqsplit_jni.so"
            if [ ! -f "$l" ]; then
                echo "$f: no native/linux/$a/libqsplit_jni.so" >&2
                bad=1
            elif ! readelf -h "$l" | grep -q "Machine:.*$want"; then
                echo "$f: native/linux/$a/libqsplit_jni.so is not $want:" \
                    "$(readelf -h "$l" | sed -n 's/ *Machine: *//p')" >&2
                bad=1
            fi
        done
        ;;
    *) check_lib "$f" "$f" ;;
    esac
done
exit $bad
