// 三权分立 probes: the 等保 roles (sys_admin, sec_admin, audit_admin) administer the
// system but never see personal data. Every served route marked API_PERSONAL in
// src/api/*.c answers them 403 forbidden with no personal data, whatever the method,
// filter or object; routes that need a session answer 401 without one.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';

import { assertError, request } from '../lib/zxserver.mjs';
import { fill, label, routes, servedRoutes, startProbeCounty } from './lib.mjs';

const zx = await startProbeCounty();
const served = await servedRoutes(zx.url);
const personal = routes().filter((r) => r.personal && served.has(r));
const ROLES = ['sys_c', 'sec_c', 'audit_c'];

after(async () => {
  await zx.stop();
});

// Personal data: a 户编号, a (masked) ID number or phone, a member's name.
function assertNoPersonalData(text, what) {
  assert.doesNotMatch(text, /(?<!\d)\d{16}(?!\d)/, `${what}: a 户编号 in ${text.slice(0, 300)}`);
  assert.doesNotMatch(text, /\d{4}\*{6,}[\dX]{4}|\d{17}[\dX]|1\d{2}\*{4}\d{4}/, `${what}: an ID or phone in ${text.slice(0, 300)}`);
  for (const m of zx.objs.A.household?.members || []) assert.ok(!text.includes(m.name), `${what}: a member's name`);
}

describe('the 等保 roles never see personal data', () => {
  test('there are personal-data routes to probe', () => {
    assert.ok(personal.length >= 3, personal.map(label).join(', '));
  });

  for (const role of ROLES) {
    for (const r of personal) {
      test(`${role}: ${label(r)} → 403 forbidden`, async () => {
        const objs = { ...zx.objs.A, ids: new Proxy({}, { get: () => 1 }) };
        const p = fill(r.pattern, objs);
        const queries = r.method === 'GET' && !r.pattern.includes('{')
          ? ['', `?area=${zx.areas.villageA}`, `?village=${zx.areas.villageA}`, '?q=' + encodeURIComponent(zx.objs.A.household?.head_name || '张')]
          : [''];
        for (const q of queries) {
          const res = await zx.req(p + q, { method: r.method, session: zx.s[role], json: r.json ? {} : undefined });
          const err = assertError(res, 403, 'forbidden');
          assert.match(err.message, /无权/);
          assertNoPersonalData(res.text, `${role} ${r.method} ${p}${q}`);
        }
      });
    }
  }

  test('the personal-data routes answer 401 without a session', async () => {
    for (const r of personal) {
      const p = fill(r.pattern, { ...zx.objs.A, ids: new Proxy({}, { get: () => 1 }) });
      const res = await request(zx.url, p, { method: r.method });
      assertError(res, 401, 'unauthenticated');
      assertNoPersonalData(res.text, `${label(r)} without a session`);
    }
  });

  test('an export by an 等保 role is refused even with unmasked=1', async (t) => {
    if (!personal.some((r) => r.pattern === '/api/v1/exports')) return t.skip('no exports route yet');
    for (const role of ROLES) {
      const res = await zx.req('/api/v1/exports?kind=households&format=csv&unmasked=1', { session: zx.s[role] });
      assertError(res, 403);
      assertNoPersonalData(res.text, role);
    }
  });
});
