// The deployment in front of zhenxing (issue 11): Debian's nginx with the site config of
// deploy/nginx/zhenxing.conf, templated to temporary paths, a self-signed certificate
// made here, and a free port on 127.0.0.1. Through it: HTTP/2 over TLS, login, the
// security headers (HSTS, nosniff, DENY, CSP on the UI), the redirect from plain HTTP,
// /metrics hidden. Skipped (not passed) when nginx is not installed.
// Also: deploy/zhenxing.conf.example is accepted by `zhenxing serve`.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';

import { makeDemo, serve, tempDir } from '../lib/zxserver.mjs';

const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const skip = NGINX ? false : 'nginx is not installed (scripts/bootstrap installs it)';

let dir;
let demo;
let server;
let nginx;
let nginxExited;
let port;
let httpPort;
let ca;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
    s.on('error', reject);
  });
}

// The deploy site with its "# tested:" lines pointed at the temporary set-up.
async function siteConfig(upstream, cert, key) {
  let text = await readFile(path.join(ROOT, 'deploy/nginx/zhenxing.conf'), 'utf8');
  const swaps = [
    [/listen 80;\s*# tested: port/, `listen 127.0.0.1:${httpPort};`],
    [/listen 443 ssl http2;\s*# tested: port/, `listen 127.0.0.1:${port} ssl http2;`],
    [/ssl_certificate\s+\S+;\s*# tested: path/, `ssl_certificate ${cert};`],
    [/ssl_certificate_key\s+\S+;\s*# tested: path/, `ssl_certificate_key ${key};`],
    [/proxy_pass http:\/\/127\.0\.0\.1:8080;\s*# tested: upstream/, `proxy_pass ${upstream};`],
    [/^\s*listen \[::\]:\d+.*$/gm, ''],
  ];
  for (const [re, to] of swaps) {
    assert.ok(re.test(text), 'deploy/nginx/zhenxing.conf no longer has ' + re);
    text = text.replace(re, to);
  }
  return text;
}

before(async () => {
  if (skip) return;
  dir = await tempDir('zx-ops-nginx-');
  demo = await makeDemo(dir, { households: 10 });
  server = await serve(demo.db, ['--secure-cookies', '--trust-proxy']);
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  await promisify(execFile)('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert]);
  ca = await readFile(cert);
  port = await freePort();
  httpPort = await freePort();
  const prefix = path.join(dir, 'nginx');
  await mkdir(prefix, { recursive: true });
  const site = await siteConfig(server.url, cert, key);
  const temp = (n) => `${n}_temp_path ${path.join(prefix, n)};`;
  const conf = `${process.getuid?.() === 0 ? 'user root;\n' : ''}daemon off;
master_process on;
worker_processes 1;
pid ${path.join(prefix, 'nginx.pid')};
error_log ${path.join(prefix, 'error.log')} warn;
events { worker_connections 64; }
http {
  access_log ${path.join(prefix, 'access.log')};
  ${temp('client_body')} ${temp('proxy')} ${temp('fastcgi')} ${temp('uwsgi')} ${temp('scgi')}
  types { text/html html; }
${site}
}
`;
  const confFile = path.join(prefix, 'nginx.conf');
  await writeFile(confFile, conf);
  let stderr = '';
  nginx = spawn(NGINX, ['-p', prefix, '-c', confFile, '-e', path.join(prefix, 'error.log')], { stdio: ['ignore', 'ignore', 'pipe'] });
  nginx.stderr.on('data', (d) => { stderr += d; });
  nginxExited = new Promise((resolve) => nginx.once('exit', resolve));
  const deadline = Date.now() + 10000;
  for (;;) {
    const ok = await new Promise((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => { s.end(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) break;
    if (nginx.exitCode !== null || Date.now() > deadline) {
      const log = await readFile(path.join(prefix, 'error.log'), 'utf8').catch(() => '');
      throw new Error('nginx did not start: ' + stderr + log);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
});

after(async () => {
  if (nginx && nginx.exitCode === null) {
    nginx.kill('SIGQUIT');
    const t = setTimeout(() => nginx.kill('SIGKILL'), 5000);
    await nginxExited;
    clearTimeout(t);
  }
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

// One HTTP/2 request over TLS; resolves {status, headers, body, alpn}.
function h2(pathname, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const client = http2.connect(`https://127.0.0.1:${port}`, { ca, servername: 'localhost' });
    client.on('error', reject);
    const rq = client.request({ ':method': method, ':path': pathname, ...headers });
    let data = '';
    let head;
    rq.setEncoding('utf8');
    rq.on('response', (h) => { head = h; });
    rq.on('data', (d) => { data += d; });
    rq.on('end', () => {
      const alpn = client.alpnProtocol;
      client.close();
      resolve({ status: head[':status'], headers: head, body: data, alpn });
    });
    rq.on('error', reject);
    if (body) rq.end(body); else rq.end();
  });
}

function assertSecurityHeaders(h, what) {
  assert.match(h['strict-transport-security'] || '', /max-age=\d{7,}/, what + ': HSTS');
  assert.equal(h['x-content-type-options'], 'nosniff', what);
  assert.equal(h['x-frame-options'], 'DENY', what);
  assert.equal(h['referrer-policy'], 'no-referrer', what);
}

test('the UI comes over HTTP/2 + TLS with HSTS, nosniff, DENY and a Content-Security-Policy', { skip }, async () => {
  const r = await h2('/');
  assert.equal(r.alpn, 'h2');
  assert.equal(r.status, 200);
  assertSecurityHeaders(r.headers, '/');
  assert.match(r.headers['content-security-policy'] || '', /default-src 'self'/);
  assert.match(r.headers['content-security-policy'], /frame-ancestors 'none'/);
  assert.ok(!/nginx\/\d/.test(r.headers.server || ''), 'nginx version disclosed');
});

test('login through the proxy: Secure cookie, security headers, client address recorded', { skip }, async () => {
  const body = JSON.stringify({ username: demo.admin.username, password: demo.admin.password });
  const r = await h2('/api/v1/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  assert.equal(r.status, 200, r.body);
  assertSecurityHeaders(r.headers, 'login');
  const cookie = [].concat(r.headers['set-cookie'] || []).join(';');
  assert.match(cookie, /zx_session=[0-9a-f]{64}/);
  assert.match(cookie, /;\s*Secure/);
  assert.match(cookie, /;\s*HttpOnly/);
  const session = cookie.match(/zx_session=[0-9a-f]{64}/)[0];
  const me = await h2('/api/v1/me', { headers: { cookie: session } });
  assert.equal(me.status, 200, me.body);
  // Errors answered by nginx itself carry the headers too.
  const missing = await h2('/metrics');
  assert.equal(missing.status, 404, '/metrics must not be reachable through the proxy');
  assertSecurityHeaders(missing.headers, '/metrics');
});

test('plain HTTP redirects to HTTPS', { skip }, async () => {
  const r = await new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port: httpPort, path: '/x?y=1', headers: { Host: 'zhenxing.test' } }, resolve).on('error', reject);
  });
  r.resume();
  assert.equal(r.statusCode, 301);
  assert.equal(r.headers.location, 'https://zhenxing.test/x?y=1');
});

test('an upload over client_max_body_size is refused by nginx with 413', { skip }, async () => {
  const site = await readFile(path.join(ROOT, 'deploy/nginx/zhenxing.conf'), 'utf8');
  const mb = Number(site.match(/client_max_body_size (\d+)m;/)[1]);
  const conf = await readFile(path.join(ROOT, 'deploy/zhenxing.conf.example'), 'utf8');
  assert.equal(Number(conf.match(/^upload_max_mb = (\d+)$/m)[1]), mb, 'nginx and zhenxing upload caps differ');
  const r = await h2('/api/v1/session', { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(mb * 1048576 + 1) }, body: '{}' }).catch((e) => ({ status: 'error ' + e.code }));
  assert.equal(r.status, 413);
});

test('deploy/zhenxing.conf.example is accepted by zhenxing serve', { skip: false }, async () => {
  const d = await tempDir('zx-ops-conf-');
  try {
    const example = await readFile(path.join(ROOT, 'deploy/zhenxing.conf.example'), 'utf8');
    const dm = await makeDemo(d, { households: 5 });
    const conf = example
      .replace(/^db = .*$/m, `db = ${dm.db}`)
      .replace(/^key = .*$/m, 'key =')
      .replace(/^data_dir = .*$/m, 'data_dir =')
      .replace(/^log_file = .*$/m, `log_file = ${path.join(d, 'zx.log')}`)
      .replace(/^listen = .*$/m, 'listen = 127.0.0.1:0');
    const file = path.join(d, 'zhenxing.conf');
    await writeFile(file, conf);
    const s = await serve(dm.db, ['--config', file]);
    await s.stop();
    const log = await readFile(path.join(d, 'zx.log'), 'utf8');
    assert.match(log, /"route":"\/healthz"/);
  } finally {
    await rm(d, { recursive: true, force: true });
  }
});
