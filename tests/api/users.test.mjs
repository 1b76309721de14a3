// User management and the audit log over HTTP: who may list and create users, where,
// what the new user can do, and who may read the audit log (only the 审计管理员).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { assertError, login, startCounty } from '../lib/zxserver.mjs';

let zx;
let admin;

before(async () => {
  zx = await startCounty({
    users: [
      { name: 'clerk_a', role: 'village_clerk', where: 'villageA' },
      { name: 'clerk_b', role: 'village_clerk', where: 'villageB' },
      { name: 'town_a', role: 'town_admin', where: 'townA' },
      { name: 'sys', role: 'sys_admin', where: 'county' },
      { name: 'auditor', role: 'audit_admin', where: 'county' },
    ],
  });
  admin = await zx.login(zx.admin.username);
});

after(async () => {
  await zx?.stop();
});

function post(session, path, json) {
  return zx.req(path, { method: 'POST', session, json });
}

async function userId(session, username) {
  const r = await zx.req(`/api/v1/users?q=${encodeURIComponent(username)}&per_page=500`, { session });
  assert.equal(r.status, 200, r.text);
  const u = r.json.items.find((x) => x.username === username);
  return u ? u.id : null;
}

describe('county admin manages users', () => {
  test('creates a village clerk: 201 with a generated password, and the new user can log in', async () => {
    const r = await post(admin, '/api/v1/users', {
      username: 'new_clerk',
      display_name: '新信息员',
      role: 'village_clerk',
      area_code: zx.areas.villageA,
    });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.user.username, 'new_clerk');
    assert.equal(r.json.user.role, 'village_clerk');
    assert.equal(r.json.user.area_code, zx.areas.villageA);
    assert.equal(r.json.user.must_change_password, true);
    assert.equal(typeof r.json.password, 'string');
    assert.ok(r.json.password.length >= 12);
    const first = await login(zx.url, 'new_clerk', r.json.password);
    assert.equal(first.user.username, 'new_clerk');
    const s = await zx.login('new_clerk', r.json.password); // changes the generated password
    const me = await zx.req('/api/v1/me', { session: s });
    assert.equal(me.json.user.area_code, zx.areas.villageA);
  });

  test('lists users with paging', async () => {
    const r = await zx.req('/api/v1/users?per_page=2&page=1', { session: admin });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.items.length, 2);
    assert.equal(r.json.per_page, 2);
    assert.ok(r.json.total >= 6);
    const all = await zx.req('/api/v1/users?per_page=500', { session: admin });
    const names = all.json.items.map((u) => u.username);
    for (const n of ['admin', 'clerk_a', 'clerk_b', 'town_a', 'sys', 'auditor']) assert.ok(names.includes(n), n);
  });

  test('a taken user name is 409', async () => {
    const r = await post(admin, '/api/v1/users', { username: 'clerk_a', role: 'village_clerk', area_code: zx.areas.villageA });
    assertError(r, 409, 'username_taken');
  });

  test('a village clerk bound to the county is refused (role/area mismatch)', async () => {
    const r = await post(admin, '/api/v1/users', { username: 'bad_bind', role: 'village_clerk', area_code: zx.areas.county });
    const err = assertError(r, 422, 'role_area_mismatch');
    assert.equal(err.field, '所属区域');
  });

  test('an unknown role is refused', async () => {
    const r = await post(admin, '/api/v1/users', { username: 'bad_role', role: 'mayor', area_code: zx.areas.county });
    assertError(r, 422, 'invalid_role');
  });

  test('a weak chosen password is refused with a Chinese reason', async () => {
    // (Roles that see personal data get no chosen password at all: users_separation.test.mjs.)
    const r = await post(admin, '/api/v1/users', {
      username: 'weak_pw', role: 'sec_admin', area_code: zx.areas.county, password: 'abc12345',
    });
    assertError(r, 422, 'weak_password');
  });

  test('disabling a user ends their session', async () => {
    const created = await post(admin, '/api/v1/users', { username: 'to_disable', role: 'helper', area_code: zx.areas.villageA });
    assert.equal(created.status, 201, created.text);
    const s = await zx.login('to_disable', created.json.password);
    assert.equal((await zx.req('/api/v1/me', { session: s })).status, 200);
    const put = await zx.req(`/api/v1/users/${created.json.user.id}`, { method: 'PUT', session: admin, json: { disabled: true } });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.json.user.disabled, true);
    assertError(await zx.req('/api/v1/me', { session: s }), 401);
    const again = await zx.req('/api/v1/session', {
      method: 'POST', json: { username: 'to_disable', password: zx.passwords.to_disable },
    });
    assertError(again, 401, 'account_disabled');
  });

  test('deleting a user removes it', async () => {
    const created = await post(admin, '/api/v1/users', { username: 'to_delete', role: 'helper', area_code: zx.areas.villageB });
    assert.equal(created.status, 201, created.text);
    const id = created.json.user.id;
    const del = await zx.req(`/api/v1/users/${id}`, { method: 'DELETE', session: admin });
    assert.equal(del.status, 200, del.text);
    assertError(await zx.req(`/api/v1/users/${id}`, { session: admin }), 404, 'not_found');
    assert.equal(await userId(admin, 'to_delete'), null);
  });

  test('an admin cannot delete itself', async () => {
    const id = await userId(admin, 'admin');
    assertError(await zx.req(`/api/v1/users/${id}`, { method: 'DELETE', session: admin }), 422, 'self_delete');
  });

  test('a user id that is not a number is 404', async () => {
    assertError(await zx.req('/api/v1/users/abc', { session: admin }), 404);
    assertError(await zx.req('/api/v1/users/-1', { session: admin }), 404);
    assertError(await zx.req('/api/v1/users/99999999', { session: admin }), 404);
  });

  test('the search is literal: % and _ are not wildcards', async () => {
    for (const q of ['%', '%%', '!%']) {
      const r = await zx.req(`/api/v1/users?q=${encodeURIComponent(q)}&per_page=500`, { session: admin });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.total, 0, `q=${q}`);
      assert.equal(r.json.items.length, 0, `q=${q}`);
    }
    // 'new_' finds new_clerk by its prefix, and '_' does not stand for any character
    const r = await zx.req('/api/v1/users?q=new_&per_page=500', { session: admin });
    assert.ok(r.json.items.some((u) => u.username === 'new_clerk'), r.text);
    assert.ok(r.json.items.every((u) => u.username.startsWith('new_') || u.display_name.includes('new_')), r.text);
  });
});

