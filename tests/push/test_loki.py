#!/usr/bin/env python3
"""qsplit-push against a real Grafana Loki (tests/push/loki_server.py), checked with LogQL
and Loki's own metrics.  Usage: test_loki.py QSPLIT_PUSH QSPLIT CASE

CASE shared: one Loki for several cases, each its own tenant: happy path in both modes
(split files written by `qsplit split --fields ts`, and split on the fly) with a catch-up of
yesterday's log; Loki 3.x limits (256KB lines, old samples refused) with counts checked
against loki_discarded_samples_total; Loki's default rates (429s).
CASE kill: the pusher SIGKILLed again and again, Loki SIGKILLed mid-ship and restarted on
the same data: nothing lost, stored duplicates counted by cause (QS_NO_LOKI_KILL=1: the
pusher kills only).
Skips (exit 77) when no Loki binary is found: ../shared/loki/loki, or $LOKI_BIN."""
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import loki_server  # noqa: E402

PUSH = QSPLIT = None
FAILURES = []
LABELS = {'env': 'prod', 'job': 'shop', 'host': 'h1', 'server': 's1'}
SEL = 'env="prod",job="shop",host="h1",server="s1"'
CONSOLE_Q = '{%s,query!="true"}' % SEL
QUERY_Q = '{%s,query="true"}' % SEL


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print('FAIL:', what, file=sys.stderr)
    else:
        print('ok:', what)


def ts_text(t):
    ms = int(round(t * 1000))
    return time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(ms // 1000)) + '.%03d' % (
        ms % 1000)


def own_ms(line):
    """The record's own time (local, to the millisecond) from its first 23 characters."""
    return int(time.mktime(time.strptime(line[:19], '%Y-%m-%d %H:%M:%S'))) * 1000 + \
        int(line[20:23])


def gen_console(path, n, t0, seed=1, step=0.004):
    """An unsplit Spring Boot console.log of n records from t0: INFO lines, MyBatis
    statements over several lines, ERROR records with stack traces, several records per
    millisecond. Returns the number of ERROR records."""
    rnd = random.Random(seed)
    errors = 0
    with open(path, 'w') as f:
        for i in range(n):
            t = t0 + int(i * step * 1000) / 1000.0
            head = '%s %5s 4242 --- [exec-%d] %-40s : '
            k = i % 10
            if k in (0, 5):
                f.write(head % (ts_text(t), 'DEBUG', i % 7, 'c.e.s.mapper.UserMapper.find') +
                        '==>  Preparing: SELECT u.id, u.name\n    FROM users u\n'
                        '    WHERE u.id = ? AND u.shard = %d -- rec-%d\n' % (rnd.randrange(50), i))
            elif k == 3:  # p6spy: now|elapsed|category|connection|url|prepared|sql
                f.write(head % (ts_text(t), 'INFO', i % 7, 'p6spy') +
                        '%d|%d|statement|connection 3|url jdbc:h2:mem:shop|SELECT name FROM '
                        'items WHERE id = ?|SELECT name FROM items WHERE id = %d\n'
                        % (int(t * 1000), rnd.randrange(2000), i % 37))
            elif k == 7:
                errors += 1
                f.write(head % (ts_text(t), 'ERROR', i % 7, 'c.e.shop.Service') +
                        'failed rec-%d\njava.lang.IllegalStateException: boom\n'
                        '\tat c.e.shop.Service.run(Service.java:%d)\n' % (i, i))
            else:
                f.write(head % (ts_text(t), 'INFO', i % 7, 'c.e.shop.Service') +
                        'handled rec-%d in %d ms\n' % (i, rnd.randrange(900)))
    return errors


def records(path):
    """The records of a console file as Loki should show them: a record is a line that
    starts with a timestamp and its continuation lines, joined without the final newline."""
    out = []
    for line in open(path, encoding='utf-8'):
        if line[:2] == '20' and line[4] == '-':
            out.append(line)
        else:
            out[-1] += line
    return [r[:-1] if r.endswith('\n') else r for r in out]


