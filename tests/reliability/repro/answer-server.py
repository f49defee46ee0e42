#!/usr/bin/env python3
"""answer-server.py PORTFILE ANSWER... — a reproducer for the lead: an HTTP server on
127.0.0.1 that reads each request whole and sends back the next ANSWER (Python bytes
escapes: 'HTTP/2-01\\n\\n'; the last one repeats), then closes the connection.

  python3 answer-server.py port 'HTTP/2-01\\n\\n' &
  qsplit-push --url http://127.0.0.1:$(cat port)/loki/api/v1/push --console console.log \\
      --positions pos.yaml --once --read-time
  -> "Loki answered -1: ; 3000 of 3000 entries dropped", positions advanced (data lost)

  python3 answer-server.py port 'HTTP/1.1 204 No Content\\r\\nContent-Length: 0\\r\\n\\r\\n' \\
      'HTTP/1.1 204 No Content\\r\\n x: folded\\r\\nContent-Length: 0\\r\\n\\r\\n' &
  valgrind qsplit-push ... --batch-size 1KiB   -> "Invalid read of size 8" in libcurl 7.88.1
"""
import codecs
import socket
import sys

s = socket.socket()
s.bind(('127.0.0.1', 0))
s.listen(4)
with open(sys.argv[1], 'w') as f:
    f.write(str(s.getsockname()[1]))
answers = [codecs.escape_decode(a.encode())[0] for a in sys.argv[2:]]
k = 0
while True:
    c, _ = s.accept()
    buf = b''
    while b'\r\n\r\n' not in buf:
        d = c.recv(65536)
        if not d:
            break
        buf += d
    head, _, rest = buf.partition(b'\r\n\r\n')
    n = 0
    for line in head.split(b'\r\n'):
        if line.lower().startswith(b'content-length:'):
            n = int(line.split(b':')[1])
    while len(rest) < n:
        d = c.recv(65536)
        if not d:
            break
        rest += d
    c.sendall(answers[min(k, len(answers) - 1)])
    k += 1
    c.close()