describe('town admin of town A', () => {
  let town;
  before(async () => {
    town = await zx.login('town_a');
  });

  test('sees users of its town only', async () => {
    const r = await zx.req('/api/v1/users?per_page=500', { session: town });
    assert.equal(r.status, 200, r.text);
    const names = r.json.items.map((u) => u.username);
    assert.ok(names.includes('clerk_a'));
    assert.ok(names.includes('town_a'));
    assert.ok(!names.includes('clerk_b'));
    assert.ok(!names.includes('admin'));
    for (const u of r.json.items) assert.ok(u.area_code.startsWith(zx.areas.townA.slice(0, 9)), u.area_code);
  });

  test('a user of the other town is 404 by id', async () => {
    const id = await userId(admin, 'clerk_b');
    assertError(await zx.req(`/api/v1/users/${id}`, { session: town }), 404, 'not_found');
    assertError(await zx.req(`/api/v1/users/${id}`, { method: 'PUT', session: town, json: { disabled: true } }), 404);
    assertError(await zx.req(`/api/v1/users/${id}`, { method: 'DELETE', session: town }), 404);
    // clerk_b was not touched.
    await zx.login('clerk_b');
  });

  test('cannot create a user in the other town', async () => {
    const r = await post(town, '/api/v1/users', { username: 'clerk_b2', role: 'village_clerk', area_code: zx.areas.villageB });
    assertError(r, 422, 'invalid_area');
  });

  test('creates a village clerk in its own town', async () => {
    const r = await post(town, '/api/v1/users', { username: 'clerk_a2', role: 'village_clerk', area_code: zx.areas.villageA });
    assert.equal(r.status, 201, r.text);
  });

  test('cannot create an audit admin', async () => {
    const r = await post(town, '/api/v1/users', { username: 'auditor2', role: 'audit_admin', area_code: zx.areas.county });
    assertError(r, 403);
  });
});

