#!/bin/sh
# bench-core.sh — how fast is `qsplit split`, measured against md5sum on the same file in the
# same run, and how fast is normalize+hash against plain MD5 (bench-hash, openssl speed).
#
#   bench/bench-core.sh [--qsplit PATH] [--bench-hash PATH] [--size 256M] [--seed N]
#                       [--layout boot2] [--runs 3] [--no-hash]
#
# The input is made once by bench/gen-console.py and kept in bench/out/ (delete it to
# regenerate). Each timing is the best of --runs runs with the file in the page cache, in
# CPU time (user + system; wall time shown too); peak RSS is the largest of the split runs
# (/usr/bin/time, Debian package "time"). Targets (issue 2): split >= 0.6 x md5sum
# throughput, peak RSS < 16 MB, qhash >= 0.8 x openssl speed md5.
# A benchmark, not a test: it exits non-zero only when something fails to run.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
qsplit=""
bench_hash=""
size=256M
seed=1
layout=boot2
runs=3
do_hash=1

die() { echo "bench-core: error: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
    case "$1" in
    --qsplit) qsplit=$2; shift 2 ;;
    --bench-hash) bench_hash=$2; shift 2 ;;
    --size) size=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --layout) layout=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --no-hash) do_hash=0; shift ;;
    -h|--help) sed -n '2,/^[^#]/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;;
    *) echo "bench-core: unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
done

[ -n "$qsplit" ] || qsplit=$root/build/tools/qsplit
[ -x "$qsplit" ] || die "no qsplit at $qsplit (build it, or pass --qsplit PATH)"
if [ -z "$bench_hash" ]; then
    bench_hash=$(dirname "$(dirname "$qsplit")")/bench/bench-hash
fi
[ -x /usr/bin/time ] || die "/usr/bin/time is missing: apt-get install time"
command -v md5sum >/dev/null || die "md5sum is missing (coreutils)"
command -v python3 >/dev/null || die "python3 is missing"

out=$here/out
mkdir -p "$out"
input=$out/console-$layout-seed$seed-$size.log
if [ ! -s "$input" ]; then
    echo "generating $input ..." >&2
    python3 "$here/gen-console.py" --seed "$seed" --size "$size" --layout "$layout" --stats \
        -o "$input.tmp"
    mv "$input.tmp" "$input"
fi
bytes=$(wc -c <"$input")
cat "$input" >/dev/null # page cache: both contenders read from memory

now() { date +%s.%N; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# best_of CMD...: sets $best (CPU seconds, user + system) and $best_wall (wall seconds) to
# the fastest of $runs runs, $peak_kb to the largest maximum RSS among them. CPU time, as
# `openssl speed` counts, keeps the ratio meaningful when other work shares the machine.
best_of() {
    best=""
    best_wall=""
    peak_kb=0
    i=0
    while [ $i -lt "$runs" ]; do
        t0=$(now)
        /usr/bin/time -f "%M %U %S" -o "$tmp/rss" "$@" >/dev/null || die "failed: $*"
        t1=$(now)
        w=$(echo "$t1 $t0" | awk '{ printf "%.6f", $1 - $2 }')
        kb=$(tail -n 1 "$tmp/rss" | awk '{ print $1 }')
        t=$(tail -n 1 "$tmp/rss" | awk '{ printf "%.2f", $2 + $3 }')
        [ "$kb" -gt "$peak_kb" ] && peak_kb=$kb
        if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then
            best=$t
        fi
        if [ -z "$best_wall" ] || awk -v a="$w" -v b="$best_wall" 'BEGIN { exit !(a < b) }'
        then
            best_wall=$w
        fi
        i=$((i + 1))
    done
}

load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo "?")
best_of md5sum "$input"
md5_s=$best
md5_w=$best_wall
md5_kb=$peak_kb
best_of "$qsplit" split "$input" --console /dev/null --query /dev/null -q
split_s=$best
split_w=$best_wall
split_kb=$peak_kb

echo
echo "qsplit split vs md5sum: $input"
echo "($bytes bytes, best of $runs, $(nproc) CPUs available, one used)"
echo "load average before the runs: $load (CPU-time figures hold up under load, wall ones do not)"
awk -v n="$bytes" -v m="$md5_s" -v s="$split_s" -v mk="$md5_kb" -v sk="$split_kb" \
    -v mw="$md5_w" -v sw="$split_w" 'BEGIN {
    printf "%-22s %9s %9s %9s %9s %12s\n", "", "CPU s", "MB/s", "wall s", "MB/s", \
        "peak RSS MB"
    printf "%-22s %9.2f %9.1f %9.2f %9.1f %12.1f\n", "md5sum (floor)", m, n / m / 1e6, mw,
        n / mw / 1e6, mk / 1024
    printf "%-22s %9.2f %9.1f %9.2f %9.1f %12.1f\n", "qsplit split", s, n / s / 1e6, sw,
        n / sw / 1e6, sk / 1024
    printf "%-22s %9s %9.2f %9s %9.2f\n", "ratio split/md5sum", "", m / s, "", mw / sw
    printf "targets: ratio >= 0.60 %s, peak RSS < 16 MB %s\n",
        (m / s >= 0.6 ? "MET" : "MISSED"), (sk / 1024 < 16 ? "MET" : "MISSED")
}'

[ "$do_hash" = 1 ] || exit 0
echo
if [ ! -x "$bench_hash" ]; then
    echo "normalize+hash: skipped, no bench-hash at $bench_hash (pass --bench-hash PATH)"
    exit 0
fi
command -v openssl >/dev/null || die "openssl is missing (Debian package openssl)"
"$bench_hash" >"$tmp/hash" || die "$bench_hash failed"
echo "normalize+hash (qs_hasher_qhash) vs MD5 of the same bytes (best of 3 each)"
printf "%-8s %12s %12s %14s %10s %10s\n" "bytes" "qhash MB/s" "EVP md5 MB/s" \
    "openssl speed" "qhash/EVP" "qhash/ossl"
tail -n +2 "$tmp/hash" | while read -r sz q m _; do
    best_ossl=0
    i=0
    while [ $i -lt 3 ]; do
        # "md5   431756.29k": thousands of bytes per second for the one size asked.
        k=$(openssl speed -bytes "$sz" -seconds 1 md5 2>/dev/null | awk '$1 == "md5" {
            sub(/k$/, "", $2); print $2 }')
        [ -n "$k" ] || die "cannot parse openssl speed -bytes $sz md5"
        best_ossl=$(awk -v a="$k" -v b="$best_ossl" 'BEGIN { print (a > b ? a : b) }')
        i=$((i + 1))
    done
    awk -v sz="$sz" -v q="$q" -v m="$m" -v k="$best_ossl" 'BEGIN {
        o = k / 1000
        printf "%-8s %12.1f %12.1f %14.1f %10.2f %10.2f%s\n", sz, q, m, o, q / m, q / o,
            (q / o >= 0.8 ? "" : "  (< 0.8)")
    }'
done
echo "target: qhash >= 0.80 x openssl speed md5 at each size"
