#!/usr/bin/env python3
"""A stand-in for Loki's push API, answering as /work/shared/loki-push-api.md describes.

It validates what qsplit-push sends (Content-Type, gzip, the JSON schema, labels,
timestamps as strings, per-stream ordering, the 4 MiB limit), stores accepted entries as
JSON lines in --store, and can be told to fail:

  POST /control  {"fail": 500, "count": 3, "body": "..."}   answer 500 to the next 3 pushes
  POST /control  {"max_decoded": N}    Loki's message limit (grpc_server_max_recv_msg_size)
  POST /control  {"max_body": N}       a proxy in front: 413 for a body over N bytes, as
                                       nginx's client_max_body_size answers
  GET  /stats    counters as JSON (requests, statuses, stored, rejected, out_of_order, ...)

Python 3 standard library only.
"""
import argparse
import gzip
import json
import os
import re
import sys
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_DECODED = 4 * 1024 * 1024
LABEL_NAME = re.compile(r'^[a-zA-Z_][a-zA-Z0-9_]*$')
HOUR_NS = 3600 * 10**9
OLD_NS = 7 * 24 * HOUR_NS
NEW_NS = 600 * 10**9


class State:
    def __init__(self, store):
        self.lock = threading.Lock()
        self.store = open(store, 'a', encoding='utf-8') if store else None
        self.fail = []  # [(status, body)] for the next pushes
        self.max_decoded = MAX_DECODED
        self.max_body = None
        self.newest = {}  # stream key -> newest ts
        self.c = {'requests': 0, 'connections': 0, 'statuses': {}, 'stored': 0, 'rejected': 0,
                  'out_of_order': 0, 'gzip': 0, 'bytes': 0, 'max_decoded': 0,
                  'content_types': {}, 'tenants': {}, 'auth': {}}


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'loki-receiver'

    def setup(self):
        super().setup()
        self.pushed = False  # one handler per TCP connection

    def log_message(self, fmt, *args):  # quiet: tests read the store, not the log
        pass

    def answer(self, status, text=''):
        st = self.server.state
        with st.lock:
            key = str(status)
            st.c['statuses'][key] = st.c['statuses'].get(key, 0) + 1
        data = text.encode() if text else b''
        self.send_response(status)
        if data:
            self.send_header('Content-Type', 'text/plain; charset=utf-8')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        if data:
            self.wfile.write(data)

    def read_body(self):
        n = int(self.headers.get('Content-Length') or 0)
        return self.rfile.read(n) if n else b''

    def do_GET(self):
        st = self.server.state
        if self.path == '/stats':
            with st.lock:
                data = json.dumps(st.c).encode()
            self.send_response(200)
            self.send_header('Content-Type', 'application/json')
            self.send_header('Content-Length', str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        elif self.path == '/ready':
            self.answer(200, 'ready')
        elif self.path == '/loki/api/v1/push':
            self.answer(405, 'Method Not Allowed')
        else:
            self.answer(404, 'not found')

    def do_POST(self):
        st = self.server.state
        body = self.read_body()
        if self.path == '/control':
            cmd = json.loads(body or b'{}')
            with st.lock:
                st.fail = [(int(cmd['fail']), cmd.get('body', 'injected failure'))] * \
                    int(cmd.get('count', 1)) if cmd.get('fail') else []
                st.max_decoded = int(cmd.get('max_decoded', st.max_decoded))
                st.max_body = cmd.get('max_body', st.max_body)
            return self.answer(204)
        if self.path != '/loki/api/v1/push':
            return self.answer(404, 'not found')
        with st.lock:
            st.c['requests'] += 1
            if not self.pushed:  # TCP connections that carried pushes (keep-alive check)
                self.pushed = True
                st.c['connections'] += 1
            st.c['bytes'] += len(body)
            ten = self.headers.get('X-Scope-OrgID') or ''
            st.c['tenants'][ten] = st.c['tenants'].get(ten, 0) + 1
            auth = (self.headers.get('Authorization') or '').split(' ')[0]
            st.c['auth'][auth] = st.c['auth'].get(auth, 0) + 1
            injected = st.fail.pop(0) if st.fail else None
        if injected:
            return self.answer(*injected)
        if st.max_body is not None and len(body) > st.max_body:
            with st.lock:
                st.c['too_large'] = st.c.get('too_large', 0) + 1
            return self.answer(413, '<html><head><title>413 Request Entity Too Large</title>'
                               '</head></html>')
        status, text = self.push(body)
        self.answer(status, text)

    def push(self, body):
        st = self.server.state
        ctype = self.headers.get('Content-Type')
        if not ctype:
            return 400, 'mime: no media type'
        with st.lock:
            st.c['content_types'][ctype] = st.c['content_types'].get(ctype, 0) + 1
        if ctype.split(';')[0].strip() != 'application/json':
            return 400, 'snappy: corrupt input'
        enc = (self.headers.get('Content-Encoding') or '').strip()
        if enc == 'gzip':
            try:
                body = gzip.decompress(body)
            except (OSError, EOFError, zlib.error):
                return 400, 'gzip: invalid header'
            with st.lock:
                st.c['gzip'] += 1
        elif enc == 'deflate':
            try:
                body = zlib.decompress(body, -15)
            except zlib.error:
                return 400, 'EOF'
        elif enc not in ('', 'identity'):
            return 400, 'Content-Encoding "%s" not supported' % enc
        if not body:
            return 400, 'EOF'
        try:
            doc = json.loads(body.decode('utf-8'))
        except (UnicodeDecodeError, ValueError) as e:
            return 400, 'json: %s' % e
        if not isinstance(doc, dict):
            return 400, 'json: expected an object'
        streams = doc.get('streams') or []
        if not isinstance(streams, list):
            return 400, 'json: streams must be an array'
        decoded = 0
        for s in streams:
            if not isinstance(s, dict) or not isinstance(s.get('stream'), dict) \
                    or not isinstance(s.get('values'), list):
                return 400, 'json: a stream needs "stream" and "values"'
            labels = s['stream']
            if not labels:
                return 400, 'error at least one label pair is required per stream'
            if len(labels) > 30:
                return 400, 'entry for stream has %d label names; limit 30' % len(labels)
            for k, v in labels.items():
                if not LABEL_NAME.match(k) or not isinstance(v, str):
                    return 400, 'error parsing labels: invalid label %r' % k
                if len(v) > 2048:
                    return 400, 'label value too long: %r' % k
                decoded += len(k) + len(v)
            for v in s['values']:
                if not isinstance(v, list) or len(v) < 2 or not isinstance(v[1], str):
                    return 400, 'json: an entry is [ "<ns>", "<line>" ]'
                if not isinstance(v[0], str) or not v[0].isdigit():
                    return 400, 'json: timestamp must be a string of nanoseconds: %r' % (v[0],)
                decoded += len(v[0]) + len(v[1].encode('utf-8')) + 8
        with st.lock:
            st.c['max_decoded'] = max(st.c['max_decoded'], decoded)
        if decoded > st.max_decoded:
            with st.lock:
                st.c['too_large'] = st.c.get('too_large', 0) + 1
            return 500, ('rpc error: code = ResourceExhausted desc = grpc: received message '
                         'larger than max (%d vs. %d)' % (decoded, st.max_decoded))
        now = time.time_ns()
        total = ignored = 0
        errors = []
        with st.lock:
            for s in streams:
                key = json.dumps(s['stream'], sort_keys=True)
                for v in s['values']:
                    total += 1
                    ts = int(v[0])
                    newest = st.newest.get(key, 0)
                    if ts == 0 or ts < now - OLD_NS:
                        ignored += 1
                        errors.append('entry for stream \'%s\' has timestamp too old: %d' %
                                      (key, ts))
                        continue
                    if ts > now + NEW_NS:
                        ignored += 1
                        errors.append('entry for stream \'%s\' has timestamp too new: %d' %
                                      (key, ts))
                        continue
                    if ts < newest - HOUR_NS:
                        ignored += 1
                        errors.append('entry too far behind, oldest acceptable timestamp '
                                      'is: %d' % (newest - HOUR_NS))
                        continue
                    if ts <= newest:
                        # Loki accepts this within the hour; our pusher never should send it.
                        st.c['out_of_order'] += 1
                    st.newest[key] = max(newest, ts)
                    st.c['stored'] += 1
                    if st.store:
                        st.store.write(json.dumps({'stream': s['stream'], 'ts': v[0],
                                                   'line': v[1]}, ensure_ascii=False) + '\n')
            st.c['rejected'] += ignored
            if st.store:
                st.store.flush()
        if ignored:
            return 400, '%s total ignored: %d out of %d' % (errors[0], ignored, total)
        return 204, ''


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a client killed mid-request (the SIGKILL test) is expected, not news


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--port', type=int, default=0, help='0: an ephemeral port')
    ap.add_argument('--port-file', help='write the port here once listening')
    ap.add_argument('--store', help='append accepted entries here as JSON lines')
    args = ap.parse_args()
    srv = Server(('127.0.0.1', args.port), Handler)
    srv.state = State(args.store)
    if args.port_file:
        with open(args.port_file + '.tmp', 'w') as f:
            f.write(str(srv.server_address[1]))
        os.replace(args.port_file + '.tmp', args.port_file)
    try:
        srv.serve_forever(poll_interval=0.05)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == '__main__':
    sys.exit(main())
