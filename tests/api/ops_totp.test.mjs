// TOTP required for the admin roles (issue 11, 等保): with the production default
// (totp_required_roles = sys_admin,sec_admin,audit_admin,county_admin) such an account
// may, after its password change, only read /me, list its sessions, enrol TOTP and log
// out — every other route answers 403 totp_enrolment_required — and once enrolled, login
// needs a current, unused code. The server's clock is frozen with the test hook
// ZX_CLOCK (sanitizer builds), so the codes are computed for known 30-second steps.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';

import { addUser, assertError, login, makeDemo, request, run, serve, tempDir } from '../lib/zxserver.mjs';
import { totpAt, writeConfig } from '../ops/lib.mjs';

const COUNTY = '510722000000';
// A step boundary a little ahead of real time: passwords made now are not expired then.
const T0 = (Math.floor(Date.now() / 1000 / 30) + 1) * 30 + 3;
const S0 = Math.floor(T0 / 30);

let dir;
let demo;
let conf;
let server;
const pw = {};
const secret = {};
let pwCount = 0;

async function start(clock) {
  const saved = process.env.ZX_CLOCK;
  process.env.ZX_CLOCK = String(clock);
  try {
    server = await serve(demo.db, ['--config', conf]);
  } finally {
    if (saved === undefined) delete process.env.ZX_CLOCK; else process.env.ZX_CLOCK = saved;
  }
}

before(async () => {
  dir = await tempDir('zx-ops-totp-');
  demo = await makeDemo(dir, { households: 10 });
  pw.admin = demo.admin.password;
  for (const [name, role] of [['sys1', 'sys_admin'], ['sec1', 'sec_admin'], ['aud1', 'audit_admin'], ['help1', 'helper']]) {
    pw[name] = await addUser(demo.db, { name, role, area: COUNTY });
  }
  // No option but the file itself: every setting is the production default.
  conf = await writeConfig(dir, {});
  await start(T0);
});

