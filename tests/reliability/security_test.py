#!/usr/bin/env python3
"""Security tests across the faces (issue 5).  Usage: security_test.py QSPLIT [QSPLIT_PUSH] CASE

  redact   `qsplit split --redact` leaves no string or number literal in query.log, over
           examples/logs/*, tests/data/layouts/* and a generated 20 MB log
  modes    query.log (CLI) and the positions file (pusher) are created 0640 under umask 0
  secrets  the pusher never writes its password or token to its output, its positions file
           or its error messages (auth by config, by files, in the URL; error answers, an
           unreachable receiver, a bad config)
  symlink  a symlink planted where the pusher writes its positions (a shared directory)
           must not make it write through the link
"""
import glob
import json
import os
import re
import signal
import stat
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.environ.get('QS_SOURCE_ROOT') or os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(SRC, 'tests', 'push'))
import test_push as tp  # noqa: E402  (the receiver and record helpers of the push tests)

QSPLIT = PUSH = None
FAILURES = []


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print('FAIL:', what, file=sys.stderr)
    return cond


# ---- redact ---------------------------------------------------------------------------

# A literal left in the fingerprint: a quoted string, or a number standing alone (not part
# of a name like t1 or col_2, not a placeholder like $1 or ?1).
STRING_LIT = re.compile(r"'")
NUMBER_LIT = re.compile(r"(?<![\w$?:.])[-+]?(?:0x[0-9a-f]+|\d+(?:\.\d+)?(?:e[-+]?\d+)?)(?![\w])",
                        re.I)


def literals(sql):
    """The literals of a redacted statement, outside double-quoted and backquoted names."""
    bare = re.sub(r'"[^"]*"|`[^`]*`', ' ', sql)
    return STRING_LIT.findall(bare) + NUMBER_LIT.findall(bare)


def case_redact(d):
    corpus = sorted(glob.glob(os.path.join(SRC, 'examples', 'logs', '*')) +
                    glob.glob(os.path.join(SRC, 'tests', 'data', 'layouts', '*')))
    big = os.path.join(d, 'generated-20M.log')
    subprocess.run([sys.executable, os.path.join(SRC, 'bench', 'gen-console.py'), '--seed', '5',
                    '--size', '20M', '--layout', 'mixed', '-o', big], check=True)
    corpus.append(big)
    total = bad = 0
    for src in corpus:
        if not os.path.isfile(src):
            continue
        q = os.path.join(d, 'q.log')
        plain = os.path.join(d, 'plain.log')
        for f in (q, plain):
            if os.path.exists(f):
                os.unlink(f)
        subprocess.run([QSPLIT, 'split', src, '-c', os.devnull, '-o', q, '-q', '--redact'],
                       check=True)
        subprocess.run([QSPLIT, 'split', src, '-c', os.devnull, '-o', plain, '-q'], check=True)
        n = had = 0
        with open(q, encoding='utf-8') as f:
            for line in f:
                sql = json.loads(line)['sql']
                n += 1
                lits = literals(sql)
                if lits:
                    bad += 1
                    if bad <= 5:
                        print('literal %r left in %s: %s' % (lits[0], os.path.basename(src),
                                                             sql[:200]), file=sys.stderr)
        with open(plain, encoding='utf-8') as f:
            had = sum(1 for line in f if literals(json.loads(line)['sql']))
        total += n
        print('redact: %-28s %6d statements, %5d with literals unredacted, %d left redacted'
              % (os.path.basename(src)[:28], n, had, bad), file=sys.stderr)
    check(total > 10000, 'redact: the corpus gave statements (%d)' % total)
    check(bad == 0, 'redact: %d statements kept a literal' % bad)
    print('redact: %d statements checked, %d with a literal' % (total, bad))


# ---- modes ----------------------------------------------------------------------------

