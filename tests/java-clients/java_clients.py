#!/usr/bin/env python3
"""Real MyBatis, p6spy and Hibernate through the logback appender and through the CLI, with
NO recognition option (issue 10). One JVM per logback version runs Clients.java's scenarios:

  mybatis           MyBatis 3.5 on H2: ==>  Preparing:, ==>  Executing: (statementType
                    STATEMENT), a nested select (====>), SQL over several lines in the mapper,
                    a statement the database refuses (its SQL again inside a stack trace)
  p6spy-single      the same mapper over p6spy 3.9's DataSource, Slf4JLogger + SingleLineFormat
  p6spy-multi       the same with MultiLineFormat
  hibernate         Hibernate 3.6, org.hibernate.SQL at DEBUG and show_sql (stdout)
  hibernate-format  the same with format_sql

clients.xml sends each event, in the same run, to plain file appenders (Spring Boot's console
pattern, logback's default pattern), to a plain console (stdout, where show_sql prints land)
and to a QuerySplitAppender that has only a queryLog. This script then splits the plain files
with `qsplit split` (default options) and checks, per scenario:

  1. every statement the frameworks executed is split: Clients.java records below the
     frameworks what reached the JDBC driver (executed.tsv), and the number of statements
     each framework logs is derived from that (see expected()), never from qsplit's output;
  2. each split statement is the one executed, in order: its QHash is `qsplit hash` of the
     SQL the driver got (MyBatis, Hibernate), or the same tokens once whitespace is ignored
     (format_sql), or the same fingerprint (p6spy logs the statement with its values);
  3. the appender and the CLI agree line for line: the appender's split-<layout>.log and
     `qsplit split plain-<layout>.log` have the same lines, the same QHashes on each line;
  4. the console (stdout) split by the CLI has every Hibernate statement twice (the
     org.hibernate.SQL line and the show_sql print), each with its QHash;
  5. a split line without a QHash is a line of the plain log, in order (nothing else
     changed).

Cases are SCENARIO@logback-VERSION. A case listed in KNOWN-GAPS (NAME REASON per line) that
still fails is reported and skipped; one that passes FAILS, so that the list only shrinks.
Only statements left unsplit are excused that way: a wrong split (see Problems) always fails.
Exit: 0 all pass, 1 a failure (or a listed case that passes), 77 skipped (the jars are absent,
or only listed cases failed).

Jars: ../shared/java-clients (QSPLIT_JAVA_CLIENTS_DIR) for MyBatis, OGNL and p6spy;
../shared/java-compat (QSPLIT_JAVA_COMPAT_DIR) for logback 1.5 and SLF4J 2; Debian's
/usr/share/java for logback 1.2, H2, Hibernate 3.6 and its dependencies.
"""
import argparse
import difflib
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import time

SCENARIOS = ["mybatis", "p6spy-single", "p6spy-multi", "hibernate", "hibernate-format"]
FRAMEWORK = {"mybatis": "MyBatis", "p6spy-single": "MyBatis+p6spy", "p6spy-multi": "MyBatis+p6spy",
             "hibernate": "Hibernate", "hibernate-format": "Hibernate"}
LAYOUTS = ["boot", "default"]
TOKEN = re.compile(r'"QHash":"([0-9a-f]{32})"')
SHARE = "/usr/share/java"
HIBERNATE_JARS = ["hibernate-core.jar", "antlr.jar", "commons-collections3.jar", "dom4j.jar",
                  "geronimo-jta-1.2-spec.jar", "hibernate-commons-annotations.jar",
                  "geronimo-jpa_2.0_spec.jar", "javassist.jar"]
CLIENT_JARS = ["mybatis-3.5.19.jar", "ognl-3.4.4.jar", "p6spy-3.9.1.jar"]


def skip(msg):
    print("SKIP: " + msg)
    sys.exit(77)


def logging_jars(version, debian_cp, compat_dir):
    if version == "1.2":
        return debian_cp.split(":")
    if not os.path.isdir(compat_dir):
        skip("logback %s: no java-compat folder at %s (set QSPLIT_JAVA_COMPAT_DIR)"
             % (version, compat_dir))
    found = []
    for pat in ["slf4j-api-2.*.jar", "logback-classic-%s.*.jar" % version,
                "logback-core-%s.*.jar" % version]:
        hits = sorted(glob.glob(os.path.join(compat_dir, pat)))
        if not hits:
            skip("logback %s: no %s in %s (set QSPLIT_JAVA_COMPAT_DIR)"
                 % (version, pat, compat_dir))
        found.append(hits[-1])
    return found


