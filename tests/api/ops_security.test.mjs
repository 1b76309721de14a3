// 等保 controls over HTTP (issue 11): a generated password must be changed before anything
// else works; new passwords follow the policy and differ from the last five; TOTP
// enrolment returns an otpauth URI and a QR code, after which login needs a valid,
// unused code; sessions can be listed and revoked (one's own; everyone's for the
// 安全管理员); the 审计管理员 exports the audit log as CSV.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';

import { addUser, assertError, login, makeDemo, request, serve, tempDir } from '../lib/zxserver.mjs';
import { totpAt, totpStep, writeConfig } from '../ops/lib.mjs';

let dir;
let demo;
let server;
const pw = {};
let secSession = null; // sec1 logged in with password + TOTP

before(async () => {
  dir = await tempDir('zx-ops-sec-');
  demo = await makeDemo(dir, { households: 30 });
  for (const [name, role] of [['sec1', 'sec_admin'], ['aud1', 'audit_admin'], ['hist1', 'county_admin'], ['sess1', 'county_admin']]) {
    pw[name] = await addUser(demo.db, { name, role, area: '510722000000' });
  }
  // The production defaults, spelled out: generated passwords must be changed first.
  // The TOTP gate of the admin roles (also a default) has its own file, ops_totp.test.mjs.
  const conf = await writeConfig(dir, { force_password_change: 'true', password_expiry_days: 90, totp_required_roles: '' });
  server = await serve(demo.db, ['--config', conf]);
});

