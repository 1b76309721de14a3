// IDOR on the monitoring and assistance objects that the generic loops of idor.test.mjs
// used to skip or only walk blindly: the probe county now holds, in both villages, a
// visit, a screening, a pending 风险消除 application and an export (besides a case, a
// campaign with an issue, a measure and a job), and here every one of them is aimed at exactly —
// another area's object by id is 404 (its existence never shown) while the caller's own
// answers 200, a step on another area's elimination changes nothing and leaves no audit
// row, and /policies/effective for another area is 403.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';

import { sql } from '../crash/lib.mjs';
import { assertNoForeignAreas, auditRows, startProbeCounty } from './lib.mjs';

const zx = await startProbeCounty();
const { A, B } = zx.objs;

after(async () => {
  await zx.stop();
});

const KINDS = ['cases', 'campaigns', 'issues', 'measures', 'visits', 'screenings', 'eliminations', 'jobs', 'exports'];

test('the probe county holds an object of every resource in both villages', () => {
  for (const side of [A, B]) {
    for (const k of KINDS) assert.ok(side.ids[k] > 0, `village ${side.code}: no ${k} object (${JSON.stringify(side.ids)})`);
  }
});

describe('objects of village B by id', () => {
  for (const [kind, own] of [['eliminations', 'clerk_a'], ['screenings', 'admin'], ['visits', 'clerk_a']]) {
    for (const actor of ['clerk_a', 'town_a', 'helper_a']) {
      test(`${actor}: GET /api/v1/${kind}/{id} of B is 404 and shows nothing of B`, async () => {
        const r = await zx.req(`/api/v1/${kind}/${B.ids[kind]}`, { session: zx.s[actor] });
        assert.equal(r.status, 404, `${actor} ${kind}/${B.ids[kind]}: ${r.status} ${r.text.slice(0, 300)}`);
        assertNoForeignAreas(r, zx.scopeOf[actor], `${kind}/${B.ids[kind]}`, []);
      });
    }
    test(`the same route answers 200 for village A's ${kind} (the refusal is about the area)`, async () => {
      const r = await zx.req(`/api/v1/${kind}/${A.ids[kind]}`, { session: zx.s[own] });
      assert.equal(r.status, 200, r.text.slice(0, 300));
      assert.ok(r.text.includes(A.code) || r.text.includes(A.hh_no), 'the answer is not about village A: ' + r.text.slice(0, 300));
    });
  }

  test('an export file of B\'s clerk is 404 for everybody else, the county admin included', async () => {
    for (const actor of ['clerk_a', 'town_a', 'helper_a', 'admin']) {
      const r = await zx.req(`/api/v1/exports/${B.ids.exports}`, { session: zx.s[actor] });
      assert.equal(r.status, 404, `${actor}: ${r.status} ${r.text.slice(0, 300)}`);
      assertNoForeignAreas(r, zx.scopeOf[actor], `exports/${B.ids.exports}`, []);
    }
  });

  test('a step on B\'s elimination by town_a is 404, changes nothing and is not audited as a transition', async () => {
    const id = B.ids.eliminations;
    const before = await sql(zx.db, `SELECT state, status, updated_at FROM eliminations WHERE id = ${id}`);
    for (const action of ['review', 'reject', 'return']) {
      const r = await zx.req(`/api/v1/eliminations/${id}/steps`, { method: 'POST', session: zx.s.town_a, json: { action, opinion: '越权' } });
      assert.equal(r.status, 404, `${action}: ${r.status} ${r.text.slice(0, 300)}`);
    }
    assert.deepEqual(await sql(zx.db, `SELECT state, status, updated_at FROM eliminations WHERE id = ${id}`), before);
    const rows = (await auditRows(zx, 'elimination.transition')).filter((x) => String(x.object).endsWith(`:${id}`));
    assert.deepEqual(rows, [], 'a refused step left an audit row of a transition');
  });
});

describe('/policies/effective for another area', () => {
  for (const actor of ['clerk_a', 'town_a']) {
    test(`${actor}: ?area= of village or town B is 403 and names nothing of B; the own area answers`, async () => {
      for (const area of [zx.areas.villageB, zx.areas.townB]) {
        const r = await zx.req(`/api/v1/policies/effective?area=${area}&year=2026`, { session: zx.s[actor] });
        assert.equal(r.status, 403, `${actor} ${area}: ${r.status} ${r.text.slice(0, 300)}`);
        assertNoForeignAreas(r, zx.scopeOf[actor], `/policies/effective?area=${area}`, [area]);
      }
      const own = await zx.req(`/api/v1/policies/effective?area=${zx.scopeOf[actor]}&year=2026`, { session: zx.s[actor] });
      assert.equal(own.status, 200, own.text.slice(0, 300));
      assert.ok(own.json.policy, own.text);
    });
  }
});
