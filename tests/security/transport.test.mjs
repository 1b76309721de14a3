// Transport probes: path traversal in static paths, API paths, route parameters and query
// values (sent byte-for-byte, not normalised by a client) never reach the file system —
// 404 (or 400 for a malformed parameter), never a file's contents; oversized headers,
// URLs and bodies get a 4xx (or the connection closed), never a crash; the server keeps
// serving afterwards.
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { after, describe, test } from 'node:test';

import { label, routes, servedRoutes, startProbeCounty } from './lib.mjs';

const zx = await startProbeCounty();
const served = await servedRoutes(zx.url);
const { port } = new URL(zx.url);
const admin = zx.s.admin;

after(async () => {
  await zx.stop();
});

// GET with the path exactly as given. Resolves {status, headers, body} or {error}.
function rawGet(p, headers = {}, method = 'GET') {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path: p, method, headers, insecureHTTPParser: true }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('latin1') }));
      res.on('error', (e) => resolve({ error: e.code || e.message }));
    });
    req.on('error', (e) => resolve({ error: e.code || e.message }));
    req.setTimeout(10000, () => req.destroy(new Error('timeout')));
    req.end();
  });
}

// Raw bytes on a socket; the answer until the server closes (or waitMs).
function rawExchange(bytes, waitMs = 5000) {
  return new Promise((resolve) => {
    const sock = net.connect(Number(port), '127.0.0.1');
    let data = '';
    const done = () => { clearTimeout(timer); sock.destroy(); resolve(data); };
    const timer = setTimeout(done, waitMs);
    sock.on('data', (d) => { data += d.toString('latin1'); if (/\r\n\r\n/.test(data) && /^HTTP\/1\.[01] [45]/.test(data)) done(); });
    sock.on('close', done);
    sock.on('error', done);
    sock.on('connect', () => sock.write(bytes, () => {}));
  });
}

// Contents of files a traversal would aim at.
const FILE_CONTENT = /root:x?:0:0|#include|project\('zhenxing'|SQLite format 3|\[boot loader\]|BEGIN .*PRIVATE KEY/;

const TRAVERSALS = [
  '/../../etc/passwd',
  '/..%2f..%2fetc%2fpasswd',
  '/%2e%2e/%2e%2e/etc/passwd',
  '/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '/%252e%252e%252f%252e%252e%252fetc%252fpasswd',
  '//etc/passwd',
  '///etc/passwd',
  '/.%2e/.%2e/etc/passwd',
  '/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd',
  '/..%5c..%5cetc%5cpasswd',
  '/vendor/..%2f..%2fsrc/main.c',
  '/vendor/../../src/main.c',
  '/vendor/..%2f..%2f..%2fmeson.build',
  '/app/..%2f..%2f..%2fmeson.build',
  '/app/../../meson.build',
  '/static//etc/passwd',
  '/index.html/../../../etc/passwd',
  '/index.html%00.js',
  '/%00/etc/passwd',
  '/etc/passwd',
  '/proc/self/environ',
  '/src/main.c',
  '/meson.build',
  '/api/v1/../../etc/passwd',
  '/api/v1/..%2f..%2fetc%2fpasswd',
  '/api/v1/registry/template/../../../etc/passwd',
  '/api/v1/areas/..%2f..%2f..%2fetc%2fpasswd',
  '/api/v1/areas/%2e%2e%2f%2e%2e%2fetc%2fpasswd/children',
];

describe('path traversal', () => {
  for (const p of TRAVERSALS) {
    test(`GET ${p} is 404 without file contents`, async () => {
      for (const headers of [{}, { Cookie: admin.cookie }]) {
        const r = await rawGet(p, headers);
        if (r.error) continue; // refused below HTTP (a malformed request line): nothing served
        assert.ok([400, 404].includes(r.status), `${p}: ${r.status} ${r.body.slice(0, 200)}`);
        if (!p.startsWith('/api/') && !p.includes('%00')) assert.equal(r.status, 404, p);
        assert.doesNotMatch(r.body, FILE_CONTENT, p);
      }
    });
  }

  test('the database, its key and the data directory are not served', async () => {
    const base = zx.db.split('/').pop();
    for (const p of [`/${base}`, `/${base}.key`, `/${base}-wal`, `/${base}.files/`, `/../${base}`, `/..%2f${base}.key`]) {
      const r = await rawGet(p, { Cookie: admin.cookie });
      assert.equal(r.status, 404, p);
      assert.doesNotMatch(r.body, FILE_CONTENT);
    }
  });

  const withParam = () => routes().filter((r) => r.method === 'GET' && r.pattern.includes('{') && served.has(r));
  test('traversal in every route parameter is refused without file contents', async () => {
    const values = ['..%2f..%2f..%2fetc%2fpasswd', '....%2f%2f....%2f%2fetc%2fpasswd', '%2e%2e', '..', '%2fetc%2fpasswd'];
    for (const r of withParam()) {
      for (const v of values) {
        const p = r.pattern.replace(/\{\w+\}/g, v);
        const res = await rawGet(p, { Cookie: admin.cookie });
        if (res.error) continue;
        assert.ok(res.status >= 400 && res.status < 500, `${label(r)} ${p}: ${res.status} ${res.body.slice(0, 200)}`);
        assert.doesNotMatch(res.body, FILE_CONTENT, p);
      }
    }
  });

  test('traversal in download parameters is refused without file contents', async (t) => {
    const downloads = routes().filter((r) => r.method === 'GET' && served.has(r) && /export|download|file|template/.test(r.pattern));
    if (!downloads.length) return t.skip('no download routes');
    for (const r of downloads) {
      for (const k of ['format', 'kind', 'file', 'name', 'path', 'area', 'village']) {
        for (const v of ['../../etc/passwd', '..%2f..%2fetc%2fpasswd', '/etc/passwd', '%00']) {
          const p = r.pattern.replace(/\{\w+\}/g, '1') + `?kind=households&${k}=${v}`;
          const res = await rawGet(p, { Cookie: admin.cookie });
          if (res.error) continue;
          assert.ok(res.status < 500, `${p}: ${res.status}`);
          assert.doesNotMatch(res.body, FILE_CONTENT, p);
        }
      }
    }
  });
});