def config(d, url, tenant, inputs, **client):
    c = {'client': dict({'url': url, 'tenant_id': tenant, 'batch_wait': '500ms',
                         'backoff_config': {'min_period': '100ms', 'max_period': '2s'}},
                        **client),
         'positions': {'filename': os.path.join(d, 'positions-%s.yaml' % tenant)},
         'labels': LABELS, 'inputs': inputs,
         'tailing': {'poll_interval': '50ms', 'multiline_max_wait': '300ms'}}
    path = os.path.join(d, 'push-%s.yaml' % tenant)
    with open(path, 'w') as f:
        json.dump(c, f)  # JSON is YAML
    return path


def run_once(cfg, *flags, timeout=300):
    t0 = time.time()
    p = subprocess.run([PUSH, '--config', cfg, '--once', *flags], capture_output=True,
                       text=True, timeout=timeout)
    sys.stderr.write(p.stderr)
    check(p.returncode == 0, 'qsplit-push exit status %d' % p.returncode)
    return p.stderr, time.time() - t0


def stat(err, name):
    for line in err.splitlines():
        if 'final:' in line:
            for kv in line.split():
                if kv.startswith(name + '='):
                    return int(kv.split('=')[1])
    return None


def window(t0, t1):
    return int((t0 - 60) * 1e9), int((t1 + 60) * 1e9)


