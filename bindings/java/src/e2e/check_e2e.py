#!/usr/bin/env python3
"""End-to-end check of the logback appender.

Runs the EndToEnd Java program (H2 + MyBatis-style and p6spy-style logging) under the
example logback.xml, captures its console, then checks with the real CLI that:
  - every statement the program logged is on the console only as "QHash":"<hash>", and that
    hash equals `qsplit hash <sql>`;
  - query.log is valid JSON, one object per line, keys QHash then sql;
  - `qsplit lookup HASH query.log` finds every hash of the console, giving back the SQL;
  - non-SQL records (==> Parameters, stack traces, MDC-bearing lines) are unchanged.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys

QHASH_RE = re.compile(r'"QHash":"([0-9a-f]{32})"$')
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


def unescape(line):
    out, i = [], 0
    while i < len(line):
        c = line[i]
        if c == "\\" and i + 1 < len(line):
            out.append({"n": "\n", "t": "\t", "\\": "\\"}[line[i + 1]])
            i += 2
        elif c == "\t":
            out.append("\x01")
            i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out).split("\x01")


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--java", required=True)
    ap.add_argument("--classpath", required=True)
    ap.add_argument("--qsplit", required=True)
    ap.add_argument("--logback", required=True)
    ap.add_argument("--workdir", required=True)
    a = ap.parse_args()

    shutil.rmtree(a.workdir, ignore_errors=True)
    os.makedirs(a.workdir)
    query_log = os.path.join(a.workdir, "logs", "query.log")
    expected_file = os.path.join(a.workdir, "expected.txt")
    env = dict(os.environ, QSPLIT_QUERY_LOG=query_log)
    p = run([a.java, "-Dlogback.configurationFile=" + a.logback, "-DPID=4242",
             "-cp", a.classpath, "io.qsplit.e2e.EndToEnd", expected_file],
            cwd=a.workdir, env=env)
    console = p.stdout.decode("utf-8")
    with open(os.path.join(a.workdir, "console.log"), "w", encoding="utf-8") as f:
        f.write(console)
    sys.stderr.write(p.stderr.decode("utf-8", "replace"))
    if p.returncode != 0:
        print("EndToEnd exited with", p.returncode, file=sys.stderr)
        return 1
    print(console)

    expected = []
    with open(expected_file, encoding="utf-8") as f:
        for line in f.read().splitlines():
            expected.append(unescape(line))
    check(len(expected) >= 8, "the program logged %d statements" % len(expected))

    lines = console.splitlines()
    hashes = [m.group(1) for m in (QHASH_RE.search(l) for l in lines) if m]
    check(len(hashes) == len(expected),
          "console has %d QHash lines for %d statements" % (len(hashes), len(expected)))
    for l in lines:
        if "Preparing:" in l:
            check(QHASH_RE.search(l) is not None, "Preparing line not split: " + l)
            check(l.startswith("20") and " --- [" in l, "prefix kept: " + l)
    check(any("==> Parameters: 1(Integer), alice(String)" in l for l in lines),
          "==> Parameters line unchanged")
    check(any("Query failed" in l for l in lines) and
          any(l.startswith("org.h2.jdbc.JdbcSQLSyntaxErrorException") for l in lines),
          "error record with its stack trace kept")
    # (H2's exception text quotes the failing SQL in the stack trace: only records count)
    check(not any("FROM users" in l for l in lines if re.match(r"\d{4}-", l)),
          "no SQL text left on the console")
    check(not any("p6spy" in l and "commit" in l and QHASH_RE.search(l) for l in lines),
          "p6spy commit not split")
    check(any("commit" in l for l in lines), "p6spy commit kept")

    # query.log: valid JSON, keys in order
    records = {}
    with open(query_log, "rb") as f:
        raw = f.read()
    check(raw.endswith(b"\n"), "query.log ends with a newline")
    for n, line in enumerate(raw.decode("utf-8").splitlines(), 1):
        try:
            obj = json.loads(line)
        except ValueError as e:
            check(False, "query.log line %d is not JSON: %s" % (n, e))
            continue
        keys = list(obj.keys())
        check(keys[:2] == ["QHash", "sql"], "line %d keys %s" % (n, keys))
        check(re.fullmatch(r"[0-9a-f]{32}", obj["QHash"]) is not None, "hash format")
        records[obj["QHash"]] = obj["sql"]
    check(len(records) == len(set(hashes)), "%d records for %d distinct console hashes"
          % (len(records), len(set(hashes))))

    # every console hash: lookup finds it in query.log, giving back its SQL
    for h in hashes:
        p = run([a.qsplit, "lookup", h, query_log])
        check(p.returncode == 0, "qsplit lookup %s exit %d: %s" % (h, p.returncode,
                                                                   p.stderr.decode()))
        got = p.stdout.decode("utf-8")
        check(got.rstrip("\n") == records.get(h, "").rstrip("\n"),
              "lookup %s gave %r, query.log has %r" % (h, got, records.get(h)))

    # every statement the program logged: its CLI hash is on the console
    for alternatives in expected:
        cli = []
        for sql in alternatives:
            p = run([a.qsplit, "hash", sql])
            check(p.returncode == 0, "qsplit hash exit %d" % p.returncode)
            cli.append(p.stdout.decode().strip())
        check(any(h in hashes for h in cli),
              "statement %r: CLI hash %s not on the console" % (alternatives[0], cli))

    if failures:
        print("%d check(s) failed" % len(failures), file=sys.stderr)
        return 1
    print("e2e: %d statements, %d console hashes, %d distinct query.log hashes: ok"
          % (len(expected), len(hashes), len(records)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