// Status of a raw answer, null if the server closed without one.
const statusOf = (raw) => Number(raw.match(/^HTTP\/1\.[01] (\d{3})/)?.[1]) || null;

async function assertAlive() {
  const r = await rawGet('/healthz');
  assert.equal(r.status, 200, 'server stopped answering');
  assert.ok(zx.server.alive);
}

describe('oversized requests', () => {
  test('a 64 KiB cookie is refused with a 4xx (or the connection closed) and the server lives', async () => {
    const cookie = `${admin.cookie}; big=${'a'.repeat(64 * 1024)}`;
    const raw = await rawExchange(`GET /api/v1/me HTTP/1.1\r\nHost: x\r\nCookie: ${cookie}\r\n\r\n`);
    const s = statusOf(raw);
    assert.ok(s === null || (s >= 400 && s < 500), `answered ${s}: ${raw.slice(0, 200)}`);
    await assertAlive();
  });

  test('many headers and a 100 KiB URL are refused with a 4xx and the server lives', async () => {
    const many = Array.from({ length: 2000 }, (_, i) => `X-H${i}: ${'v'.repeat(40)}`).join('\r\n');
    let raw = await rawExchange(`GET /healthz HTTP/1.1\r\nHost: x\r\n${many}\r\n\r\n`);
    let s = statusOf(raw);
    assert.ok(s === null || (s >= 400 && s < 500), `many headers answered ${s}`);
    raw = await rawExchange(`GET /api/v1/households?q=${'x'.repeat(100 * 1024)} HTTP/1.1\r\nHost: x\r\nCookie: ${admin.cookie}\r\n\r\n`);
    s = statusOf(raw);
    assert.ok(s === null || (s >= 400 && s < 500), `long URL answered ${s}`);
    await assertAlive();
  });

  test('a JSON body over 1 MiB is 413 on every JSON route', async () => {
    const big = JSON.stringify({ display_name: 'x'.repeat((1 << 20) + 10) });
    for (const r of routes().filter((x) => x.json && served.has(x))) {
      const p = r.pattern.replace(/\{\w+\}/g, '1');
      // Raw, so that an answer sent before the whole body was read is still seen.
      const send = () => rawExchange(`${r.method} ${p} HTTP/1.1\r\nHost: x\r\nCookie: ${admin.cookie}\r\n` +
        `X-CSRF-Token: ${admin.csrf}\r\nContent-Type: application/json\r\nContent-Length: ${big.length}\r\n\r\n${big}`, 8000);
      let raw = await send();
      // The server answers 413 and closes while the body is still arriving; the kernel may then
      // reset the connection and drop the answer before the client reads it. Once more, then.
      if (statusOf(raw) === null) raw = await send();
      assert.equal(statusOf(raw), 413, `${label(r)}: ${raw.slice(0, 300)}`);
    }
    await assertAlive();
  });

  test('a huge Content-Length is refused at once, without waiting for the body', async () => {
    const t0 = Date.now();
    const raw = await rawExchange(`POST /api/v1/users HTTP/1.1\r\nHost: x\r\nCookie: ${admin.cookie}\r\n` +
      `X-CSRF-Token: ${admin.csrf}\r\nContent-Type: application/json\r\nContent-Length: 10737418240\r\n\r\n{"a":`, 8000);
    assert.equal(statusOf(raw), 413, raw.slice(0, 300));
    assert.ok(Date.now() - t0 < 7000, 'the server waited for the body');
    await assertAlive();
  });

  test('a chunked body over the cap is 413', async () => {
    const chunk = 'a'.repeat(64 * 1024);
    let body = '';
    for (let i = 0; i < 20; i++) body += `${chunk.length.toString(16)}\r\n${chunk}\r\n`;
    const raw = await rawExchange(`POST /api/v1/users HTTP/1.1\r\nHost: x\r\nCookie: ${admin.cookie}\r\n` +
      `X-CSRF-Token: ${admin.csrf}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${body}0\r\n\r\n`, 8000);
    assert.equal(statusOf(raw), 413, raw.slice(0, 300));
    await assertAlive();
  });

  test('uploads over their cap are 413', async (t) => {
    const uploads = routes().filter((r) => r.upload && served.has(r));
    if (!uploads.length) return t.skip('no upload routes served yet');
    for (const r of uploads) {
      const p = r.pattern.replace(/\{\w+\}/g, '1');
      const raw = await rawExchange(`${r.method} ${p}?kind=households HTTP/1.1\r\nHost: x\r\nCookie: ${admin.cookie}\r\n` +
        `X-CSRF-Token: ${admin.csrf}\r\nContent-Type: text/csv\r\nContent-Length: ${64 * 1024 * 1024 * 1024}\r\n\r\nabc`, 8000);
      assert.equal(statusOf(raw), 413, `${label(r)}: ${raw.slice(0, 300)}`);
    }
    await assertAlive();
  });

  test('after all of it every account still works', async () => {
    for (const s of Object.values(zx.s)) assert.equal((await zx.req('/api/v1/me', { session: s })).status, 200);
  });
});
