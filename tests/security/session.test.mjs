// Session probes: the session cookie is HttpOnly, SameSite=Strict, Path=/ (and Secure with
// --secure-cookies or `secure_cookies = true` in the configuration); no cookie is handed
// out before login; a login never adopts a cookie the client already had (planted or
// another user's live session); five wrong passwords lock an account; and each of these
// is in the audit log: failed logins, the lock, refused logins while locked.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, test } from 'node:test';

import { assertError, request, serve } from '../lib/zxserver.mjs';
import { auditRows, startProbeCounty } from './lib.mjs';

const zx = await startProbeCounty({
  extraUsers: [
    { name: 'lock_me', role: 'village_clerk', where: 'villageA' },
    { name: 'fix_me', role: 'village_clerk', where: 'villageA' },
  ],
});

after(async () => {
  await zx.stop();
});

const loginRaw = (url, username, password, headers = {}) =>
  request(url, '/api/v1/session', { method: 'POST', json: { username, password }, headers });

function cookieAttrs(setCookie) {
  const [pair, ...attrs] = setCookie.split(';').map((s) => s.trim());
  return { pair, attrs: attrs.map((a) => a.toLowerCase()) };
}

describe('cookie flags', () => {
  test('the session cookie is HttpOnly, SameSite=Strict, Path=/ and not Secure by default', async () => {
    const r = await loginRaw(zx.url, 'clerk_a', zx.passwords.clerk_a);
    assert.equal(r.status, 200, r.text);
    const { pair, attrs } = cookieAttrs(r.headers.get('set-cookie'));
    assert.match(pair, /^zx_session=[0-9a-f]{64}$/);
    assert.ok(attrs.includes('httponly'), attrs.join(';'));
    assert.ok(attrs.includes('samesite=strict'), attrs.join(';'));
    assert.ok(attrs.includes('path=/'), attrs.join(';'));
    assert.ok(!attrs.includes('secure'), 'Secure on plain HTTP would lose the cookie');
    assert.ok(!attrs.some((a) => a.startsWith('domain=')), 'no Domain attribute (host-only cookie)');
    // The token is never in the body; the CSRF token is, and differs from it.
    assert.ok(!r.text.includes(pair.slice('zx_session='.length)));
    assert.notEqual(r.json.csrf_token, pair.slice('zx_session='.length));
  });

  test('with --secure-cookies and with secure_cookies = true the cookie is also Secure', async () => {
    const conf = path.join(zx.dir, 'secure.conf');
    await writeFile(conf, 'force_password_change = false\ntotp_required_roles =\nsecure_cookies = true\n');
    for (const how of ['flag', 'config']) {
      const saved = process.env.ZHENXING_CONFIG;
      if (how === 'config') process.env.ZHENXING_CONFIG = conf;
      let srv;
      try {
        srv = await serve(zx.db, how === 'flag' ? ['--secure-cookies'] : []);
      } finally {
        if (saved === undefined) delete process.env.ZHENXING_CONFIG; else process.env.ZHENXING_CONFIG = saved;
      }
      try {
        const r = await loginRaw(srv.url, 'clerk_a', zx.passwords.clerk_a);
        assert.equal(r.status, 200, r.text);
        const { attrs } = cookieAttrs(r.headers.get('set-cookie'));
        assert.ok(attrs.includes('secure') && attrs.includes('httponly') && attrs.includes('samesite=strict'), `${how}: ${attrs}`);
        const s = { cookie: r.headers.get('set-cookie').split(';')[0], csrf: r.json.csrf_token };
        const out = await request(srv.url, '/api/v1/session', { method: 'DELETE', session: s });
        assert.equal(out.status, 200);
        const cleared = cookieAttrs(out.headers.get('set-cookie'));
        assert.ok(cleared.attrs.includes('secure') && cleared.attrs.includes('max-age=0'), `${how} logout: ${cleared.attrs}`);
      } finally {
        await srv.stop();
      }
    }
  });

  test('no cookie is set before login: not by the UI, nor by API answers', async () => {
    for (const p of ['/', '/index.html', '/healthz', '/api/v1/me', '/api/v1/households', '/nope']) {
      const r = await request(zx.url, p);
      assert.equal(r.headers.get('set-cookie'), null, p);
    }
    const bad = await loginRaw(zx.url, 'clerk_a', 'Wrong-pass-9876');
    assert.equal(bad.headers.get('set-cookie'), null);
  });
});

