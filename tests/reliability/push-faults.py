#!/usr/bin/env python3
"""qsplit-push under faults, end to end, counted.  Usage:

    push-faults.py QSPLIT_PUSH CASE [--kills N] [--seed S]

Cases (each prints one line of figures; exit 1 on a lost record or a broken bound):
  kill     kill -9 at N random points (default 100) while the log grows; then a clean run
  outage   the receiver goes away and comes back 5 times while records are appended
  slow     answers slower than client.timeout: the pusher times out and sends again
  storm    a storm of 300 answers 429, then Loki recovers
  disk     positions on a file size limit (EFBIG, as a full disk), and in an unwritable
           place (ENOTDIR, EROFS): the pusher fails, its positions stay whole and old, and a
           later run ships every record

Every case checks that each record reaches the receiver, and that duplicates come only from
batches the receiver stored but never acknowledged (counted: killed or timed-out requests
times the entries a batch holds). Peak memory is the pusher's VmHWM, read from /proc just
before it ends. The receiver is tests/push/loki_receiver.py, run in this process so that
its answers can be delayed.
"""
import argparse
import json
import os
import random
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.environ.get('QS_SOURCE_ROOT') or os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(SRC, 'tests', 'push'))
import loki_receiver as lr  # noqa: E402
import test_push as tp  # noqa: E402

PUSH = None
FAILURES = []
REC_BYTES = 90  # a one-line record of write_records, about


def rss_bound_kib():
    """32 MiB, but none under AddressSanitizer: its shadow and quarantine are most of RSS."""
    return None if tp.asan_build(PUSH) else 32 * 1024


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print('FAIL:', what, file=sys.stderr)
    return cond


class Receiver:
    """loki_receiver in a thread, with a delay before answering and a way to go down."""

    def __init__(self, d, port=0):
        self.store = os.path.join(d, 'stored.jsonl')
        self.delay = 0.0
        self.delayed = 0  # requests answered after a delay
        self.port = port
        self.srv = None
        self.start()

    def start(self):
        outer = self

        class Slow(lr.Handler):
            def do_POST(self):
                if self.path == '/loki/api/v1/push' and outer.delay:
                    outer.delayed += 1
                    time.sleep(outer.delay)
                super().do_POST()

        state = self.srv.state if self.srv else lr.State(self.store)
        for _ in range(100):  # the port may linger a moment after a stop
            try:
                self.srv = lr.Server(('127.0.0.1', self.port), Slow)
                break
            except OSError:
                time.sleep(0.05)
        self.srv.state = state
        self.port = self.srv.server_address[1]
        self.url = 'http://127.0.0.1:%d/loki/api/v1/push' % self.port
        self.t = threading.Thread(target=self.srv.serve_forever, kwargs={'poll_interval': 0.02},
                                  daemon=True)
        self.t.start()

    def stop(self):
        self.srv.shutdown()
        self.srv.server_close()

    def fail(self, status, count, body):
        with self.srv.state.lock:
            self.srv.state.fail = [(status, body)] * count

    def stats(self):
        with self.srv.state.lock:
            return json.loads(json.dumps(self.srv.state.c))


def hwm_kib(pid):
    try:
        with open('/proc/%d/status' % pid) as f:
            for line in f:
                if line.startswith('VmHWM:'):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def config(d, url, **client):
    c = {'url': url, 'batch_wait': '50ms', 'batch_size': '8KiB', 'timeout': '2s',
         'backoff_config': {'min_period': '20ms', 'max_period': '200ms'}}
    c.update(client)
    return tp.config(d, url, client=c)


def start(cfg):
    return subprocess.Popen([PUSH, '--config', cfg, '--stats-interval', '0'],
                            stderr=subprocess.PIPE, text=True)


def finish(cfg, timeout=120):
    """A last clean run to the end of the files; its peak memory."""
    p = subprocess.Popen([PUSH, '--config', cfg, '--once'], stderr=subprocess.PIPE, text=True)
    peak = 0
    t0 = time.time()
    while p.poll() is None and time.time() - t0 < timeout:
        peak = max(peak, hwm_kib(p.pid))
        time.sleep(0.05)
    _, err = p.communicate(timeout=timeout)
    check(p.returncode == 0, 'the final run exits 0 (%d): %s' % (p.returncode, err[-300:]))
    return peak


def tally(store, n):
    ids = tp.rec_ids(tp.console_entries(store))
    lost = n - len(set(ids) & set(range(n)))
    return len(ids), lost, len(ids) - len(set(ids))


def report(case, **kv):
    print('%s: %s' % (case, ' '.join('%s=%s' % (k, v) for k, v in kv.items())))


