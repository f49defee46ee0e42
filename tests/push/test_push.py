#!/usr/bin/env python3
"""End-to-end tests of qsplit-push against tests/push/loki_receiver.py, real processes on
127.0.0.1 with ephemeral ports.  Usage: test_push.py QSPLIT_PUSH CASE"""
import datetime
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
RECEIVER = os.path.join(HERE, 'loki_receiver.py')
PUSH = None  # the command that runs qsplit-push: [path], or memcheck around it
VG_LOGS = None  # under the 'valgrind' test setup: memcheck's logs, one per process
LABELS = {'env': 'prod', 'job': 'shop', 'host': 'h1', 'server': 's1'}
FAILURES = []


def asan_build(exe):
    """Is exe built with AddressSanitizer? Its shadow and quarantine are most of its RSS."""
    with open(exe, 'rb') as f:
        return b'__asan_init' in f.read()


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print('FAIL:', what, file=sys.stderr)


def wait_for(pred, timeout, what):
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return True
        time.sleep(0.05)
    raise AssertionError('timed out waiting for ' + what)


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Receiver:
    def __init__(self, d, port=0):
        self.store = os.path.join(d, 'stored.jsonl')
        pf = os.path.join(d, 'port-%d' % time.time_ns())
        self.p = subprocess.Popen([sys.executable, RECEIVER, '--port', str(port),
                                   '--port-file', pf, '--store', self.store])
        wait_for(lambda: os.path.exists(pf), 10, 'the receiver')
        self.port = int(open(pf).read())
        self.url = 'http://127.0.0.1:%d/loki/api/v1/push' % self.port

    def control(self, **kw):
        req = urllib.request.Request('http://127.0.0.1:%d/control' % self.port,
                                     data=json.dumps(kw).encode(), method='POST')
        urllib.request.urlopen(req, timeout=5).read()

    def stats(self):
        with urllib.request.urlopen('http://127.0.0.1:%d/stats' % self.port, timeout=5) as r:
            return json.load(r)

    def stop(self):
        self.p.terminate()
        self.p.wait(5)


def stored(store):
    if not os.path.exists(store):
        return []
    with open(store, encoding='utf-8') as f:
        return [json.loads(l) for l in f if l.endswith('\n')]


def console_entries(store):
    return [e for e in stored(store) if e['stream'].get('query') != 'true']


def ts_text(t):
    lt = time.localtime(t)
    return time.strftime('%Y-%m-%d %H:%M:%S', lt) + '.%03d' % int((t % 1) * 1000)


