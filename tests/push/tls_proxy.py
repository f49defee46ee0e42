"""nginx (Debian's) terminating TLS in front of a Loki, the way Loki is reached in
production, with a private CA made by openssl for the test:
  - `mtls`:   the CA's server certificate, a client certificate required, basic auth;
  - `bearer`: the CA's server certificate, `Authorization: Bearer <token>` required;
  - `expired`: a server certificate of the same CA that expired in 2020.
Each proxies /loki/api/v1/push to Loki."""
import os
import shutil
import subprocess
import time

from loki_server import free_port

PASSWORD = 'S3cret-pw'
TOKEN = 's3cret-token-42'


def nginx_bin():
    return os.environ.get('NGINX_BIN') or shutil.which('nginx') or (
        '/usr/sbin/nginx' if os.access('/usr/sbin/nginx', os.X_OK) else None)


def _ssl(d, *args):
    subprocess.run(['openssl', *args], cwd=d, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def _key_csr(d, name, cn):
    _ssl(d, 'req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
         '-keyout', name + '.key', '-out', name + '.csr', '-subj', '/CN=' + cn)


def make_pki(d):
    """ca.pem (trusted), other-ca.pem (not), server.pem, expired.pem, client.pem."""
    for ca, cn in (('ca', 'qsplit test CA'), ('other-ca', 'some other CA')):
        _ssl(d, 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
             '-nodes', '-keyout', ca + '.key', '-out', ca + '.pem', '-days', '2', '-subj',
             '/CN=' + cn)
    with open(os.path.join(d, 'san.ext'), 'w') as f:
        f.write('subjectAltName=IP:127.0.0.1\n')
    _key_csr(d, 'server', '127.0.0.1')
    _ssl(d, 'x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key',
         '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'san.ext')
    _key_csr(d, 'client', 'qsplit-push')
    _ssl(d, 'x509', '-req', '-in', 'client.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key',
         '-CAcreateserial', '-out', 'client.pem', '-days', '2')
    # `openssl x509` cannot back-date; `openssl ca` can.
    open(os.path.join(d, 'index.txt'), 'w').close()
    with open(os.path.join(d, 'serial'), 'w') as f:
        f.write('1000\n')
    with open(os.path.join(d, 'ca.cnf'), 'w') as f:
        f.write('[ca]\ndefault_ca=c\n[c]\ndatabase=%s/index.txt\nnew_certs_dir=%s\n'
                'serial=%s/serial\ndefault_md=sha256\npolicy=p\n[p]\ncommonName=supplied\n'
                % (d, d, d))
    _ssl(d, 'ca', '-batch', '-config', 'ca.cnf', '-cert', 'ca.pem', '-keyfile', 'ca.key',
         '-in', 'server.csr', '-out', 'expired.pem', '-startdate', '20200101000000Z',
         '-enddate', '20200102000000Z', '-extfile', 'san.ext')
    with open(os.path.join(d, 'password'), 'w') as f:
        f.write(PASSWORD + '\n')
    with open(os.path.join(d, 'wrong-password'), 'w') as f:
        f.write('not-the-password\n')
    with open(os.path.join(d, 'token'), 'w') as f:
        f.write(TOKEN + '\n')
    h = subprocess.run(['openssl', 'passwd', '-apr1', PASSWORD], capture_output=True,
                       text=True, check=True).stdout.strip()
    with open(os.path.join(d, 'htpasswd'), 'w') as f:
        f.write('shop:%s\n' % h)


class Proxy:
    def __init__(self, d, loki_port):
        self.dir = os.path.join(d, 'nginx')
        os.makedirs(os.path.join(self.dir, 'tmp'))
        make_pki(self.dir)
        self.ports = {'mtls': free_port(), 'bearer': free_port(), 'expired': free_port()}
        D, up = self.dir, 'http://127.0.0.1:%d' % loki_port
        push = 'location /loki/api/v1/push { %s proxy_pass ' + up + '; }'
        servers = {
            'mtls': ('server.pem', 'ssl_client_certificate %s/ca.pem; ssl_verify_client on;'
                     % D, push % ('auth_basic "loki"; auth_basic_user_file %s/htpasswd;' % D)),
            'bearer': ('server.pem', '', push % ('if ($http_authorization != "Bearer %s") '
                                                 '{ return 401; }' % TOKEN)),
            'expired': ('expired.pem', '', push % ''),
        }
        conf = ['user root;', 'worker_processes 1;', 'daemon off;', 'pid %s/nginx.pid;' % D,
                'error_log %s/error.log;' % D, 'events { worker_connections 64; }', 'http {',
                'access_log %s/access.log;' % D, 'client_max_body_size 8m;'] + [
            '%s_temp_path %s/tmp;' % (t, D) for t in ('client_body', 'proxy', 'fastcgi',
                                                      'uwsgi', 'scgi')]
        for name, (cert, extra, loc) in servers.items():
            conf.append('server { listen 127.0.0.1:%d ssl; ssl_certificate %s/%s; '
                        'ssl_certificate_key %s/server.key; %s %s }'
                        % (self.ports[name], D, cert, D, extra, loc))
        conf.append('}')
        with open(os.path.join(D, 'nginx.conf'), 'w') as f:
            f.write('\n'.join(conf) + '\n')
        self.p = subprocess.Popen([nginx_bin(), '-c', os.path.join(D, 'nginx.conf'),
                                   '-p', D], stderr=open(os.path.join(D, 'stderr'), 'w'))
        import socket
        t0 = time.time()
        while time.time() - t0 < 10:
            try:
                socket.create_connection(('127.0.0.1', self.ports['expired']), 1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise AssertionError('nginx did not start: %s' % open(os.path.join(D, 'stderr')).read())

    def url(self, name):
        return 'https://127.0.0.1:%d/loki/api/v1/push' % self.ports[name]

    def path(self, f):
        return os.path.join(self.dir, f)

    def stop(self):
        self.p.terminate()
        self.p.wait(10)