def case_kill(d, a):
    rnd = random.Random(a.seed)
    r = Receiver(d)
    log = os.path.join(d, 'console.log')
    n = 0
    tp.write_records(log, 0, 5000, multiline=True)
    n = 5000
    cfg = config(d, r.url)
    peak = 0
    t0 = time.time()
    for i in range(a.kills):
        p = start(cfg)
        time.sleep(rnd.uniform(0.01, 0.4))
        peak = max(peak, hwm_kib(p.pid))
        p.kill()
        p.communicate(timeout=10)
        if i % 10 == 9:  # the application keeps logging
            tp.write_records(log, n, 2000, multiline=True)
            n += 2000
    peak = max(peak, finish(cfg))
    got, lost, dups = tally(r.store, n)
    # A kill can cost at most the batch in flight: < 8 KiB of records, resent.
    bound = a.kills * (8192 // REC_BYTES + 1)
    check(lost == 0, 'kill: %d records lost' % lost)
    check(dups <= bound, 'kill: %d duplicates over the bound %d' % (dups, bound))
    report('kill', kills=a.kills, records=n, received=got, lost=lost, duplicates=dups,
           dup_bound=bound, peak_rss_kib=peak, seconds=round(time.time() - t0, 1))
    r.stop()


def case_outage(d, a):
    rnd = random.Random(a.seed)
    r = Receiver(d)
    log = os.path.join(d, 'console.log')
    tp.write_records(log, 0, 2000)
    n = 2000
    cfg = config(d, r.url)
    p = start(cfg)
    peak = 0
    t0 = time.time()
    for k in range(5):
        time.sleep(rnd.uniform(0.2, 0.6))
        r.stop()  # down: connections refused
        for _ in range(10):
            tp.write_records(log, n, 1000)
            n += 1000
            peak = max(peak, hwm_kib(p.pid))
            time.sleep(0.1)
        r.start()
    tp.wait_for(lambda: tally(r.store, n)[1] == 0, 60, 'all records after the outages')
    peak = max(peak, hwm_kib(p.pid))
    p.send_signal(signal.SIGTERM)
    _, err = p.communicate(timeout=20)
    check(p.returncode == 0, 'outage: SIGTERM exits 0')
    got, lost, dups = tally(r.store, n)
    check(lost == 0, 'outage: %d records lost' % lost)
    # a server stopped mid-request may have stored a batch it never acknowledged
    bound = 5 * (8192 // REC_BYTES + 1)
    check(dups <= bound, 'outage: %d duplicates over the bound %d' % (dups, bound))
    limit = rss_bound_kib()
    check(not limit or peak < limit, 'outage: peak RSS %d KiB' % peak)
    report('outage', outages=5, records=n, received=got, lost=lost, duplicates=dups,
           dup_bound=bound, peak_rss_kib=peak, seconds=round(time.time() - t0, 1))
    r.stop()


def case_slow(d, a):
    r = Receiver(d)
    log = os.path.join(d, 'console.log')
    n = 20000
    tp.write_records(log, 0, n)
    cfg = config(d, r.url, timeout='500ms')
    p = start(cfg)
    peak = 0
    t0 = time.time()
    for _ in range(3):  # slow spells: answers after 0.8 s, past the 0.5 s timeout
        r.delay = 0.8
        time.sleep(2)
        peak = max(peak, hwm_kib(p.pid))
        r.delay = 0
        time.sleep(0.5)
    tp.wait_for(lambda: tally(r.store, n)[1] == 0, 60, 'all records after the slow spells')
    peak = max(peak, hwm_kib(p.pid))
    p.send_signal(signal.SIGTERM)
    _, err = p.communicate(timeout=20)
    got, lost, dups = tally(r.store, n)
    timeouts = err.count('timed out') + err.count('Timeout')
    bound = r.delayed * (8192 // REC_BYTES + 1)
    check(r.delayed > 0 and 'retry' in err, 'slow: requests timed out and were retried')
    check(lost == 0, 'slow: %d records lost' % lost)
    check(dups <= bound, 'slow: %d duplicates over the bound %d' % (dups, bound))
    report('slow', records=n, delayed_requests=r.delayed, timeouts_logged=timeouts,
           received=got, lost=lost, duplicates=dups, dup_bound=bound, peak_rss_kib=peak,
           seconds=round(time.time() - t0, 1))
    r.stop()


def case_storm(d, a):
    r = Receiver(d)
    log = os.path.join(d, 'console.log')
    n = 20000
    tp.write_records(log, 0, n)
    r.fail(429, 300, 'Ingestion rate limit exceeded for user fake (limit: 4 MB/sec)')
    cfg = config(d, r.url, backoff_config={'min_period': '5ms', 'max_period': '20ms'})
    t0 = time.time()
    peak = finish(cfg, timeout=120)
    got, lost, dups = tally(r.store, n)
    st = r.stats()
    check(st['statuses'].get('429', 0) == 300, 'storm: 300 answers 429 (%s)' % st['statuses'])
    check(lost == 0, 'storm: %d records lost' % lost)
    check(dups == 0, 'storm: %d duplicates (a 429 stores nothing)' % dups)
    limit = rss_bound_kib()
    check(not limit or peak < limit, 'storm: peak RSS %d KiB' % peak)
    report('storm', answers_429=st['statuses'].get('429', 0), records=n, received=got,
           lost=lost, duplicates=dups, peak_rss_kib=peak, seconds=round(time.time() - t0, 1))
    r.stop()


def limited_fsize():
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of a killed process
    resource.setrlimit(resource.RLIMIT_FSIZE, (40, 40))


def case_disk(d, a):
    r = Receiver(d)
    log = os.path.join(d, 'console.log')
    tp.write_records(log, 0, 500)
    pos = os.path.join(d, 'positions.yaml')
    cfg = config(d, r.url)
    p = subprocess.run([PUSH, '--config', cfg, '--once'], capture_output=True, text=True,
                       timeout=60)
    check(p.returncode == 0, 'disk: the first run ships')
    before = open(pos).read()
    tp.write_records(log, 500, 1500)
    # 1. the positions file cannot be written (file size limit: EFBIG, like a full disk)
    p = subprocess.run([PUSH, '--config', cfg, '--once'], capture_output=True, text=True,
                       timeout=60, preexec_fn=limited_fsize)
    efbig_rc = p.returncode
    check(p.returncode != 0, 'disk EFBIG: the pusher reports failure (exit %d)' % p.returncode)
    check('positions' in p.stderr and 'large' in p.stderr,
          'disk EFBIG: the message names the positions file and the cause: %s'
          % p.stderr.strip()[-200:])
    check(open(pos).read() == before, 'disk EFBIG: the positions file is the old one, whole')
    check(not os.path.exists(pos + '.tmp'), 'disk EFBIG: no temp file left behind')
    # 2. unwritable places for positions: under a file (ENOTDIR) and on read-only sysfs
    unwritable = {'ENOTDIR': os.path.join(log, 'positions.yaml')}
    if not os.access('/sys', os.W_OK) or os.statvfs('/sys').f_flag & os.ST_RDONLY:
        unwritable['EROFS'] = '/sys/qsplit-positions.yaml'
    causes = {}
    for cause, bad in unwritable.items():
        cfgb = tp.config(os.path.join(d), r.url, positions={'filename': bad},
                         client={'url': r.url, 'batch_wait': '50ms', 'batch_size': '8KiB'})
        p = subprocess.run([PUSH, '--config', cfgb, '--once'], capture_output=True,
                           text=True, timeout=60)
        causes[cause] = p.returncode
        check(p.returncode != 0, 'disk %s: the pusher reports failure' % cause)
        check('positions' in p.stderr, 'disk %s: the message names the positions file: %s'
              % (cause, p.stderr.strip()[-200:]))
    # 3. room again: every record arrives; duplicates at most what the failed runs sent
    cfg = config(d, r.url)
    finish(cfg)
    got, lost, dups = tally(r.store, 2000)
    failed_runs = 1 + len(unwritable)
    check(lost == 0, 'disk: %d records lost' % lost)
    # a failed run ships at most its first batch before the positions write fails
    bound = failed_runs * (8192 // REC_BYTES + 1)
    check(dups <= bound, 'disk: %d duplicates over the bound %d' % (dups, bound))
    report('disk', efbig_exit=efbig_rc, unwritable=causes, records=2000, received=got,
           lost=lost, duplicates=dups, dup_bound=bound)
    r.stop()


def main():
    global PUSH
    ap = argparse.ArgumentParser()
    ap.add_argument('push')
    ap.add_argument('case', choices=['kill', 'outage', 'slow', 'storm', 'disk'])
    ap.add_argument('--kills', type=int, default=100)
    ap.add_argument('--seed', type=int, default=int(os.environ.get('QS_SEED', '11')))
    a = ap.parse_args()
    PUSH = os.path.abspath(a.push)
    tp.PUSH = [PUSH] if PUSH else None
    with tempfile.TemporaryDirectory(prefix='qsplit-faults-') as d:
        globals()['case_' + a.case](d, a)
    if FAILURES or tp.FAILURES:
        print('%s: %d failure(s)' % (a.case, len(FAILURES) + len(tp.FAILURES)),
              file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
