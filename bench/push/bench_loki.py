#!/usr/bin/env python3
"""Side by side on the same file and the same real Loki: qsplit-push in protobuf+snappy,
qsplit-push in JSON+gzip, and Promtail (examples/promtail/promtail.yaml), alternating,
medians of --runs runs. Reports CPU seconds per GB (user+sys of the shipper alone, from
getrusage), peak RSS, wall time until Loki has every entry, and bytes on the wire (the
pusher's wire_bytes). Not a test: it takes minutes.

    python3 bench/push/bench_loki.py --push build/tools/push/qsplit-push \\
        --qsplit build/tools/qsplit --size 64M --runs 3

Needs ../shared/loki (loki, promtail) or LOKI_BIN / PROMTAIL_BIN."""
import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'push'))
import loki_server  # noqa: E402


def timed(argv, rss_file):
    """argv under /usr/bin/time for its peak RSS: getrusage's ru_maxrss of a child started
    from Python is Python's own size when that is larger (Linux keeps the high-water mark
    across exec), 23 MB here."""
    return ['/usr/bin/time', '-f', '%M', '-o', rss_file] + argv


def wait_rusage(p, rss_file):
    """CPU of the process and its children (user+sys, wait4), peak RSS in KiB."""
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    with open(rss_file) as f:
        rss = int(f.read().split()[-1])
    return ru.ru_utime + ru.ru_stime, rss


def run_push(a, d, loki, run, fmt, con, qlog):
    cfg = os.path.join(d, 'push-%s.yaml' % run)
    with open(cfg, 'w') as f:
        json.dump({'client': {'url': loki.url, 'format': fmt, 'gzip_level': 1},
                   'positions': {'filename': os.path.join(d, 'pos-%s.yaml' % run)},
                   'labels': {'env': 'bench', 'job': 'shop', 'run': run},
                   'inputs': {'console': con, 'query': qlog},
                   'timestamps': {'reject_old_samples_max_age': '0'},
                   'stats_interval': '0'}, f)
    t0 = time.monotonic()
    rf = os.path.join(d, 'rss-%s' % run)
    p = subprocess.Popen(timed([a.push, '--config', cfg, '--once'], rf),
                         stderr=subprocess.PIPE, text=True)
    err = p.stderr.read()
    cpu, rss = wait_rusage(p, rf)
    wall = time.monotonic() - t0
    if p.returncode:
        sys.exit('qsplit-push exited %d:\n%s' % (p.returncode, err))
    final = [l for l in err.splitlines() if 'final:' in l][-1]
    st = dict(kv.split('=') for kv in final.split() if '=' in kv)
    return {'cpu': cpu, 'rss': rss / 1024, 'wall': wall, 'wire': int(st['wire_bytes']),
            'entries': int(st['entries_sent'])}


