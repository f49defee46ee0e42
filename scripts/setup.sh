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
clang libclang-rt-14-dev clang-format valgrind time"
PACKAGES="$PACKAGES libsnappy-dev"
PACKAGES="$PACKAGES nginx-light openssl"

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
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

if [ ! -f build/build.ninja ]; then
    meson setup build >/dev/null
fi
ninja -C build >/dev/null
echo "setup: built into build/ ($(build/tools/qsplit --version))"
