#!/bin/sh
# run-fuzz.sh SECONDS [TARGET...] — build the libFuzzer targets and fuzz each for SECONDS.
#
# Environment: FUZZ_BUILD (build directory), FUZZ_FAST=1 (the "-fast" twins without
# ASan/UBSan: several times the executions per second, for long campaigns; replay what they
# find on the sanitized target, and run the sanitized targets too: undefined behaviour that
# does not crash is invisible to the twins), FUZZ_MAX_LEN (default 8192).
#
# Builds a separate build directory ($FUZZ_BUILD, default build-fuzz) with CC=clang and
# -Dfuzz=true (ASan + UBSan + libFuzzer), then runs each target (default: all) from its seed
# corpus fuzz/corpus/<target>/ plus a working corpus kept in the build directory, so longer
# campaigns build on earlier ones. Prints the executions per target; exits 1 if any target
# crashed or broke a property (the input that did it is saved as
# $FUZZ_BUILD/artifacts/<target>-crash-*, and replays with `<exe> <file>`), 2 on usage errors.
#
# Seeds (all small): lines of tests/data/layouts/*.log (fuzz-layout); tests/data/layouts/*.log and record slices of examples/logs/ behind
# control bytes (fuzz-split), query.log lines and logging events (fuzz-querylog), statements
# from the example log and hand-written dialect cases (fuzz-normalize), tools/push/push.yaml
# and variants (fuzz-pushconfig), Loki-like HTTP answers (fuzz-pushresponse). The two pusher
# targets are built when the pusher's dependencies are (libcurl, libyaml).
set -eu

usage() {
    echo "usage: fuzz/run-fuzz.sh SECONDS [fuzz-normalize|fuzz-split|fuzz-querylog|" \
        "fuzz-pushconfig|fuzz-pushresponse|fuzz-layout...]" >&2
    exit 2
}
[ $# -ge 1 ] || usage
secs=$1
shift
case "$secs" in ''|*[!0-9]*) usage ;; esac
[ "$secs" -gt 0 ] || usage

root=$(cd "$(dirname "$0")/.." && pwd)
build=${FUZZ_BUILD:-build-fuzz}
case "$build" in /*) ;; *) build=$root/$build ;; esac
targets=$*
suffix=
[ "${FUZZ_FAST:-0}" = 1 ] && suffix=-fast
max_len=${FUZZ_MAX_LEN:-8192}
die() { echo "run-fuzz: error: $*" >&2; exit 1; }
command -v clang >/dev/null || die "clang is missing (apt-get install clang libclang-rt-14-dev)"

if [ ! -f "$build/build.ninja" ]; then
    setup_log=$(mktemp)
    CC=clang meson setup "$build" "$root" -Dfuzz=true -Djava=disabled \
        -Dbuildtype=debugoptimized >"$setup_log" 2>&1 ||
        { cat "$setup_log" >&2; rm -f "$setup_log"; die "meson setup failed"; }
    rm -f "$setup_log"
fi
if [ -z "$targets" ]; then
    targets="fuzz-normalize fuzz-split fuzz-querylog"
    targets="$targets fuzz-layout"
    targets="$targets fuzz-detect" # the recognizers: one message of each tool as seed
    # The pusher's targets exist when its dependencies were found at setup.
    for t in fuzz-pushconfig fuzz-pushresponse; do
        ninja -C "$build" -t targets all 2>/dev/null | grep -q "^fuzz/$t:" &&
            targets="$targets $t"
    done
fi
ninja_targets=""
for t in $targets; do ninja_targets="$ninja_targets fuzz/$t$suffix"; done
# shellcheck disable=SC2086
ninja -C "$build" $ninja_targets >&2

mkdir -p "$build/artifacts"
status=0
printf "%-16s %8s %14s %10s %8s  %s\n" target seconds executions exec/s corpus result
for t in $targets; do
    exe=$build/fuzz/$t$suffix
    work=$build/fuzz-corpus/$t
    mkdir -p "$work"
    log=$build/artifacts/$t.log
    rc=0
    # -max_len 8192: big enough for records past the 1024-byte limit fuzz-split can set.
    # stdin is /dev/null: a config naming /dev/stdin as a secret file must not block.
    "$exe" -max_total_time="$secs" -max_len="$max_len" -timeout=20 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$build/artifacts/$t$suffix-" \
        "$work" "$root/fuzz/corpus/$t" >"$log" 2>&1 </dev/null || rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    files=$(ls "$work" | wc -l)
    if [ "$rc" -eq 0 ]; then
        result=ok
    else
        result="FAILED (exit $rc, see $log)"
        status=1
        grep -E "ERROR: |property failed|runtime error|SUMMARY" "$log" | head -n 5 >&2 || true
    fi
    printf "%-16s %8s %14s %10s %8s  %s\n" "$t" "$secs" "${execs:-?}" "${speed:-?}" \
        "$files" "$result"
done
exit $status