def run_promtail(a, d, loki, run, con, qlog):
    text = open(os.path.join(ROOT, 'examples', 'promtail', 'promtail.yaml')).read()
    text = text.replace('http_listen_port: 9080', 'http_listen_port: %d'
                        % loki_server.free_port())
    text = text.replace('/var/lib/promtail/positions.yaml', os.path.join(d, 'pt-%s.yaml' % run))
    text = text.replace('http://loki.example.internal:3100/loki/api/v1/push', loki.url)
    text = text.replace('/var/log/shop/console.log', con).replace('/var/log/shop/query.log',
                                                                  qlog)
    text = text.replace('location: Europe/Paris', 'location: UTC')
    text = re.sub(r'host: app-7f9c', 'host: app-7f9c\n          run: "%s"' % run, text)
    cfg = os.path.join(d, 'promtail-%s.yaml' % run)
    open(cfg, 'w').write(text)
    port = int(re.search(r'http_listen_port: (\d+)', text).group(1))
    t0 = time.monotonic()
    rf = os.path.join(d, 'rss-%s' % run)
    p = subprocess.Popen(timed([a.promtail, '-config.file=' + cfg], rf),
                         stdout=subprocess.DEVNULL,
                         stderr=open(os.path.join(d, 'promtail-%s.log' % run), 'w'))
    # Done when it has read both files to their end and its sent count has not moved for
    # 3 s (batchwait is 1 s); asking Loki instead would load the machine being measured.
    size = os.path.getsize(con) + os.path.getsize(qlog)
    last, still, ok = -1, 0, False
    while time.monotonic() - t0 < 900:
        time.sleep(0.5)
        try:
            with urllib.request.urlopen('http://127.0.0.1:%d/metrics' % port, timeout=5) as r:
                m = r.read().decode()
        except OSError:
            continue
        read = sum(float(x) for x in re.findall(r'^promtail_read_bytes_total\{[^}]*\} (\S+)',
                                                m, re.M))
        sent = sum(float(x) for x in re.findall(
            r'^promtail_sent_entries_total\{[^}]*\} (\S+)', m, re.M))
        if read >= size and sent == last:
            still += 1
            if still >= 6:
                ok = True
                break
        else:
            still = 0
        last = sent
    wall = time.monotonic() - t0 - 3.0  # less the quiet time that proved it done
    # Promtail itself, not /usr/bin/time (which would die without writing its figure).
    with open('/proc/%d/task/%d/children' % (p.pid, p.pid)) as f:
        for pid in f.read().split():
            os.kill(int(pid), signal.SIGTERM)
    cpu, rss = wait_rusage(p, rf)
    if not ok or not last:
        sys.exit('Promtail did not ship (sent %s); its log:\n%s' % (
            last, open(os.path.join(d, 'promtail-%s.log' % run)).read()[-3000:]))
    return {'cpu': cpu, 'rss': rss / 1024, 'wall': wall, 'wire': None, 'entries': int(last)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--push', required=True)
    ap.add_argument('--qsplit', required=True)
    ap.add_argument('--promtail', default=os.environ.get('PROMTAIL_BIN') or os.path.join(
        loki_server.SHARED, 'promtail'))
    ap.add_argument('--size', default='64M')
    ap.add_argument('--runs', type=int, default=3)
    ap.add_argument('--no-promtail', action='store_true')
    a = ap.parse_args()
    if not loki_server.loki_bin():
        sys.exit('no Loki binary: set LOKI_BIN')
    os.environ['TZ'] = 'UTC'  # the generated log's times, read the same way by both
    d = tempfile.mkdtemp(prefix='bench-loki-')
    raw = os.path.join(d, 'console.raw.log')
    subprocess.run([sys.executable, os.path.join(ROOT, 'bench', 'gen-console.py'), '--size',
                    a.size, '--seed', '1', '--no-banner', '-o', raw], check=True)
    # (--no-banner: with the Spring banner first, Promtail stamps the banner's lines with
    # the read time and Loki then refuses the whole backlog behind them as "too far
    # behind", so Promtail would ship nothing; qsplit-push puts the banner before the
    # first record instead, docs/push.md.)
    con, qlog = os.path.join(d, 'console.log'), os.path.join(d, 'query.log')
    subprocess.run([a.qsplit, 'split', raw, '--console', con, '--query', qlog, '--fields',
                    'ts', '-q'], check=True)
    size = os.path.getsize(con) + os.path.getsize(qlog)
    gb = size / 1e9
    loki = loki_server.Loki(d, tenants=False)
    who = ['protobuf', 'json']
    if not a.no_promtail and os.access(a.promtail, os.X_OK):
        who.append('promtail')
    res = {w: [] for w in who}
    try:
        for r in range(a.runs):
            for w in who:
                run = '%s-%d' % (w, r)
                if w == 'promtail':
                    res[w].append(run_promtail(a, d, loki, run, con, qlog))
                else:
                    # --once exits when Loki acknowledged everything.
                    res[w].append(run_push(a, d, loki, run, w, con, qlog))
                print('%-9s run %d: %d entries, cpu %.2f s, rss %.1f MB, wall %.1f s%s' % (
                    w, r, res[w][-1]['entries'], res[w][-1]['cpu'], res[w][-1]['rss'],
                    res[w][-1]['wall'],
                    ', wire %.1f MB' % (res[w][-1]['wire'] / 1e6) if res[w][-1]['wire']
                    else ''), flush=True)
    finally:
        loki.stop()
    print('\ninput: %.1f MB (console.log %.1f MB + query.log %.1f MB, split by qsplit '
          '--fields ts from gen-console.py --size %s --seed 1); %d runs each, alternating'
          % (size / 1e6, os.path.getsize(con) / 1e6, os.path.getsize(qlog) / 1e6, a.size,
             a.runs))
    print('%-9s %10s %12s %10s %10s %12s' % ('shipper', 'CPU s/GB', 'CPU runs', 'peak MB',
                                              'wall s', 'wire MB'))
    for w in who:
        cpus = sorted(m['cpu'] for m in res[w])
        wire = [m['wire'] for m in res[w] if m['wire']]
        print('%-9s %10.2f %12s %10.1f %10.1f %12s' % (
            w, statistics.median(cpus) / gb, '%.2f-%.2f' % (cpus[0] / gb, cpus[-1] / gb),
            max(m['rss'] for m in res[w]), statistics.median(m['wall'] for m in res[w]),
            '%.1f' % (statistics.median(wire) / 1e6) if wire else '-'))
    subprocess.run(['rm', '-rf', d])


if __name__ == '__main__':
    main()
