// SQL-injection probes on the ledger, indicator, ranking, report, figure and dashboard
// routes, with real objects in both villages (lib.mjs seedAreaObjects): every filter and
// search parameter with every probe string answers below 500, with no more rows than the
// caller's unfiltered list and nothing of another area; a ledger search finds exactly the
// rows holding the text literally (a LIKE wildcard is no wildcard); probe strings written
// into a ledger row's text fields and a report's title read back literally; afterwards the
// database passes `zhenxing check`.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';

import { runOk } from '../lib/zxserver.mjs';
import { INJECTIONS, PROBE_YEAR, assertNoForeignAreas, startProbeCounty } from './lib.mjs';

const zx = await startProbeCounty();
const { A } = zx.objs;

after(async () => {
  await zx.stop();
});

const qs = (k, v) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`;

// [caller, path, fixed query, filter keys]
const ROUTES = [
  ['clerk_a', '/api/v1/ledgers/inspection', '', ['q', 'area', 'year', 'from', 'to', 'status', 'category', 'parent', 'page', 'per_page']],
  ['clerk_a', '/api/v1/ledgers/project/checks', `year=${PROBE_YEAR}&`, ['area', 'year']],
  ['clerk_a', '/api/v1/ledgers/inspection/export', 'format=csv&', ['q', 'area', 'year', 'from', 'to', 'status', 'category', 'format']],
  ['clerk_a', '/api/v1/indicators', `year=${PROBE_YEAR}&`, ['area', 'year', 'period', 'as_of']],
  ['town_a', '/api/v1/rankings', `year=${PROBE_YEAR}&`, ['area', 'year', 'period', 'as_of', 'top']],
  ['clerk_a', '/api/v1/rankings/snapshots', '', ['area', 'page', 'per_page']],
  ['clerk_a', `/api/v1/rankings/snapshots/${A.ids.snapshots}/export`, '', ['format']],
  ['clerk_a', '/api/v1/reports', '', ['area', 'year']],
  ['clerk_a', `/api/v1/reports/${A.ids.reports}/download`, '', ['format']],
  ['clerk_a', '/api/v1/figures', '', ['area', 'year']],
  ['town_a', '/api/v1/dashboard', '', ['area', 'year']],
];

describe('injection in the filters of the new routes', () => {
  for (const [who, p, fixed, keys] of ROUTES) {
    test(`${who} GET ${p}: every filter refuses or neutralises injection`, async () => {
      const base = await zx.req(`${p}?${fixed}`, { session: zx.s[who] });
      assert.equal(base.status, 200, `${p}: ${base.text.slice(0, 300)}`);
      const baseTotal = base.json?.total ?? base.json?.items?.length;
      for (const k of keys) {
        const answers = await Promise.all(INJECTIONS.map((v) => zx.req(`${p}?${fixed}${qs(k, v)}`, { session: zx.s[who] }).then((res) => ({ res, v }))));
        for (const { res, v } of answers) {
          const what = `${who} GET ${p}?${k}=${JSON.stringify(v).slice(0, 40)}`;
          assert.ok(res.status < 500, `${what}: ${res.status} ${res.text.slice(0, 300)}`);
          assert.doesNotMatch(res.text, /\$argon2/, what);
          assertNoForeignAreas(res, zx.scopeOf[who], what, [v]);
          if (res.status === 200 && Array.isArray(res.json?.items) && typeof baseTotal === 'number' && k !== 'per_page' && k !== 'page') {
            const n = res.json.total ?? res.json.items.length;
            assert.ok(n <= baseTotal, `${what}: ${n} rows > unfiltered ${baseTotal}`);
          }
        }
      }
    });
  }
});

describe('ledger text fields and the search', () => {
  const stored = []; // places of A's rows written by the probe (besides the seeded one)
  const seededPlace = '凯江A';
  // The probe strings that fit the shortest text field (巡查人, 60 characters).
  const PAYLOADS = INJECTIONS.filter((v) => v.length <= 60);

  test('a search for a probe string before any row holds it finds nothing', async () => {
    for (const v of PAYLOADS) {
      const r = await zx.req(`/api/v1/ledgers/inspection?${qs('q', v)}`, { session: zx.s.clerk_a });
      if (r.status !== 200) {
        assert.ok(r.status >= 400 && r.status < 500, `${JSON.stringify(v)}: ${r.status} ${r.text.slice(0, 300)}`);
        continue;
      }
      assert.equal(r.json.total, 0, `q=${JSON.stringify(v)} found ${r.json.total} rows: ${r.text.slice(0, 300)}`);
    }
  });

  test('probe strings in 巡查人, 巡查地点 and 发现问题 are stored and read back literally', async () => {
    let accepted = 0;
    for (const v of PAYLOADS) {
      const r = await zx.req('/api/v1/ledgers/inspection', {
        method: 'POST', session: zx.s.clerk_a,
        json: { type: '巡河', area: A.code, inspector: v, date: '2026-01-08', place: v, findings: v },
      });
      assert.ok(r.status === 201 || (r.status >= 400 && r.status < 500), `${JSON.stringify(v)}: ${r.status} ${r.text.slice(0, 300)}`);
      if (r.status !== 201) continue;
      accepted++;
      stored.push(v);
      const g = await zx.req(`/api/v1/ledgers/inspection/${r.json.id}`, { session: zx.s.clerk_a });
      assert.equal(g.status, 200, g.text);
      for (const f of ['inspector', 'place', 'findings']) assert.equal(g.json[f], v, `${f} of ${JSON.stringify(v)}`);
      assert.equal(g.json.area_code, A.code);
    }
    assert.ok(accepted >= 10, `only ${accepted} probe strings were accepted`);
  });

  test('a search finds exactly the rows holding the string (LIKE wildcards are literal)', async () => {
    // The search also reads the row's fields as stored JSON text, where " \ and control
    // characters are escaped: a string is held literally or in its JSON spelling.
    const holds = (x, v) => [x, JSON.stringify(x)].some((t) => t.toLowerCase().includes(v.toLowerCase()));
    for (const v of stored) {
      const r = await zx.req(`/api/v1/ledgers/inspection?per_page=100&${qs('q', v)}`, { session: zx.s.clerk_a });
      assert.equal(r.status, 200, `${JSON.stringify(v)}: ${r.text.slice(0, 300)}`);
      const want = [...stored, seededPlace].filter((x) => holds(x, v)).length;
      assert.equal(r.json.total, want, `q=${JSON.stringify(v)}: ${r.json.total} rows, ${want} hold it`);
      assert.ok(r.json.items.every((x) => holds(x.place, v) || holds(x.inspector, v) || holds(x.findings ?? '', v)), JSON.stringify(v));
      assertNoForeignAreas(r, zx.scopeOf.clerk_a, `q=${JSON.stringify(v)}`, [v]);
    }
  });

  test('a report title with probe strings is stored literally', async () => {
    for (const v of PAYLOADS.filter((x) => !x.includes('\u0000'))) {
      const r = await zx.req('/api/v1/reports', { method: 'POST', session: zx.s.clerk_a, json: { area: A.code, year: PROBE_YEAR, title: v } });
      assert.ok(r.status === 201 || (r.status >= 400 && r.status < 500), `${JSON.stringify(v)}: ${r.status} ${r.text.slice(0, 300)}`);
      if (r.status !== 201) continue;
      const g = await zx.req(`/api/v1/reports/${r.json.report.id}`, { session: zx.s.clerk_a });
      assert.equal(g.json.report.title, v);
      const del = await zx.req(`/api/v1/reports/${r.json.report.id}`, { method: 'DELETE', session: zx.s.clerk_a });
      assert.ok(del.status < 300, del.text);
    }
  });

  test('zhenxing check passes (integrity and audit chain)', async () => {
    const r = await runOk(['check', '--db', zx.db]);
    assert.match(r.stdout, /完整性: 正常/);
    assert.match(r.stdout, /哈希链完整/);
  });
});