def write_records(path, first, n, t0=None, multiline=False, mode='a', extra=b''):
    """Records rec-<first>..; several share a millisecond; every 7th is multi-line."""
    t0 = time.time() - 60 if t0 is None else t0
    out = []
    for i in range(first, first + n):
        t = t0 + (i // 3) * 0.001
        head = '%s  INFO 4242 --- [main] c.e.shop.Service                  : ' % ts_text(t)
        if multiline and i % 7 == 0:
            rec = head + 'failed rec-%d\njava.lang.IllegalStateException: boom\n' \
                '\tat c.e.shop.Service.run(Service.java:%d)\n\tat java.lang.Thread.run(' \
                'Thread.java:833)\n' % (i, i)
        else:
            rec = head + 'handled rec-%d\n' % i
        out.append(rec.encode())
    with open(path, mode + 'b') as f:
        f.write(b''.join(out) + extra)


def rec_ids(entries):
    ids = []
    for e in entries:
        for w in e['line'].replace('\n', ' ').split():
            if w.startswith('rec-'):
                ids.append(int(w[4:]))
    return ids


def config(d, url, **over):
    # loki_receiver.py reads the JSON push only (protobuf is checked against a real Loki).
    c = {'client': {'url': url, 'batch_wait': '200ms', 'batch_size': '64KiB',
                    'tenant_id': 'team-a',
                    'backoff_config': {'min_period': '50ms', 'max_period': '400ms'}},
         'positions': {'filename': os.path.join(d, 'positions.yaml')},
         'labels': LABELS,
         'inputs': {'console': os.path.join(d, 'console.log')},
         'tailing': {'poll_interval': '50ms', 'multiline_max_wait': '300ms'}}
    for k, v in over.items():
        sect, _, key = k.partition('__')
        if key:
            c.setdefault(sect, {})[key] = v
        else:
            c[sect] = v
    c['client'].setdefault('format', 'json')
    # JSON is YAML: the pusher's libyaml reads it as it is.
    path = os.path.join(d, 'push.yaml')
    with open(path, 'w') as f:
        json.dump(c, f, indent=2)
    return path


def run_once(cfg, *flags, timeout=30, expect=0):
    p = subprocess.run([*PUSH, '--config', cfg, '--once', *flags], capture_output=True,
                       text=True, timeout=timeout)
    sys.stderr.write(p.stderr)
    check(p.returncode == expect, 'exit status %d, expected %d' % (p.returncode, expect))
    return p.stderr


def start(cfg, *flags):
    return subprocess.Popen([*PUSH, '--config', cfg, *flags], stderr=subprocess.PIPE, text=True)


def stop(p, sig=signal.SIGTERM):
    p.send_signal(sig)
    _, err = p.communicate(timeout=15)
    sys.stderr.write(err)
    return err


def final_stat(err, name):
    for line in err.splitlines():
        if 'final:' in line:
            for kv in line.split():
                if kv.startswith(name + '='):
                    return int(kv.split('=')[1])
    return None


def check_exact(store, n, what):
    ids = rec_ids(console_entries(store))
    check(sorted(ids) == list(range(n)), '%s: every record exactly once (%d ids, %d distinct'
          ' of %d)' % (what, len(ids), len(set(ids)), n))


def check_order(store):
    last = {}
    for e in stored(store):
        k = json.dumps(e['stream'], sort_keys=True)
        check(int(e['ts']) > last.get(k, 0), 'timestamps increase within a stream')
        last[k] = int(e['ts'])


# ---- cases ----------------------------------------------------------------------------

def case_happy(d):
    r = Receiver(d)
    write_records(os.path.join(d, 'console.log'), 0, 500)
    q = os.path.join(d, 'query.log')
    with open(q, 'w') as f:
        for i in range(20):
            f.write('{"QHash":"%032x","sql":"select %d from dual"}\n' % (i, i))
    cfg = config(d, r.url, inputs={'console': os.path.join(d, 'console.log'), 'query': q})
    err = run_once(cfg)
    check_exact(r.store, 500, 'happy')
    check_order(r.store)
    ent = stored(r.store)
    con = [e for e in ent if e['stream'].get('query') != 'true']
    qry = [e for e in ent if e['stream'].get('query') == 'true']
    check(all(e['stream'] == LABELS for e in con), 'console stream has the static labels only')
    check(all(e['stream'] == dict(LABELS, query='true') for e in qry), 'query stream labels')
    check([json.loads(e['line'])['sql'] for e in qry] == ['select %d from dual' % i
                                                          for i in range(20)], 'query lines')
    check(all(not e['line'].endswith('\n') for e in ent), 'lines have no trailing newline')
    # The record's own time: rec-0 was logged at t0 (to the millisecond).
    first = min(con, key=lambda e: int(e['ts']))
    want = int(time.mktime(time.strptime(first['line'][:19], '%Y-%m-%d %H:%M:%S'))) * 1000 \
        + int(first['line'][20:23])
    check(int(first['ts']) // 10**6 == want, 'timestamp taken from the record (%s vs %d ms)'
          % (first['ts'], want))
    st = r.stats()
    check(st['gzip'] == st['requests'] and st['requests'] > 0, 'bodies are gzip')
    check(st['tenants'].get('team-a') == st['requests'], 'X-Scope-OrgID sent')
    check(final_stat(err, 'entries_sent') == 520, 'stats count entries sent')
    check(final_stat(err, 'lines') == 520, 'stats count lines read')
    pos = os.path.join(d, 'positions.yaml')
    check(os.stat(pos).st_mode & 0o077 in (0, 0o040), 'positions file is 0640 or tighter')
    # Nothing new: a second run sends nothing (positions say all was acknowledged).
    n = len(ent)
    run_once(cfg)
    check(len(stored(r.store)) == n, 'a second run resends nothing')
    r.stop()


def case_split(d):
    """An unsplit console.log: SQL goes to the query stream with its QHash."""
    r = Receiver(d)
    path = os.path.join(d, 'console.log')
    t = ts_text(time.time() - 30)
    with open(path, 'w') as f:
        for i in range(50):
            f.write('%s DEBUG 4242 --- [main] c.e.s.m.UserMapper.find                : '
                    '==>  Preparing: SELECT id, name\n    FROM users\n    WHERE id = ? '
                    '-- rec-%d\n' % (t, i))
            f.write('%s  INFO 4242 --- [main] c.e.shop.Service                  : plain '
                    'rec-%d\n' % (t, 1000 + i))
    cfg = config(d, r.url, inputs={'split': path})
    run_once(cfg)
    ent = stored(r.store)
    con = [e for e in ent if e['stream'].get('query') != 'true']
    qry = [e for e in ent if e['stream'].get('query') == 'true']
    check(len(con) == 100, 'split: 100 console entries (%d)' % len(con))
    check(len(qry) >= 1, 'split: query entries sent (%d)' % len(qry))
    hashes = {json.loads(e['line'])['QHash'] for e in qry}
    sqlcon = [e for e in con if '"QHash":"' in e['line']]
    check(len(sqlcon) == 50, 'split: console SQL records end in their QHash')
    check(all(e['line'].split('"QHash":"')[1][:32] in hashes for e in sqlcon),
          'split: each console QHash has its query entry')
    check(all('FROM users' not in e['line'] for e in con), 'split: SQL left the console')
    check_order(r.store)
    r.stop()


def json_events(path, base_ms):
    """A JSON-layout console log logged yesterday: the four time forms of the real encoders
    (logstash-logback-encoder ISO with an offset, Spring Boot 3.4 ecs with 9 digits and Z,
    logback JsonEncoder's epoch ms number, logstash's [UNIX_TIMESTAMP_AS_STRING]), every
    5th a Hibernate statement. Returns {id: the event's time in ns}, ids ascending in time."""
    want, lines = {}, []
    plus2 = datetime.timezone(datetime.timedelta(hours=2))
    for i in range(40):
        ms, form = base_ms + 5 * i, i % 4
        ns = ms * 10**6 + (i * 1000 if form == 0 else i * 1000 + 7 if form == 1 else 0)
        sec, frac = divmod(ns, 10**9)
        if i % 5 == 0:
            logger, msg = 'org.hibernate.SQL', 'select u.id, u.name from users u where u.id=?'
        else:
            logger, msg = 'c.e.shop.Service', 'handled order'
        if form == 0:
            iso = datetime.datetime.fromtimestamp(sec, plus2).strftime('%Y-%m-%dT%H:%M:%S')
            ev = {'@timestamp': iso + '.%06d+02:00' % (frac // 1000), '@version': '1',
                  'message': msg, 'logger_name': logger, 'thread_name': 'main',
                  'level': 'INFO', 'level_value': 20000}
        elif form == 1:
            iso = datetime.datetime.fromtimestamp(sec, datetime.timezone.utc)
            ev = {'@timestamp': iso.strftime('%Y-%m-%dT%H:%M:%S') + '.%09dZ' % frac,
                  'log.level': 'INFO', 'process.pid': 4242, 'process.thread.name': 'main',
                  'log.logger': logger, 'message': msg, 'ecs.version': '8.11'}
        elif form == 2:
            ev = {'sequenceNumber': i, 'timestamp': ms, 'nanoseconds': frac, 'level': 'INFO',
                  'threadName': 'main', 'loggerName': logger, 'mdc': {}, 'message': msg}
        else:
            ev = {'timestamp': str(ms), 'message': msg, 'logger_name': logger,
                  'level': 'INFO'}
        ev['id'] = i
        want[i] = ns
        lines.append(json.dumps(ev, separators=(',', ':')) + '\n')
    with open(path, 'w') as f:
        f.write(''.join(lines))
    return want


def case_json(d):
    """A JSON console log shipped a day later: every entry at its event's own time, in
    console mode (the record reader) and split mode (the splitter), statements too."""
    base_ms = (int(time.time()) - 86400) * 1000 + 123
    for mode in ('console', 'split'):
        sub = os.path.join(d, mode)
        os.mkdir(sub)
        r = Receiver(sub)
        path = os.path.join(sub, 'console.log')
        want = json_events(path, base_ms)
        run_once(config(sub, r.url, inputs={mode: path}))
        ent = stored(r.store)
        con = [e for e in ent if e['stream'].get('query') != 'true']
        qry = [e for e in ent if e['stream'].get('query') == 'true']
        got = {json.loads(e['line'])['id']: int(e['ts']) for e in con}
        check(sorted(got) == sorted(want) and len(con) == len(want),
              '%s: every event once (%d entries)' % (mode, len(con)))
        bad = [i for i in want if got.get(i) != want[i]]
        check(not bad, '%s: each entry at its event time (wrong: %s)'
              % (mode, ', '.join('%d: %s vs %d' % (i, got.get(i), want[i]) for i in bad[:4])))
        sql_times = {want[i] for i in want if i % 5 == 0}
        if mode == 'split':
            check(len(qry) == len(sql_times), 'split: a query entry per statement (%d)'
                  % len(qry))
            check(all(int(e['ts']) in sql_times for e in qry),
                  'split: each statement at its console record time')
        else:
            check(not qry, 'console: no query stream')
        check_order(r.store)
        r.stop()


def case_split_options(d):
    """split_options: the core's options by their CLI names, checked when the file is read
    (a refusal names the option), applied to inputs.split."""
    r = Receiver(d)
    path = os.path.join(d, 'console.log')
    t = ts_text(time.time() - 30)
    with open(path, 'w') as f:
        for i in range(20):
            f.write('%s DEBUG 4242 --- [main] c.e.audit.Sql                     : '
                    'select name from users where id = %d -- rec-%d\n' % (t, i, i))
            f.write('%s  INFO 4242 --- [main] c.e.shop.Service                  : plain '
                    'rec-%d\n' % (t, 1000 + i))
    for opts, want in (({'max-record': '12'}, "split_options.max-record: '12'"),
                       ({'dialect': 'oracle'}, 'split_options.dialect: unknown value'),
                       ({'no-such': '1'}, "unknown option 'no-such'"),
                       ({'sql-regex': ['(?<sql>x', 'y']}, 'split_options.sql-regex')):
        p = subprocess.run([*PUSH, '--config', config(d, r.url, inputs={'split': path},
                                                      split_options=opts), '--once'],
                           capture_output=True, text=True, timeout=10)
        check(p.returncode != 0 and want in p.stderr,
              'split-options: %s refused naming it (%r)' % (opts, p.stderr.strip()))
    p = subprocess.run([*PUSH, '--config', config(d, r.url, split_options={'dedupe': 'on'}),
                        '--once'], capture_output=True, text=True, timeout=10)
    check(p.returncode == 2 and 'inputs.split' in p.stderr,
          'split-options: only with inputs.split')
    # Without the option the audit logger's messages are its own text; with it, SQL.
    run_once(config(d, r.url, inputs={'split': path},
                    split_options={'sql-logger': ['c.e.nothing', 'c.e.audit.*'],
                                   'dialect': 'mysql', 'max-record': '1M'}))
    ent = stored(r.store)
    qry = [e for e in ent if e['stream'].get('query') == 'true']
    con = [e for e in ent if e['stream'].get('query') != 'true']
    check(len(con) == 40, 'split-options: 40 console entries (%d)' % len(con))
    check(len(qry) >= 1 and sum(e['line'].count('"QHash"') for e in qry) == 20,
          'split-options: the 20 statements of the configured logger split')
    r.stop()


def case_banner(d):
    """A backlog two hours old that starts with the Spring banner keeps its own times."""
    r = Receiver(d)
    log = os.path.join(d, 'console.log')
    with open(log, 'w') as f:
        f.write('\n  .   ____          _\n :: Spring Boot ::   (v2.5.0)\n\n')
    t0 = time.time() - 7200
    write_records(log, 0, 200, t0=t0)
    run_once(config(d, r.url))
    con = sorted(console_entries(r.store), key=lambda e: int(e['ts']))
    check(len(con) > 200, 'banner: banner lines sent too (%d entries)' % len(con))
    check('Spring Boot' in ''.join(e['line'] for e in con[:len(con) - 200]),
          'banner: the banner comes first')
    first = con[len(con) - 200]
    want = int(time.mktime(time.strptime(first['line'][:19], '%Y-%m-%d %H:%M:%S'))) * 1000 \
        + int(first['line'][20:23])
    check(int(first['ts']) // 10**6 == want, 'banner: the backlog keeps its own times')
    check(abs(int(con[-1]['ts']) / 1e9 - t0) < 5, 'banner: not pulled forward to now')
    check_exact(r.store, 200, 'banner')
    r.stop()


def case_multiline(d):
    r = Receiver(d)
    write_records(os.path.join(d, 'console.log'), 0, 300, multiline=True)
    run_once(config(d, r.url))
    con = console_entries(r.store)
    check(len(con) == 300, 'multiline: one entry per record (%d)' % len(con))
    traces = [e for e in con if 'IllegalStateException' in e['line']]
    check(len(traces) == len(range(0, 300, 7)), 'multiline: stack traces kept whole')
    check(all(e['line'].count('\n') == 3 for e in traces), 'multiline: 4 lines in one entry')
    check_exact(r.store, 300, 'multiline')
    r.stop()


def case_retry(d, status):
    r = Receiver(d)
    write_records(os.path.join(d, 'console.log'), 0, 2000)
    body = 'Ingestion rate limit exceeded' if status == 429 else 'internal error'
    r.control(fail=status, count=3, body=body)
    err = run_once(config(d, r.url))
    check_exact(r.store, 2000, '%d then 204' % status)
    check(final_stat(err, 'retries') == 3, '%d: three retries counted' % status)
    st = r.stats()
    check(st['connections'] == 1 and st['requests'] >= 4,
          '%d: one kept-alive connection (%d for %d requests)' % (status, st['connections'],
                                                                 st['requests']))
    check(final_stat(err, 'dropped') == 0, '%d: nothing dropped' % status)
    r.stop()


def case_500(d):
    case_retry(d, 500)


def case_429(d):
    case_retry(d, 429)


def case_400(d):
    r = Receiver(d)
    write_records(os.path.join(d, 'console.log'), 0, 2000)
    r.control(fail=400, count=1, body='bad request: no way')
    err = run_once(config(d, r.url))
    ids = rec_ids(console_entries(r.store))
    dropped = final_stat(err, 'dropped')
    check(dropped and dropped > 0, '400: dropped entries counted (%s)' % dropped)
    check(len(ids) == len(set(ids)) and len(ids) + dropped == 2000,
          '400: the rest arrives once (%d + %s)' % (len(ids), dropped))
    check('no way' in err, "400: Loki's answer logged")
    check(final_stat(err, 'retries') == 0, '400: never retried')
    r.stop()
    # Records older than reject_old_samples_max_age: said plainly, counted, --read-time helps.
    d2 = os.path.join(d, 'old')
    os.mkdir(d2)
    r = Receiver(d2)
    write_records(os.path.join(d2, 'console.log'), 0, 100, t0=time.time() - 10 * 86400)
    cfg = config(d2, r.url)
    err = run_once(cfg)
    check('--read-time' in err, 'old records: the read-time option is named')
    check(final_stat(err, 'too_old') >= 100, 'old records counted')
    check(len(console_entries(r.store)) == 0, 'old records refused by the receiver')
    os.unlink(os.path.join(d2, 'positions.yaml'))
    run_once(cfg, '--read-time')
    check_exact(r.store, 100, 'old records with --read-time')
    r.stop()


def case_down(d):
    port = free_port()
    url = 'http://127.0.0.1:%d/loki/api/v1/push' % port
    write_records(os.path.join(d, 'console.log'), 0, 1000)
    cfg = config(d, url, client={'url': url, 'batch_wait': '100ms', 'batch_size': '16KiB',
                                 'basic_auth': {'username': 'u', 'password': 'S3cret-pw'},
                                 'backoff_config': {'min_period': '50ms',
                                                    'max_period': '300ms'}})
    write_records(os.path.join(d, 'console.log'), 2000, 50000)  # ~5 MB waiting
    p = start(cfg, '--stats-interval', '500ms')
    time.sleep(8 if VG_LOGS else 1.5)  # memcheck takes seconds to start the pusher
    # Loki down: reading stops at the first batch, memory stays flat.
    hwm = [l for l in open('/proc/%d/status' % p.pid) if l.startswith('VmHWM')][0]
    # Under memcheck or AddressSanitizer most of RSS is the tool's, not the pusher's.
    check(VG_LOGS or asan_build(PUSH[-1]) or int(hwm.split()[1]) < 20 * 1024,
          'down: bounded memory (%s)' % hwm.strip())
    r = Receiver(d, port)
    wait_for(lambda: len(console_entries(r.store)) >= 51000, 60, 'all records after Loki is up')
    write_records(os.path.join(d, 'console.log'), 1000, 100, t0=time.time() - 10)
    wait_for(lambda: len(console_entries(r.store)) >= 51100, 10, 'records appended later')
    err = stop(p)
    check(p.returncode == 0, 'down: SIGTERM exits 0')
    ids = rec_ids(console_entries(r.store))
    check(sorted(ids) == list(range(1100)) + list(range(2000, 52000)),
          'down then up: every record exactly once')
    check('S3cret-pw' not in err, 'the password is never printed')
    check('retry' in err, 'down: retries logged')
    check(r.stats()['auth'].get('Basic', 0) > 0, 'basic auth sent')
    r.stop()


def case_sigterm(d):
    """SIGTERM ships the record still held for its continuation lines, and exits 0."""
    r = Receiver(d)
    log = os.path.join(d, 'console.log')
    write_records(log, 0, 10)
    p = start(config(d, r.url, tailing={'poll_interval': '50ms', 'multiline_max_wait': '1h'}))
    wait_for(lambda: len(console_entries(r.store)) >= 9, 10, 'all but the held record')
    time.sleep(0.3)
    check(len(console_entries(r.store)) == 9, 'sigterm: the last record is held')
    err = stop(p)
    check(p.returncode == 0, 'sigterm: exit 0')
    check_exact(r.store, 10, 'sigterm: the held record shipped')
    pos = open(os.path.join(d, 'positions.yaml')).read()
    check(str(os.path.getsize(log)) in pos, 'sigterm: positions at the end of the file')
    r.stop()


def case_kill(d):
    r = Receiver(d)
    log = os.path.join(d, 'console.log')
    n = 20000
    write_records(log, 0, n // 2, multiline=True)
    cfg = config(d, r.url, client={'url': r.url, 'batch_wait': '50ms', 'batch_size': '8KiB'})
    rnd = random.Random(int(os.environ.get('QS_SEED', '7')))
    kills = 0
    for i in range(6):
        p = start(cfg)
        time.sleep(rnd.uniform(0.05, 0.5))
        if i == 2:
            write_records(log, n // 2, n // 2, multiline=True)
        p.kill()
        p.communicate(timeout=10)
        kills += 1
    run_once(cfg, timeout=60)
    ids = rec_ids(console_entries(r.store))
    check(set(ids) == set(range(n)), 'kill -9: every record arrives (%d of %d)' %
          (len(set(ids)), n))
    # At most the unacknowledged batch per kill: a batch holds < 8 KiB of records.
    per_batch = 8192 // 90 + 1
    dups = len(ids) - len(set(ids))
    print('kill -9: %d kills, %d duplicates (bound %d)' % (kills, dups, kills * per_batch))
    check(dups <= kills * per_batch, 'kill -9: duplicates only from unacknowledged batches')
    r.stop()


def case_rotate(d):
    r = Receiver(d)
    log = os.path.join(d, 'console.log')
    write_records(log, 0, 200)
    p = start(config(d, r.url))
    wait_for(lambda: len(console_entries(r.store)) >= 200, 10, 'the first records')
    # Rotation: rename, a last write to the old file, then a new file.
    os.rename(log, log + '.1')
    write_records(log + '.1', 200, 20)
    time.sleep(0.2)
    write_records(log, 220, 200, mode='w')
    wait_for(lambda: len(console_entries(r.store)) >= 420, 10, 'records after rotation')
    # Truncation (copytruncate): the file shrinks and starts again.
    time.sleep(0.3)
    with open(log, 'r+b') as f:
        f.truncate(0)
    time.sleep(0.3)
    write_records(log, 420, 50)
    wait_for(lambda: len(console_entries(r.store)) >= 470, 10, 'records after truncation')
    err = stop(p)
    check('rotated' in err and 'truncated' in err, 'rotation and truncation logged')
    check_exact(r.store, 470, 'rotation and truncation')
    check_order(r.store)
    r.stop()


def case_copytruncate(d):
    """logrotate's copytruncate, the file written again past the old offset before the
    pusher looks: seen by the file's first bytes, live and across a restart."""
    r = Receiver(d)
    log = os.path.join(d, 'console.log')
    write_records(log, 0, 200)
    cfg = config(d, r.url)
    p = start(cfg)
    wait_for(lambda: len(console_entries(r.store)) >= 200, 10, 'the first records')
    time.sleep(0.3)
    # Live: truncate and write more than there was, in well under one poll interval.
    with open(log, 'r+b') as f:
        f.truncate(0)
    write_records(log, 200, 400)
    wait_for(lambda: set(range(600)) <= set(rec_ids(console_entries(r.store))), 10,
             'every record after the live copytruncate')
    err = stop(p)
    check('truncated' in err, 'copytruncate: logged')
    # Stopped: the same while the pusher is away; positions name the same inode.
    with open(log, 'r+b') as f:
        f.truncate(0)
    write_records(log, 600, 800)
    before = len(rec_ids(console_entries(r.store)))
    err = run_once(cfg)
    ids = rec_ids(console_entries(r.store))[before:]
    check(sorted(ids) == list(range(600, 1400)),
          'copytruncate while stopped: the new content once, from its start (%d ids, first %s)'
          % (len(ids), ids[:1]))
    check('not the file of the saved position' in err, 'copytruncate while stopped: logged')
    lost = set(range(1400)) - set(rec_ids(console_entries(r.store)))
    check(not lost, 'copytruncate: no record lost (%d lost)' % len(lost))
    r.stop()


def case_utf8(d):
    r = Receiver(d)
    log = os.path.join(d, 'console.log')
    t = ts_text(time.time() - 10)
    with open(log, 'wb') as f:
        f.write(('%s  INFO 1 --- [main] c.e.X : bad \xff\xfe bytes rec-0\n' % t)
                .encode('latin-1'))
        f.write(('%s  INFO 1 --- [main] c.e.X : cut \xc3 and nul \x00 here rec-1\n' % t)
                .encode('latin-1'))
        f.write(('%s  INFO 1 --- [main] c.e.X : fine ünïcødé ✓ rec-2\n' % t).encode())
        f.write(('%s  INFO 1 --- [main] c.e.X : surrogate \xed\xa0\x80 rec-3\n' % t)
                .encode('latin-1'))
    err = run_once(config(d, r.url))
    ent = {e['line'].split()[-1]: e['line'] for e in console_entries(r.store)}
    check(len(ent) == 4, 'utf8: all four records stored (%d)' % len(ent))
    check('bad \ufffd\ufffd bytes' in ent.get('rec-0', ''), 'utf8: bad bytes become U+FFFD')
    check('cut \ufffd and nul \x00 here' in ent.get('rec-1', ''), 'utf8: cut sequence, NUL')
    check('ünïcødé ✓' in ent.get('rec-2', ''), 'utf8: valid text untouched')
    check('\ufffd\ufffd\ufffd' in ent.get('rec-3', ''), 'utf8: surrogates refused')
    check(final_stat(err, 'utf8_repaired') == 6, 'utf8: repaired bytes counted')
    r.stop()


def case_big(d):
    """An entry over max_entry_size is cut, never retried against the 4 MiB limit."""
    r = Receiver(d)
    log = os.path.join(d, 'console.log')
    t = ts_text(time.time() - 10)
    with open(log, 'w') as f:
        f.write('%s  INFO 1 --- [main] c.e.X : huge rec-0 %s\n' % (t, 'x' * (5 << 20)))
        f.write('%s  INFO 1 --- [main] c.e.X : small rec-1\n' % t)
    err = run_once(config(d, r.url, client={'url': r.url, 'max_entry_size': '1MiB',
                                            'batch_size': '1MiB'}))
    con = console_entries(r.store)
    check(sum(len(e['line']) for e in con) >= 5 << 20, 'big: all bytes arrive')
    check(max(len(e['line']) for e in con) <= 1 << 20, 'big: pieces within max_entry_size')
    check(r.stats()['statuses'].get('500', 0) == 0, 'big: never over the limit')
    check(final_stat(err, 'cut_entries') == 1, 'big: counted')
    r.stop()


def case_querylong(d):
    """query.log lines come whole; one over the record limit (8 MiB) comes in pieces, in
    order and within max_entry_size; an unterminated last line is shipped at the end."""
    r = Receiver(d)
    write_records(os.path.join(d, 'console.log'), 0, 3)
    q = os.path.join(d, 'query.log')
    t = ts_text(time.time() - 10)
    lines = ['{"QHash":"%032x","sql":"select 1","ts":"%s"}\n' % (1, t),
             '{"QHash":"%032x","sql":"%s"}\n' % (2, 'y' * (9 << 20)),
             '{"QHash":"%032x","sql":"select 3","ts":"%s"}\n' % (3, t),
             '{"QHash":"%032x","sql":"select 4 unterminated"}' % 4]
    with open(q, 'w') as f:
        f.write(''.join(lines))
    cfg = config(d, r.url, inputs={'console': os.path.join(d, 'console.log'), 'query': q},
                 client={'url': r.url, 'max_entry_size': '1MiB', 'batch_size': '1MiB'})
    err = run_once(cfg, timeout=60)
    qry = sorted((e for e in stored(r.store) if e['stream'].get('query') == 'true'),
                 key=lambda e: int(e['ts']))
    check(''.join(e['line'] for e in qry) == ''.join(l.rstrip('\n') for l in lines),
          'querylong: every byte of every line, in order')
    check(qry[0]['line'] == lines[0].rstrip('\n'), 'querylong: a short line is one entry')
    check(max(len(e['line']) for e in qry) <= 1 << 20, 'querylong: pieces within max_entry_size')
    check(qry[-1]['line'] == lines[3], 'querylong: the unterminated last line is shipped')
    n = len(stored(r.store))
    run_once(cfg)
    check(len(stored(r.store)) == n, 'querylong: a second run resends nothing')
    r.stop()


def case_toolarge(d):
    """Pushes over the limit are sent in halves; batch_size counts what Loki decodes."""
    def part(name, control, n, client, extra=b''):
        d2 = os.path.join(d, name)
        os.mkdir(d2)
        r = Receiver(d2)
        r.control(**control)
        write_records(os.path.join(d2, 'console.log'), 0, n, extra=extra)
        c = {'url': r.url, 'batch_size': '1MiB', 'gzip_level': 0}
        c.update(client)
        err = run_once(config(d2, r.url, client=c), timeout=60)
        return r, err
    # Loki's own limit set lower than the batch: 500 "larger than max", halved until it fits.
    r, err = part('grpc', {'max_decoded': 100 << 10}, 4000, {})
    check_exact(r.store, 4000, 'toolarge/grpc')
    check_order(r.store)
    check(r.stats()['too_large'] >= 1 and final_stat(err, 'halved') >= 1,
          'toolarge/grpc: refused, then halved')
    check(final_stat(err, 'dropped') == 0, 'toolarge/grpc: nothing dropped')
    r.stop()
    # nginx in front with client_max_body_size: 413, halved the same way.
    r, err = part('nginx', {'max_body': 60 << 10}, 4000, {})
    check_exact(r.store, 4000, 'toolarge/nginx')
    check(r.stats()['statuses'].get('413', 0) >= 1 and final_stat(err, 'dropped') == 0,
          'toolarge/nginx: 413, then halved, nothing dropped')
    r.stop()
    # One entry over the limit on its own: it alone is dropped, and counted.
    t = ts_text(time.time() - 30)
    huge = ('%s  INFO 1 --- [main] c.e.X : huge %s\n' % (t, 'x' * (150 << 10))).encode()
    r, err = part('single', {'max_decoded': 100 << 10}, 50, {}, extra=huge)
    check_exact(r.store, 50, 'toolarge/single')
    check(final_stat(err, 'dropped') == 1 and 'too large to send on its own' in err,
          'toolarge/single: the one entry dropped, with a message')
    r.stop()
    # Binary garbage: every byte a 3-byte U+FFFD in Loki. At the largest batch_size the
    # batch is cut by its decoded size, so no push reaches Loki's 4 MiB.
    d2 = os.path.join(d, 'binary')
    os.mkdir(d2)
    r = Receiver(d2)
    with open(os.path.join(d2, 'console.log'), 'wb') as f:
        for i in range(600):
            f.write(('%s  INFO 1 --- [main] c.e.X : bin rec-%d ' % (t, i)).encode() +
                    bytes(range(0x80, 0x100)) * 40 + b'\n')
    err = run_once(config(d2, r.url, client={'url': r.url, 'batch_size': '3MiB'}),
                   timeout=60)
    check_exact(r.store, 600, 'toolarge/binary')
    st = r.stats()
    print('toolarge/binary: largest push %d bytes decoded' % st['max_decoded'])
    # batch_size counts the decoded size (U+FFFD included), so no push exceeds it.
    check(st.get('too_large', 0) == 0 and 5 << 19 < st['max_decoded'] <= 3 << 20,
          'toolarge/binary: batches near 3 MiB decoded, none over batch_size (max %d)' %
          st['max_decoded'])
    check(final_stat(err, 'utf8_repaired') == 600 * 128 * 40, 'toolarge/binary: repaired')
    r.stop()


def case_config(d):
    """Bad configuration is refused with a message; flags override the file."""
    cfg = config(d, 'http://127.0.0.1:1/loki/api/v1/push', labels={'bad-name': 'x'})
    p = subprocess.run([*PUSH, '--config', cfg, '--once'], capture_output=True, text=True,
                       timeout=10)
    check(p.returncode != 0 and 'label name' in p.stderr, 'config: bad label name refused')
    cfg = config(d, 'http://127.0.0.1:1/x', client={'url': 'x', 'batch_size': '5MiB'})
    p = subprocess.run([*PUSH, '--config', cfg], capture_output=True, text=True, timeout=10)
    check(p.returncode != 0 and '4 MiB' in p.stderr, 'config: batch over Loki limit refused')
    p = subprocess.run([*PUSH, '--bogus'], capture_output=True, text=True, timeout=10)
    check(p.returncode == 2, 'config: unknown flag is a usage error')
    p = subprocess.run([*PUSH, '--config', config(d, 'http://127.0.0.1:1/x'), '--once',
                        '--timezone', 'Mars/Olympus'], capture_output=True, text=True,
                       timeout=10)
    check(p.returncode != 0 and 'timestamps.timezone' in p.stderr and 'Mars/Olympus' in p.stderr,
          'config: unknown time zone refused')
    r = Receiver(d)
    write_records(os.path.join(d, 'console.log'), 0, 10)
    cfg = config(d, 'http://127.0.0.1:1/wrong')
    run_once(cfg, '--url', r.url, '--label', 'job=override')
    ent = console_entries(r.store)
    check(len(ent) == 10 and ent[0]['stream']['job'] == 'override', 'config: flags override')
    # Record times without an offset are in timestamps.timezone.
    # 'local' is the TZ variable, read by the pusher (the library reads no environment).
    for tz, shift in (('UTC', 0), ('Asia/Tokyo', 9 * 3600), ('local', 9 * 3600)):
        d2 = os.path.join(d, tz.replace('/', '-'))
        os.mkdir(d2)
        r2 = Receiver(d2)
        t = int(time.time()) - 60
        with open(os.path.join(d2, 'console.log'), 'w') as f:
            f.write('%s.250  INFO 1 --- [main] c.e.X : tz rec-0\n' %
                    time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(t)))
        env = dict(os.environ, TZ='Asia/Tokyo') if tz == 'local' else None
        p = subprocess.run([*PUSH, '--config', config(d2, r2.url), '--once', '--timezone', tz],
                           capture_output=True, text=True, timeout=30, env=env)
        check(p.returncode == 0, 'config: --timezone %s runs: %s' % (tz, p.stderr))
        ent = console_entries(r2.store)
        check(len(ent) == 1 and int(ent[0]['ts']) == (t - shift) * 10**9 + 250 * 10**6,
              'config: --timezone %s' % tz)
        r2.stop()
    # The shipped example parses, every key in it known.
    example = os.path.join(HERE, '..', '..', 'tools', 'push', 'push.yaml')
    q = os.path.join(d, 'query.log')
    open(q, 'w').write('{"QHash":"%s","sql":"select 1"}\n' % ('0' * 32))
    run_once(example, '--url', r.url, '--format', 'json', '--console',
             os.path.join(d, 'console.log'),
             '--query', q, '--positions', os.path.join(d, 'pos2.yaml'))
    check(len(stored(r.store)) == 21, 'config: the example push.yaml works')
    r.stop()


def valgrind_reports():
    """Under the 'valgrind' setup, memcheck's reports on every qsplit-push run: the setup
    cannot follow this test's children itself when python3 is started through a script
    (pyenv's shims run under /usr/bin/env, which memcheck does not trace)."""
    reports = []
    for f in sorted(os.listdir(VG_LOGS)):
        text = open(os.path.join(VG_LOGS, f), errors='replace').read()
        if text.strip():
            reports.append('%s:\n%s' % (f, text))
    return reports


def main():
    global PUSH, VG_LOGS
    PUSH = [os.path.abspath(sys.argv[1])]
    case = sys.argv[2]
    with tempfile.TemporaryDirectory(prefix='qsplit-push-') as d:
        if os.environ.get('QS_TEST_VALGRIND'):
            VG_LOGS = os.path.join(d, 'valgrind')
            os.mkdir(VG_LOGS)
            supp = os.path.join(HERE, '..', 'reliability', 'valgrind.supp')
            PUSH = ['valgrind', '--quiet', '--leak-check=full',
                    '--errors-for-leak-kinds=definite,indirect',
                    '--show-leak-kinds=definite,indirect', '--suppressions=' + supp,
                    '--log-file=' + os.path.join(VG_LOGS, 'vg.%p.log')] + PUSH
        globals()['case_' + case.replace('-', '_')](d)
        if VG_LOGS:
            for rep in valgrind_reports():
                check(False, 'memcheck report on qsplit-push: ' + rep)
    if FAILURES:
        print('%s: %d failure(s)' % (case, len(FAILURES)), file=sys.stderr)
        return 1
    print('%s: ok' % case)
    return 0


if __name__ == '__main__':
    sys.exit(main())
