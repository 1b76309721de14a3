// 三权分立 (issue 11): an administrator must not be able to make an account that sees
// personal data with a password of its own choosing and use it. Such accounts get a
// generated one-time password (shown once to the creator), refused when one is chosen;
// any password set by an administrator must be changed at the first login before
// anything else works. Production setting
// force_password_change = true (TOTP gate off here: ops_totp.test.mjs has it).
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, test } from 'node:test';

import { addUser, assertError, changePassword, login, makeDemo, request, serve, tempDir } from '../lib/zxserver.mjs';
import { writeConfig } from '../ops/lib.mjs';

const COUNTY = '510722000000';
let dir;
let server;
let sys;

before(async () => {
  dir = await tempDir('zx-sep-');
  const demo = await makeDemo(dir, { households: 5 });
  const pw = await addUser(demo.db, { name: 'xitong', role: 'sys_admin', area: COUNTY });
  const conf = await writeConfig(dir, { force_password_change: 'true', totp_required_roles: '' });
  server = await serve(demo.db, ['--config', conf]);
  sys = await login(server.url, 'xitong', pw);
  await changePassword(server.url, sys, pw);
});

after(async () => {
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const req = (p, opts) => request(server.url, p, opts);
const create = (json) => req('/api/v1/users', { method: 'POST', session: sys, json });

test('a chosen password for a role that sees personal data is refused, for every such role', async () => {
  for (const role of ['county_admin', 'dept_user', 'helper']) {
    const r = await create({ username: `chosen_${role}`, role, area_code: COUNTY, password: 'Chosen-Passw0rd-1' });
    const err = assertError(r, 422, 'password_not_allowed');
    assert.equal(err.field, '初始密码');
    assert.match(err.message, /由系统生成/);
  }
  const list = await req('/api/v1/users?q=chosen_', { session: sys });
  assert.equal(list.json.total, 0, 'an account was created anyway');
});

test('the generated one-time password only opens the password change', async () => {
  const r = await create({ username: 'xinxian', role: 'county_admin', area_code: COUNTY });
  assert.equal(r.status, 201, r.text);
  assert.match(r.json.password, /^\S{14}$/);
  const s = await login(server.url, 'xinxian', r.json.password);
  assert.equal(s.user.must_change_password, true);
  assertError(await req(`/api/v1/households?area=${COUNTY}`, { session: s }), 403, 'password_change_required');
  assertError(await req('/api/v1/areas/' + COUNTY, { session: s }), 403, 'password_change_required');
  // The list never shows the password again.
  const u = await req('/api/v1/users?q=xinxian', { session: sys });
  assert.equal(u.json.total, 1);
  assert.ok(!u.text.includes(r.json.password));
});

test('a password an administrator chose for a 等保 role must be changed at the first login too', async () => {
  const r = await create({ username: 'anquan2', role: 'sec_admin', area_code: COUNTY, password: 'Chosen-Passw0rd-2' });
  assert.equal(r.status, 201, r.text);
  const s = await login(server.url, 'anquan2', 'Chosen-Passw0rd-2');
  assert.equal(s.user.must_change_password, true);
  assertError(await req('/api/v1/sessions', { session: s }), 403, 'password_change_required');
});