def case_modes(d):
    old = os.umask(0)
    try:
        q = os.path.join(d, 'query.log')
        subprocess.run([QSPLIT, 'split', os.path.join(SRC, 'examples', 'logs', 'console.log'),
                        '-c', os.path.join(d, 'console.out'), '-o', q, '-q'], check=True)
        m = stat.S_IMODE(os.stat(q).st_mode)
        check(m == 0o640, 'modes: query.log created %o, expected 640' % m)
        m = stat.S_IMODE(os.stat(os.path.join(d, 'console.out')).st_mode)
        check(m == 0o640, 'modes: console created %o, expected 640' % m)
        # Configurable: --file-mode for both outputs of the CLI.
        q2, c2 = os.path.join(d, 'q2.log'), os.path.join(d, 'c2.out')
        subprocess.run([QSPLIT, 'split', os.path.join(SRC, 'examples', 'logs', 'console.log'),
                        '-c', c2, '-o', q2, '-q', '--file-mode', '0600'], check=True)
        for f in (q2, c2):
            m = stat.S_IMODE(os.stat(f).st_mode)
            check(m == 0o600, 'modes: --file-mode 0600 gave %o for %s' % (m, f))
        bad = subprocess.run([QSPLIT, 'split', '--file-mode', '0999', '-q', q2],
                             capture_output=True, text=True)
        check(bad.returncode == 2 and 'octal' in bad.stderr, 'modes: a bad --file-mode refused')
        if PUSH:
            r = tp.Receiver(d)
            tp.write_records(os.path.join(d, 'console.log'), 0, 50)
            tp.run_once(tp.config(d, r.url))
            p = os.path.join(d, 'positions.yaml')
            m = stat.S_IMODE(os.stat(p).st_mode)
            check(m == 0o640, 'modes: positions created %o, expected 640' % m)
            # Configurable: positions.file_mode.
            tp.write_records(os.path.join(d, 'console.log'), 50, 10)
            tp.run_once(tp.config(d, r.url, positions={'filename': p, 'file_mode': '0600'}))
            m = stat.S_IMODE(os.stat(p).st_mode)
            check(m == 0o600, 'modes: positions.file_mode 0600 gave %o' % m)
            r.stop()
    finally:
        os.umask(old)


# ---- secrets --------------------------------------------------------------------------

PASSWORD = 'Pw-7f3a9c1e-never-print'
TOKEN = 'Tok-4b2d8e6a-never-print'


def run_push(cfg, *flags, timeout=30):
    p = subprocess.run([PUSH, '--config', cfg, *flags], capture_output=True, text=True,
                       timeout=timeout)
    return p.returncode, p.stdout + p.stderr


