#!/bin/sh
# Set up, build, and split the shipped example console.log into demo-out/.
set -eu
cd "$(dirname "$0")/.."
./scripts/setup.sh
mkdir -p demo-out
rm -f demo-out/query.log
in=examples/logs/console.log
echo
echo "\$ qsplit split $in --console demo-out/console.log --query demo-out/query.log"
build/tools/qsplit split "$in" --console demo-out/console.log --query demo-out/query.log
echo
echo "Console lines that carried SQL now end in their QHash:"
grep -m 3 '"QHash":"' demo-out/console.log | cut -c 1-160
echo
echo "query.log holds the SQL once, one JSON object per line:"
head -n 2 demo-out/query.log | cut -c 1-160
hash=$(grep -m 1 -o '"QHash":"[0-9a-f]*"' demo-out/console.log | cut -d'"' -f4)
echo
echo "\$ qsplit lookup $hash demo-out/query.log"
build/tools/qsplit lookup "$hash" demo-out/query.log
echo
echo "Sizes: $(wc -c <"$in") bytes in; $(wc -c <demo-out/console.log) console + $(wc -c <demo-out/query.log) query.log"
