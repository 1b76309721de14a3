// SQL-injection probes: quote, comment, UNION, LIKE-wildcard, NUL and over-long strings in
// every query parameter of every served GET route and in every string field of every
// JSON route (parameters and fields read from src/api/*.c). None may answer 5xx, return
// more rows than the caller's unfiltered list, name an area outside the caller's scope or
// show a password hash; a value accepted into a text field reads back literally; and
// afterwards the database is intact: /healthz, the county's counts, every account still
// logs in, and `zhenxing check` (integrity + audit chain) passes.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';

import { request, runOk } from '../lib/zxserver.mjs';
import {
  INJECTIONS, USERS, assertNoForeignAreas, fill, label, routes, servedRoutes, snapshot, startProbeCounty,
} from './lib.mjs';

const zx = await startProbeCounty({
  extraUsers: [
    { name: 'inj_target', role: 'helper', where: 'villageA' },
    { name: 'inj_self', role: 'county_admin', where: 'county' },
  ],
});
const served = await servedRoutes(zx.url);
const before = await snapshot(zx);
zx.s.inj_self = await zx.login('inj_self');
const target = (await zx.req('/api/v1/users?q=inj_target', { session: zx.s.admin })).json.items[0];

let renames = 0; // display names accepted for inj_target, each must be audited

after(async () => {
  await zx.stop();
});

