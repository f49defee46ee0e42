#!/bin/sh
# End-to-end tests of the qsplit CLI: cli-test.sh QSPLIT CASE. Each case prints why it
# failed and exits non-zero.
set -u
Q=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") # absolute: cases run in a temp dir
CASE=$2
SRC=${QS_SOURCE_ROOT:?}
EX=$SRC/examples/logs/console.log
GOLD=$SRC/tests/cli/golden
T=$(mktemp -d /tmp/qsplit-cli.XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1

fail() { echo "FAIL ($CASE): $*" >&2; exit 1; }
# expect STATUS STDERR-PATTERN -- command...: run, check exit status and message.
expect() {
    want=$1 pat=$2
    shift 3
    "$@" >out 2>err
    got=$?
    [ "$got" = "$want" ] || fail "'$*' exited $got, expected $want; stderr: $(cat err)"
    [ -z "$pat" ] || grep -q -- "$pat" err || fail "'$*': stderr lacks '$pat': $(cat err)"
}
md5() { printf '%s' "$1" | md5sum | cut -d' ' -f1; }

case $CASE in
golden)
    # The shipped example splits exactly as reviewed (golden files).
    "$Q" split "$EX" --console console.log --query query.log -q || fail "split failed"
    cmp console.log "$GOLD/example.console.log" || fail "console differs from golden (diff -u $GOLD/example.console.log)"
    cmp query.log "$GOLD/example.query.log" || fail "query.log differs from golden"
    ;;
stdin)
    # Reading stdin (any pipe chunking) gives the same bytes as reading the file.
    "$Q" split "$EX" -c a.log -o a.query -q || fail "file split failed"
    cat "$EX" | "$Q" split -o b.query -q >b.log || fail "stdin split failed"
    "$Q" split - -c c.log -o c.query -q <"$EX" || fail "split - failed"
    cmp a.log b.log && cmp a.query b.query && cmp a.log c.log && cmp a.query c.query ||
        fail "stdin output differs from file output"
    # -o -: query.log on standard output, byte for byte the file's; never with the console.
    "$Q" split "$EX" -c d.log -o - -q >d.query || fail "split -o - failed"
    cmp a.query d.query && cmp a.log d.log || fail "-o - output differs from the file's"
    "$Q" split "$EX" -c e.log -o - -q | cat >e.query || fail "split -o - into a pipe failed"
    cmp a.query e.query || fail "-o - into a pipe differs from the file's"
    expect 2 "both go to standard output" -- "$Q" split "$EX" -o -
    expect 2 "both go to standard output" -- "$Q" split "$EX" -c - -o -
    ;;
lookup)
    # Every hash on the console is found in query.log, and its SQL hashes back to it.
    "$Q" split "$EX" -c console.log -o query.log -q || fail "split failed"
    n=0
    # Under valgrind (QS_TEST_LIGHT) 15 hashes are enough: each lookup costs a second there.
    hashes=$(grep -o '"QHash":"[0-9a-f]*"' console.log | cut -d'"' -f4 | sort -u)
    [ -n "${QS_TEST_LIGHT:-}" ] && hashes=$(printf '%s\n' $hashes | head -n 15)
    for h in $hashes; do
        "$Q" lookup "$h" query.log >sql || fail "lookup $h failed"
        # the SQL printed (one trailing newline added) hashes back to h
        got=$(head -c -1 sql | "$Q" hash)
        [ "$got" = "$h" ] || fail "lookup $h printed SQL that hashes to $got"
        n=$((n + 1))
    done
    [ "$n" -gt 10 ] || fail "only $n hashes on the example console"
    # A pasted console fragment works too.
    line=$(grep -m1 '"QHash"' console.log)
    "$Q" lookup "$(printf '%s' "$line" | grep -o '"QHash":"[0-9a-f]*"')" query.log >/dev/null ||
        fail "lookup of a pasted fragment failed"
    expect 1 "not found" -- "$Q" lookup 00000000000000000000000000000000 query.log
    expect 2 "not a QHash" -- "$Q" lookup xyz query.log
    expect 1 "cannot open" -- "$Q" lookup 00000000000000000000000000000000 missing.log
    ;;
