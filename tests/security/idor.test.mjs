// IDOR probes: users bound to village A (a clerk, a helper) and to town A (its admin) aim
// at the objects of village B, in another town — by the id in the URL (every routed
// pattern with a parameter, read from src/api/*.c), by ?area= / ?village= filters, by ids
// in JSON bodies, by user id and session id, and by export. Every attempt must be refused
// (403/404 for reads, a 4xx for writes), no answer may name an area outside the caller's
// scope, and B's objects must be unchanged afterwards.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';

import { request } from '../lib/zxserver.mjs';
import {
  assertNoForeignAreas, auditRows, fill, label, routes, servedRoutes, startProbeCounty,
} from './lib.mjs';

const ACTORS = ['clerk_a', 'helper_a', 'town_a'];
// The server starts before the tests are declared, so that only routes it serves become
// tests (a row of a file not yet wired in is listed by the diagnostic test below).
const zx = await startProbeCounty();
const served = await servedRoutes(zx.url);

after(async () => {
  await zx.stop();
});

// A pattern naming an object: {kind} (a ledger kind) alone names a collection.
const withParams = (r) => /\{(?!kind\})\w+\}/.test(r.pattern);
const listPath = (r) => r.pattern.replace('{kind}', zx.objs.A.ledger_kind);

// Bodies that would be valid in the caller's own area, so a refusal is the scope check and
// not a validation error.
function bodyFor(r) {
  const p = r.pattern;
  if (/\/households\/\{hh_no\}$/.test(p)) return { helper: '越权测试' };
  if (/\/members$/.test(p)) return { name: '越权测试', relation: '其他', gender: '男' };
  if (/\/members\/\{person_id\}$/.test(p)) return { name: '越权测试' };
  if (/\/users\/\{id\}$/.test(p)) return { display_name: '越权测试' };
  if (/\/plans\/\{hh_no\}$/.test(p)) return { goal: '越权测试' };
  if (/\/events$/.test(p)) return { type: '其他', date: '2024-05-01', note: '越权测试' };
  if (/\/transitions$/.test(p) || /\/steps$/.test(p)) return { action: 'submit', opinion: '越权测试' };
  if (/\/ledgers\/\{kind\}\/\{id\}$/.test(p)) return { inspector: '越权测试', findings: '越权测试' };
  if (/\/reports\/\{id\}$/.test(p)) return { title: '越权测试', body: '## 一、越权\n\n越权测试', version: 1 };
  if (/\/reports\/\{id\}\/preview$/.test(p)) return { title: '越权测试', body: '{{tuopin_households}}' };
  if (/\/targets$/.test(p)) return { area: zx.areas.villageB, year: 2026, period: 'Y', target: '99' };
  return r.json ? {} : undefined;
}

// The id of an object of village B in a collection without a dedicated fill: the first
// item of the admin's list of the collection filtered to B whose areas are all in B.
async function findBId(collection) {
  const B = zx.areas.villageB;
  const r = await request(zx.url, `${collection}?village=${B}&area=${B}&per_page=50`, { session: zx.s.admin });
  if (r.status !== 200 || !Array.isArray(r.json?.items)) return undefined;
  for (const it of r.json.items) {
    const codes = JSON.stringify(it).match(/(?<!\d)5107\d{8}/g) || [];
    if (it.id !== undefined && codes.length && codes.every((c) => c.startsWith(B))) return it.id;
  }
  return undefined;
}

async function bTarget(r) {
  let p = fill(r.pattern, zx.objs.B);
  // A target is named by the indicator and, in the query, B's area.
  if (p && r.method === 'DELETE' && p.endsWith('/targets')) return `${p}?area=${zx.areas.villageB}&year=2026&period=Y`;
  if (p) return p;
  // One unknown {id}: look it up in the collection before it.
  const m = r.pattern.match(/^(.*?)\/\{(\w+)\}/);
  if (!m) return null;
  const seg = m[1].split('/').pop();
  if (zx.objs.B.ids[seg] === undefined) zx.objs.B.ids[seg] = (await findBId(m[1])) ?? null;
  p = fill(r.pattern, zx.objs.B);
  return p;
}

async function householdState(hh) {
  const r = await request(zx.url, `/api/v1/households/${hh}`, { session: zx.s.admin });
  return r.status === 200 ? r.json : r.status;
}

