#!/bin/sh
# valgrind.sh COMMAND [ARG...] — the exe_wrapper of the 'valgrind' test setup
# (meson test --setup valgrind). Runs the test under memcheck, and follows its children so
# that the CLI tests check every qsplit they start; system programs (/bin, /usr) run
# natively. Each process writes its report to its own log: a test that expects a failure
# exit status from qsplit cannot hide a memcheck error that way. Any report at all (quiet
# mode prints only errors and definite/indirect leaks) fails the test, with the report.
logs=$(mktemp -d "${TMPDIR:-/tmp}/qsplit-vg.XXXXXX") || exit 1
supp=$(dirname "$0")/valgrind.supp
valgrind --quiet --error-exitcode=1 --leak-check=full \
    --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
    --trace-children=yes --trace-children-skip='/bin/*,/usr/*,/sbin/*' \
    --suppressions="$supp" --log-file="$logs/vg.%p.log" "$@"
rc=$?
for f in "$logs"/vg.*.log; do
    [ -s "$f" ] || continue
    echo "valgrind.sh: memcheck report (${f##*/}):" >&2
    cat "$f" >&2
    [ "$rc" -ne 0 ] || rc=1
done
rm -rf "$logs"
exit "$rc"