after(async () => {
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const req = (p, opts) => request(server.url, p, opts);

// Logs in with the generated password and replaces it (the first gate).
async function firstLogin(name) {
  const s = await login(server.url, name === 'admin' ? demo.admin.username : name, pw[name]);
  assert.equal(s.user.must_change_password, true);
  const next = `Gate-Pw-${++pwCount}-9x`;
  const r = await req('/api/v1/me/password', { method: 'POST', session: s, json: { old_password: pw[name], new_password: next } });
  assert.equal(r.status, 200, r.text);
  pw[name] = next;
  return s;
}

// Enrols TOTP for the session's user, confirming with the code of step.
async function enrol(s, name, step) {
  const b = await req('/api/v1/me/totp', { method: 'POST', session: s });
  assert.equal(b.status, 200, b.text);
  assert.match(b.json.qr_svg, /^<svg /);
  secret[name] = b.json.secret;
  const c = await req('/api/v1/me/totp/confirm', { method: 'POST', session: s, json: { totp: totpAt(secret[name], step) } });
  assert.equal(c.status, 200, c.text);
}

describe('admin roles must enrol TOTP before anything else', () => {
  let admin;

  test('county_admin: password first, then every route but /me, sessions and enrolment answers totp_enrolment_required', async () => {
    const s = await login(server.url, demo.admin.username, pw.admin);
    assert.equal(s.user.must_enrol_totp, true);
    // The password gate comes first.
    assertError(await req(`/api/v1/areas/${COUNTY}`, { session: s }), 403, 'password_change_required');
    admin = await firstLogin('admin');
    for (const p of [`/api/v1/areas/${COUNTY}`, '/api/v1/users', `/api/v1/households?area=${COUNTY}`, '/api/v1/jobs/1']) {
      const err = assertError(await req(p, { session: admin }), 403, 'totp_enrolment_required');
      assert.match(err.message, /县级管理员须先启用动态验证码/);
    }
    assertError(await req('/api/v1/users', {
      method: 'POST', session: admin, json: { username: 'x1', role: 'helper', area_code: COUNTY },
    }), 403, 'totp_enrolment_required');
    const me = await req('/api/v1/me', { session: admin });
    assert.equal(me.status, 200, me.text);
    assert.equal(me.json.user.must_enrol_totp, true);
    assert.equal(me.json.user.totp_enabled, false);
    assert.equal((await req('/api/v1/me/sessions', { session: admin })).status, 200);
    // Enrolment: a wrong code is refused, a code of the frozen clock's previous step is taken.
    const b = await req('/api/v1/me/totp', { method: 'POST', session: admin });
    assert.equal(b.status, 200, b.text);
    secret.admin = b.json.secret;
    assert.match(b.json.otpauth_uri, /^otpauth:\/\/totp\//);
    assertError(await req('/api/v1/me/totp/confirm', { method: 'POST', session: admin, json: { totp: totpAt(secret.admin, S0 + 5) } }), 422, 'totp_invalid');
    const c = await req('/api/v1/me/totp/confirm', { method: 'POST', session: admin, json: { totp: totpAt(secret.admin, S0 - 1) } });
    assert.equal(c.status, 200, c.text);
    // The same session goes on at once.
    assert.equal((await req(`/api/v1/areas/${COUNTY}`, { session: admin })).status, 200);
    const me2 = await req('/api/v1/me', { session: admin });
    assert.equal(me2.json.user.must_enrol_totp, false);
    assert.equal(me2.json.user.totp_enabled, true);
  });

  test('login then needs the code: missing, wrong, replayed and out-of-window codes are refused', async () => {
    const body = (extra) => ({ method: 'POST', json: { username: demo.admin.username, password: pw.admin, ...extra } });
    assertError(await req('/api/v1/session', body({})), 401, 'totp_required');
    const window = [S0 - 1, S0, S0 + 1].map((st) => totpAt(secret.admin, st));
    const wrong = ['000000', '111111', '222222', '333333'].find((x) => !window.includes(x));
    assertError(await req('/api/v1/session', body({ totp: wrong })), 401, 'totp_invalid');
    // The code that confirmed the enrolment cannot be replayed.
    assertError(await req('/api/v1/session', body({ totp: totpAt(secret.admin, S0 - 1) })), 401, 'totp_invalid');
    assertError(await req('/api/v1/session', body({ totp: totpAt(secret.admin, S0 + 2) })), 401, 'totp_invalid');
    const ok = await req('/api/v1/session', body({ totp: totpAt(secret.admin, S0) }));
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.user.must_enrol_totp, false);
    assertError(await req('/api/v1/session', body({ totp: totpAt(secret.admin, S0) })), 401, 'totp_invalid');
    // One minute later (the server restarted with the clock moved): step S0+2 is current.
    await server.stop();
    await start(T0 + 60);
    const later = await req('/api/v1/session', body({ totp: totpAt(secret.admin, S0 + 2) }));
    assert.equal(later.status, 200, later.text);
    const cookie = later.headers.get('set-cookie').match(/zx_session=[^;]+/)[0];
    admin = { cookie, csrf: later.json.csrf_token };
    assert.equal((await req(`/api/v1/areas/${COUNTY}`, { session: admin })).status, 200);
  });

  test('a role that needs TOTP cannot turn it off; the 安全管理员 resets it and the gate closes again', async () => {
    const off = await req('/api/v1/me/totp', {
      method: 'DELETE', session: admin, json: { password: pw.admin, totp: totpAt(secret.admin, S0 + 3) },
    });
    assertError(off, 403, 'totp_required_for_role');
    const sec = await firstLogin('sec1');
    assertError(await req('/api/v1/sessions', { session: sec }), 403, 'totp_enrolment_required');
    await enrol(sec, 'sec1', S0 + 1);
    const me = await req('/api/v1/me', { session: admin });
    const reset = await req(`/api/v1/users/${me.json.user.id}/totp`, { method: 'DELETE', session: sec });
    assert.equal(reset.status, 200, reset.text);
    assertError(await req(`/api/v1/areas/${COUNTY}`, { session: admin }), 403, 'totp_enrolment_required');
    // Without a second factor the login itself works — straight back to the enrolment gate.
    const again = await login(server.url, demo.admin.username, pw.admin);
    assert.equal(again.user.must_enrol_totp, true);
    assertError(await req(`/api/v1/areas/${COUNTY}`, { session: again }), 403, 'totp_enrolment_required');
  });

  test('系统管理员 and 审计管理员 are gated too; a 帮扶责任人 is not', async () => {
    for (const name of ['sys1', 'aud1']) {
      const s = await firstLogin(name);
      assert.equal((await req('/api/v1/me', { session: s })).json.user.must_enrol_totp, true);
      assertError(await req(name === 'aud1' ? '/api/v1/audit/export' : '/api/v1/users', { session: s }), 403, 'totp_enrolment_required');
    }
    const h = await firstLogin('help1');
    assert.equal((await req('/api/v1/me', { session: h })).json.user.must_enrol_totp, false);
    const areas = await req(`/api/v1/areas/${COUNTY}`, { session: h });
    assert.equal(areas.status, 200, areas.text);
  });

  test('an unknown role in totp_required_roles stops the server with a Chinese message', async () => {
    const bad = await writeConfig(dir, { totp_required_roles: 'sys_admin, root' }, 'bad.conf');
    const r = await run(['serve', '--config', bad, '--db', demo.db, '--listen', '127.0.0.1:0'], { timeoutMs: 20000 });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /totp_required_roles: 未知的角色 root/);
  });
});