describe('sanity', () => {
  test('villages A and B lie in different towns and each has users and objects', () => {
    assert.notEqual(zx.areas.townA, zx.areas.townB);
    assert.ok(zx.objs.B.session_id, 'clerk B has a session');
    assert.ok(zx.objs.B.user_id > 0);
    if ([...served].some((r) => r.pattern === '/api/v1/imports')) assert.ok(zx.objs.B.ids.jobs > 0, 'clerk B has a job');
  });

  test('every route of src/api/*.c is probed or reported as not served', (t) => {
    const unserved = routes().filter((r) => !served.has(r)).map(label);
    if (unserved.length) t.diagnostic('not served (no probes): ' + unserved.join(', '));
    assert.ok(served.size >= 10);
  });
});

for (const actor of ACTORS) {
  describe(`${actor} reads village B by id in the URL`, () => {
    for (const r of routes().filter((x) => x.method === 'GET' && withParams(x) && !x.public && served.has(x))) {
      test(`${label(r)} with B's object is refused without B's data`, async (t) => {
        const p = await bTarget(r);
        const scope = zx.scopeOf[actor];
        if (p) {
          const res = await zx.req(p, { session: zx.s[actor] });
          assert.ok([403, 404].includes(res.status), `${actor} GET ${p}: ${res.status} ${res.text.slice(0, 300)}`);
          assertNoForeignAreas(res, scope, `GET ${p}`, [p]);
          return;
        }
        // No object of B to aim at: walk the first ids; whatever answers must be in scope.
        for (let id = 1; id <= 12; id++) {
          const q = r.pattern.replace(/\{(\w+)\}/g, (_, name) => (name === 'hh_no' ? zx.objs.B.hh_no ?? id : id));
          const res = await zx.req(q, { session: zx.s[actor] });
          assertNoForeignAreas(res, scope, `GET ${q}`, [q]);
        }
      });
    }
  });

  describe(`${actor} writes village B by id in the URL`, () => {
    for (const r of routes().filter((x) => x.method !== 'GET' && withParams(x) && !x.public && served.has(x))) {
      test(`${label(r)} on B's object is refused and changes nothing`, async (t) => {
        const p = await bTarget(r);
        if (!p) return t.skip('no object of village B for this route');
        const hh = zx.objs.B.hh_no;
        const beforeHh = hh && (await householdState(hh));
        const body = bodyFor(r);
        const res = await zx.req(p, { method: r.method, session: zx.s[actor], json: body });
        assert.ok(res.status >= 400 && res.status < 500, `${actor} ${r.method} ${p}: ${res.status} ${res.text.slice(0, 300)}`);
        assertNoForeignAreas(res, zx.scopeOf[actor], `${r.method} ${p}`, [p, JSON.stringify(body ?? {})]);
        if (hh) assert.deepEqual(await householdState(hh), beforeHh, `household ${hh} changed`);
        const clerkB = await request(zx.url, `/api/v1/users/${zx.objs.B.user_id}`, { session: zx.s.admin });
        assert.equal(clerkB.status, 200, 'clerk B still exists');
        assert.equal(clerkB.json.user.disabled, false);
        assert.equal(clerkB.json.user.display_name === '越权测试', false);
        const alive = await request(zx.url, '/api/v1/me', { session: zx.s.clerk_b });
        assert.equal(alive.status, 200, 'clerk B is still logged in');
      });
    }
  });
}