def case_secrets(d):
    if not PUSH:
        print('secrets: qsplit-push not built')
        return 77
    r = tp.Receiver(d)
    log = os.path.join(d, 'console.log')
    tp.write_records(log, 0, 300)
    pw_file = os.path.join(d, 'pw')
    tok_file = os.path.join(d, 'tok')
    with open(pw_file, 'w') as f:
        f.write(PASSWORD + '\n')
    with open(tok_file, 'w') as f:
        f.write(TOKEN + '\n')
    fast = {'min_period': '20ms', 'max_period': '50ms'}
    variants = {
        'config': {'url': r.url, 'basic_auth': {'username': 'u', 'password': PASSWORD},
                   'bearer_token': TOKEN, 'backoff_config': fast, 'batch_wait': '50ms'},
        'files': {'url': r.url, 'basic_auth': {'username': 'u', 'password_file': pw_file},
                  'bearer_token_file': tok_file, 'backoff_config': fast, 'batch_wait': '50ms'},
        'in-url': {'url': r.url.replace('://', '://u:%s@' % PASSWORD),
                   'backoff_config': fast, 'batch_wait': '50ms'},
    }
    outputs = []
    runs = 0
    for name, client in variants.items():
        vd = os.path.join(d, name)
        os.mkdir(vd)
        cfg = tp.config(vd, r.url, client=client, inputs={'console': log})
        # the paths a message can take: success, retried 500 and 429, a refused 400 and
        # 401, stats lines
        for fail, body in ((None, ''), (500, 'internal error'), (429, 'rate limited'),
                           (400, 'bad request'), (401, 'unauthorized')):
            if os.path.exists(os.path.join(vd, 'positions.yaml')):
                os.unlink(os.path.join(vd, 'positions.yaml'))
            if fail:
                r.control(fail=fail, count=2, body=body)
            rc, out = run_push(cfg, '--once', '--stats-interval', '10ms')
            outputs.append(('%s/%s' % (name, fail or 'ok'), out))
            outputs.append(('%s/positions' % name,
                            open(os.path.join(vd, 'positions.yaml')).read()))
            runs += 1
        # the receiver unreachable: connection refused, then SIGTERM while retrying
        down = tp.free_port()
        url = 'http://127.0.0.1:%d/loki/api/v1/push' % down
        c2 = dict(client, url=client['url'].replace(str(r.port), str(down))
                  if 'u:' in client['url'] else url)
        cfg2 = tp.config(vd, url, client=c2, inputs={'console': log})
        os.unlink(os.path.join(vd, 'positions.yaml'))
        p = subprocess.Popen([PUSH, '--config', cfg2, '--stats-interval', '10ms'],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        time.sleep(1.0)
        p.send_signal(signal.SIGTERM)
        out, _ = p.communicate(timeout=20)
        outputs.append(('%s/down' % name, out))
        runs += 1
        # a bad config after the secrets were read
        bad = dict(client, timeout='soon')
        cfg3 = tp.config(vd, r.url, client=bad, inputs={'console': log})
        rc, out = run_push(cfg3)
        check(rc != 0, 'secrets: a bad config fails (%d)' % rc)
        outputs.append(('%s/badconfig' % name, out))
        runs += 1
    st = r.stats()
    check(st['auth'].get('Basic', 0) > 0 and st['auth'].get('Bearer', 0) > 0,
          'secrets: basic and bearer auth were sent (%s)' % st['auth'])
    leaked = [n for n, out in outputs if PASSWORD in out or TOKEN in out]
    check(not leaked, 'secrets: a secret was written in %s' % leaked)
    check(any('retry' in out for _, out in outputs), 'secrets: the retry path ran')
    # A 401 is a set-up error, retried until the credentials work (positions stay): the
    # log names the cause, never the secret.
    check(any('credentials were refused' in out for _, out in outputs),
          'secrets: the refused-credentials path ran')
    check(any('failed' in out for n, out in outputs if n.endswith('/down')),
          'secrets: the unreachable path ran')
    print('secrets: %d runs, %d outputs and positions files searched, %d with a secret'
          % (runs, len(outputs), len(leaked)))
    r.stop()


# ---- symlink --------------------------------------------------------------------------

def case_symlink(d):
    if not PUSH:
        print('symlink: qsplit-push not built')
        return 77
    r = tp.Receiver(d)
    shared = os.path.join(d, 'shared')
    os.mkdir(shared)
    os.chmod(shared, 0o1777)  # a shared directory, as /tmp or /var/tmp
    victim = os.path.join(d, 'victim.conf')
    with open(victim, 'w') as f:
        f.write('VICTIM\n')
    log = os.path.join(d, 'console.log')
    tp.write_records(log, 0, 50)
    pos = os.path.join(shared, 'positions.yaml')
    results = {}
    # The attacker plants a link at the name the pusher writes first (its temp file), and,
    # separately, at the positions file itself.
    for planted in (pos + '.tmp', pos):
        for f in (pos, pos + '.tmp'):
            if os.path.lexists(f):
                os.unlink(f)
        with open(victim, 'w') as f:
            f.write('VICTIM\n')
        os.symlink(victim, planted)
        cfg = tp.config(d, r.url, positions={'filename': pos}, inputs={'console': log})
        rc, out = run_push(cfg, '--once')
        after = open(victim).read()
        results[os.path.basename(planted)] = (rc, after)
        check(after == 'VICTIM\n', 'symlink at %s: the pusher wrote through it into %s '
              '(now %r)' % (os.path.basename(planted), victim, after[:60]))
    print('symlink: %s' % {k: ('exit %d' % v[0], 'victim intact' if v[1] == 'VICTIM\n'
                                else 'victim overwritten') for k, v in results.items()})
    r.stop()


def main():
    global QSPLIT, PUSH
    args = sys.argv[1:]
    case = args.pop()
    QSPLIT = os.path.abspath(args[0])
    PUSH = os.path.abspath(args[1]) if len(args) > 1 else None
    tp.PUSH = [PUSH] if PUSH else None
    with tempfile.TemporaryDirectory(prefix='qsplit-sec-') as d:
        rc = globals()['case_' + case](d)
    if rc == 77:
        return 77
    if FAILURES or tp.FAILURES:
        print('%s: %d failure(s)' % (case, len(FAILURES) + len(tp.FAILURES)), file=sys.stderr)
        return 1
    print('%s: ok' % case)
    return 0


if __name__ == '__main__':
    sys.exit(main())
