"""A real Grafana Loki for the push tests: ../shared/loki/loki (or $LOKI_BIN) started on free
loopback ports with a fresh data directory, read back with LogQL and its /metrics.

One server serves several cases: auth_enabled is on, each case pushes as its own tenant
(X-Scope-OrgID), and a runtime overrides file gives some tenants other limits (Loki 3.x's
256KB lines and old samples rejected; Loki's default ingestion rates)."""
import json
import os
import re
import shutil
import signal
import subprocess
import time
import urllib.parse
import urllib.request

from test_push import free_port  # the push tests' one free-port helper

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.join(HERE, '..', '..', '..', 'shared', 'loki')

# Limits per tenant; a tenant not listed gets loki.yaml's (catch-up friendly: old samples
# accepted, 4MB lines, high rates).
OVERRIDES = {
    # Loki 3.x defaults: 256KB lines, samples older than a week refused.
    'strict': {'max_line_size': '256KB', 'reject_old_samples': True,
               'reject_old_samples_max_age': '168h'},
    # Loki's default rates (4 MB/s, 6 MB burst; 3 MB/s per stream, 15 MB burst).
    'rate': {'ingestion_rate_mb': 4, 'ingestion_burst_size_mb': 6,
             'per_stream_rate_limit': '3MB', 'per_stream_rate_limit_burst': '15MB'},
}


def loki_bin():
    """The Loki binary, or None (the caller skips, saying why)."""
    b = os.environ.get('LOKI_BIN') or os.path.join(SHARED, 'loki')
    return os.path.abspath(b) if os.access(b, os.X_OK) else None


def loki_yaml():
    y = os.environ.get('LOKI_YAML') or os.path.join(os.path.dirname(loki_bin() or SHARED),
                                                     'loki.yaml')
    if not os.path.exists(y):
        y = os.path.join(SHARED, 'loki.yaml')
    return y


class Loki:
    def __init__(self, d, tenants=True):
        self.dir = os.path.join(d, 'loki')
        os.makedirs(self.dir, exist_ok=True)
        self.http, self.grpc = free_port(), free_port()
        data = os.path.join(self.dir, 'data')
        os.makedirs(data, exist_ok=True)
        text = open(loki_yaml()).read().replace('@DATA@', data) \
            .replace('@HTTP_PORT@', str(self.http)).replace('@GRPC_PORT@', str(self.grpc))
        if tenants:
            text = text.replace('auth_enabled: false', 'auth_enabled: true')
            ov = os.path.join(self.dir, 'overrides.yaml')
            with open(ov, 'w') as f:
                json.dump({'overrides': OVERRIDES}, f)
            text += '\nruntime_config:\n  file: %s\n' % ov
        self.cfg = os.path.join(self.dir, 'loki.yaml')
        with open(self.cfg, 'w') as f:
            f.write(text)
        self.url = 'http://127.0.0.1:%d/loki/api/v1/push' % self.http
        self.base = 'http://127.0.0.1:%d' % self.http
        self.p = None
        self.start()

    def start(self):
        """Start (or restart on the same data); the WAL lives in the data directory."""
        log = open(os.path.join(self.dir, 'loki.log'), 'ab')
        t0 = time.time()
        # min-ready-duration: /ready otherwise waits 15 s more after the ring is ready.
        self.p = subprocess.Popen([loki_bin(), '-config.file=' + self.cfg,
                                   '-ingester.min-ready-duration=0s',
                                   '-ingester.wal-dir=' + os.path.join(self.dir, 'data', 'wal')],
                                  stdout=log, stderr=subprocess.STDOUT, cwd=self.dir)
        while time.time() - t0 < 90:
            if self.p.poll() is not None:
                raise AssertionError('Loki exited with %s; see %s' % (
                    self.p.returncode, os.path.join(self.dir, 'loki.log')))
            try:
                with urllib.request.urlopen(self.base + '/ready', timeout=2) as r:
                    if r.read().strip() == b'ready':
                        self.ready_s = time.time() - t0
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError('Loki not ready after 90 s')

    def kill(self):
        self.p.send_signal(signal.SIGKILL)
        self.p.wait(10)

    def stop(self):
        if self.p and self.p.poll() is None:
            self.p.terminate()
            try:
                self.p.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def get(self, path, tenant, **params):
        url = self.base + path + '?' + urllib.parse.urlencode(params)
        req = urllib.request.Request(url, headers={'X-Scope-OrgID': tenant})
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.load(r)

    def query_range(self, tenant, query, start_ns, end_ns, direction='forward'):
        """Every entry [(labels, ts, line)] of the query in [start, end), in time order,
        page by page (a query returns at most 5000)."""
        out = []
        while True:
            res = self.get('/loki/api/v1/query_range', tenant, query=query, start=start_ns,
                           end=end_ns, limit=5000, direction='forward')
            ents = []
            for s in res['data']['result']:
                for ts, line in s['values']:
                    ents.append((s['stream'], int(ts), line))
            ents.sort(key=lambda e: e[1])
            out += ents
            if len(ents) < 5000:
                return out
            # The next page starts after the last timestamp; entries sharing it were all in
            # this page unless the page ended inside them: drop those and read them again.
            last = ents[-1][1]
            while out and out[-1][1] == last:
                out.pop()
            start_ns = last

    def settled(self, tenant, query, start_ns, end_ns, want=None, timeout=30):
        """Loki can answer with fewer entries for a few seconds after a push: read until two
        reads agree (and reach want, if given)."""
        prev, t0 = None, time.time()
        while True:
            cur = self.query_range(tenant, query, start_ns, end_ns)
            if prev is not None and len(cur) == len(prev) and \
                    (want is None or len(cur) >= want):
                return cur
            if time.time() - t0 > timeout:
                return cur
            prev = cur
            time.sleep(0.5)

    def instant(self, tenant, query, time_ns):
        return self.get('/loki/api/v1/query', tenant, query=query, time=time_ns)

    def discarded(self, tenant):
        """loki_discarded_samples_total for the tenant, by reason."""
        with urllib.request.urlopen(self.base + '/metrics', timeout=10) as r:
            text = r.read().decode()
        out = {}
        for m in re.finditer(r'^loki_discarded_samples_total\{([^}]*)\} (\S+)$', text, re.M):
            labels = dict(re.findall(r'(\w+)="([^"]*)"', m.group(1)))
            if labels.get('tenant') == tenant:
                out[labels['reason']] = out.get(labels['reason'], 0) + int(float(m.group(2)))
        return out
