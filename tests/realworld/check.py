#!/usr/bin/env python3
"""Check one real-world case of tests/data/realworld/ against `qsplit split` with DEFAULT
options (tests/data/realworld/README.md describes a case folder).

    check.py QSPLIT CASE_DIR [--known-gaps FILE]
    check.py --registered MESON_BUILD DATA_DIR   (every case folder has its meson test)

What must hold for a case to pass:
 1. every query.log line is a JSON object with string QHash and sql, and QHash is what
    `qsplit hash` gives for that sql;
 2. the QHashes of query.log, in order, are `qsplit hash` of each expected.sql block, and the
    console carries the same QHash tokens in the same order;
 3. no non-SQL byte changed: (a) console lines without a QHash token appear verbatim and in
    order among the input's lines; (b) the input with each expected statement cut out equals
    the console with each QHash token cut out, compared after deleting whitespace (and JSON's
    \\n \\r \\t escapes), except that at a cut the separators ';' and '|' may differ and a
    declared twin (expected.twins: the same statement printed in another form beside it, as
    p6spy prints the prepared statement next to the one with values) may be gone;
 4. the console has no more lines than the input.

Exit status: 0 pass, 1 fail, 77 skip (the case is in KNOWN-GAPS and still fails). A case in
KNOWN-GAPS that passes FAILS, so that the list can only shrink.
Python 3 standard library only.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

SEP = '@@@@'
TOKEN = re.compile(r'"QHash":"([0-9a-f]{32})"|\\"QHash\\":\\"([0-9a-f]{32})\\"')
WS = re.compile(r'\s+|\\[nrt]')
GLUE = ';|'
MARK = '\0'


def read_blocks(path):
    """expected.sql / expected.twins: blocks separated by lines that are exactly @@@@."""
    if not os.path.exists(path):
        return []
    text = open(path, encoding='utf-8', newline='').read()
    if text.strip() == '':
        return []
    if text.endswith('\n'):
        text = text[:-1]
    blocks, cur = [], []
    for line in text.split('\n'):
        if line == SEP:
            blocks.append('\n'.join(cur))
            cur = []
        else:
            cur.append(line)
    blocks.append('\n'.join(cur))
    return blocks


class Hasher:
    def __init__(self, qsplit):
        self.qsplit = qsplit
        self.memo = {}

    def __call__(self, sql):
        if sql not in self.memo:
            r = subprocess.run([self.qsplit, 'hash'], input=sql.encode('utf-8', 'surrogateescape'),
                               capture_output=True, timeout=60)
            if r.returncode != 0:
                raise RuntimeError('qsplit hash failed: ' + r.stderr.decode(errors='replace'))
            self.memo[sql] = r.stdout.decode().strip()
        return self.memo[sql]


def squeeze(s):
    return WS.sub('', s)


def forms(stmt):
    """The ways a statement can stand in the input: as it is, or JSON-escaped."""
    out = [stmt]
    for ascii_only in (False, True):
        e = json.dumps(stmt, ensure_ascii=ascii_only)[1:-1]
        out += [e, e.replace('/', '\\/')]
    seen, res = set(), []
    for f in out:
        f = squeeze(f)
        if f and f not in seen:
            seen.add(f)
            res.append(f)
    return res


def cut_statements(inp, stmts, problems):
    """The squeezed input split at each statement (found in order): len(stmts)+1 segments."""
    segs, pos = [], 0
    for i, st in enumerate(stmts):
        best = None
        for f in forms(st):
            at = inp.find(f, pos)
            if at >= 0 and (best is None or at < best[0]):
                best = (at, len(f))
        if best is None:
            problems.append('expected statement %d not found in input.log (after the one '
                            'before it): %.80r' % (i + 1, st))
            return None
        segs.append(inp[pos:best[0]])
        pos = best[0] + best[1]
    segs.append(inp[pos:])
    return segs


def strip_glue(seg, left, right):
    if left:
        seg = seg.lstrip(GLUE)
    if right:
        seg = seg.rstrip(GLUE)
    return seg


def same_segment(a, b, twins, left, right):
    """a (input) and b (console) agree, allowing glue at cuts and a twin gone beside one."""
    a, b = strip_glue(a, left, right), strip_glue(b, left, right)
    if a == b:
        return True
    ts = [t for t in (squeeze(t) for t in twins) if t]
    # A twin may be gone at each cut: at the left one, the right one, or both (a segment
    # between two p6spy statements holds the first's twin and the second's).
    lefts = [a] + [a[len(t):] for t in ts if left and a.startswith(t)]
    for l in lefts:
        l = strip_glue(l, left, right)
        if l == b:
            return True
        for t in ts:
            if right and l.endswith(t) and strip_glue(l[:-len(t)], left, right) == b:
                return True
    for t in ts:
        # the twin kept on the console but the glue around it changed
        if t in a and t in b and a.replace(t, '') == b.replace(t, ''):
            return True
    return False


def first_diff(a, b):
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    return i


def check(qsplit, case):
    problems = []
    hasher = Hasher(qsplit)
    inp_path = os.path.join(case, 'input.log')
    expected = read_blocks(os.path.join(case, 'expected.sql'))
    twins = read_blocks(os.path.join(case, 'expected.twins'))
    with tempfile.TemporaryDirectory() as tmp:
        con_path, q_path = os.path.join(tmp, 'console.log'), os.path.join(tmp, 'query.log')
        r = subprocess.run([qsplit, 'split', inp_path, '-c', con_path, '-o', q_path, '-q'],
                           capture_output=True, timeout=120)
        if r.returncode != 0:
            return ['qsplit split exited %d: %s' % (r.returncode,
                                                   r.stderr.decode(errors='replace').strip())]
        inp = open(inp_path, 'rb').read()
        con = open(con_path, 'rb').read()
        qlog = open(q_path, 'rb').read() if os.path.exists(q_path) else b''

    # 1. query.log is valid and each QHash is the hash of its sql
    got = []
    for n, line in enumerate(qlog.splitlines(), 1):
        try:
            rec = json.loads(line.decode('utf-8'))
        except (UnicodeDecodeError, ValueError) as e:
            problems.append('query.log line %d is not JSON: %s' % (n, e))
            continue
        if not isinstance(rec, dict) or not isinstance(rec.get('QHash'), str) \
                or not isinstance(rec.get('sql'), str):
            problems.append('query.log line %d lacks a string QHash or sql' % n)
            continue
        h = hasher(rec['sql'])
        if h != rec['QHash']:
            problems.append('query.log line %d: QHash %s but qsplit hash gives %s' %
                            (n, rec['QHash'], h))
        got.append((rec['QHash'], rec['sql']))

    # 2. the statements, in order, on both outputs
    want = [hasher(b) for b in expected]
    if [g[0] for g in got] != want:
        problems.append('query.log has %d statements, expected %d' % (len(got), len(want)))
        for i in range(max(len(got), len(want))):
            g = got[i] if i < len(got) else None
            w = expected[i] if i < len(expected) else None
            if g is None or w is None or g[0] != want[i]:
                problems.append('  first difference at statement %d:\n    got      %.200r\n'
                                '    expected %.200r' % (i + 1, g and g[1], w))
                break
    con_text = con.decode('utf-8', 'surrogateescape')
    inp_text = inp.decode('utf-8', 'surrogateescape')
    tokens = [a or b for a, b in TOKEN.findall(con_text)]
    if tokens != [g[0] for g in got]:
        problems.append('console carries %d QHash tokens, query.log %d records (or their order '
                        'differs)' % (len(tokens), len(got)))

    # 3a. lines without a token are the input's, in order
    in_lines = inp.splitlines(keepends=False)
    j = 0
    for n, line in enumerate(con.splitlines(keepends=False), 1):
        if b'"QHash":"' in line or b'\\"QHash\\":\\"' in line:
            continue
        while j < len(in_lines) and in_lines[j] != line:
            j += 1
        if j == len(in_lines):
            problems.append('console line %d is not an input line (in order): %.120r' % (n, line))
            break
        j += 1

    # 3b. nothing but the statements changed
    if not any('not found' in p for p in problems):
        segs_in = cut_statements(squeeze(inp_text), expected, problems)
        segs_con = TOKEN.sub(MARK, squeeze(con_text)).split(MARK)
        if segs_in is not None and len(segs_in) == len(segs_con):
            last = len(segs_in) - 1
            for k, (a, b) in enumerate(zip(segs_in, segs_con)):
                if not same_segment(a, b, twins, k > 0, k < last):
                    d = first_diff(a, b)
                    problems.append('text around the statements differs (whitespace deleted), '
                                    'between statement %d and %d:\n    input   …%r\n'
                                    '    console …%r' % (k, k + 1, a[max(0, d - 40):d + 60],
                                                         b[max(0, d - 40):d + 60]))
                    break

    # 4. never more lines out than in
    if con.count(b'\n') > inp.count(b'\n'):
        problems.append('console has %d lines, input %d' % (con.count(b'\n'), inp.count(b'\n')))
    return problems


def known_gaps(path):
    gaps = {}
    if path and os.path.exists(path):
        for line in open(path, encoding='utf-8'):
            line = line.strip()
            if line and not line.startswith('#'):
                name, _, why = line.partition(' ')
                gaps[name] = why.strip()
    return gaps


def registered(meson_build, data_dir):
    """Every case folder is listed in meson.build, and every listed case exists."""
    listed = set(re.findall(r"^\s*'([a-z0-9][a-z0-9.-]*)',", open(meson_build).read(), re.M))
    present = {d for d in os.listdir(data_dir)
               if os.path.exists(os.path.join(data_dir, d, 'input.log'))}
    ok = True
    for d in sorted(present - listed):
        print('case %s has no meson test: add it to %s' % (d, meson_build))
        ok = False
    for d in sorted(listed - present):
        print('meson test %s has no case folder (no input.log) in %s' % (d, data_dir))
        ok = False
    print('%d cases, all registered' % len(present) if ok else 'registration: FAIL')
    return 0 if ok else 1


def main(argv):
    args = argv[1:]
    if len(args) == 3 and args[0] == '--registered':
        return registered(args[1], args[2])
    gaps_file = None
    if '--known-gaps' in args:
        i = args.index('--known-gaps')
        gaps_file = args[i + 1]
        del args[i:i + 2]
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    qsplit, case = args
    name = os.path.basename(os.path.normpath(case))
    problems = check(qsplit, case)
    gaps = known_gaps(gaps_file)
    if problems:
        print('%s: FAIL' % name)
        for p in problems:
            print('  ' + p)
        if name in gaps:
            print('%s: known gap (%s): skipped' % (name, gaps[name]))
            return 77
        return 1
    if name in gaps:
        print('%s: passes but is listed in KNOWN-GAPS: remove it from the list' % name)
        return 1
    print('%s: pass' % name)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
