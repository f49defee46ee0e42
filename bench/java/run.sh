#!/bin/sh
# bench/java/run.sh [BUILD_DIR] [EVENTS_PER_RUN] [ROUNDS]
# Compiles Bench.java against BUILD_DIR/bindings/java/qsplit.jar (build it first with
# `ninja -C BUILD_DIR`) and Debian's logback jars, then prints the per-event costs.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
jar=$build/bindings/java/qsplit.jar
[ -f "$jar" ] || { echo "run.sh: no $jar: build first (ninja -C $build)" >&2; exit 1; }
j=/usr/share/java
cp=$jar:$j/logback-classic.jar:$j/logback-core.jar:$j/slf4j-api.jar
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
javac --release 11 -encoding UTF-8 -d "$out" -cp "$cp" "$here/Bench.java"
java -Xms512m -Xmx512m -cp "$out:$cp" Bench "${2:-200000}" "${3:-3}"