hash)
    # The QHash is MD5 of N(sql); N only folds layout.
    [ "$("$Q" hash 'SELECT 1')" = "$(md5 'SELECT 1')" ] || fail "hash of SELECT 1"
    [ "$(printf '  SELECT\n  id\tFROM t -- c\n;\n' | "$Q" hash)" = "$(md5 'SELECT id FROM t')" ] ||
        fail "hash of stdin"
    [ "$("$Q" normalize "SELECT  'a  b' /* x */ FROM t;")" = "SELECT 'a  b' FROM t" ] ||
        fail "normalize"
    [ "$("$Q" hash 'SELECT 1' 'SELECT 2' | wc -l)" = 2 ] || fail "one line per argument"
    fp=$("$Q" fingerprint "SELECT * FROM t WHERE id IN (1,2,3) AND n = 'x'")
    [ "$fp" = "select * from t where id in(?+) and n = ?" ] || fail "fingerprint: $fp"
    [ "$("$Q" fingerprint --hash 'SELECT 1')" = "$(md5 'select ?')" ] || fail "fingerprint --hash"
    expect 2 "unknown dialect" -- "$Q" hash --dialect oracle 'SELECT 1'
    expect 2 "unknown option" -- "$Q" hash --bogus
    ;;
errors)
    expect 1 "missing.log: cannot open: No such file" -- "$Q" split missing.log -o q.log
    expect 1 "is a directory" -- "$Q" split . -o q.log
    expect 1 "/nonexistent/out.log: cannot open for writing" -- "$Q" split "$EX" -c /nonexistent/out.log -o q.log
    expect 1 "/nonexistent/q.log: cannot open for appending" -- "$Q" split "$EX" -o /nonexistent/q.log
    expect 1 "No space left" -- "$Q" split "$EX" -c /dev/full -o q.log
    expect 1 "No space left" -- "$Q" split "$EX" -c out.log -o /dev/full
    cp "$EX" in.log
    expect 1 "is the input file" -- "$Q" split in.log -c in.log -o q.log
    cmp in.log "$EX" || fail "the input was damaged"
    expect 2 "unrecognized option\|invalid option" -- "$Q" split --bogus
    expect 2 "one INPUT" -- "$Q" split a b
    expect 2 "--pattern" -- "$Q" split --pattern '(unclosed' "$EX"
    expect 2 "--fields" -- "$Q" split --fields ts,nope "$EX"
    expect 2 "unknown command" -- "$Q" frobnicate
    expect 2 "" -- "$Q"
    expect 0 "" -- "$Q" --version
    grep -q "^qsplit [0-9]" out || fail "--version output"
    for c in split hash normalize fingerprint lookup; do
        expect 0 "" -- "$Q" $c --help
        grep -q "Usage: qsplit $c" out || fail "$c --help"
    done
    # A file size limit: a message and exit 1, never a silent kill by SIGXFSZ.
    (ulimit -f 8 && "$Q" split "$EX" -c big.log -o q2.log -q) 2>err
    [ $? = 1 ] || fail "ulimit -f: expected exit 1"
    grep -q "File too large" err || fail "ulimit -f: no message: $(cat err)"
    ;;
