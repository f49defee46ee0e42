#!/bin/sh
# Write the ABI reference dump of the built libqsplit (docs/abi.md): the public types and
# the exported, versioned functions, as abidw (Debian: abigail-tools) reads them from the
# debug info, limited to lib/include. Run it when a version's ABI is settled (a release, or
# a deliberate change before the first one), and commit the file it names.
#
#   scripts/abi-dump.sh [BUILD_DIR] [VERSION]     (defaults: build, the project's x.y)
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
version=${2:-$(sed -n "s/^  version: '\([0-9]*\.[0-9]*\)\..*/\1/p" meson.build | head -1)}
lib=$build/lib/libqsplit.so.0
[ -f "$lib" ] || { echo "abi-dump: $lib not found (ninja -C $build first)" >&2; exit 1; }
out=tests/data/abi/libqsplit-$version.abi
mkdir -p tests/data/abi
abidw --headers-dir "$PWD/lib/include" --drop-private-types --no-corpus-path --no-show-locs \
    --no-comp-dir-path --type-id-style hash "$lib" >"$out"
echo "abi-dump: wrote $out ($(grep -c "<elf-symbol " "$out") symbols)"
