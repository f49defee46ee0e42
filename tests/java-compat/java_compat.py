#!/usr/bin/env python3
"""The logback compatibility suite: the same scenarios (Compat.java, *.xml here) on logback
1.2 (Debian's jars) and on every logback-classic-X.jar of the java-compat folder (logback 1.4
and 1.5 with SLF4J 2 in ../shared/java-compat; QSPLIT_JAVA_COMPAT_DIR names another folder).
One JVM per version. Compat.java runs the probe; this script checks the files each scenario
leaves: every event reached the console, a split line equals the line of the same event
without qsplit with the SQL replaced by its "QHash", the hash is the CLI's, query.log holds
its record, and the options did what docs/java.md says. Where the folder is absent, 1.2 is
checked and the test is reported skipped (exit 77) with the reason.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

SCENARIOS = ["boot", "kvp", "json", "probe", "thrower", "options", "options-off"]
FRONTS = ["SQL", "ASYNC", "BEHIND"]  # BEHIND: only where the configuration has it
# Split events per scenario (Compat.logEvents): the MyBatis statements (one with arguments,
# one with a throwable, one fluent with markers and key-value pairs), p6spy, three repeats
# and a 5000-byte statement; options adds the marker, the SQL logger and the regex and
# leaves the big statement (over maxRecordBytes) unsplit; options-off turns the built-in
# recognizers off: only the marker, the SQL logger and the regex.
EXPECTED_SPLIT = {"boot": 9, "kvp": 9, "json": 9, "thrower": 9, "options": 11,
                  "options-off": 3}
LOGGED = 17
HASH = re.compile(r'"QHash":"([0-9a-f]{32})"')
RECORD_START = re.compile(r"^(\d{4}-\d\d-\d\dT|\d\d:\d\d:\d\d\.\d{3} )", re.M)


class Failures:
    def __init__(self):
        self.items = []

    def check(self, ok, what):
        if not ok:
            self.items.append(what)
        return ok


def records(path, is_json):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if is_json:
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    starts = [m.start() for m in RECORD_START.finditer(text)] + [len(text)]
    return [text[a:b] for a, b in zip(starts, starts[1:])]


def query_log(path):
    out = {}
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                out.setdefault(r["QHash"], []).append(r)
    return out


def qhashes(qsplit, dialect, sqls):
    if not sqls:
        return []
    r = subprocess.run([qsplit, "hash", "--dialect", dialect] + sqls, capture_output=True,
                       text=True, check=True)
    return r.stdout.split()


def compare(fail, where, split_recs, ref_recs, is_json):
    """Pairs of (hash, SQL as in the reference line) of the split events; checks the rest."""
    pairs = []
    fail.check(len(split_recs) == LOGGED and len(ref_recs) == LOGGED,
               f"{where}: {len(split_recs)} console and {len(ref_recs)} reference records,"
               f" want {LOGGED} each")
    for i, (s, r) in enumerate(zip(split_recs, ref_recs)):
        if s == r:
            continue  # not split: the very same record
        if is_json:
            keys = set(s) | set(r)
            for k in sorted(keys - {"message", "formattedMessage", "arguments"}):
                fail.check(s.get(k) == r.get(k),
                           f"{where}: record {i}: {k} {s.get(k)!r} != {r.get(k)!r}")
            st, rt = s.get("message", ""), r.get("message", "")
            if r.get("arguments"):  # "==>  Preparing: {}" with the SQL as argument
                rt = rt.replace("{}", str(r["arguments"][0]), 1)
            fail.check(not s.get("arguments"), f"{where}: record {i}: split with arguments")
        else:
            st, rt = s, r
        m = HASH.search(st)
        if not fail.check(m is not None, f"{where}: record {i} differs without a QHash:"
                          f" {st[:120]!r} vs {rt[:120]!r}"):
            continue
        prefix, suffix = st[:m.start()], st[m.end():]
        ok = rt.startswith(prefix) and rt.endswith(suffix) and \
            len(rt) >= len(prefix) + len(suffix)
        if fail.check(ok, f"{where}: record {i}: {st[:160]!r} is not {rt[:160]!r} with its"
                      " SQL replaced"):
            pairs.append((m.group(1), rt[len(prefix):len(rt) - len(suffix)]))
    return pairs


def check_scenario(fail, args, work, scenario, front):
    where = f"{os.path.basename(work)} {scenario}-{front}"
    d = os.path.join(work, f"{scenario}-{front}")
    with open(os.path.join(d, "status.txt"), encoding="utf-8") as f:
        status = f.read().splitlines()
    qs_errors = [s for s in status if s.startswith("ERROR")]
    if scenario == "thrower":
        fail.check(len(qs_errors) == 1 and "qsplit: unexpected" in qs_errors[0],
                   f"{where}: want one 'qsplit: unexpected' error, got {qs_errors}")
    else:
        fail.check(not qs_errors, f"{where}: status errors {qs_errors}")
    fail.check(not any(s.startswith("WARN qsplit") for s in status if scenario != "thrower"),
               f"{where}: qsplit warnings {status}")
    if scenario == "probe":
        return 0
    is_json = scenario == "json"
    pairs = compare(fail, where, records(os.path.join(d, "console.log"), is_json),
                    records(os.path.join(d, "ref.log"), is_json), is_json)
    fail.check(len(pairs) == EXPECTED_SPLIT[scenario],
               f"{where}: {len(pairs)} split events, want {EXPECTED_SPLIT[scenario]}")
    qpath = os.path.join(d, "logs/nested/query.log" if scenario == "options" else "query.log")
    qlog = query_log(qpath)
    dialect = {"options": "mysql", "options-off": "postgres"}.get(scenario, "default")
    redact = scenario == "options"
    for h, _ in pairs:
        fail.check(h in qlog, f"{where}: {h} on the console, not in query.log")
    # The console hash is the CLI's hash of the record's SQL. With redact the record has the
    # fingerprint, so the statement is taken from the reference line, where that line is
    # the statement alone: not p6spy's (two forms of it) nor the regex's (the core keeps no
    # text after the group, so "] took 3 ms" is in the middle).
    checks = []
    for h, middle in pairs:
        rec = qlog.get(h, [{}])[0]
        if not redact:
            fail.check(rec.get("sql", "\0") in middle,
                       f"{where}: record of {h} {rec.get('sql')!r} not in {middle!r}")
            checks.append((h, rec.get("sql", "")))
        elif "|" not in middle and "] took" not in middle:
            checks.append((h, middle))
    got = qhashes(args.qsplit, dialect, [sql for _, sql in checks])
    for (h, sql), g in zip(checks, got):
        fail.check(h == g, f"{where}: console {h} but qsplit hash --dialect {dialect} {sql!r}"
                   f" is {g}")
    console = open(os.path.join(d, "console.log"), encoding="utf-8").read()
    if scenario.startswith("options"):
        fail.check('Executing SQL: "QHash":"' in console,
                   f"{where}: the marker lost its space under Joran")
        mode = os.stat(qpath).st_mode & 0o777
        want = 0o600 if scenario == "options" else 0o644
        fail.check(mode == want, f"{where}: query.log mode {mode:o}, want {want:o}")
        extra = {"ts", "thread", "logger", "fingerprint", "FHash"} if redact else {"logger"}
        for h, recs in qlog.items():
            fail.check(set(recs[0]) == {"QHash", "sql"} | extra,
                       f"{where}: record keys {sorted(recs[0])}, want {sorted(extra)} extra")
            if redact:  # dedupe: one thread, one splitter: once per statement
                fail.check(len(recs) == 1, f"{where}: {h} written {len(recs)} times")
        text = open(qpath, encoding="utf-8").read()
        if redact:
            fail.check("'PAID'" not in text and "'x'" not in text,
                       f"{where}: redact left literals in query.log")
    return len(pairs)


def run_version(args, name, cp, fail):
    work = os.path.join(args.workdir, name)
    subprocess.run(["rm", "-rf", work], check=True)
    os.makedirs(work)
    t0 = time.monotonic()
    r = subprocess.run([args.java, "-cp", ":".join([args.compat_jar, args.jar] + cp),
                        "Compat", args.configs, work] + SCENARIOS,
                       capture_output=True, text=True, timeout=120)
    secs = time.monotonic() - t0
    sys.stdout.write(r.stdout)
    sys.stderr.write(r.stderr[-4000:])
    if not fail.check(r.returncode == 0, f"{name}: Compat exited {r.returncode}"):
        return
    split = 0
    for scenario in SCENARIOS:
        for front in FRONTS:
            if os.path.isdir(os.path.join(work, f"{scenario}-{front}")):
                split += check_scenario(fail, args, work, scenario, front)
            elif scenario != "json" and front != "BEHIND":
                fail.check(False, f"{name}: {scenario}-{front} did not run")
    print(f"java-compat: {name}: scenarios checked, {split} split console records compared"
          f" ({secs:.1f} s in the JVM)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--java", required=True)
    ap.add_argument("--jar", required=True, help="qsplit.jar")
    ap.add_argument("--compat-jar", required=True, help="Compat.java compiled")
    ap.add_argument("--debian-cp", required=True, help="logback 1.2 + slf4j 1.7 jars, ':'")
    ap.add_argument("--configs", required=True)
    ap.add_argument("--qsplit", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--compat-dir", required=True,
                    help="default folder of jars; QSPLIT_JAVA_COMPAT_DIR overrides it")
    args = ap.parse_args()

    fail = Failures()
    run_version(args, "logback-1.2-debian", args.debian_cp.split(":"), fail)
    d = os.environ.get("QSPLIT_JAVA_COMPAT_DIR") or args.compat_dir
    versions = []
    if os.path.isdir(d):
        slf4j = sorted(f for f in os.listdir(d) if re.fullmatch(r"slf4j-api-2\..*\.jar", f))
        for f in sorted(os.listdir(d)):
            m = re.fullmatch(r"logback-classic-(.+)\.jar", f)
            if m and os.path.exists(os.path.join(d, f"logback-core-{m.group(1)}.jar")) and slf4j:
                versions.append(m.group(1))
                run_version(args, f"logback-{m.group(1)}",
                            [os.path.join(d, slf4j[-1]), os.path.join(d, f),
                             os.path.join(d, f"logback-core-{m.group(1)}.jar")], fail)
    for f in fail.items:
        print("FAIL", f)
    if fail.items:
        return 1
    if not versions:
        print(f"java-compat: SKIP logback 1.3+: no logback-classic-X.jar with logback-core-X.jar"
              f" and slf4j-api-2.*.jar in {d} (set QSPLIT_JAVA_COMPAT_DIR to such a folder);"
              " logback 1.2 passed")
        return 77
    print(f"java-compat: OK on logback 1.2 (Debian) and {', '.join(versions)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
