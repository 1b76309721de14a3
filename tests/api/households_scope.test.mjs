// Scoping of personal data over HTTP (issue 3): a village clerk of village A gets 404 for a
// household of village B — the same answer as for a household that does not exist — and
// cannot list B (403); the 等保 roles get no personal data at all.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { assertError, startCounty } from '../lib/zxserver.mjs';

let zx;
let admin;
let hhA;
let hhB;

before(async () => {
  zx = await startCounty({
    users: [
      { name: 'clerk_a', role: 'village_clerk', where: 'villageA' },
      { name: 'town_a', role: 'town_admin', where: 'townA' },
      { name: 'sys', role: 'sys_admin', where: 'county' },
      { name: 'sec', role: 'sec_admin', where: 'county' },
      { name: 'auditor', role: 'audit_admin', where: 'county' },
    ],
  });
  admin = await zx.login(zx.admin.username);
  const first = async (area) => {
    const r = await zx.req(`/api/v1/households?area=${area}&per_page=1`, { session: admin });
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.items.length > 0, `no household in ${area}`);
    return r.json.items[0].hh_no;
  };
  hhA = await first(zx.areas.villageA);
  hhB = await first(zx.areas.villageB);
});

after(async () => {
  await zx?.stop();
});

describe('village clerk of village A', () => {
  let clerk;
  before(async () => {
    clerk = await zx.login('clerk_a');
  });

  test('reads a household of A', async () => {
    const r = await zx.req(`/api/v1/households/${hhA}`, { session: clerk });
    assert.equal(r.status, 200, r.text);
    assert.ok(r.text.includes(hhA));
  });

  test('gets 404 for a household of B, the same answer as for one that does not exist', async () => {
    const r = await zx.req(`/api/v1/households/${hhB}`, { session: clerk });
    const err = assertError(r, 404);
    const ghost = '5107229999990001';
    const missing = assertError(await zx.req(`/api/v1/households/${ghost}`, { session: clerk }), 404);
    assert.equal(err.code, missing.code);
    assert.equal(err.message.replace(hhB, '#'), missing.message.replace(ghost, '#'));
  });

  test('gets 404 for the history of a household of B', async () => {
    assertError(await zx.req(`/api/v1/households/${hhB}/history`, { session: clerk }), 404);
  });

  test('cannot edit a household of B (404, and B is unchanged)', async () => {
    const before = (await zx.req(`/api/v1/households/${hhB}`, { session: admin })).text;
    const r = await zx.req(`/api/v1/households/${hhB}`, { method: 'PUT', session: clerk, json: { group: '9组' } });
    assertError(r, 404);
    assert.equal((await zx.req(`/api/v1/households/${hhB}`, { session: admin })).text, before);
  });

  test('cannot list B: 403', async () => {
    assertError(await zx.req(`/api/v1/households?area=${zx.areas.villageB}`, { session: clerk }), 403);
    assertError(await zx.req(`/api/v1/households?area=${zx.areas.townA}`, { session: clerk }), 403);
    assertError(await zx.req(`/api/v1/households?area=${zx.areas.county}`, { session: clerk }), 403);
  });

  test('an unfiltered list holds only households of A, as many as the area counts say', async () => {
    const r = await zx.req('/api/v1/households?per_page=500', { session: clerk });
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.items.length > 0);
    for (const h of r.json.items) assert.equal(h.village_code, zx.areas.villageA, h.hh_no);
    assert.equal(r.json.total, zx.areas.villageAInfo.households);
  });

  test('searching for a household of B by its number finds nothing', async () => {
    const r = await zx.req(`/api/v1/households?q=${hhB}`, { session: clerk });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.items.length, 0);
  });
});

describe('town admin of town A', () => {
  test('lists its town, not the county or the other town', async () => {
    const town = await zx.login('town_a');
    const r = await zx.req('/api/v1/households?per_page=500', { session: town });
    assert.equal(r.status, 200, r.text);
    for (const h of r.json.items) assert.ok(h.village_code.startsWith(zx.areas.townA.slice(0, 9)), h.village_code);
    assertError(await zx.req(`/api/v1/households?area=${zx.areas.townB}`, { session: town }), 403);
    assertError(await zx.req(`/api/v1/households?area=${zx.areas.county}`, { session: town }), 403);
    assertError(await zx.req(`/api/v1/households/${hhB}`, { session: town }), 404);
    assert.equal((await zx.req(`/api/v1/households/${hhA}`, { session: town })).status, 200);
  });
});

describe('the 等保 roles', () => {
  for (const name of ['sys', 'sec', 'auditor']) {
    test(`${name} gets 403 on personal-data routes`, async () => {
      const s = await zx.login(name);
      assertError(await zx.req('/api/v1/households', { session: s }), 403, 'forbidden');
      assertError(await zx.req(`/api/v1/households/${hhA}`, { session: s }), 403, 'forbidden');
    });
  }
});