badinput)
    # Empty input, binary garbage, NUL bytes, invalid UTF-8, a 100 MB line, CRLF.
    : >empty.log
    "$Q" split empty.log -c e.out -o e.q -q || fail "empty input"
    [ ! -s e.out ] && [ ! -s e.q ] || fail "empty input gave output"
    head -c 3000000 /dev/urandom >garbage.log
    "$Q" split garbage.log -c g.out -o g.q -q || fail "garbage input"
    cmp garbage.log g.out || fail "garbage was not passed through unchanged"
    pre='2021-05-25 18:32:35.710 DEBUG 1 --- [main] c.e.UserMapper.select : '
    printf '%s==>  Preparing: SELECT \000 \377\376 x\r\n%sdone\r\n' "$pre" "$pre" >nul.log
    "$Q" split nul.log -c n.out -o n.q -q || fail "NUL/invalid UTF-8 input"
    python3 -c "import json,sys; [json.loads(l) for l in open('n.q', encoding='utf-8')]" ||
        fail "query.log is not valid UTF-8 JSON"
    grep -q 'u0000' n.q && grep -q "$(printf '\357\277\275')" n.q || fail "NUL or U+FFFD missing"
    grep -q "$(printf '"\r$')" n.out || fail "CRLF not kept on the console line"
    # A 100 MB statement on one line: streamed through unsplit in bounded memory.
    { printf '%s==>  Preparing: SELECT ' "$pre"; head -c 100000000 /dev/zero | tr '\0' x; printf '\n%s==>  Preparing: SELECT 1\n' "$pre"; } >huge.log
    /usr/bin/time -f %M -o rss "$Q" split huge.log -c h.out -o h.q 2>herr || fail "100 MB line: $(cat herr)"
    grep -q "passed through unsplit" herr || fail "100 MB line: no pass-through notice"
    [ "$(wc -c <h.out)" -gt 100000000 ] || fail "100 MB line lost bytes"
    [ "$(wc -l <h.q)" = 1 ] || fail "the statement after the huge line was not split"
    [ "$(cat rss)" -lt 65536 ] || fail "100 MB line: peak RSS $(cat rss) KiB"
    # An unterminated string in SQL is hashed to the end of the statement, not a crash.
    printf "%s==>  Preparing: SELECT 'unterminated\n" "$pre" >u.log
    "$Q" split u.log -c u.out -o u.q -q && [ "$(wc -l <u.q)" = 1 ] || fail "unterminated quote"
    ;;
options)
    "$Q" split "$EX" -c r.log -o r.q -q --redact --dedupe --fields ts,thread,logger,fingerprint ||
        fail "split with options"
    python3 - r.q <<'PY' || fail "redacted/deduped query.log"
import json, re, sys
seen = set()
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    assert list(r)[:2] == ["QHash", "sql"], list(r)
    assert r["QHash"] not in seen, "duplicate QHash with --dedupe"
    seen.add(r["QHash"])
    assert "'" not in r["sql"] and not re.search(r"\b\d+\b", r["sql"].replace("?+", "")), r["sql"]
    for k in ("ts", "thread", "logger", "fingerprint", "FHash"):
        assert k in r, k
assert seen
PY
    # Without --dedupe there are more records than distinct hashes in the example.
    "$Q" split "$EX" -c a.log -o a.q -q
    [ "$(wc -l <a.q)" -gt "$(wc -l <r.q)" ] || fail "--dedupe removed nothing"
    ;;
layouts)
    # Records of logback's default layout and of framework stdout lines (docs/layouts.md):
    # the statements are split, every other line passes byte for byte.
    L=$SRC/tests/data/layouts
    "$Q" split "$L/logback-default.log" -c lb.out -o lb.q -q || fail "split logback-default"
    grep -q '^18:32:35.710 \[http-nio-8081-exec-1\] DEBUG c.e.mapper.UserMapper.selectById - ==>  Preparing: "QHash":"[0-9a-f]\{32\}"$' lb.out ||
        fail "logback default layout: the MyBatis statement was not split"
    # Console lines without a QHash are input lines, in order; the records of the
    # Parameters line and of the exception (its lines look like SQL) are all there.
    python3 - "$L/logback-default.log" lb.out <<'PY' || fail "logback default layout: a line without SQL changed"
