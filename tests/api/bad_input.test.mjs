// Bad input: malformed JSON, wrong shapes and types, missing fields, wrong content type,
// oversized bodies and headers, unknown routes, wrong methods and raw garbage on the
// socket. Each gets a clear JSON error with a code and a Chinese message (or, below the
// HTTP layer, a 4xx); none is a 500, none crashes the server, and it keeps serving.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';

import { assertError, startCounty } from '../lib/zxserver.mjs';

const MiB = 1 << 20;
let zx;
let admin;

before(async () => {
  zx = await startCounty({ users: [{ name: 'clerk_a', role: 'village_clerk', where: 'villageA' }] });
  admin = await zx.login(zx.admin.username);
});

after(async () => {
  await zx?.stop();
});

function postRaw(path, body, headers = { 'Content-Type': 'application/json' }, session) {
  return zx.req(path, { method: 'POST', body, headers, session });
}

// Sends raw bytes and returns whatever the server answers before closing (or after 5 s).
function rawExchange(bytes, { waitMs = 5000 } = {}) {
  const { port } = new URL(zx.url);
  return new Promise((resolve, reject) => {
    const sock = net.connect(Number(port), '127.0.0.1');
    let data = '';
    const done = () => { sock.destroy(); resolve(data); };
    const timer = setTimeout(done, waitMs);
    sock.on('data', (d) => { data += d.toString('latin1'); });
    sock.on('end', () => { clearTimeout(timer); done(); });
    sock.on('close', () => { clearTimeout(timer); resolve(data); });
    sock.on('error', (e) => {
      clearTimeout(timer);
      if (e.code === 'ECONNRESET' || e.code === 'EPIPE') resolve(data);
      else reject(e);
    });
    sock.on('connect', () => sock.write(bytes));
  });
}

function statusOf(raw) {
  const m = raw.match(/^HTTP\/1\.[01] (\d{3})/);
  return m ? Number(m[1]) : null;
}

describe('JSON bodies', () => {
  test('malformed JSON is 400 invalid_json', async () => {
    for (const body of ['{bad', '{"username": "a",}', '', 'username=admin&password=x', '{"a":1}{"b":2}']) {
      assertError(await postRaw('/api/v1/session', body), 400, 'invalid_json');
    }
  });

  test('a JSON array, string, number or null instead of an object is 400', async () => {
    for (const body of ['[]', '[{"username":"admin","password":"x"}]', '"admin"', '42', 'null', 'true']) {
      assertError(await postRaw('/api/v1/session', body), 400, 'invalid_json');
    }
  });

  test('duplicate keys are refused rather than guessed', async () => {
    assertError(await postRaw('/api/v1/session', '{"username":"a","username":"admin","password":"x"}'), 400, 'invalid_json');
  });

  test('invalid UTF-8 and NUL characters in strings are 400', async () => {
    assertError(await postRaw('/api/v1/session', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])), 400, 'invalid_json');
    assertError(await postRaw('/api/v1/session', '{"username":"ad\\u0000min","password":"x"}'), 400, 'invalid_json');
  });

  test('deeply nested JSON is 400, not a stack overflow', async () => {
    const deep = '{"a":' + '['.repeat(200000) + ']'.repeat(200000) + '}';
    assertError(await postRaw('/api/v1/session', deep), 400, 'invalid_json');
  });

  test('missing fields are 400 missing_field naming the field', async () => {
    let err = assertError(await postRaw('/api/v1/session', '{"username":"admin"}'), 400, 'missing_field');
    assert.equal(err.field, 'password');
    assert.match(err.message, /password/);
    err = assertError(await postRaw('/api/v1/session', '{"password":"x"}'), 400, 'missing_field');
    assert.equal(err.field, 'username');
    err = assertError(await postRaw('/api/v1/session', '{}'), 400, 'missing_field');
    err = assertError(await zx.req('/api/v1/users', {
      method: 'POST', session: admin, json: { username: 'no_role_user', area_code: zx.areas.villageA },
    }), 400, 'missing_field');
    assert.equal(err.field, 'role');
  });

  test('a field of the wrong type is 400 invalid_field', async () => {
    let err = assertError(await postRaw('/api/v1/session', '{"username":123,"password":"x"}'), 400, 'invalid_field');
    assert.equal(err.field, 'username');
    err = assertError(await postRaw('/api/v1/session', '{"username":"admin","password":["x"]}'), 400, 'invalid_field');
    assert.equal(err.field, 'password');
    const id = (await zx.req('/api/v1/me', { session: admin })).json.user.id;
    err = assertError(await zx.req(`/api/v1/users/${id}`, { method: 'PUT', session: admin, json: { disabled: 'yes' } }), 400, 'invalid_field');
    assert.equal(err.field, 'disabled');
  });

  test('an over-long field is 400 field_too_long', async () => {
    const err = assertError(await postRaw('/api/v1/session', JSON.stringify({ username: 'u'.repeat(65), password: 'x' })), 400, 'field_too_long');
    assert.equal(err.field, 'username');
  });

  test('a wrong or missing content type is 400 bad_content_type', async () => {
    const body = JSON.stringify({ username: 'admin', password: zx.passwords.admin });
    assertError(await postRaw('/api/v1/session', body, { 'Content-Type': 'text/plain' }), 400, 'bad_content_type');
    assertError(await postRaw('/api/v1/session', body, { 'Content-Type': 'application/x-www-form-urlencoded' }), 400, 'bad_content_type');
    assertError(await postRaw('/api/v1/session', body, {}), 400, 'bad_content_type');
    // With a charset parameter it is fine.
    const ok = await postRaw('/api/v1/session', body, { 'Content-Type': 'application/json; charset=utf-8' });
    assert.equal(ok.status, 200, ok.text);
  });

  test('malformed JSON on an authenticated route is 400 too', async () => {
    const r = await zx.req('/api/v1/users', {
      method: 'POST', session: admin, body: '[1,2', headers: { 'Content-Type': 'application/json' },
    });
    assertError(r, 400, 'invalid_json');
  });
});

