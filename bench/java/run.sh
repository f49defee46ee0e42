#!/bin/sh
# bench/java/run.sh [BUILD_DIR] [EVENTS_PER_RUN] [ROUNDS]
# Compiles Bench.java and EventBench.java against BUILD_DIR/bindings/java/qsplit.jar (build it
# first with `ninja -C BUILD_DIR`) and Debian's logback jars, then prints the per-event costs
# (Bench) and the cost of a split event alone (EventBench). QSPLIT_BENCH=event runs only
# EventBench (seconds instead of minutes).
# QSPLIT_BENCH_LOGBACK=1.5.38 runs it on logback-classic/core-1.5.38.jar and slf4j-api-2.*.jar
# from QSPLIT_JAVA_COMPAT_DIR (default ../shared/java-compat) instead of Debian's 1.2.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
jar=$build/bindings/java/qsplit.jar
[ -f "$jar" ] || { echo "run.sh: no $jar: build first (ninja -C $build)" >&2; exit 1; }
j=/usr/share/java
cp=$jar:$j/logback-classic.jar:$j/logback-core.jar:$j/slf4j-api.jar
runcp=$cp
if [ -n "${QSPLIT_BENCH_LOGBACK:-}" ]; then
    d=${QSPLIT_JAVA_COMPAT_DIR:-$here/../../../shared/java-compat}
    v=$QSPLIT_BENCH_LOGBACK
    slf4j=$(ls "$d"/slf4j-api-2.*.jar 2>/dev/null | sort -V | tail -n 1)
    for f in "$d/logback-classic-$v.jar" "$d/logback-core-$v.jar" "$slf4j"; do
        [ -f "$f" ] || { echo "run.sh: missing ${f:-slf4j-api-2.*.jar in $d}" >&2; exit 1; }
    done
    runcp=$jar:$d/logback-classic-$v.jar:$d/logback-core-$v.jar:$slf4j
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
javac --release 11 -encoding UTF-8 -d "$out" -cp "$cp" "$here/Bench.java" "$here/EventBench.java"
if [ "${QSPLIT_BENCH:-}" != event ]; then
    java -Xms512m -Xmx512m -cp "$out:$runcp" Bench "${2:-200000}" "${3:-3}"
fi
java -Xms512m -Xmx512m -cp "$out:$runcp" EventBench 1000000 7