import sys
src = open(sys.argv[1], encoding="utf-8").read().split("\n")
out = [l for l in open(sys.argv[2], encoding="utf-8").read().split("\n") if '"QHash"' not in l]
i = 0
for l in out:
    while i < len(src) and src[i] != l:
        i += 1
    assert i < len(src), l
    i += 1
text = "\n".join(out)
i = src.index("18:32:35.711 [http-nio-8081-exec-1] DEBUG c.e.mapper.UserMapper.selectById - ==> Parameters: 42(Long)")
assert src[i] in out
i = [k for k, l in enumerate(src) if " ERROR " in l][0]
assert "\n".join(src[i:]).rstrip("\n") in text, "the exception record changed"
PY
    "$Q" split "$L/stdout.log" -c so.out -o so.q -q || fail "split stdout"
    for m in '^==>  Preparing: "QHash"' '^====>  Preparing: "QHash"' \
        '^#1503495230733 | took 3ms | statement | connection 5|.*"QHash"' \
        '^1605166843960|0|statement|connection 1|url jdbc:h2:mem:|"QHash"'; do
        grep -q -- "$m" so.out || fail "stdout lines: '$m' missing"
    done
    # A JSON event is a record of its own, split inside its message; the JSON value glued
    # after it (not an event) stays as it is.
    grep -q -x '{"@timestamp":"2021-05-25T18:32:35.710+08:00","message":"==>  Preparing: \\"QHash\\":\\"[0-9a-f]\{32\}\\"","logger_name":"c.e.M","level":"DEBUG"}' so.out ||
        fail "a JSON event was not split inside its message"
    grep -q -x -F '{"event":"login","ts":"2021-05-25T18:32:35.710Z"}' so.out ||
        fail "the JSON value after an event changed"
    printf '{"a":"==>  Preparing: select 1"}\n2021-05-25 18:32:35.710 INFO  c.e.A - x\n' >j.log
    "$Q" split j.log -c j.out -o j.q -q && cmp j.log j.out || fail "leading JSON line changed"
    # A log pasted from the middle of a record: its first line's marker is still found.
    printf 'x.y | ==>  Preparing: select 1\n2021-05-25 18:32:35.710 INFO  c.e.A - x\n' >p.log
    "$Q" split p.log -c p.out -o p.q -q || fail "pasted log"
    grep -q -x 'x.y | ==>  Preparing: "QHash":"[0-9a-f]*"' p.out && [ "$(wc -l <p.q)" = 1 ] ||
        fail "pasted log: the first line's statement was not split"
    for l in '==> Parameters: 17(Integer)' '<==    Columns: room_id, title' \
        'Closing non transactional SqlSession [org.apache.ibatis.session.defaults.DefaultSqlSession@23ee2ccf]'; do
        grep -q -x -F -- "$l" so.out || fail "stdout lines: '$l' changed"
    done
    # --explain tells and writes nothing else.
    "$Q" split --explain "$L/logback-default.log" -o ex.q >ex.out 2>ex.err || fail "--explain: $(cat ex.err)"
    [ ! -e ex.q ] || fail "--explain wrote a query.log"
    grep -q '^  layout     %d \[%t\] %p %c - %m$' ex.out || fail "--explain: no layout line"
    grep -q '^  split by   mybatis: SQL "SELECT id, name' ex.out || fail "--explain: no recognizer"
    grep -q '^  left alone no recognizer found SQL in the message$' ex.out ||
        fail "--explain: no reason for a record left alone"
    grep -q 'logger="org.hibernate.SQL"' ex.out || fail "--explain: fields missing"
    grep -q ': [0-9]* bytes, 7 records, [0-9]* would be split$' ex.out || fail "--explain: totals"
    "$Q" split --explain - <"$L/stdout.log" >ex2.out || fail "--explain from stdin"
    grep -q '^  layout     hibernate-stdout$' ex2.out || fail "--explain: stdout layout"
    printf 'x 1\n' | "$Q" split --explain --pattern 'x ' >ex3.out || fail "--explain --pattern"
    grep -q '^  layout     --pattern$' ex3.out || fail "--explain: --pattern layout"
    expect 1 "cannot open" -- "$Q" split --explain missing.log
    ;;