describe('roles without user management', () => {
  test('a village clerk gets 403 on GET /users and POST /users', async () => {
    const clerk = await zx.login('clerk_a');
    assertError(await zx.req('/api/v1/users', { session: clerk }), 403, 'forbidden');
    assertError(await post(clerk, '/api/v1/users', { username: 'x_x_x', role: 'helper', area_code: zx.areas.villageA }), 403);
    const id = await userId(admin, 'clerk_a');
    assertError(await zx.req(`/api/v1/users/${id}`, { session: clerk }), 403);
  });

  test('the audit admin cannot manage users', async () => {
    const auditor = await zx.login('auditor');
    assertError(await zx.req('/api/v1/users', { session: auditor }), 403, 'forbidden');
  });
});

describe('sys_admin', () => {
  let sys;
  before(async () => {
    sys = await zx.login('sys');
  });

  test('can list users', async () => {
    const r = await zx.req('/api/v1/users?per_page=500', { session: sys });
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.items.some((u) => u.username === 'clerk_a'));
  });

  test('is a role without personal data, and cannot read the audit log', async () => {
    const roles = await zx.req('/api/v1/roles', { session: sys });
    assert.equal(roles.status, 200, roles.text);
    const byKey = Object.fromEntries(roles.json.items.map((r) => [r.role, r]));
    for (const k of ['sys_admin', 'sec_admin', 'audit_admin']) assert.equal(byKey[k].personal_data, false, k);
    for (const k of ['county_admin', 'town_admin', 'village_clerk']) assert.equal(byKey[k].personal_data, true, k);
    assertError(await zx.req('/api/v1/audit', { session: sys }), 403, 'forbidden');
  });
});

describe('audit log', () => {
  let auditor;
  before(async () => {
    // A failed login to find in the log.
    const bad = await zx.req('/api/v1/session', { method: 'POST', json: { username: 'clerk_b', password: 'Wrong-pass-1234' } });
    assert.equal(bad.status, 401);
    auditor = await zx.login('auditor');
  });

  test('audit_admin reads the log and sees successful and failed logins', async () => {
    const r = await zx.req('/api/v1/audit?action=login&per_page=500', { session: auditor });
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.total > 0);
    for (const row of r.json.items) assert.equal(row.action, 'login');
    assert.ok(r.json.items.some((x) => x.username === 'auditor' && x.result === 'ok'));
    assert.ok(r.json.items.some((x) => x.username === 'clerk_b' && x.result === 'fail'));
    const row = r.json.items[0];
    for (const k of ['id', 'ts', 'username', 'area_code', 'action', 'object', 'result', 'client_ip']) assert.ok(k in row, k);
    assert.equal(row.client_ip, '127.0.0.1');
  });

  test('newest rows come first and user creation is logged', async () => {
    const r = await zx.req('/api/v1/audit?per_page=500', { session: auditor });
    assert.equal(r.status, 200);
    const ids = r.json.items.map((x) => x.id);
    assert.deepEqual(ids, [...ids].sort((a, b) => b - a));
    assert.ok(r.json.items.some((x) => x.action === 'user.create'));
  });

  test('county admin, town admin and village clerk get 403', async () => {
    for (const name of ['town_a', 'clerk_a']) {
      const s = await zx.login(name);
      assertError(await zx.req('/api/v1/audit', { session: s }), 403, 'forbidden');
    }
    assertError(await zx.req('/api/v1/audit', { session: admin }), 403, 'forbidden');
  });

  test('bad paging parameters are 400, not 500', async () => {
    assertError(await zx.req('/api/v1/audit?per_page=501', { session: auditor }), 400, 'invalid_parameter');
    assertError(await zx.req('/api/v1/audit?page=0', { session: auditor }), 400, 'invalid_parameter');
    assertError(await zx.req('/api/v1/audit?page=abc', { session: auditor }), 400, 'invalid_parameter');
    assertError(await zx.req('/api/v1/audit?page=99999999999999999999', { session: auditor }), 400);
  });
});