describe('lists filtered to another area', () => {
  const lists = routes().filter((r) => r.method === 'GET' && !withParams(r) && served.has(r) &&
    (r.queryKeys.has('area') || r.queryKeys.has('village') || r.file === 'exports.c'));
  for (const actor of ACTORS) {
    for (const r of lists) {
      test(`${actor}: ${label(r)} with ?area= or ?village= of B is refused and shows nothing of B`, async () => {
        const { townB, villageB, villageA, county } = zx.areas;
        const scope = zx.scopeOf[actor];
        const extra = r.file === 'exports.c' ? 'kind=households&format=csv&' : '';
        // Only a list the caller may read at all must refuse the foreign filter; others
        // (a 403 for the role, an answer that is not a list) must merely not leak.
        const lp = listPath(r);
        const base = await zx.req(`${lp}?${extra}`, { session: zx.s[actor] });
        const isList = base.status === 200 && (Array.isArray(base.json?.items) || r.file === 'exports.c');
        const keys = ['area', 'village'].filter((k) => r.queryKeys.has(k) || r.file === 'exports.c');
        for (const k of keys) {
          for (const v of [villageB, townB]) {
            const res = await zx.req(`${lp}?${extra}${k}=${v}`, { session: zx.s[actor] });
            // A town code as ?village= is malformed (400); a foreign area is 403 (404 tolerated).
            const refused = [403, 404].includes(res.status) || (k === 'village' && v === townB && res.status === 400);
            if (isList) assert.ok(refused, `${actor} ${r.pattern}?${k}=${v}: ${res.status} ${res.text.slice(0, 300)}`);
            assertNoForeignAreas(res, scope, `${r.pattern}?${k}=${v}`, [v]);
          }
          // Wider, malformed or mixed filters may be refused or narrowed, never widened.
          for (const v of [county, '510722', '5107221', '510722%25', '%25', '*', villageA + '%25', `${villageA}&${k}=${villageB}`]) {
            const res = await zx.req(`${lp}?${extra}${k}=${v}`, { session: zx.s[actor] });
            assertNoForeignAreas(res, scope, `${r.pattern}?${k}=${v}`, [v]);
          }
        }
      });
    }
  }
});

describe('ids of B in JSON bodies', () => {
  const BODY_KEYS = ['hh_no', 'household', 'area', 'area_code', 'village_code', 'village', 'code'];
  for (const actor of ['clerk_a', 'town_a']) {
    for (const r of routes().filter((x) => x.json && !x.public && served.has(x) && [...x.bodyKeys].some((k) => BODY_KEYS.includes(k)))) {
      test(`${actor}: ${label(r)} naming B in the body is refused or ignored`, async (t) => {
        const p = fill(r.pattern, zx.objs.A);
        if (!p) return t.skip('no object of village A for this route');
        const B = zx.objs.B;
        for (const k of [...r.bodyKeys].filter((x) => BODY_KEYS.includes(x))) {
          const v = k === 'hh_no' || k === 'household' ? B.hh_no : zx.areas.villageB;
          if (v === undefined) continue;
          const body = { ...(bodyFor(r) || {}), [k]: v };
          if (r.file === 'users.c') Object.assign(body, { username: 'idor_' + actor, role: 'village_clerk' });
          const res = await zx.req(p, { method: r.method, session: zx.s[actor], json: body });
          // Refused, or the key ignored (an update that cannot move its object): then the
          // answer is about the caller's own area and names nothing of B.
          assert.ok(res.status < 500, `${actor} ${r.method} ${p} {${k}: ${v}}: ${res.status} ${res.text.slice(0, 300)}`);
          assertNoForeignAreas(res, zx.scopeOf[actor], `${actor} ${r.method} ${p} {${k}: ${v}} → ${res.status}`, [p, JSON.stringify(body)]);
        }
      });
    }
  }

  test('a clerk cannot move a household of A into village B', async (t) => {
    const hh = zx.objs.A.hh_no;
    if (!hh) return t.skip('no households route yet');
    const res = await zx.req(`/api/v1/households/${hh}`, {
      method: 'PUT', session: zx.s.clerk_a, json: { village_code: zx.areas.villageB },
    });
    assert.ok(res.status >= 400 && res.status < 500, `${res.status} ${res.text}`);
    const now = await householdState(hh);
    assert.equal(now.village_code, zx.areas.villageA);
  });

  test('a town admin cannot create a user in another town', async () => {
    const res = await zx.req('/api/v1/users', {
      method: 'POST', session: zx.s.town_a,
      json: { username: 'idor_planted', role: 'village_clerk', area_code: zx.areas.villageB },
    });
    assert.ok(res.status >= 400 && res.status < 500, `${res.status} ${res.text}`);
    const list = await zx.req('/api/v1/users?q=idor_planted', { session: zx.s.admin });
    assert.equal(list.json.total, 0);
  });
});

