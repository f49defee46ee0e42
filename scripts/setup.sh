#!/bin/sh
# Install the Debian packages qsplit needs (only the missing ones), then configure and
# build into build/. Safe to run again: a second run installs nothing and rebuilds only
# what changed. Run as root on Debian 12 (bookworm) or newer.
set -eu
cd "$(dirname "$0")/.."

PACKAGES="gcc pkg-config meson ninja-build python3
libssl-dev libpcre2-dev libjansson-dev
libcurl4-openssl-dev zlib1g-dev libyaml-dev
default-jdk-headless liblogback-java libslf4j-java junit4 libhamcrest-java libh2-java
clang libclang-rt-14-dev clang-format valgrind time
gcc-aarch64-linux-gnu qemu-user-static
libssl-dev:arm64 libpcre2-dev:arm64 libjansson-dev:arm64"
# Hibernate 3.6 and Javassist for tests/java-clients (real frameworks through the appender).
PACKAGES="$PACKAGES libhibernate3-java libjavassist-java"
# snappy for Loki's native push format; nginx and openssl for the TLS proxy the push tests
# put in front of a real Loki.
PACKAGES="$PACKAGES libsnappy-dev nginx-light openssl"
PACKAGES="$PACKAGES abigail-tools" # abidiff/abidw: tests/check-abi.sh, scripts/abi-dump.sh
PACKAGES="$PACKAGES locales libc-l10n" # a German locale built by tests/test-error.c: errno texts stay English

missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
        missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "setup: installing:$missing"
    if [ "$(id -u)" -ne 0 ]; then
        echo "setup: error: these Debian packages are missing and installing them needs root:$missing" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    # The jar's aarch64 library is cross-built against Debian's arm64 libraries (multiarch).
    case "$missing" in *:arm64*)
        dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64 ;;
    esac
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

if [ ! -f build/build.ninja ]; then
    meson setup build >/dev/null
fi
ninja -C build >/dev/null
echo "setup: built into build/ ($(build/tools/qsplit --version))"
