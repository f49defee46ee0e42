#!/usr/bin/env python3
"""Benchmark qsplit-push: ship a generated realistic console.log (256 MB by default) to the
test receiver (tests/push/loki_receiver.py, storing nothing) and report throughput, CPU
seconds per GB and peak RSS of the pusher, next to md5sum's CPU per GB of the same file
measured in the same run, alternating, as medians of --runs runs.  Not a test: it takes
several minutes.

    python3 bench/push/bench_push.py --push build-push/tools/push/qsplit-push
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run_measured(argv, **kw):
    """Run argv to completion; (wall seconds, user+sys CPU seconds, peak RSS KiB)."""
    t0 = time.monotonic()
    p = subprocess.Popen(argv, **kw)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode:
        sys.exit('%s exited %d' % (argv[0], p.returncode))
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--push', required=True, help='the qsplit-push executable')
    ap.add_argument('--size', default='256M')
    ap.add_argument('--input', help='an existing console.log instead of generating one')
    ap.add_argument('--mode', choices=['split', 'console'], default='split',
                    help='split: unsplit console.log split on the fly (default); console: '
                    'records assembled only')
    ap.add_argument('--gzip-level', default='1')
    ap.add_argument('--batch-size', default='1MiB', help='the pusher\'s --batch-size')
    ap.add_argument('--runs', type=int, default=5,
                    help='runs of each (default 5); medians are reported')
    ap.add_argument('--keep', action='store_true', help='keep the temporary folder')
    a = ap.parse_args()

    d = tempfile.mkdtemp(prefix='bench-push-')
    log = a.input
    if not log:
        log = os.path.join(d, 'console.log')
        gen = os.path.join(ROOT, 'bench', 'gen-console.py')
        print('generating %s of console log ...' % a.size, flush=True)
        subprocess.run([sys.executable, gen, '--size', a.size, '--seed', '1', '-o', log],
                       check=True)
    size = os.path.getsize(log)
    gb = size / 1e9

    # md5sum of the same file, page cache warm for both (it also warms it for the pusher).
    subprocess.run(['md5sum', log], stdout=subprocess.DEVNULL, check=True)

    pf = os.path.join(d, 'port')
    rcv = subprocess.Popen([sys.executable, os.path.join(ROOT, 'tests', 'push',
                                                         'loki_receiver.py'),
                            '--port', '0', '--port-file', pf])
    # md5sum and the pusher alternate, so that both see the same state of the machine; the
    # pusher's system time alone varies by ±40% between identical runs here, hence medians.
    md5s, runs = [], []
    try:
        for _ in range(200):
            if os.path.exists(pf):
                break
            time.sleep(0.05)
        url = 'http://127.0.0.1:%s/loki/api/v1/push' % open(pf).read()
        err = os.path.join(d, 'push.err')
        positions = os.path.join(d, 'positions.yaml')
        for _ in range(a.runs):
            md5s.append(run_measured(['md5sum', log], stdout=subprocess.DEVNULL)[1])
            if os.path.exists(positions):
                os.unlink(positions)
            with open(err, 'w') as ef:
                runs.append(run_measured(
                    [a.push, '--url', url, '--' + a.mode, log, '--positions', positions,
                     '--label', 'env=bench', '--label', 'job=shop', '--once', '--read-time',
                     '--format', 'json', '--gzip-level', a.gzip_level, '--batch-size', a.batch_size,
                     '--stats-interval', '0'], stderr=ef))
        final = [l for l in open(err) if 'final:' in l]
    finally:
        rcv.terminate()
        rcv.wait()
    wall = statistics.median(r[0] for r in runs)
    cpus = sorted(r[1] for r in runs)
    cpu = statistics.median(cpus)
    rss = max(r[2] for r in runs)
    md5_cpu = statistics.median(md5s)
    print('input           %.1f MB (%s mode, gzip level %s, batch_size %s, %d runs)' %
          (size / 1e6, a.mode, a.gzip_level, a.batch_size, a.runs))
    print('pusher          %s' % (final[-1].strip() if final else '(no stats line)'))
    print('throughput      %.1f MB/s wall, median (the Python receiver is in the loop)' %
          (size / 1e6 / wall))
    print('pusher CPU      %.2f s  = %.2f s/GB median (runs %.2f-%.2f s)' %
          (cpu, cpu / gb, cpus[0], cpus[-1]))
    print('md5sum CPU      %.2f s  = %.2f s/GB median' % (md5_cpu, md5_cpu / gb))
    print('ratio           %.2fx md5sum (target <= 3x; runs %.2f-%.2fx)' %
          ((cpu / md5_cpu, cpus[0] / md5_cpu, cpus[-1] / md5_cpu) if md5_cpu else (0, 0, 0)))
    print('peak RSS        %.1f MB, the largest of the runs (target < 20 MB)' % (rss / 1024))
    if not a.keep:
        subprocess.run(['rm', '-rf', d])
    else:
        print('kept', d)


if __name__ == '__main__':
    main()
