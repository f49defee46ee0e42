#!/bin/sh
# Another program builds against an installed libqsplit through pkg-config alone:
# meson install into a scratch root, compile examples/c with the installed qsplit.pc,
# run it on the example log, compare with the CLI.
set -eu
BUILD=${QS_BUILD_ROOT:?}
SRC=${QS_SOURCE_ROOT:?}
T=$(mktemp -d /tmp/qsplit-pc.XXXXXX)
trap 'rm -rf "$T"' EXIT
meson install -C "$BUILD" --destdir "$T/root" --no-rebuild --quiet >/dev/null
pc=$(dirname "$(find "$T/root" -name qsplit.pc | head -n 1)")
[ -n "$pc" ] || { echo "qsplit.pc was not installed" >&2; exit 1; }
lib=$(dirname "$pc")
export PKG_CONFIG_PATH="$pc" PKG_CONFIG_SYSROOT_DIR="$T/root"
cc -Wall -Wextra -Werror "$SRC/examples/c/example.c" $(pkg-config --cflags --libs qsplit) -o "$T/example"
LD_LIBRARY_PATH="$lib" "$T/example" "$T/q.log" <"$SRC/examples/logs/console.log" >"$T/c.log" 2>/dev/null
"$BUILD/tools/qsplit" split "$SRC/examples/logs/console.log" -c "$T/c2.log" -o "$T/q2.log" -q
cmp "$T/c.log" "$T/c2.log" && cmp "$T/q.log" "$T/q2.log" ||
    { echo "the installed library splits differently from the CLI" >&2; exit 1; }
echo "installed qsplit.pc, libqsplit.so.0 and qsplit.h build examples/c; output equals the CLI's"