describe('sizes', () => {
  test('a body over 1 MiB is 413 too_large', async () => {
    const big = JSON.stringify({ username: 'admin', password: 'x', pad: 'a'.repeat(MiB) });
    assertError(await postRaw('/api/v1/session', big), 413, 'too_large');
  });

  test('a body just under 1 MiB is read (the cap is not smaller)', async () => {
    const body = JSON.stringify({ username: 'admin', password: 'Wrong-pass-1234', pad: '' });
    const padded = body.replace('"pad":""', `"pad":"${'a'.repeat(MiB - body.length - 16)}"`);
    assert.ok(padded.length < MiB);
    const r = await postRaw('/api/v1/session', padded);
    assertError(r, 401, 'bad_credentials');
  });

  test('an over-size body without Content-Length (chunked) is 413 too', async () => {
    const big = Buffer.alloc(MiB + 4096, 0x61);
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < big.length; i += 65536) controller.enqueue(big.subarray(i, i + 65536));
        controller.close();
      },
    });
    const r = await fetch(zx.url + '/api/v1/session', {
      method: 'POST', body: stream, duplex: 'half', headers: { 'Content-Type': 'application/json' },
    }).catch((e) => ({ status: 0, error: e }));
    // The server may close the connection while the client is still sending.
    if (r.status !== 0) {
      const text = await r.text();
      assert.equal(r.status, 413, text);
      assert.equal(JSON.parse(text).error.code, 'too_large');
    }
    assert.equal((await zx.req('/healthz')).status, 200);
  });

  test('a declared huge Content-Length is refused before the body is read', async () => {
    const raw = await rawExchange(
      'POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
        'Content-Length: 99999999999\r\nConnection: close\r\n\r\n{',
      { waitMs: 3000 },
    );
    assert.equal(statusOf(raw), 413, raw.slice(0, 300));
  });

  test('a huge header is a 4xx, not a crash', async () => {
    const r = await fetch(zx.url + '/healthz', { headers: { 'X-Big': 'a'.repeat(100000) } }).catch((e) => ({ status: 0, error: e }));
    if (r.status !== 0) assert.ok(r.status >= 400 && r.status < 500, `status ${r.status}`);
    const raw = await rawExchange(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(200000)}\r\n\r\n`, { waitMs: 3000 });
    const st = statusOf(raw);
    assert.ok(st === null || (st >= 400 && st < 500), raw.slice(0, 200));
  });

  test('many headers and a huge cookie are a 4xx, not a crash', async () => {
    const headers = {};
    for (let i = 0; i < 300; i++) headers[`X-H${i}`] = 'v'.repeat(100);
    const r = await fetch(zx.url + '/api/v1/me', { headers }).catch((e) => ({ status: 0, error: e }));
    if (r.status !== 0) assert.ok(r.status >= 400 && r.status < 500, `status ${r.status}`);
    const c = await fetch(zx.url + '/api/v1/me', { headers: { Cookie: 'zx_session=' + 'f'.repeat(30000) } }).catch((e) => ({ status: 0, error: e }));
    if (c.status !== 0) assert.ok(c.status >= 400 && c.status < 500, `status ${c.status}`);
  });

  test('a very long URL is a 4xx', async () => {
    const r = await fetch(zx.url + '/api/v1/areas/' + '5'.repeat(70000)).catch((e) => ({ status: 0, error: e }));
    if (r.status !== 0) assert.ok(r.status >= 400 && r.status < 500, `status ${r.status}`);
    const mid = await zx.req('/api/v1/areas/' + '5'.repeat(3000), { session: admin });
    assert.ok(mid.status >= 400 && mid.status < 500);
  });
});

describe('routes and methods', () => {
  test('an unknown API route is 404 with a JSON error', async () => {
    assertError(await zx.req('/api/v1/nope'), 404, 'not_found');
    assertError(await zx.req('/api/v1/nope', { method: 'POST', json: {} }), 404, 'not_found');
    assertError(await zx.req('/api/v2/me'), 404, 'not_found');
    assertError(await zx.req('/api/v1/areas/510722000000/children/extra', { session: admin }), 404, 'not_found');
  });

  test('a wrong method on a known route is 405 with a JSON error', async () => {
    assertError(await zx.req('/api/v1/me', { method: 'PATCH', session: admin, json: {} }), 405, 'method_not_allowed');
    assertError(await zx.req('/api/v1/me', { method: 'DELETE', session: admin }), 405, 'method_not_allowed');
    assertError(await zx.req('/api/v1/session', { method: 'GET' }), 405, 'method_not_allowed');
    assertError(await zx.req('/api/v1/areas/510722000000', { method: 'POST', session: admin, json: {} }), 405);
    assertError(await zx.req('/healthz', { method: 'POST', json: {} }), 405);
  });

  test('odd paths are answered with 4xx JSON, never 5xx', async () => {
    for (const p of [
      '/api/v1/areas/%00', '/api/v1/areas/..%2F..%2Fetc%2Fpasswd', '/api/v1/areas/%E4%B8%89%E5%8F%B0',
      '/api/v1//me', '/api/v1/users/1%00', '/api/v1/users/1%00/x', '/api/v1/areas/510722000000%00',
      '/api/v1/users/0x10', '/api/v1/users/1e3', '/api/v1/users/9223372036854775808',
    ]) {
      const r = await zx.req(p, { session: admin });
      assert.ok(r.status >= 400 && r.status < 500, `${p}: ${r.status} ${r.text}`);
    }
  });

  test('odd query strings are ignored or refused, never a 5xx', async () => {
    for (const q of ['?page=-1', '?per_page=0', '?per_page=1e3', '?page=1&page=2', '?q=' + '%FF'.repeat(10), '?q=' + 'x'.repeat(100)]) {
      const r = await zx.req('/api/v1/users' + q, { session: admin });
      assert.ok(r.status === 200 || (r.status >= 400 && r.status < 500), `${q}: ${r.status}`);
      if (r.status !== 200) assertError(r);
    }
  });
});

describe('below HTTP', () => {
  test('garbage bytes on the socket do not crash the server', async () => {
    await rawExchange(Buffer.from([0, 1, 2, 3, 255, 254, 13, 10, 13, 10]), { waitMs: 1500 });
    await rawExchange('GARBAGE / HTTP/9.9\r\n\r\n', { waitMs: 1500 });
    await rawExchange('GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n', { waitMs: 1500 });
    await rawExchange('GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', { waitMs: 1500 });
    // Half a request, then the client goes away.
    await rawExchange('POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"user', { waitMs: 300 });
    assert.equal((await zx.req('/healthz')).status, 200);
  });
});

describe('after all of that', () => {
  test('the server still answers /healthz and still logs users in', async () => {
    const r = await zx.req('/healthz');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { status: 'ok' });
    const s = await zx.login('clerk_a');
    assert.equal((await zx.req('/api/v1/me', { session: s })).status, 200);
    assert.ok(zx.server.alive, 'server died');
  });
});