def check_streams(loki, tenant, split_console, query_log, mode, start, end):
    """{…,query!="true"}: every record, in file order, at its own time; {…,query="true"}
    |= "<hash>": the statement of a hash; each statement within 1 s of its console record."""
    want = records(split_console)
    con = loki.settled(tenant, CONSOLE_Q, start, end, want=len(want))
    lines = [e[2] for e in con]
    check(lines == want, '%s: {…,query!="true"} returns the %d console records in file '
          'order (%d returned)' % (mode, len(want), len(lines)))
    check(all(c[0] == LABELS for c in con), '%s: the console stream has the static labels'
          % mode)
    bad = [e for e in con if e[1] // 10**6 != own_ms(e[2])]
    check(not bad, '%s: console entries carry their record\'s own time (%d do not)'
          % (mode, len(bad)))
    ts = [e[1] for e in con]
    check(all(a < b for a, b in zip(ts, ts[1:])), '%s: times strictly increase' % mode)
    qwant = [json.loads(l) for l in open(query_log, encoding='utf-8')]
    qry = loki.settled(tenant, QUERY_Q, start, end, want=len(qwant))
    got = [json.loads(e[2]) for e in qry]
    check([(q['QHash'], q['sql']) for q in got] == [(q['QHash'], q['sql']) for q in qwant],
          '%s: {…,query="true"} holds every statement in order (%d of %d)'
          % (mode, len(got), len(qwant)))
    # Each statement at the time of the console record that carries its hash: the i-th
    # console record with a QHash goes with the i-th query.log record.
    chash = [(e[1], e[2].split('"QHash":"')[1][:32]) for e in con if '"QHash":"' in e[2]]
    far = [1 for (ct, ch), (qt, q) in zip(chash, [(e[1], json.loads(e[2])) for e in qry])
           if ch != q['QHash'] or abs(ct - qt) >= 10**9]
    check(len(chash) == len(qry) and not far,
          '%s: each statement within 1 s of its console record (%d of %d off)'
          % (mode, len(far), len(chash)))
    # The team's query for the SQL of a hash, on a few of them.
    for ct, h in chash[:: max(1, len(chash) // 5)]:
        res = loki.query_range(tenant, QUERY_Q + ' |= "%s"' % h, start, end)
        check(res and all(h in e[2] for e in res) and
              any(abs(e[1] - ct) < 10**9 for e in res),
              '%s: {…,query="true"} |= "%s" finds its statement near its console record'
              % (mode, h))


def case_happy(loki, d, both=True):
    """Yesterday's log (a catch-up), shipped as split files and split on the fly."""
    t0 = time.time() - 86400
    raw = os.path.join(d, 'console.raw.log')
    n = 3000
    gen_console(raw, n, t0)
    con, qlog = os.path.join(d, 'console.log'), os.path.join(d, 'query.log')
    subprocess.run([QSPLIT, 'split', raw, '--console', con, '--query', qlog,
                    '--fields', 'ts', '-q'], check=True)
    start, end = window(t0, t0 + n * 0.004)
    # Files mode in Loki's native protobuf+snappy, on the fly in JSON+gzip: both formats.
    err, secs = run_once(config(d, loki.url, 'files', {'console': con, 'query': qlog},
                                format='protobuf'))
    print('files mode: %.1f s' % secs)
    check_streams(loki, 'files', con, qlog, 'files', start, end)
    # The same log split on the fly.
    err, secs = run_once(config(d, loki.url, 'onthefly', {'split': raw}, format='json'))
    print('split mode: %.1f s' % secs)
    check_streams(loki, 'onthefly', con, qlog, 'split', start, end)
    case_dashboard(loki, raw, con, qlog, start, end)
    case_live(loki, d)
    # Nothing new: a second run sends nothing.
    err, _ = run_once(config(d, loki.url, 'files', {'console': con, 'query': qlog},
                             format='protobuf'))
    check(stat(err, 'entries_sent') == 0, 'a second run sends nothing')


def case_live(loki, d):
    """Live tailing, both modes: the application appends as the pusher runs; statements
    land within 1 s of their console records."""
    raw = os.path.join(d, 'live.raw.log')
    con, qlog = os.path.join(d, 'live.console.log'), os.path.join(d, 'live.query.log')
    for f in (raw, con, qlog):
        open(f, 'w').close()
    procs = [subprocess.Popen([PUSH, '--config', config(
        d, loki.url, tenant, inputs, batch_wait='200ms')], stderr=subprocess.DEVNULL)
        for tenant, inputs in (('livefiles', {'console': con, 'query': qlog}),
                               ('livesplit', {'split': raw}))]
    t0 = time.time()
    for burst in range(3):
        part = os.path.join(d, 'part.log')
        gen_console(part, 200, time.time(), seed=burst, step=0.002)
        pc, pq = part + '.c', part + '.q'
        subprocess.run([QSPLIT, 'split', part, '--console', pc, '--query', pq, '--fields',
                        'ts', '-q'], check=True)
        for src, dst in ((part, raw), (pc, con), (pq, qlog)):
            with open(dst, 'ab') as f:
                f.write(open(src, 'rb').read())
        os.unlink(pq)  # split appends to query.log
        time.sleep(0.7)
    time.sleep(1.5)
    for p in procs:
        p.send_signal(signal.SIGTERM)
        p.wait(20)
    start, end = int((t0 - 60) * 1e9), int((time.time() + 60) * 1e9)
    check_streams(loki, 'livefiles', con, qlog, 'live files', start, end)
    check_streams(loki, 'livesplit', con, qlog, 'live split', start, end)


def case_dashboard(loki, raw, con, qlog, start, end):
    """Every panel of examples/grafana/qsplit-dashboard.json, its variables filled in, run
    on Loki: each returns what it claims for the log shipped in files mode."""
    dash = json.load(open(os.path.join(os.path.dirname(__file__), '..', '..', 'examples',
                                       'grafana', 'qsplit-dashboard.json')))
    recs = records(con)
    levels = {}
    for r in recs:
        lv = r.split()[2]
        levels[lv] = levels.get(lv, 0) + 1
    qh = json.loads(open(qlog).readline())['QHash']
    rng = (end - start) // 10**9
    step = 60

    def fill(expr, **over):
        v = {'env': 'prod', 'job': 'shop', 'host': 'h1', 'server': 's1', 'search': '',
             'qhash': qh, '__range': '%ds' % rng, '__interval': '%ds' % step}
        v.update(over)
        for k in sorted(v, key=len, reverse=True):
            expr = expr.replace('$' + k, v[k])
        return expr
    for var in dash['templating']['list']:
        if var['type'] == 'query':
            stream = fill(var['query']['stream'])
            res = loki.get('/loki/api/v1/label/%s/values' % var['query']['label'], 'files',
                           query=stream, start=start, end=end)
            # (Loki 2.8 may list a value twice: once from the ingester, once from the store)
            check(set(res.get('data')) == {LABELS[var['name']]}, 'dashboard: variable %s lists %s'
                  ' (%s)' % (var['name'], LABELS[var['name']], res.get('data')))
    try:  # what the env variable asked before: no matcher that excludes the empty value
        loki.get('/loki/api/v1/label/env/values', 'files', query='{query!="true"}',
                 start=start, end=end)
        print('dashboard: {query!="true"} alone is accepted as a selector')
    except Exception as e:  # noqa: BLE001
        print('dashboard: {query!="true"} alone is refused: %s' % e)
    for panel in dash['panels']:
        expr = panel['targets'][0]['expr']
        title = panel['title']
        if title == 'Console ERROR records':
            res = loki.instant('files', fill(expr), end)['data']['result']
            got = int(res[0]['value'][1]) if res else 0
            check(got == levels.get('ERROR', 0), 'dashboard: "%s" = %d ERROR records shipped'
                  ' (%d)' % (title, levels.get('ERROR', 0), got))
        elif title == 'Console records by level':
            res = loki.get('/loki/api/v1/query_range', 'files', query=fill(expr), start=start,
                           end=end + step * 10**9, step=step)['data']['result']
            got = {s['metric'].get('level'): sum(int(v[1]) for v in s['values']) for s in res}
            check(got == levels, 'dashboard: "%s" series add up to the records per level '
                  '(%s vs %s)' % (title, got, levels))
        elif title == 'Console':
            res = loki.query_range('files', fill(expr), start, end)
            check(len(res) == len(recs), 'dashboard: "%s" shows every console record' % title)
            res = loki.query_range('files', fill(expr, search='rec-12 '), start, end)
            check(len(res) == 1 and 'rec-12 ' in res[0][2], 'dashboard: "%s" filters by the '
                  'console contains box' % title)
        elif title.startswith('SQL of a hash'):
            res = loki.get('/loki/api/v1/query_range', 'files', query=fill(expr), start=start,
                           end=end, limit=100)['data']['result']
            ok = res and all(s['stream'].get('QHash') == qh and '__error__' not in s['stream']
                             for s in res)
            want = [json.loads(l)['sql'] for l in open(qlog) if qh in l]
            got = [json.loads(v[1])['sql'] for s in res for v in s['values']]
            check(ok and len(got) == min(100, len(want)) and set(got) <= set(want), 'dashboard: "%s" returns the statement of %s' % (title,
                                                                                      qh))
        elif title.startswith('Slowest statements'):
            res = loki.instant('files', fill(expr), end)['data']['result']
            got = {s['metric']['qhash']: int(float(s['value'][1])) for s in res}
            # The same from the files: p6spy records' elapsed ms, by the QHash qsplit wrote.
            mx = {}
            for r in recs:
                if '|statement|' in r:
                    h = r.split('"QHash":"')[1][:32]
                    mx[h] = max(mx.get(h, 0), int(r.split(' : ')[1].split('|')[1]))
            top = sorted(mx.values(), reverse=True)[:10]
            check(len(got) == min(10, len(mx)) and sorted(got.values(), reverse=True) == top
                  and all(mx[h] == v for h, v in got.items()),
                  'dashboard: "%s" lists the 10 slowest QHashes with their max ms' % title)
        else:
            check(False, 'dashboard: panel "%s" has a check here' % title)


def latin1_record(t, tag, n):
    """A record of n bytes of Latin-1 'é' (0xE9: invalid UTF-8, each a 3-byte U+FFFD)."""
    return ('%s  INFO 1 --- [main] c.e.X : %s ' % (ts_text(t), tag)).encode() + \
        b'\xe9' * n + b' end-of-%s\n' % tag.encode()


def case_limits(loki, d):
    """Loki with 3.x limits: records over 256KB are cut into valid pieces that each fit,
    in order and whole; old records are withheld and counted; where the pusher is told
    less than Loki enforces, what Loki refuses is counted as Loki counts it."""
    limit = 262144
    path = os.path.join(d, 'limits.log')
    now = time.time()
    with open(path, 'wb') as f:
        for i in range(5):  # older than Loki's week: withheld by the pusher
            f.write(('%s  INFO 1 --- [main] c.e.X : old rec-%d\n' %
                     (ts_text(now - 8 * 86400 + i), i)).encode())
        for i in range(20):
            f.write(('%s  INFO 1 --- [main] c.e.X : good rec-%d\n' %
                     (ts_text(now - 600 + i), i)).encode())
        f.write(latin1_record(now - 500, 'latin', 300000))
        f.write(('%s  INFO 1 --- [main] c.e.X : utf8 %s end-of-utf8\n' %
                 (ts_text(now - 499), 'ü€😀' * 70000)).encode())
        f.write(('%s  INFO 1 --- [main] c.e.X : last\n' % ts_text(now - 498)).encode())
    err, _ = run_once(config(d, loki.url, 'strict', {'console': path}))
    start, end = int((now - 9 * 86400) * 1e9), int((now + 60) * 1e9)
    ent = loki.settled('strict', CONSOLE_Q, int((now - 3600) * 1e9), end)
    lines = [e[2] for e in ent]
    check(all(len(l.encode()) <= limit for l in lines), 'limits: every entry fits 256KB '
          'as Loki decodes it (largest %d)' % max(len(l.encode()) for l in lines))
    joined = ''.join(lines)
    latin = ('%s  INFO 1 --- [main] c.e.X : latin ' % ts_text(now - 500)) + \
        '\ufffd' * 300000 + ' end-of-latin'
    check(latin in joined, 'limits: the Latin-1 record arrives whole, in order, as U+FFFD')
    utf = 'utf8 ' + 'ü€😀' * 70000 + ' end-of-utf8'
    check(utf in joined, 'limits: the UTF-8 record arrives whole, never cut in a character')
    check(stat(err, 'cut_entries') == 2, 'limits: two records cut')
    check(stat(err, 'too_old') == 5, 'limits: 5 old records withheld and counted (too_old=%s)'
          % stat(err, 'too_old'))
    check(len([l for l in lines if 'good rec-' in l]) == 20 and lines[-1].endswith('last'),
          'limits: the other records stored once each')
    disc = loki.discarded('strict')
    check(not disc, 'limits: Loki refused nothing (%s)' % disc)
    check(stat(err, 'dropped') == 0, 'limits: nothing dropped')

    # A pusher told less than Loki enforces: Loki refuses, the pusher counts what it did.
    before = loki.discarded('strict')
    path2 = os.path.join(d, 'limits2.log')
    with open(path2, 'wb') as f:
        for i in range(10):
            f.write(('%s  INFO 1 --- [main] c.e.X : mixed rec-%d\n' %
                     (ts_text(now - 400 + i), i)).encode())
            if i in (3, 6):
                f.write(('%s  INFO 1 --- [main] c.e.X : long rec-%d %s\n' %
                         (ts_text(now - 400 + i), 100 + i, 'y' * 300000)).encode())
    cfg = config(d, loki.url, 'strict', {'console': path2}, max_entry_size='1MiB',
                 batch_size='2MiB')
    err, _ = run_once(cfg)
    path3 = os.path.join(d, 'limits3.log')
    with open(path3, 'wb') as f:
        for i in range(10):
            # Older than Loki's week first (a record logged before the stream's previous
            # entry would be stamped just after it, to keep file order).
            f.write(('%s  INFO 1 --- [main] c.e.X : mixed rec-%d\n' %
                     (ts_text(now - 9 * 86400 + i if i < 4 else now - 300 + i), 200 + i)
                     ).encode())
    with open(cfg) as f:
        c = json.load(f)
    c['inputs'] = {'console': path3}
    c['labels'] = dict(LABELS, host='h3')  # a new stream: its first entries may be old
    c['positions'] = {'filename': os.path.join(d, 'positions-3.yaml')}
    c['timestamps'] = {'reject_old_samples_max_age': '0'}
    with open(cfg, 'w') as f:
        json.dump(c, f)
    err2, _ = run_once(cfg)
    after = loki.discarded('strict')
    long_n = after.get('line_too_long', 0) - before.get('line_too_long', 0)
    old_n = after.get('greater_than_max_sample_age', 0) - \
        before.get('greater_than_max_sample_age', 0)
    print('limits: Loki discarded line_too_long=%d greater_than_max_sample_age=%d' %
          (long_n, old_n))
    check(stat(err, 'refused_line_too_long') == long_n == 2,
          'limits: refused_line_too_long=%s equals Loki\'s line_too_long %d'
          % (stat(err, 'refused_line_too_long'), long_n))
    check(stat(err2, 'refused_too_old') == old_n == 4,
          'limits: refused_too_old=%s equals Loki\'s greater_than_max_sample_age %d'
          % (stat(err2, 'refused_too_old'), old_n))
    check(stat(err, 'entries_sent') == 10 and stat(err2, 'entries_sent') == 6,
          'limits: the valid entries of the refused pushes are counted as sent')
    ent = loki.settled('strict', '{job="shop"} |= "mixed"', start, end)
    ids = [w for e in ent for w in e[2].split() if w.startswith('rec-')]
    check(len(ids) == len(set(ids)) == 16, 'limits: the valid entries of partly refused '
          'pushes stored once each, never sent again whole (%d, %d distinct)'
          % (len(ids), len(set(ids))))


def case_rate(loki, d):
    """Loki's default rate limits: 429s, nothing lost, one log line per episode."""
    path = os.path.join(d, 'rate.log')
    now = time.time()
    n = 9000
    with open(path, 'w') as f:
        for i in range(n):
            f.write('%s  INFO 1 --- [main] c.e.X : rec-%d %s\n' %
                    (ts_text(now - 300 + i * 0.01), i, 'z' * 1800))
    err, secs = run_once(config(d, loki.url, 'rate', {'console': path}, gzip_level=1))
    start, end = int((now - 400) * 1e9), int((now + 60) * 1e9)
    # 17 MB read back through the querier is slow: count what is stored instead, per
    # record number class, with a metric query.
    q = 'sum(count_over_time(%s[1h]))' % CONSOLE_Q
    got = None
    for _ in range(20):
        res = loki.instant('rate', q, int((now + 30) * 1e9))['data']['result']
        got = int(res[0]['value'][1]) if res else 0
        if got >= n:
            break
        time.sleep(0.5)
    last = loki.query_range('rate', CONSOLE_Q + ' |= "rec-%d "' % (n - 1), start, end)
    check(got == n and len(last) == 1, 'rate: every record stored once (%s of %d)' % (got, n))
    thr = stat(err, 'throttled')
    lines429 = [l for l in err.splitlines() if '429:' in l or ' 429 ' in l or
                'answered 429' in l]
    print('rate: %.1f s, %s pushes throttled, %d log lines about it' % (secs, thr,
                                                                       len(lines429)))
    check(thr and thr > 0, 'rate: Loki throttled (429) some pushes (%s)' % thr)
    check(len(lines429) == 1 and str(thr) in lines429[0],
          'rate: one log line for the episode, with its count')
    check(stat(err, 'dropped') == 0, 'rate: nothing dropped')


def case_tls(loki, d):
    """Loki behind nginx with TLS from a private CA: basic auth + client certificate, and a
    bearer token, each as docs/push.md configures them; a wrong CA, an expired server
    certificate, a wrong password, a missing client certificate: one error naming the
    cause, nothing sent, positions unmoved; then, fixed, everything arrives."""
    import tls_proxy
    if not tls_proxy.nginx_bin():
        print('SKIP tls: no nginx (Debian: nginx-light; NGINX_BIN names another)')
        return
    px = tls_proxy.Proxy(d, loki.http)
    try:
        now = time.time()
        good = {'url': px.url('mtls'), 'basic_auth': {'username': 'shop',
                                                      'password_file': px.path('password')},
                'tls_config': {'ca_file': px.path('ca.pem'), 'cert_file': px.path('client.pem'),
                               'key_file': px.path('client.key')}}
        bearer = {'url': px.url('bearer'), 'bearer_token_file': px.path('token'),
                  'tls_config': {'ca_file': px.path('ca.pem')}}
        faults = [
            ('wrong-ca', dict(good, tls_config=dict(good['tls_config'],
                                                    ca_file=px.path('other-ca.pem'))),
             'not trusted'),
            ('expired', dict(good, url=px.url('expired')), 'has expired'),
            ('password', dict(good, basic_auth={'username': 'shop', 'password_file':
                                                px.path('wrong-password')}),
             'credentials were refused'),
            ('no-client-cert', dict(good, tls_config={'ca_file': px.path('ca.pem')}),
             'client certificate'),
        ]
        for name, client, cause in [('mtls', good, None), ('bearer', bearer, None)] + faults:
            sub = os.path.join(d, name)
            os.mkdir(sub)
            log = os.path.join(sub, 'console.log')
            with open(log, 'w') as f:
                for i in range(200):
                    f.write('%s  INFO 1 --- [main] c.e.X : %s rec-%d\n' %
                            (ts_text(now - 100 + i * 0.01), name, i))
            labels = dict(LABELS, host=name)
            cfg = config(sub, client['url'], 'tls', {'console': log},
                         **{k: v for k, v in client.items() if k != 'url'})
            with open(cfg) as f:
                c = json.load(f)
            c['labels'] = labels
            c['client']['backoff_config'] = {'min_period': '100ms', 'max_period': '500ms'}
            with open(cfg, 'w') as f:
                json.dump(c, f)
            sel = '{host="%s"}' % name
            if cause:
                p = subprocess.Popen([PUSH, '--config', cfg], stderr=subprocess.PIPE,
                                     text=True)
                time.sleep(2)
                # SIGTERM waits 5 s for Loki before giving up: once is enough (CI time).
                p.send_signal(signal.SIGTERM if name == 'wrong-ca' else signal.SIGKILL)
                err = p.communicate(timeout=20)[1]
                sys.stderr.write(err)
                said = [l for l in err.splitlines() if cause in l]
                check(len(said) == 1, 'tls/%s: one error naming the cause "%s" (%d)'
                      % (name, cause, len(said)))
                check('S3cret' not in err and tls_proxy.TOKEN not in err,
                      'tls/%s: no secret printed' % name)
                pos = os.path.join(sub, 'positions-tls.yaml')
                check(not os.path.exists(pos) or '"offset": "0"' in open(pos).read() or
                      'offset: "0"' in open(pos).read(),
                      'tls/%s: positions did not move' % name)
                stored = loki.query_range('tls', sel, int((now - 200) * 1e9),
                                          int((now + 60) * 1e9))
                check(not stored, 'tls/%s: nothing reached Loki' % name)
                c['client'] = dict(good, backoff_config=c['client']['backoff_config'],
                                   tenant_id='tls')
                with open(cfg, 'w') as f:
                    json.dump(c, f)
            err, _ = run_once(cfg, timeout=60)
            got = loki.settled('tls', sel, int((now - 200) * 1e9), int((now + 60) * 1e9),
                               want=200)
            check(sorted(int(e[2].split('rec-')[1]) for e in got) == list(range(200)),
                  'tls/%s: every record arrives once%s' % (name, ' after the fix'
                                                           if cause else ''))
    finally:
        px.stop()


def case_shared(d):
    loki = loki_server.Loki(d)
    print('Loki ready in %.1f s' % loki.ready_s)
    try:
        for name, fn in (('happy', case_happy), ('limits', case_limits), ('rate', case_rate),
                         ('tls', case_tls)):
            t0 = time.time()
            sub = os.path.join(d, name)
            os.mkdir(sub)
            fn(loki, sub)
            print('%s: %.1f s' % (name, time.time() - t0))
    finally:
        loki.stop()


def case_kill(d):
    """Kill the pusher again and again while it ships, and Loki once in the middle; then
    count what Loki stored: nothing lost; duplicates by cause."""
    loki = loki_server.Loki(d, tenants=False)
    print('Loki ready in %.1f s' % loki.ready_s)
    t0 = time.time() - 3600
    raw = os.path.join(d, 'console.raw.log')
    n = 40000
    gen_console(raw, n, t0, step=0.002)
    con, qlog = os.path.join(d, 'console.log'), os.path.join(d, 'query.log')
    subprocess.run([QSPLIT, 'split', raw, '--console', con, '--query', qlog,
                    '--fields', 'ts', '-q'], check=True)
    cfg = config(d, loki.url, 'fake', {'console': con, 'query': qlog}, batch_size='64KiB',
                 batch_wait='50ms', timeout='2s')
    rnd = random.Random(int(os.environ.get('QS_SEED', '11')))
    kills = 0
    for i in range(10):
        p = subprocess.Popen([PUSH, '--config', cfg], stderr=subprocess.DEVNULL)
        time.sleep(rnd.uniform(0.2, 0.8))
        if i == 5 and not os.environ.get('QS_NO_LOKI_KILL'):  # Loki dies mid-ship, and comes back on the same data
            loki.kill()
            time.sleep(0.5)
            loki.start()
            print('Loki SIGKILLed and restarted (ready in %.1f s)' % loki.ready_s)
        p.kill()
        p.wait()
        kills += 1
    err, _ = run_once(cfg)
    start, end = window(t0, t0 + n * 0.002)
    want = records(con)
    ent = loki.settled('fake', CONSOLE_Q, start, end, want=len(want))
    qwant = [l.rstrip('\n') for l in open(qlog, encoding='utf-8')]
    qry = loki.settled('fake', QUERY_Q, start, end, want=len(qwant))
    loki.stop()
    for name, got, exp in (('console', ent, want), ('query', qry, qwant)):
        lines = [e[2] for e in got]
        check(set(lines) == set(exp), 'kill: every %s record stored (%d distinct of %d)'
              % (name, len(set(lines)), len(set(exp))))
        pairs = [(e[1], e[2]) for e in got]
        exact = len(pairs) - len(set(pairs))  # same time, same line: Loki could not drop it
        seen = {}
        for ts, line in set(pairs):
            seen.setdefault(line, set()).add(ts)
        retimed = sum(len(v) - 1 for v in seen.values())  # same line at another time
        # Lines the log itself repeats (none here: each record names its rec-N).
        print('kill: %s: %d entries for %d records; duplicates: %d exact repeats (same '
              'time and line), %d re-stamped' % (name, len(got), len(exp), exact, retimed))
        check(retimed == 0, 'kill: %s: a re-sent entry carries its first timestamp' % name)
        # What Loki could not drop is bounded by the batches unacknowledged at each kill.
        check(exact <= (kills + 1) * 65536 // 100, 'kill: %s: repeats only from '
              'unacknowledged batches (%d)' % (name, exact))
        KILL_FIGURES[name] = (len(got), len(exp), exact, retimed)
    print('kill: %d pusher kills, 1 Loki kill' % kills)


KILL_FIGURES = {}


def main():
    global PUSH, QSPLIT
    PUSH, QSPLIT, case = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]), \
        sys.argv[3]
    if os.environ.get('QS_TEST_VALGRIND'):
        # memcheck's pass over the pusher is test_push.py's; against Loki it would only
        # repeat the plain run ten times slower.
        print('SKIP: the real-Loki cases run in the plain and ASan builds, not under memcheck')
        return 77
    if case == 'kill' and b'__asan_init' in open(PUSH, 'rb').read():
        # The kill test is about delivery, not memory; the ASan build runs 'shared' (CI time).
        print('SKIP: the kill test runs in the plain build only')
        return 77
    if not loki_server.loki_bin():
        print('SKIP: no Loki binary (../shared/loki/loki absent; set LOKI_BIN to one)')
        return 77
    t0 = time.time()
    with tempfile.TemporaryDirectory(prefix='qsplit-loki-') as d:
        globals()['case_' + case](d)
    print('%s: %.1f s' % (case, time.time() - t0))
    if FAILURES:
        print('%s: %d failure(s)' % (case, len(FAILURES)), file=sys.stderr)
        return 1
    print('%s: ok' % case)
    return 0


if __name__ == '__main__':
    sys.exit(main())
