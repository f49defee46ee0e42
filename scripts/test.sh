#!/bin/sh
# Set up, build, and run every test: C unit and CLI tests, Java (JNI + appender), the
# pusher against a test receiver, the reliability suite; then the C suites again under
# ASan+UBSan and under valgrind, the Java tests over an ASan+UBSan JNI shim, and each
# libFuzzer target briefly. Ends with one line
# "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
./scripts/setup.sh || { echo "0 passed, 1 failed"; exit 1; }

status=0
meson test -C build --print-errorlogs --num-processes 2 || status=1

# The C suites (unit, CLI, pusher, the reliability suite's C tests) with AddressSanitizer and
# UndefinedBehaviorSanitizer; then the Java tests with the JVM loading the instrumented JNI
# shim (test setup 'jniasan', meson.build).
if [ ! -f build-asan/build.ninja ]; then
    meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false \
        -Dbuildtype=debug >/dev/null
fi
jniasan_log=build-asan/meson-logs/testlog-jniasan.json
rm -f "$jniasan_log"
if ninja -C build-asan >/dev/null; then
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 \
        meson test -C build-asan --print-errorlogs --num-processes 2 --suite unit --suite cli \
            --suite push --suite reliability --no-suite java-reliability || status=1
    meson test -C build-asan --setup jniasan --print-errorlogs --num-processes 2 \
        --suite java --suite java-reliability || status=1
else
    status=1
fi

# The unit, CLI and pusher suites again under valgrind memcheck (meson test setup
# 'valgrind': every test process, the qsplit processes the CLI tests start and every
# qsplit-push run; any error or definite/indirect leak fails the test). About 7 minutes.
valgrind_log=build/meson-logs/testlog-valgrind.json
if command -v valgrind >/dev/null; then
    meson test -C build --setup valgrind --print-errorlogs --num-processes 2 \
        --suite unit --suite cli --suite push || status=1
else
    echo "test.sh: valgrind is missing (apt-get install valgrind)" >&2
    status=1
fi

# Each fuzz target for a short run (a longer campaign: fuzz/run-fuzz.sh 600).
fuzz_failed=0
fuzz_passed=0
if [ -x fuzz/run-fuzz.sh ]; then
    if fuzz/run-fuzz.sh "${QS_FUZZ_SECONDS:-20}"; then fuzz_passed=1; else fuzz_failed=1; status=1; fi
fi

python3 scripts/count-tests.py build/meson-logs/testlog.json build-asan/meson-logs/testlog.json \
    "$jniasan_log" "$valgrind_log" \
    --extra-passed "$fuzz_passed" --extra-failed "$fuzz_failed" || status=1
exit $status