json)
    # One-line JSON events (logstash-logback-encoder, logback 1.5 JsonEncoder, ECS): the SQL
    # of the message is hashed decoded, the message becomes the console form, every other
    # byte stays, and the console is still JSON, line for line.
    printf '%s\n' \
        '{"@timestamp":"2025-12-26T11:55:43.8+01:00","message":"\r\n    select\r\n        u.id \r\n    from\r\n        users u","logger_name":"org.hibernate.SQL","thread_name":"main","level":"DEBUG","level_value":10000}' \
        '{"sequenceNumber":2,"timestamp":1780665436218,"level":"DEBUG","threadName":"main","loggerName":"c.e.M","mdc": {},"message":"==>  Preparing: SELECT \"a\" FROM t WHERE x = \u00e9","throwable":null}' \
        '{"@timestamp":"2024-07-30T08:41:10Z","log.level":"DEBUG","log.logger":"org.hibernate.SQL","message":"select 1","ecs.version":"8.11"}' \
        '{"level":"DEBUG","message":"==>  Preparing: select 2",}' \
        '[{"level":"DEBUG","message":"==>  Preparing: select 3"}]' >j.log
    "$Q" split j.log -c j.out -o j.q -q --fields ts,thread,logger || fail "split"
    [ "$(wc -l <j.q)" = 3 ] || fail "3 statements expected in query.log: $(cat j.q)"
    h1=$("$Q" hash "$(printf 'select\r\n        u.id \r\n    from\r\n        users u')")
    h2=$("$Q" hash 'SELECT "a" FROM t WHERE x = é')
    grep -q -F "{\"QHash\":\"$h1\",\"sql\":\"select\\r\\n        u.id \\r\\n    from\\r\\n        users u\",\"ts\":\"2025-12-26T11:55:43.8+01:00\",\"thread\":\"main\",\"logger\":\"org.hibernate.SQL\"}" j.q ||
        fail "query.log: the decoded statement and its fields: $(cat j.q)"
    grep -q -F "{\"QHash\":\"$h2\",\"sql\":\"SELECT \\\"a\\\" FROM t WHERE x = é\"" j.q || fail "query.log: $(cat j.q)"
    grep -q -x -F "{\"@timestamp\":\"2025-12-26T11:55:43.8+01:00\",\"message\":\"\\\"QHash\\\":\\\"$h1\\\"\",\"logger_name\":\"org.hibernate.SQL\",\"thread_name\":\"main\",\"level\":\"DEBUG\",\"level_value\":10000}" j.out ||
        fail "console: the logstash event: $(head -1 j.out)"
    grep -q -x -F "{\"sequenceNumber\":2,\"timestamp\":1780665436218,\"level\":\"DEBUG\",\"threadName\":\"main\",\"loggerName\":\"c.e.M\",\"mdc\": {},\"message\":\"==>  Preparing: \\\"QHash\\\":\\\"$h2\\\"\",\"throwable\":null}" j.out ||
        fail "console: the JsonEncoder event: $(sed -n 2p j.out)"
    tail -n 2 j.out >j.tail.out
    tail -n 2 j.log | cmp -s - j.tail.out || fail "invalid JSON and an array must pass unchanged"
    if command -v python3 >/dev/null; then
        head -n 3 j.out | python3 -c 'import json,sys; [json.loads(l) for l in sys.stdin]' ||
            fail "the console is not JSON"
    fi
    "$Q" split --explain j.log >je.out || fail "--explain"
    grep -q '^  split by   hibernate: SQL "select' je.out || fail "--explain: $(cat je.out)"
    grep -q 'left alone a JSON line that is not one JSON object' je.out || fail "--explain: reason"
    ;;
*)
    fail "unknown case"
    ;;
esac
exit 0
