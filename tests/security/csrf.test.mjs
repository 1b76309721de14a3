// CSRF probes: every served state-changing route (read from src/api/*.c) refuses a
// request of a logged-in user that lacks the session's X-CSRF-Token, or carries the token
// of another session (of another user, or of the same user), with 403 csrf_failed; the
// refusal is audited as csrf.refused with the route, and nothing changes.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';

import { assertError, request } from '../lib/zxserver.mjs';
import { auditRows, fill, label, routes, servedRoutes, snapshot, startProbeCounty } from './lib.mjs';

const zx = await startProbeCounty();
const served = await servedRoutes(zx.url);
const writes = routes().filter((r) => r.method !== 'GET' && r.method !== 'HEAD' && !r.public && served.has(r));
const before = await snapshot(zx);
// The admin acts (a missing check would let the request really do something); the
// household and users of village A are the targets.
const admin = zx.s.admin;
const other = await zx.login('clerk_b');
const sameUser = await zx.login(zx.admin.username);

after(async () => {
  await zx.stop();
});

function target(r) {
  return fill(r.pattern, { ...zx.objs.A, ids: new Proxy({}, { get: () => 1 }) });
}

function bodyOf(r) {
  return r.json ? { display_name: 'csrf', username: 'csrf_user', role: 'helper', area_code: zx.areas.villageA, helper: 'csrf' } : undefined;
}

describe('state-changing routes need the session\'s own CSRF token', () => {
  test('there are state-changing routes to probe', () => {
    assert.ok(writes.length >= 8, writes.map(label).join(', '));
  });

  for (const r of writes) {
    test(`${label(r)}: no token, another user's token, another session's token → 403 csrf_failed`, async () => {
      const p = target(r);
      assert.ok(p, 'cannot fill ' + r.pattern);
      for (const csrf of [false, other.csrf, sameUser.csrf, '', admin.csrf.toUpperCase(), admin.csrf.slice(0, 32)]) {
        const res = await zx.req(p, { method: r.method, session: admin, csrf, json: bodyOf(r) });
        assertError(res, 403, 'csrf_failed');
      }
      // Nor in the query string, nor in a cookie.
      const q = await request(zx.url, `${p}${p.includes('?') ? '&' : '?'}csrf_token=${admin.csrf}`, {
        method: r.method, headers: { Cookie: `${admin.cookie}; csrf_token=${admin.csrf}` },
      });
      assertError(q, 403, 'csrf_failed');
    });
  }

  test('a form post without JSON (a simple cross-site request) is refused too', async () => {
    const res = await zx.req('/api/v1/users', {
      method: 'POST', session: admin, csrf: false,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'username=x&role=helper',
    });
    assertError(res, 403, 'csrf_failed');
  });

  test('nothing changed: counts, users, the household of A and the sessions', async () => {
    assert.deepEqual(await snapshot(zx), before);
    if (zx.objs.A.hh_no) {
      const hh = await zx.req(`/api/v1/households/${zx.objs.A.hh_no}`, { session: admin });
      assert.deepEqual(hh.json, zx.objs.A.household);
    }
    for (const s of [admin, other, sameUser, zx.s.clerk_a]) {
      assert.equal((await zx.req('/api/v1/me', { session: s })).status, 200);
    }
  });

  test('every refusal is audited as csrf.refused with its route and method', async () => {
    const rows = await auditRows(zx, 'csrf.refused');
    for (const r of writes) {
      const mine = rows.filter((x) => x.object === r.pattern && x.username === zx.admin.username && x.detail === r.method);
      assert.ok(mine.length >= 7, `${label(r)}: ${mine.length} csrf.refused rows`);
      assert.ok(mine.every((x) => x.result === 'refused' && x.area_code === zx.areas.county), JSON.stringify(mine[0]));
    }
  });
});