after(async () => {
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const req = (p, opts) => request(server.url, p, opts);

async function changePassword(session, oldPw, newPw) {
  return req('/api/v1/me/password', { method: 'POST', session, json: { old_password: oldPw, new_password: newPw } });
}

// Logs in with a generated password and sets a new one; returns the fresh session.
async function loginChanged(name, newPw) {
  const s = await login(server.url, name, pw[name]);
  const r = await changePassword(s, pw[name], newPw);
  assert.equal(r.status, 200, r.text);
  pw[name] = newPw;
  return s;
}

describe('forced password change', () => {
  test('a generated password works only for /me, logout and the password change', async () => {
    const s = await login(server.url, demo.admin.username, demo.admin.password);
    assert.equal(s.user.must_change_password, true);
    assertError(await req('/api/v1/areas/510722000000', { session: s }), 403, 'password_change_required');
    assertError(await req('/api/v1/users', { session: s }), 403, 'password_change_required');
    const me = await req('/api/v1/me', { session: s });
    assert.equal(me.status, 200, me.text);
    assert.equal(me.json.user.must_change_password, true);
    // The policy still applies to the new password.
    assertError(await changePassword(s, demo.admin.password, 'short1A!'), 422, 'weak_password');
    assertError(await changePassword(s, demo.admin.password, 'alllowercaseletters'), 422, 'weak_password');
    assertError(await changePassword(s, 'not-the-old-one', 'Good-Passw0rd-1'), 422, 'wrong_password');
    assertError(await changePassword(s, demo.admin.password, demo.admin.password), 422);
    const ok = await changePassword(s, demo.admin.password, 'Good-Passw0rd-1');
    assert.equal(ok.status, 200, ok.text);
    const areas = await req('/api/v1/areas/510722000000', { session: s });
    assert.equal(areas.status, 200, areas.text);
    const me2 = await req('/api/v1/me', { session: s });
    assert.equal(me2.json.user.must_change_password, false);
    demo.admin.password = 'Good-Passw0rd-1';
  });

  test('changing the password ends the other sessions of the user', async () => {
    const a = await login(server.url, demo.admin.username, demo.admin.password);
    const b = await login(server.url, demo.admin.username, demo.admin.password);
    const r = await changePassword(a, demo.admin.password, 'Second-Passw0rd-2');
    assert.equal(r.status, 200, r.text);
    demo.admin.password = 'Second-Passw0rd-2';
    assert.equal((await req('/api/v1/me', { session: a })).status, 200);
    assertError(await req('/api/v1/me', { session: b }), 401);
  });
});

describe('password history', () => {
  test('the last five passwords are refused and the sixth-last is accepted again', async () => {
    const p = ['Hist-Passw0rd-1', 'Hist-Passw0rd-2', 'Hist-Passw0rd-3', 'Hist-Passw0rd-4', 'Hist-Passw0rd-5'];
    const first = pw.hist1;
    const s = await loginChanged('hist1', p[0]);
    let cur = p[0];
    for (const next of p.slice(1)) {
      const r = await changePassword(s, cur, next);
      assert.equal(r.status, 200, r.text);
      cur = next;
    }
    // Current: p[4]; the last five are p[0..4]; the generated one is the sixth-last.
    for (const old of [p[4], p[2], p[0]]) {
      const e = assertError(await changePassword(s, cur, old), 422, 'password_reused');
      assert.match(e.message, /5/);
    }
    const back = await changePassword(s, cur, first.length >= 10 ? first : 'Hist-Passw0rd-6');
    assert.equal(back.status, 200, back.text);
  });
});

describe('TOTP second factor', () => {
  let secret;
  let confirmedStep;

  test('enrolment returns a base32 secret, an otpauth URI and an SVG QR code', async () => {
    const s = await loginChanged('sec1', 'Sec-Admin-Passw0rd');
    const r = await req('/api/v1/me/totp', { method: 'POST', session: s });
    assert.equal(r.status, 200, r.text);
    secret = r.json.secret;
    assert.match(secret, /^[A-Z2-7]{32}$/);
    assert.match(r.json.otpauth_uri, new RegExp(`^otpauth://totp/[^?]+:sec1\\?secret=${secret}&issuer=`));
    assert.match(r.json.otpauth_uri, /algorithm=SHA1&digits=6&period=30$/);
    assert.match(r.json.qr_svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]*viewBox="0 0 (\d+) \1"/);
    // Not required until confirmed: login without a code still works.
    await login(server.url, 'sec1', pw.sec1);
    assertError(await req('/api/v1/me/totp/confirm', { method: 'POST', session: s, json: { totp: '000000' } }), 422, 'totp_invalid');
    confirmedStep = totpStep();
    const c = await req('/api/v1/me/totp/confirm', { method: 'POST', session: s, json: { totp: totpAt(secret, confirmedStep) } });
    assert.equal(c.status, 200, c.text);
    const me = await req('/api/v1/me', { session: s });
    assert.equal(me.json.user.totp_enabled, true);
    assertError(await req('/api/v1/me/totp', { method: 'POST', session: s }), 409, 'totp_already_enabled');
  });

  test('login then needs a valid code that was not used before', async () => {
    const body = (extra) => ({ method: 'POST', json: { username: 'sec1', password: pw.sec1, ...extra } });
    assertError(await req('/api/v1/session', body({})), 401, 'totp_required');
    assertError(await req('/api/v1/session', body({ totp: '12345' })), 401, 'totp_invalid');
    // The step used for the confirmation cannot be replayed.
    assertError(await req('/api/v1/session', body({ totp: totpAt(secret, confirmedStep) })), 401, 'totp_invalid');
    const code = totpAt(secret, confirmedStep + 1);
    const ok = await req('/api/v1/session', body({ totp: code }));
    assert.equal(ok.status, 200, ok.text);
    secSession = { cookie: ok.headers.get('set-cookie').match(/zx_session=[^;]+/)[0], csrf: ok.json.csrf_token };
    assert.equal(ok.json.user.totp_enabled, true);
    assertError(await req('/api/v1/session', body({ totp: code })), 401, 'totp_invalid');
    // A right code with a wrong password is still a wrong password.
    assertError(await req('/api/v1/session', { method: 'POST', json: { username: 'sec1', password: 'Wrong-Passw0rd', totp: code } }), 401, 'bad_credentials');
  });
});

describe('sessions', () => {
  test('a user lists their sessions and revokes another one', async () => {
    await loginChanged('sess1', 'Sess-Passw0rd-1');
    const a = await login(server.url, 'sess1', pw.sess1);
    const b = await login(server.url, 'sess1', pw.sess1);
    const list = await req('/api/v1/me/sessions', { session: a });
    assert.equal(list.status, 200, list.text);
    assert.ok(list.json.items.length >= 2);
    const mine = list.json.items.find((x) => x.current);
    assert.ok(mine, 'current session not marked');
    assert.match(mine.id, /^[0-9a-f]{16}$/);
    const other = (await req('/api/v1/me/sessions', { session: b })).json.items.find((x) => x.current);
    assert.notEqual(other.id, mine.id);
    const del = await req(`/api/v1/me/sessions/${other.id}`, { method: 'DELETE', session: a });
    assert.equal(del.status, 200, del.text);
    assertError(await req('/api/v1/me', { session: b }), 401);
    assert.equal((await req('/api/v1/me', { session: a })).status, 200);
    // Everyone's sessions are for the 安全管理员 only.
    assertError(await req('/api/v1/sessions', { session: a }), 403, 'forbidden');
    assertError(await req('/api/v1/me/sessions/0123456789abcdef', { method: 'DELETE', session: a }), 404);
  });

  test('the 安全管理员 lists and revokes other users\' sessions', async () => {
    const victim = await login(server.url, 'sess1', pw.sess1);
    // The session the TOTP login opened (a second code would need the next 30-second step).
    const s = secSession;
    assert.ok(s, 'the TOTP test did not log sec1 in');
    const all = await req('/api/v1/sessions', { session: s });
    assert.equal(all.status, 200, all.text);
    const theirs = await req('/api/v1/sessions?user_id=' + victim.user.id, { session: s });
    assert.ok(theirs.json.items.length >= 1);
    assert.ok(theirs.json.items.every((x) => x.username === 'sess1'));
    const target = (await req('/api/v1/me/sessions', { session: victim })).json.items.find((x) => x.current);
    const del = await req(`/api/v1/sessions/${target.id}`, { method: 'DELETE', session: s });
    assert.equal(del.status, 200, del.text);
    assertError(await req('/api/v1/me', { session: victim }), 401);
  });
});

describe('audit export', () => {
  test('the 审计管理员 downloads the audit log as CSV; formulas are neutralised', async () => {
    await req('/api/v1/session', { method: 'POST', json: { username: '=HYPERLINK("x")', password: 'whatever-1A' } });
    const s = await loginChanged('aud1', 'Audit-Passw0rd-1');
    const r = await req('/api/v1/audit/export', { session: s });
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers.get('content-type'), /^text\/csv/);
    assert.match(r.headers.get('content-disposition'), /attachment/);
    const lines = r.text.replace(/^\uFEFF/, '').split('\r\n');
    assert.equal(lines[0], '序号,时间,用户名,区域代码,操作,对象,结果,IP地址,详情,哈希');
    assert.ok(lines.some((l) => l.includes(',login,') && l.includes(',ok,')), 'no successful login row');
    assert.ok(lines.some((l) => l.includes('"\'=HYPERLINK(""x"")"')), 'formula not neutralised');
    assert.ok(!lines.some((l) => /(^|,)=HYPERLINK/.test(l)));
    const day = await req('/api/v1/audit/export?from=2000-01-01&to=2000-01-02', { session: s });
    assert.equal(day.text.replace(/^\uFEFF/, '').trim().split('\r\n').length, 1);
    assertError(await req('/api/v1/audit/export?from=yesterday', { session: s }), 400);
  });

  test('nobody else may export it', async () => {
    const s = await login(server.url, 'sess1', pw.sess1);
    assertError(await req('/api/v1/audit/export', { session: s }), 403, 'forbidden');
  });
});