describe('users and sessions of another area', () => {
  test('the user list of a town admin holds only users of the town', async () => {
    const r = await zx.req('/api/v1/users?per_page=500', { session: zx.s.town_a });
    assert.equal(r.status, 200, r.text);
    assert.ok(!r.json.items.some((u) => u.username === 'clerk_b'));
    assertNoForeignAreas(r.text, zx.areas.townA, 'users list');
    const q = await zx.req('/api/v1/users?q=clerk_b', { session: zx.s.town_a });
    assert.equal(q.json.total, 0);
    assert.doesNotMatch(q.text, /clerk_b/);
  });

  test('a town admin gets 404 for the user id of B on GET, PUT and DELETE', async () => {
    const id = zx.objs.B.user_id;
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const r = await zx.req(`/api/v1/users/${id}`, {
        method, session: zx.s.town_a, json: method === 'PUT' ? { disabled: true, reset_password: true } : undefined,
      });
      assert.equal(r.status, 404, `${method}: ${r.text}`);
      assert.doesNotMatch(r.text, /clerk_b/);
    }
    const u = await zx.req(`/api/v1/users/${id}`, { session: zx.s.admin });
    assert.equal(u.json.user.disabled, false);
    assert.equal((await zx.req('/api/v1/me', { session: zx.s.clerk_b })).status, 200);
  });

  test('user ids are not an oracle: a missing id and B\'s id answer alike', async () => {
    const b = await zx.req(`/api/v1/users/${zx.objs.B.user_id}`, { session: zx.s.town_a });
    const none = await zx.req('/api/v1/users/999999', { session: zx.s.town_a });
    assert.equal(b.status, none.status);
    assert.deepEqual(b.json, none.json);
  });

  test('nobody ends another user\'s session by its id', async () => {
    const sid = zx.objs.B.session_id;
    for (const actor of ACTORS) {
      for (const p of [`/api/v1/sessions/${sid}`, `/api/v1/me/sessions/${sid}`]) {
        const r = await zx.req(p, { method: 'DELETE', session: zx.s[actor] });
        assert.ok([403, 404].includes(r.status), `${actor} DELETE ${p}: ${r.status} ${r.text}`);
      }
    }
    assert.equal((await zx.req('/api/v1/me', { session: zx.s.clerk_b })).status, 200);
    const list = await zx.req(`/api/v1/sessions?user_id=${zx.objs.B.user_id}`, { session: zx.s.town_a });
    assert.ok(list.status === 403 || !list.text.includes(sid), `${list.status} ${list.text.slice(0, 300)}`);
  });
});

describe('unmask and export across areas', () => {
  test('unmasking a member of B is 404, leaves no unmask audit row; the own member is audited', async (t) => {
    const pid = zx.objs.B.person_id;
    if (!pid) return t.skip('no households route yet');
    const r = await zx.req(`/api/v1/persons/${pid}/unmask`, { method: 'POST', session: zx.s.clerk_a });
    assert.ok([403, 404].includes(r.status), r.text);
    assert.doesNotMatch(r.text, /\d{17}[\dX]/);
    let rows = await auditRows(zx, 'person.unmask');
    assert.ok(!rows.some((x) => x.username === 'clerk_a'), 'a refused unmask wrote an ok row');
    const own = await zx.req(`/api/v1/persons/${zx.objs.A.person_id}/unmask`, { method: 'POST', session: zx.s.clerk_a });
    if (own.status === 200) {
      rows = await auditRows(zx, 'person.unmask');
      assert.ok(rows.some((x) => x.username === 'clerk_a' && x.result === 'ok'), 'unmask is audited');
    } else {
      assert.ok([403, 404].includes(own.status), own.text);
    }
  });

  test('an unfiltered export of a clerk holds only village A', async (t) => {
    const r0 = routes().find((r) => r.pattern === '/api/v1/exports');
    if (!r0 || !served.has(r0)) return t.skip('route not served yet');
    for (const actor of ACTORS) {
      const r = await zx.req('/api/v1/exports?kind=households&format=csv', { session: zx.s[actor] });
      assert.ok(r.status === 200 || r.status === 403, `${actor}: ${r.status} ${r.text.slice(0, 200)}`);
      assertNoForeignAreas(r.text, zx.scopeOf[actor], `${actor} export`);
      if (r.status === 200) for (const hh of zx.objs.B.hh_nos || []) assert.ok(!r.text.includes(hh));
    }
  });
});
