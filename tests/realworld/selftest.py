#!/usr/bin/env python3
"""Self-test of check.py and of the corpus itself:

    selftest.py QSPLIT DATA_DIR

For every case, an oracle builds the output a correct split would write (each expected
statement replaced in input.log by its QHash token, query.log holding the statements) and
check.py must PASS it: this proves that every expected.sql block stands in its input.log,
in order. Then, on every case with a statement, three broken outputs must FAIL: one non-SQL
byte changed, one statement missing from query.log, one console line added. So the checker
can fail, and does for each kind of damage. Python 3 standard library only.
"""
import json
import os
import re
import shutil
import stat
import sys
import tempfile

sys.dont_write_bytecode = True  # the source tree stays clean when the suite runs
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check  # noqa: E402

FAKE = '''#!/bin/sh
# stands in for qsplit: `split IN -c CON -o Q -q` copies the prepared outputs
if [ "$1" = split ]; then cp "%(dir)s/console.log" "$4"; cp "%(dir)s/query.log" "$6"; exit 0; fi
exec "%(qsplit)s" "$@"
'''


def pattern(stmt, as_json):
    """A regex for the statement as it stands in the input, blanks free between tokens."""
    toks = stmt.split()
    if as_json:
        return r'(?:\s|\\[rnt])*'.join(re.escape(json.dumps(t, ensure_ascii=False)[1:-1])
                                       for t in toks)
    return r'\s+'.join(re.escape(t) for t in toks)


def oracle(inp, stmts, hasher):
    """The console a correct split writes: each statement (first match after the previous
    one) replaced by its token. Returns (console, query_lines) or raises ValueError."""
    out, pos = [], 0
    for st in stmts:
        best = None
        for as_json in (False, True):
            m = re.compile(pattern(st, as_json)).search(inp, pos)
            if m and (best is None or m.start() < best[0].start()):
                best = (m, as_json)
        if best is None:
            raise ValueError('statement not found: %.60r' % st)
        m, as_json = best
        tok = '"QHash":"%s"' % hasher(st)
        out += [inp[pos:m.start()], tok.replace('"', '\\"') if as_json else tok]
        pos = m.end()
    out.append(inp[pos:])
    query = [json.dumps({'QHash': hasher(s), 'sql': s}, ensure_ascii=False) for s in stmts]
    return ''.join(out), query


def run_case(qsplit, case, console, query, tmp):
    d = os.path.join(tmp, 'out')
    os.makedirs(d, exist_ok=True)
    open(os.path.join(d, 'console.log'), 'wb').write(console.encode('utf-8', 'surrogateescape'))
    open(os.path.join(d, 'query.log'), 'w', encoding='utf-8').write(
        ''.join(q + '\n' for q in query))
    fake = os.path.join(tmp, 'fake-qsplit')
    open(fake, 'w').write(FAKE % {'dir': d, 'qsplit': qsplit})
    os.chmod(fake, os.stat(fake).st_mode | stat.S_IEXEC)
    return check.check(fake, case)


def mutate_byte(console):
    """Change one byte of the first line that carries no token and has a letter."""
    lines = console.split('\n')
    for i, line in enumerate(lines):
        if 'QHash' in line:
            continue
        for j, c in enumerate(line):
            if c.isalpha():
                lines[i] = line[:j] + ('x' if c != 'x' else 'y') + line[j + 1:]
                return '\n'.join(lines)
    return None


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    qsplit, data = argv[1], argv[2]
    hasher = check.Hasher(qsplit)
    failures, cases, damaged = 0, 0, 0
    tmp = tempfile.mkdtemp()
    try:
        for name in sorted(os.listdir(data)):
            case = os.path.join(data, name)
            if not os.path.exists(os.path.join(case, 'input.log')):
                continue
            cases += 1
            inp = open(os.path.join(case, 'input.log'), 'rb').read().decode('utf-8',
                                                                          'surrogateescape')
            stmts = check.read_blocks(os.path.join(case, 'expected.sql'))
            try:
                console, query = oracle(inp, stmts, hasher)
            except ValueError as e:
                print('%s: expected.sql does not match input.log: %s' % (name, e))
                failures += 1
                continue
            problems = run_case(qsplit, case, console, query, tmp)
            if problems:
                print('%s: the oracle output does not pass:\n  %s' % (name, '\n  '.join(problems)))
                failures += 1
                continue
            if not stmts:
                continue
            broken = {'a non-SQL byte changed': (mutate_byte(console), query),
                      'a statement missing': (console, query[:-1]),
                      'a console line added': (console + 'extra line\n', query)}
            for what, (con, q) in broken.items():
                if con is None:
                    continue
                damaged += 1
                if not run_case(qsplit, case, con, q, tmp):
                    print('%s: the checker passed an output with %s' % (name, what))
                    failures += 1
    finally:
        shutil.rmtree(tmp)
    print('%d cases: oracle outputs checked, %d damaged outputs checked, %d problems'
          % (cases, damaged, failures))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