// Parameters probed on every route besides those its file reads (a catch-all for a handler
// the pattern in lib.mjs does not recognise).
const COMMON_KEYS = ['q', 'area', 'village', 'page', 'per_page', 'year', 'id'];
// Routes that hash or verify a password per request (argon2id) get fewer payloads.
const COSTLY = /^(POST \/api\/v1\/users|POST \/api\/v1\/session|\w+ \/api\/v1\/me\/(password|totp))$/;
// Bound parameters make every payload alike to a JSON field; a few kinds suffice there
// (each accepted write costs an fsync), fewer where a password is hashed.
const SOME = INJECTIONS.filter((v) => /OR 1=1 --|DROP|UNION|group_concat|^%$|\u0000$/.test(v) || v.length > 1000);
const FEW = [INJECTIONS[0], INJECTIONS[3], '\u0000', INJECTIONS[INJECTIONS.length - 1]];
const objsA = () => ({ ...zx.objs.A, user_id: target.id, ids: new Proxy(zx.objs.A.ids, { get: (o, k) => o[k] ?? 1 }) });
const qs = (k, v) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`;

// The first of these users whose plain request succeeds (the route's natural caller).
// Parameters a route cannot do without.
const NEEDS = {
  '/api/v1/exports': 'kind=households&format=csv&',
  '/api/v1/income/summary': 'year=2024&',
  '/api/v1/policies/effective': 'year=2026&', // the year of the 监测线 the probe county sets (lib.mjs)
};

async function callerOf(p) {
  for (const who of ['clerk_a', 'town_a', 'admin', 'audit_c', 'sec_c']) {
    const r = await zx.req(p + '?' + (NEEDS[p] || ''), { session: zx.s[who] });
    if (r.status === 200) return { who, base: r };
  }
  return null;
}

// A published 晾晒 of a town is read by every user inside the town (docs/api.md): its
// rows name the town's other villages, so its answers are checked against the town.
const scopeFor = (who, p) => (/^\/api\/v1\/rankings\/snapshots\/\d+/.test(p || '') ? zx.areas.townA : zx.scopeOf[who]);

function checkAnswer(res, who, baseTotal, what, supplied, p) {
  assert.doesNotMatch(res.text, /\$argon2/, `${what}: a password hash in the answer`);
  assertNoForeignAreas(res, scopeFor(who, p), what, supplied);
  if (res.status === 200 && Array.isArray(res.json?.items)) {
    assert.ok(res.json.items.length <= 500, `${what}: ${res.json.items.length} rows`);
    if (baseTotal !== undefined && typeof res.json.total === 'number') {
      assert.ok(res.json.total <= baseTotal, `${what}: total ${res.json.total} > unfiltered ${baseTotal}`);
    }
  }
}

describe('injection in query parameters', () => {
  for (const r of routes().filter((x) => x.method === 'GET' && !x.public && served.has(x))) {
    test(`${label(r)}: every parameter refuses or neutralises injection`, async (t) => {
      const p = fill(r.pattern, objsA());
      const c = await callerOf(p);
      if (!c) return t.skip('no user may read ' + p);
      const baseTotal = c.base.json?.total;
      const keys = [...new Set([...r.queryKeys, ...COMMON_KEYS])];
      for (const k of keys) {
        // One parameter at a time, all payloads in flight together.
        const get = (v) => zx.req(`${p}?${NEEDS[p] || ''}${qs(k, v)}`, { session: zx.s[c.who] });
        const answers = await Promise.all(INJECTIONS.map((v) => get(v).then((res) => ({ res, v }))));
        // A route that caps concurrent work (exports) answers 409 busy: ask again alone.
        for (const a of answers) if (a.res.status === 409) a.res = await get(a.v);
        for (const { res, v } of answers) checkAnswer(res, c.who, baseTotal, `${c.who} GET ${p}?${k}=${JSON.stringify(v).slice(0, 40)}`, [v], p);
      }
    });
  }
});

// Who sends a JSON route, and what else the body needs to reach the domain code.
function jsonCase(r, i) {
  if (r.pattern.startsWith('/api/v1/me/')) return { who: 'inj_self', base: {} };
  if (r.pattern === '/api/v1/users' && r.method === 'POST') {
    return { who: 'admin', base: { username: `inj_u${i}`, role: 'helper', area_code: zx.areas.villageA } };
  }
  if (r.pattern === '/api/v1/session') return { who: null, base: { username: 'inj_nobody', password: 'x' } };
  return { who: 'admin', base: {} };
}

describe('injection in JSON string fields', () => {
  let n = 0;
  for (const r of routes().filter((x) => x.json && served.has(x))) {
    test(`${label(r)}: every string field refuses or stores injection literally`, async (t) => {
      const p = fill(r.pattern, objsA());
      if (!p) return t.skip('cannot fill ' + r.pattern);
      const keys = [...r.bodyKeys];
      if (!keys.length) return t.skip('no body fields found');
      for (const k of keys) {
        for (const v of COSTLY.test(label(r)) ? FEW : SOME) {
          const c = jsonCase(r, n++);
          const body = { ...c.base, [k]: v };
          const res = await zx.req(p, { method: r.method, session: c.who ? zx.s[c.who] : undefined, json: body });
          const what = `${r.method} ${p} {${k}: ${JSON.stringify(v).slice(0, 40)}}`;
          checkAnswer(res, c.who || 'clerk_a', undefined, what, [v, p]);
          if (res.status === 200 && r.pattern === '/api/v1/users/{id}' && k === 'display_name') {
            assert.equal(res.json.user.display_name, v, `${what}: stored differently`);
            renames++;
          }
          if (res.status === 200 && r.pattern === '/api/v1/households/{hh_no}' && k === 'helper') {
            assert.equal(res.json.helper, v, `${what}: stored differently`);
          }
        }
      }
    });
  }
});

describe('the database after the probes', () => {
  test('every accepted write of a probe string is in the audit log', async (t) => {
    const r = await zx.req('/api/v1/audit?action=user.update&per_page=500', { session: zx.s.audit_c });
    const rows = r.json.items.filter((x) => x.object === `user:${target.id}` && x.result === 'ok');
    t.diagnostic(`${rows.length} user.update rows for inj_target`);
    assert.ok(renames > 0, 'no probe string was accepted as a display name');
    assert.ok(rows.length >= renames, `${renames} accepted renames, ${rows.length} audit rows`);
    assert.ok(rows.every((x) => x.username === zx.admin.username), JSON.stringify(rows[0]));
  });

  test('healthz, county counts and the accounts are intact', async () => {
    const now = await snapshot(zx);
    assert.equal(now.health, 200);
    assert.equal(now.households, before.households);
    assert.equal(now.persons, before.persons);
    assert.ok(now.users >= before.users);
    for (const u of USERS) await zx.login(u.name);
    await zx.login(zx.admin.username);
    const list = await request(zx.url, '/api/v1/users?per_page=500', { session: zx.s.admin });
    for (const u of USERS) assert.ok(list.json.items.some((x) => x.username === u.name), u.name);
  });

  test('zhenxing check passes (integrity and audit chain)', async () => {
    const r = await runOk(['check', '--db', zx.db]);
    assert.match(r.stdout, /完整性: 正常/);
    assert.match(r.stdout, /哈希链完整/);
  });
});
