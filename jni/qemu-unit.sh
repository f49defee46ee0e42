#!/bin/sh
# qemu-unit.sh CROSSDIR: the C unit suite of the aarch64 cross build, run under qemu-aarch64
# (the cross file's exe_wrapper): the QHash vectors through the CLI's libcrypto link
# (test-hash) and through the JNI library's run-time one (crypto-dl-*), and every other unit
# test. test-oom runs with PCRE2's JIT off (tests/reliability/nojit.c): under qemu-user its
# interposed malloc and PCRE2's JIT compiler crash inside pcre2_jit_compile, which no other
# test and no program without that interposition does (docs/java.md, Platforms).
set -eu
dir=$1
# qemu runs the tests 5-15 times slower: huge inputs and timing loops shrink tenfold, as
# under valgrind (tests/qstest.h); every path and every QHash vector still runs. 85 s -> 12 s.
export QS_TEST_LIGHT=1
ninja -C "$dir" >"$dir.test-build.log" 2>&1 || { cat "$dir.test-build.log"; exit 1; }
names=$(meson test -C "$dir" --list --suite unit 2>/dev/null | sed -n 's/^[^ ]* \/ //p' |
    grep -vx oom)
status=0
# shellcheck disable=SC2086
meson test -C "$dir" --no-rebuild --print-errorlogs --num-processes 2 --logbase qemu-unit \
    $names || status=1
# LD_PRELOAD goes to the emulated program only (qemu -E), not to meson or qemu.
nojit=$(find "$dir/tests/reliability" -name 'libqs-nojit.so' | head -n 1)
if [ -n "$nojit" ] && [ -x "$dir/tests/test-oom" ]; then
    echo "oom, PCRE2 JIT off:"
    qemu-aarch64-static -E "LD_PRELOAD=$(readlink -f "$nojit")" -E QS_TEST_LIGHT=1 \
        -E "QS_TEST_DATA=$(cd "$(dirname "$0")/../tests/data" && pwd)" "$dir/tests/test-oom" ||
        status=1
else
    echo "qemu-unit.sh: no test-oom or libqs-nojit.so in $dir" >&2
    status=1
fi
exit $status