describe('session fixation', () => {
  test('a cookie planted before login is not the one after login, and stays dead', async () => {
    for (const planted of ['ab'.repeat(32), '0'.repeat(64), 'x', '']) {
      const r = await loginRaw(zx.url, 'fix_me', zx.passwords.fix_me, { Cookie: `zx_session=${planted}` });
      assert.equal(r.status, 200, r.text);
      const { pair } = cookieAttrs(r.headers.get('set-cookie'));
      assert.notEqual(pair, `zx_session=${planted}`);
      if (planted) assertError(await request(zx.url, '/api/v1/me', { headers: { Cookie: `zx_session=${planted}` } }), 401);
    }
  });

  test('logging in while holding another user\'s live session makes a new session; the old one is untouched', async () => {
    const attacker = await zx.login('clerk_b');
    const r = await loginRaw(zx.url, 'fix_me', zx.passwords.fix_me, { Cookie: attacker.cookie });
    assert.equal(r.status, 200, r.text);
    const { pair } = cookieAttrs(r.headers.get('set-cookie'));
    assert.notEqual(pair, attacker.cookie);
    const mine = await request(zx.url, '/api/v1/me', { headers: { Cookie: pair } });
    assert.equal(mine.json.user.username, 'fix_me');
    const theirs = await request(zx.url, '/api/v1/me', { session: attacker });
    assert.equal(theirs.json.user.username, 'clerk_b', 'the planted session did not become fix_me');
    assert.notEqual(theirs.json.csrf_token, r.json.csrf_token);
  });

  test('every login makes a fresh 256-bit token and CSRF token', async () => {
    const seen = new Set();
    for (let i = 0; i < 5; i++) {
      const s = await zx.login('fix_me');
      assert.ok(!seen.has(s.cookie) && !seen.has(s.csrf));
      seen.add(s.cookie);
      seen.add(s.csrf);
    }
  });
});

describe('lockout', () => {
  test('five wrong passwords lock the account; the right one is refused while locked', async () => {
    for (let i = 1; i <= 4; i++) assertError(await loginRaw(zx.url, 'lock_me', 'Wrong-pass-1234'), 401, 'bad_credentials');
    assertError(await loginRaw(zx.url, 'lock_me', 'Wrong-pass-1234'), 403, 'account_locked');
    const right = await loginRaw(zx.url, 'lock_me', zx.passwords.lock_me);
    const err = assertError(right, 403, 'account_locked');
    assert.match(err.message, /锁定/);
    assert.equal(right.headers.get('set-cookie'), null);
    // Parallel guesses after the lock do not get through either.
    const many = await Promise.all(Array.from({ length: 6 }, () => loginRaw(zx.url, 'lock_me', zx.passwords.lock_me)));
    for (const r of many) assertError(r, 403, 'account_locked');
  });

  test('failed logins, the lock and refusals while locked are audited', async () => {
    const logins = (await auditRows(zx, 'login')).filter((x) => x.username === 'lock_me');
    assert.ok(logins.filter((x) => x.result === 'fail').length >= 5, JSON.stringify(logins.slice(0, 3)));
    assert.ok(logins.filter((x) => x.result === 'locked').length >= 7);
    assert.ok(logins.every((x) => x.client_ip === '127.0.0.1'));
    const locks = (await auditRows(zx, 'account.lock')).filter((x) => x.username === 'lock_me');
    assert.equal(locks.length, 1);
    // An unknown user name is audited too (without revealing whether it exists).
    assertError(await loginRaw(zx.url, 'no_such_user', 'Wrong-pass-1234'), 401, 'bad_credentials');
    const unknown = (await auditRows(zx, 'login')).filter((x) => x.username === 'no_such_user');
    assert.equal(unknown.length, 1);
    assert.equal(unknown[0].result, 'fail');
  });

  test('the lock of one account leaves the others alone', async () => {
    assert.equal((await zx.req('/api/v1/me', { session: zx.s.clerk_a })).status, 200);
    await zx.login('clerk_a');
  });
});