class Qsplit:
    def __init__(self, exe):
        self.exe = exe
        self.memo = {}

    def _one(self, cmd, sql):
        key = (cmd, sql)
        if key not in self.memo:
            r = subprocess.run([self.exe, cmd, sql], capture_output=True, text=True, timeout=60)
            if r.returncode != 0:
                raise RuntimeError("qsplit %s failed: %s" % (cmd, r.stderr))
            self.memo[key] = r.stdout.rstrip("\n")
        return self.memo[key]

    def hash(self, sql):
        return self._one("hash", sql)

    def fingerprint(self, sql):
        return self._one("fingerprint", sql)

    def split(self, src, console, query):
        for p in (console, query):
            if os.path.exists(p):
                os.remove(p)
        r = subprocess.run([self.exe, "split", src, "-c", console, "-o", query, "-q"],
                           capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            raise RuntimeError("qsplit split %s failed: %s" % (src, r.stderr))


def unescape(s):
    out, i = [], 0
    while i < len(s):
        if s[i] == "\\" and i + 1 < len(s):
            out.append({"n": "\n", "t": "\t", "r": "\r", "\\": "\\"}[s[i + 1]])
            i += 2
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


def executed(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f.read().splitlines():
            layer, kind, ident, sql = line.split("\t", 3)
            rows.append((layer, kind, int(ident), unescape(sql)))
    return rows


def expected(scenario, rows):
    """The statements the frameworks log, in log order, as (framework, SQL at the driver).

    MyBatis logs ==>  Preparing: when it asks the connection to prepare (so a statement the
    database refuses is logged too) and ==>  Executing: before a Statement runs SQL text.
    p6spy logs each execution after it returns (its default excluded categories leave out
    batch, result and resultset; commit/rollback carry no SQL). Hibernate 3.6 logs through
    SQLStatementLogger (org.hibernate.SQL, and show_sql's stdout print) when it prepares a
    statement, and again for each addBatch() of a batched one; hbm2ddl's DDL goes to
    SchemaExport's own DEBUG logger, which these runs leave at INFO, so Statement executions
    under Hibernate are not logged.
    """
    out = []
    if scenario.startswith("hibernate"):
        batched = {i for (_, k, i, _) in rows if k == "add-batch"}
        for layer, kind, ident, sql in rows:
            if (kind == "prepare" and ident not in batched) or kind == "add-batch":
                out.append(("hibernate", sql))
        return out
    p6spy = scenario.startswith("p6spy")
    for layer, kind, ident, sql in rows:
        if kind in ("prepare", "execute"):
            out.append(("mybatis", sql))
        if p6spy and kind in ("execute", "execute-prepared"):
            out.append(("p6spy", sql))
        if kind == "add-batch":
            raise RuntimeError("%s: a batch under MyBatis: Clients.java changed?" % scenario)
    return out


def squash(s):
    return re.sub(r"\s+", "", s)


class Problems:
    """What went wrong in one case. A soft problem is a statement left unsplit (and the line
    differences that follow from it): what KNOWN-GAPS may excuse. A hard one (a statement
    hashed that was not executed, a QHash that is not the CLI's hash of its sql, a line
    changed that carries no statement, split lines that differ between appender and CLI)
    fails the case even when it is listed."""

    def __init__(self):
        self.items = []

    def soft(self, msg):
        self.items.append((False, msg))

    def hard(self, msg):
        self.items.append((True, msg))

    def __bool__(self):
        return bool(self.items)

    def any_hard(self):
        return any(h for h, _ in self.items)


def query_log(path, problems, where):
    recs = []
    if not os.path.exists(path):
        return recs
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            try:
                r = json.loads(line)
                recs.append((r["QHash"], r["sql"]))
            except (ValueError, KeyError) as e:
                problems.hard("%s:%d: not a query.log record (%s)" % (where, n, e))
    return recs


def tokens_per_line(path):
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        return [(line, TOKEN.findall(line)) for line in f.read().splitlines()]


def check_sequence(q, problems, where, exp, recs, formatted, repeat=1):
    """recs (one split's query.log) against exp's statements, each `repeat` times, in order.

    Records are matched to the executed statements in order (difflib over a key per
    statement), so that one statement left unsplit shows as one miss, not as a shifted tail.
    Returns the number of records that are not an executed statement (wrong)."""
    want = [e for e in exp for _ in range(repeat)]
    for i, (h, sql) in enumerate(recs):
        if h != q.hash(sql):
            problems.hard("%s record %d: QHash %s is not `qsplit hash` of its sql"
                            % (where, i + 1, h))

    p6spy = any(f == "p6spy" for f, _ in want)

    def key(sql):
        # p6spy logs the statement with its values, so a run through it compares
        # fingerprints (then each MyBatis statement's QHash is checked exactly below);
        # format_sql reflows whitespace only.
        if p6spy:
            return squash(q.fingerprint(sql))
        return squash(sql) if formatted else q.hash(sql)

    want_keys = [key(s) for _, s in want]
    rec_keys = [key(s) for _, s in recs]
    sm = difflib.SequenceMatcher(None, want_keys, rec_keys, autojunk=False)
    missed, wrong = [], []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op != "equal":
            missed += range(i1, i2)
            wrong += range(j1, j2)
            continue
        for i, j in zip(range(i1, i2), range(j1, j2)):
            if want[i][0] == "mybatis" and recs[j][0] != q.hash(want[i][1]):
                missed.append(i)
                wrong.append(j)
    if missed or len(recs) != len(want):
        problems.soft("%s: %d statements split, %d executed" % (where, len(recs), len(want)))
    for i in missed[:3]:
        problems.soft("  not split: statement %d (%s) %.120r" % (i + 1, want[i][0], want[i][1]))
    for j in wrong[:3]:
        problems.hard("  split but not an executed statement: record %d %.120r"
                        % (j + 1, recs[j][1]))
    return len(wrong)


def compare_lines(problems, where, app_lines, cli_lines):
    """Line for line: the same text, hence the same QHashes, on each line. Returns the number
    of the appender's lines that differ from the CLI's (difflib: an extra line is one)."""
    a = [l for l, _ in app_lines]
    c = [l for l, _ in cli_lines]
    sm = difflib.SequenceMatcher(None, a, c, autojunk=False)
    mism, shown = 0, 0
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            continue
        mism += max(i2 - i1, j2 - j1)
        # Where one side left a statement unsplit the lines differ (a gap); where both split
        # a line and still differ, one of them changed what it must keep.
        both = op == "replace" and i2 - i1 == j2 - j1 and any(
            app_lines[i][1] and cli_lines[j][1]
            for i, j in zip(range(i1, i2), range(j1, j2)))
        report = problems.hard if both else problems.soft
        if shown < 3 or both:
            report("%s: appender lines %d-%d, CLI lines %d-%d differ:" % (
                where, i1 + 1, i2, j1 + 1, j2))
            for l in a[i1:min(i2, i1 + 2)]:
                report("      appender %.200r" % l)
            for l in c[j1:min(j2, j1 + 2)]:
                report("      CLI      %.200r" % l)
            shown += 1
    return mism


def kept_verbatim(problems, where, split_lines, plain_path):
    """Every split line without a QHash is a line of the plain log, in order: the split
    changed no byte of a record that carries no statement."""
    with open(plain_path, encoding="utf-8", errors="surrogateescape") as f:
        plain = f.read().splitlines()
    i = 0
    for line, toks in split_lines:
        if toks:
            continue
        while i < len(plain) and plain[i] != line:
            i += 1
        if i == len(plain):
            problems.hard("%s: line not in the plain log (or out of order): %.200r"
                            % (where, line))
            return
        i += 1


def check_scenario(q, d, scenario):
    problems = Problems()
    exp = expected(scenario, executed(os.path.join(d, "executed.tsv")))
    formatted = scenario == "hibernate-format"
    row = {"executed": len(exp)}
    app_recs = query_log(os.path.join(d, "query.log"), problems, scenario + " appender query.log")
    bad = check_sequence(q, problems, "appender", exp, app_recs, formatted)
    mism = 0
    for layout in LAYOUTS:
        app = tokens_per_line(os.path.join(d, "split-%s.log" % layout))
        n_app = sum(len(t) for _, t in app)
        tok_app = [h for _, t in app for h in t]
        if tok_app != [h for h, _ in app_recs]:
            problems.hard("appender %s: console QHashes are not query.log's, in order" % layout)
        cli_console = os.path.join(d, "cli-%s.log" % layout)
        cli_query = os.path.join(d, "cli-%s.query.log" % layout)
        q.split(os.path.join(d, "plain-%s.log" % layout), cli_console, cli_query)
        cli = tokens_per_line(cli_console)
        cli_recs = query_log(cli_query, problems, "CLI %s query.log" % layout)
        bad += check_sequence(q, problems, "CLI " + layout, exp, cli_recs, formatted)
        mism += compare_lines(problems, "split-%s.log vs CLI" % layout, app, cli)
        kept_verbatim(problems, "split-%s.log" % layout, app,
                      os.path.join(d, "plain-%s.log" % layout))
        row["appender_" + layout] = n_app
        row["cli_" + layout] = sum(len(t) for _, t in cli)
    # The console: show_sql prints each Hibernate statement once more, on stdout.
    repeat = 2 if scenario.startswith("hibernate") else 1
    q.split(os.path.join(d, "stdout.log"), os.path.join(d, "cli-stdout.log"),
            os.path.join(d, "cli-stdout.query.log"))
    out_recs = query_log(os.path.join(d, "cli-stdout.query.log"), problems, "CLI stdout")
    bad += check_sequence(q, problems, "CLI stdout", exp, out_recs, formatted, repeat)
    row["stdout_executed"] = len(exp) * repeat
    row["cli_stdout"] = len(out_recs)
    row["line_mismatches"] = mism
    row["wrong_statements"] = bad
    return row, problems


def negative_control(q, d):
    """The checker can fail: three damaged copies of a checked MyBatis run must each give a
    hard problem (so that KNOWN-GAPS could not excuse them). Returns what went undetected."""
    def damaged(name, edit):
        work = d + ".damaged"
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(d, work)
        edit(work)
        _, problems = check_scenario(q, work, "mybatis")
        shutil.rmtree(work, ignore_errors=True)
        return [] if problems.any_hard() else [name]

    def rewrite(path, fn):
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(fn(lines)))

    def swap_hash(work):  # a console line carries another statement's QHash
        def fn(lines):
            hashed = [i for i, l in enumerate(lines) if TOKEN.search(l)]
            a, b = TOKEN.search(lines[hashed[0]]), TOKEN.search(lines[hashed[-1]])
            lines[hashed[0]] = lines[hashed[0]].replace(a.group(1), b.group(1))
            return lines
        rewrite(os.path.join(work, "split-boot.log"), fn)

    def touch_text(work):  # a record without SQL changed
        rewrite(os.path.join(work, "split-default.log"),
                lambda lines: [l.replace("long books", "long bookz") for l in lines])

    def phantom(work):  # a statement split that was never executed
        rewrite(os.path.join(work, "executed.tsv"),
                lambda lines: [l for l in lines
                               if not ("\tprepare\t" in l and "missing_table" in l)])
    return damaged("a swapped QHash", swap_hash) + damaged("a changed line", touch_text) \
        + damaged("a statement never executed", phantom)


def known_gaps(path):
    gaps = {}
    if path and os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            line = line.strip()
            if line and not line.startswith("#"):
                name, _, why = line.partition(" ")
                gaps[name] = why.strip()
    return gaps


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--logback", required=True, choices=["1.2", "1.4", "1.5"])
    ap.add_argument("--java", required=True)
    ap.add_argument("--javac", required=True)
    ap.add_argument("--jar", required=True, help="qsplit.jar")
    ap.add_argument("--qsplit", required=True)
    ap.add_argument("--src", required=True, help="tests/java-clients")
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--debian-cp", required=True, help="logback 1.2 + slf4j 1.7 jars")
    ap.add_argument("--compat-dir", required=True)
    ap.add_argument("--clients-dir", required=True)
    ap.add_argument("--known-gaps")
    ap.add_argument("--scenarios", default=",".join(SCENARIOS))
    ap.add_argument("--jvm-arg", action="append", default=[],
                    help="one more JVM option (repeatable), e.g. a -D for an experiment")
    a = ap.parse_args()
    t0 = time.time()

    clients_dir = os.environ.get("QSPLIT_JAVA_CLIENTS_DIR") or a.clients_dir
    compat_dir = os.environ.get("QSPLIT_JAVA_COMPAT_DIR") or a.compat_dir
    missing = [j for j in CLIENT_JARS if not os.path.isfile(os.path.join(clients_dir, j))]
    if missing:
        skip("no %s in %s (set QSPLIT_JAVA_CLIENTS_DIR)" % (", ".join(missing), clients_dir))
    logging = logging_jars(a.logback, a.debian_cp, compat_dir)
    scenarios = a.scenarios.split(",")
    skipped = []
    h2 = os.path.join(SHARE, "h2.jar")
    if not os.path.isfile(h2):
        skip("no %s (apt-get install libh2-java)" % h2)
    hib = [os.path.join(SHARE, j) for j in HIBERNATE_JARS]
    if any(not os.path.isfile(j) for j in hib):
        skipped = [s for s in scenarios if s.startswith("hibernate")]
        scenarios = [s for s in scenarios if s not in skipped]
        print("SKIP %s: Hibernate 3.6 is not installed (apt-get install libhibernate3-java "
              "libjavassist-java)" % ", ".join(skipped))
        hib = []

    shutil.rmtree(a.workdir, ignore_errors=True)
    classes = os.path.join(a.workdir, "classes")
    os.makedirs(classes)
    clients = [os.path.join(clients_dir, j) for j in CLIENT_JARS]
    # The logging jars first: Debian's h2.jar names slf4j-api 1.7 in its Class-Path.
    cp = logging + [classes, a.jar] + clients + [h2] + hib
    src = os.path.join(a.src, "Clients.java")
    r = subprocess.run([a.javac, "--release", "11", "-encoding", "UTF-8", "-Xlint:all",
                        "-Xlint:-options", "-Xlint:-path", "-Werror", "-d", classes,
                        "-cp", ":".join(cp), src], capture_output=True, text=True)
    if r.returncode != 0:
        print(r.stdout + r.stderr)
        print("FAIL: Clients.java does not compile against logback %s" % a.logback)
        return 1
    work = os.path.join(a.workdir, "runs")
    r = subprocess.run([a.java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-DPID=4242"]
                       + a.jvm_arg + ["-cp", ":".join(cp), "io.qsplit.clients.Clients",
                        os.path.join(a.src, "clients.xml"), work,
                        os.path.join(a.src, "LibraryMapper.xml"),
                        os.path.join(a.src, "Library.hbm.xml")] + scenarios,
                       capture_output=True, text=True, timeout=240)
    sys.stdout.write(r.stdout)
    if r.returncode != 0:
        print(r.stderr)
        print("FAIL: Clients exited with %d on logback %s" % (r.returncode, a.logback))
        return 1
    # What logback itself reports (a status ERROR would make the comparison meaningless).
    for line in r.stderr.splitlines():
        if "ERROR" in line or "WARN" in line:
            print("logback status: " + line)

    q = Qsplit(a.qsplit)
    gaps = known_gaps(a.known_gaps)
    failed, gap_failed = [], []
    print("\nlogback %s (%s)" % (a.logback, ", ".join(os.path.basename(j) for j in logging)))
    print("%-17s %-14s %8s %8s %8s %8s %8s %8s %8s %8s" % (
        "scenario", "framework", "executed", "app-boot", "cli-boot", "app-def", "cli-def",
        "stdout", "lines≠", "wrong"))
    results = []
    for s in scenarios:
        row, problems = check_scenario(q, os.path.join(work, s), s)
        results.append((s, row, problems))
        print("%-17s %-14s %8d %8d %8d %8d %8d %4d/%-3d %8d %8d" % (
            s, FRAMEWORK[s], row["executed"], row["appender_boot"], row["cli_boot"],
            row["appender_default"], row["cli_default"], row["cli_stdout"],
            row["stdout_executed"], row["line_mismatches"], row["wrong_statements"]))
    print("(executed: statements the frameworks logged, from what reached the driver; app-/cli-:"
          " split by the appender / by `qsplit split`, Boot and logback-default layouts;"
          " stdout: split by the CLI on the console / expected there; lines≠: lines where"
          " the appender's and the CLI's output differ; wrong: statements hashed that are not"
          " the one executed)\n")
    for s, row, problems in results:
        case = "%s@logback-%s" % (s, a.logback)
        if problems:
            print("%s: FAIL" % case)
            for hard, p in problems.items:
                print(("! " if hard else "  ") + p)
            if case in gaps and problems.any_hard():
                print("%s: listed in KNOWN-GAPS, but a problem marked ! is never excused"
                      % case)
                failed.append(case)
            elif case in gaps:
                print("%s: known gap (%s): skipped" % (case, gaps[case]))
                gap_failed.append(case)
            else:
                failed.append(case)
        elif case in gaps:
            print("%s: passes but is listed in KNOWN-GAPS: remove it from the list" % case)
            failed.append(case)
        else:
            print("%s: pass" % case)
    if "mybatis" in scenarios:
        undetected = negative_control(q, os.path.join(work, "mybatis"))
        if undetected:
            print("FAIL: the checker missed damage to a run: " + ", ".join(undetected))
            failed.append("negative-control")
        else:
            print("negative control: a swapped QHash, a changed line and a statement never "
                  "executed are each caught")
    print("%.1f s" % (time.time() - t0))
    if failed:
        print("FAILED: " + " ".join(failed))
        return 1
    if gap_failed or skipped:
        return 77
    return 0


if __name__ == "__main__":
    sys.exit(main())
