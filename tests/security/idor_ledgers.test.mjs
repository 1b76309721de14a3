// IDOR and CSRF on the ledger, indicator, ranking and report resources: the probe county
// holds, in both villages, a 巡查 ledger row and a 工作汇报 draft of the village's clerk, a
// 巡河 target of the village and a published 晾晒 of its town (lib.mjs seedAreaObjects).
// Another area's object by id is 404 and answers like a missing id, while the caller's own
// answers 200; a list, check, export, figure or dashboard asked for another area is refused;
// a write to another area's object (an edit, a delete, a target, a threshold, a snapshot, an
// import) is refused, changes nothing and leaves no audit row; and a write without the
// session's CSRF token changes nothing.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';

import { assertError } from '../lib/zxserver.mjs';
import { PROBE_YEAR, assertNoForeignAreas, auditRows, startProbeCounty } from './lib.mjs';

const zx = await startProbeCounty();
const { A, B } = zx.objs;
const ACTORS = ['clerk_a', 'town_a', 'helper_a'];

after(async () => {
  await zx.stop();
});

const admin = (p) => zx.req(p, { session: zx.s.admin });
const byIdReads = (o) => [
  `/api/v1/ledgers/inspection/${o.ids.ledgers}`,
  `/api/v1/reports/${o.ids.reports}`,
  `/api/v1/reports/${o.ids.reports}/preview`,
  `/api/v1/reports/${o.ids.reports}/figures`,
  `/api/v1/reports/${o.ids.reports}/download?format=md`,
  `/api/v1/rankings/snapshots/${o.ids.snapshots}`,
  `/api/v1/rankings/snapshots/${o.ids.snapshots}/export?format=md`,
];

// What B's objects look like to the county admin (must not change under any probe).
async function stateOfB() {
  const target = await admin(`/api/v1/indicators?area=${B.code}&year=${PROBE_YEAR}`);
  return {
    ledger: (await admin(`/api/v1/ledgers/inspection/${B.ids.ledgers}`)).json,
    ledgers: (await admin(`/api/v1/ledgers/inspection?area=${B.code}`)).json?.total,
    report: (await admin(`/api/v1/reports/${B.ids.reports}`)).json?.report,
    target: target.json?.items?.find((x) => x.key === 'river_patrol')?.target,
    snapshots: (await admin('/api/v1/rankings/snapshots?per_page=100')).json?.total,
    setting: (await admin(`/api/v1/ledgers/inspection/checks?area=${B.code}&year=${PROBE_YEAR}`)).text,
  };
}

test('the probe county holds a ledger row, a report, a target and a snapshot in both villages', async () => {
  for (const o of [A, B]) {
    for (const k of ['ledgers', 'reports', 'snapshots']) assert.ok(o.ids[k] > 0, `${o.code}: no ${k} (${JSON.stringify(o.ids)})`);
  }
  const s = await stateOfB();
  assert.equal(s.ledger.area_code, B.code, JSON.stringify(s.ledger));
  assert.equal(s.report.area_code, B.code);
  assert.equal(String(s.target), '10');
});

describe('objects of B by id', () => {
  for (const actor of ACTORS) {
    test(`${actor}: B's ledger row, report (with preview, figures, download) and snapshot (with export) are 404`, async () => {
      for (const p of byIdReads(B)) {
        const r = await zx.req(p, { session: zx.s[actor] });
        assert.equal(r.status, 404, `${actor} GET ${p}: ${r.status} ${r.text.slice(0, 300)}`);
        assertNoForeignAreas(r, zx.scopeOf[actor], `GET ${p}`, []);
        assert.doesNotMatch(r.text, /探针巡查员B|凯江B|探针晾晒B/);
      }
    });
  }

  test('B\'s ids are no oracle: they answer like ids nobody has', async () => {
    for (const [p, none] of [[`/api/v1/ledgers/inspection/${B.ids.ledgers}`, '/api/v1/ledgers/inspection/99999999'],
      [`/api/v1/reports/${B.ids.reports}`, '/api/v1/reports/99999999'],
      [`/api/v1/rankings/snapshots/${B.ids.snapshots}`, '/api/v1/rankings/snapshots/99999999']]) {
      const b = await zx.req(p, { session: zx.s.clerk_a });
      const n = await zx.req(none, { session: zx.s.clerk_a });
      assert.equal(b.status, n.status, p);
      // The message may echo the id asked for; apart from it the answers are the same.
      const id = p.split('/').pop();
      assert.equal(b.text.replaceAll(id, 'N'), n.text.replaceAll('99999999', 'N'), p);
    }
  });

  test('the same routes answer 200 for A\'s own objects (the refusal is about the area)', async () => {
    for (const p of byIdReads(A)) {
      const r = await zx.req(p, { session: zx.s.clerk_a });
      assert.equal(r.status, 200, `GET ${p}: ${r.text.slice(0, 300)}`);
    }
    const l = await zx.req(`/api/v1/ledgers/inspection/${A.ids.ledgers}`, { session: zx.s.clerk_a });
    assert.equal(l.json.area_code, A.code);
  });

  test('unfiltered lists of A\'s users hold none of B\'s objects', async () => {
    for (const actor of ACTORS) {
      for (const [p, id] of [['/api/v1/ledgers/inspection?per_page=100', B.ids.ledgers], ['/api/v1/reports', B.ids.reports],
        ['/api/v1/rankings/snapshots?per_page=100', B.ids.snapshots]]) {
        const r = await zx.req(p, { session: zx.s[actor] });
        assert.equal(r.status, 200, `${actor} ${p}: ${r.text.slice(0, 300)}`);
        assert.ok(!r.json.items.some((x) => x.id === id), `${actor} ${p} lists B's object ${id}`);
        assertNoForeignAreas(r, zx.scopeOf[actor], p);
      }
    }
  });
});

describe('lists, checks, exports and figures asked for B', () => {
  const routes = (v, t) => [
    `/api/v1/ledgers/inspection?area=${v}`,
    `/api/v1/ledgers/inspection/checks?area=${v}&year=${PROBE_YEAR}`,
    `/api/v1/ledgers/inspection/export?format=csv&area=${v}`,
    `/api/v1/ledgers/project/checks?area=${t}&year=${PROBE_YEAR}`,
    `/api/v1/indicators?area=${v}&year=${PROBE_YEAR}`,
    `/api/v1/indicators?area=${t}&year=${PROBE_YEAR}`,
    `/api/v1/rankings?area=${t}&year=${PROBE_YEAR}`,
    `/api/v1/rankings/snapshots?area=${t}`,
    `/api/v1/reports?area=${v}`,
    `/api/v1/figures?area=${v}&year=${PROBE_YEAR}`,
    `/api/v1/dashboard?area=${t}&year=${PROBE_YEAR}`,
  ];
  for (const actor of ACTORS) {
    test(`${actor}: every one is 403 or 404 and names nothing of B`, async () => {
      for (const p of routes(B.code, B.town)) {
        const r = await zx.req(p, { session: zx.s[actor] });
        assert.ok([403, 404].includes(r.status), `${actor} GET ${p}: ${r.status} ${r.text.slice(0, 300)}`);
        assertNoForeignAreas(r, zx.scopeOf[actor], `GET ${p}`, [p]);
      }
    });
  }

  test('the same routes answer for the caller\'s own area', async () => {
    for (const p of routes(A.code, A.town)) {
      const who = p.includes(`=${A.town}`) ? 'town_a' : 'clerk_a';
      const r = await zx.req(p, { session: zx.s[who] });
      assert.equal(r.status, 200, `${who} GET ${p}: ${r.text.slice(0, 300)}`);
    }
  });
});

describe('writes to B\'s objects', () => {
  test('edits and deletes of B\'s ledger row and report are 404, change nothing and are not audited', async () => {
    const before = await stateOfB();
    for (const actor of ['clerk_a', 'town_a']) {
      const s = zx.s[actor];
      for (const [method, p, json] of [
        ['PUT', `/api/v1/ledgers/inspection/${B.ids.ledgers}`, { findings: '越权', inspector: '越权' }],
        ['PUT', `/api/v1/ledgers/inspection/${B.ids.ledgers}`, { area: A.code }],
        ['DELETE', `/api/v1/ledgers/inspection/${B.ids.ledgers}`],
        ['PUT', `/api/v1/reports/${B.ids.reports}`, { title: '越权', body: '## 一、越权\n\n越权', version: before.report.version }],
        ['DELETE', `/api/v1/reports/${B.ids.reports}`],
        ['POST', `/api/v1/reports/${B.ids.reports}/preview`, { title: '越权', body: '{{tuopin_households}}' }],
      ]) {
        const r = await zx.req(p, { method, session: s, json });
        assert.equal(r.status, 404, `${actor} ${method} ${p}: ${r.status} ${r.text.slice(0, 300)}`);
        assertNoForeignAreas(r, zx.scopeOf[actor], `${method} ${p}`, [p]);
      }
    }
    assert.deepEqual(await stateOfB(), before);
    for (const action of ['ledger.update', 'ledger.delete']) {
      assert.deepEqual((await auditRows(zx, action)).filter((x) => x.object === `ledger:${B.ids.ledgers}`), [], action);
    }
    for (const action of ['report.update', 'report.delete']) {
      assert.deepEqual((await auditRows(zx, action)).filter((x) => x.object === `report:${B.ids.reports}`), [], action);
    }
  });

  test('a target, a threshold or a snapshot for B is 403 and leaves no audit row', async () => {
    const before = await stateOfB();
    for (const actor of ['clerk_a', 'town_a']) {
      const s = zx.s[actor];
      for (const [method, p, json] of [
        ['PUT', '/api/v1/indicators/river_patrol/targets', { area: B.code, year: PROBE_YEAR, period: 'Y', target: '99' }],
        ['PUT', '/api/v1/indicators/river_patrol/targets', { area: B.town, year: PROBE_YEAR, period: 'Y', target: '99' }],
        ['DELETE', `/api/v1/indicators/river_patrol/targets?area=${B.code}&year=${PROBE_YEAR}&period=Y`],
        ['PUT', '/api/v1/ledger-settings', { area: B.code, year: 0, key: 'loan_max_fen', value: 1 }],
        ['PUT', '/api/v1/ledger-settings', { area: B.town, year: 0, key: 'industry_share_min', value: 1 }],
        ['POST', '/api/v1/rankings', { area: B.town, year: PROBE_YEAR, period: 'Y', title: '越权' }],
        ['POST', '/api/v1/reports', { area: B.code, year: PROBE_YEAR, title: '越权' }],
        ['POST', '/api/v1/ledgers/inspection', { type: '巡河', area: B.code, inspector: '越权', date: '2026-01-06', place: '越权' }],
      ]) {
        const r = await zx.req(p, { method, session: s, json });
        assert.ok([403, 404, 422].includes(r.status), `${actor} ${method} ${p} ${JSON.stringify(json)}: ${r.status} ${r.text.slice(0, 300)}`);
        assertNoForeignAreas(r, zx.scopeOf[actor], `${method} ${p}`, [p, JSON.stringify(json || {})]);
      }
    }
    assert.deepEqual(await stateOfB(), before);
    const mine = (rows) => rows.filter((x) => ['clerk_a', 'town_a'].includes(x.username));
    for (const action of ['indicator.target.set', 'indicator.target.delete', 'ledger.setting', 'ranking.publish', 'report.create', 'ledger.create']) {
      const rows = mine(await auditRows(zx, action)).filter((x) => x.area_code === B.code || x.area_code === B.town ||
        String(x.object).includes(B.code) || String(x.detail).includes(B.code));
      assert.deepEqual(rows, [], `${action}: ${JSON.stringify(rows[0])}`);
    }
  });

  test('an import of ledger rows of B by A\'s clerk writes none of them', async () => {
    const before = await stateOfB();
    const up = await zx.req('/api/v1/imports?kind=ledger:inspection', {
      method: 'POST', session: zx.s.clerk_a, headers: { 'Content-Type': 'text/csv', 'X-File-Name': 'probe.csv' },
      body: `巡查类别,区划代码,巡查人,巡查日期,巡查地点\n巡河,${B.code},越权,2026-01-07,越权\n`,
    });
    if (up.status === 202) {
      let job;
      for (let i = 0; i < 100; i++) {
        job = (await zx.req(`/api/v1/jobs/${up.json.job.id}`, { session: zx.s.clerk_a })).json.job ?? {};
        if (!['queued', 'running'].includes(job.state)) break;
        await new Promise((ok) => setTimeout(ok, 100));
      }
      assert.ok(!job.result?.ok && !job.result?.imported, JSON.stringify(job).slice(0, 400));
      assertNoForeignAreas(JSON.stringify(job), zx.scopeOf.clerk_a, 'import job', [B.code]);
    } else {
      assert.ok([403, 404, 422].includes(up.status), `${up.status} ${up.text.slice(0, 300)}`);
    }
    assert.deepEqual(await stateOfB(), before);
  });
});

describe('CSRF on the new resources', () => {
  test('writes without the session\'s token are 403 csrf_failed and change nothing', async () => {
    const beforeB = await stateOfB();
    const ownLedger = (await admin(`/api/v1/ledgers/inspection/${A.ids.ledgers}`)).json;
    const ownReport = (await admin(`/api/v1/reports/${A.ids.reports}`)).json.report;
    const countA = (await admin(`/api/v1/ledgers/inspection?area=${A.code}`)).json.total;
    for (const [who, method, p, json] of [
      ['clerk_a', 'POST', '/api/v1/ledgers/inspection', { type: '巡河', area: A.code, inspector: 'csrf', date: '2026-01-06', place: 'csrf' }],
      ['clerk_a', 'PUT', `/api/v1/ledgers/inspection/${A.ids.ledgers}`, { findings: 'csrf' }],
      ['clerk_a', 'DELETE', `/api/v1/ledgers/inspection/${A.ids.ledgers}`],
      ['clerk_a', 'PUT', `/api/v1/reports/${A.ids.reports}`, { title: 'csrf', body: 'csrf', version: ownReport.version }],
      ['clerk_a', 'DELETE', `/api/v1/reports/${A.ids.reports}`],
      ['admin', 'PUT', '/api/v1/indicators/river_patrol/targets', { area: B.code, year: PROBE_YEAR, period: 'Y', target: '99' }],
      ['admin', 'DELETE', `/api/v1/indicators/river_patrol/targets?area=${B.code}&year=${PROBE_YEAR}&period=Y`],
      ['admin', 'PUT', '/api/v1/ledger-settings', { area: B.code, year: 0, key: 'loan_max_fen', value: 1 }],
      ['admin', 'POST', '/api/v1/rankings', { area: B.town, year: PROBE_YEAR, period: 'Y', title: 'csrf' }],
      ['admin', 'PUT', `/api/v1/ledgers/inspection/${B.ids.ledgers}`, { findings: 'csrf' }],
    ]) {
      for (const csrf of [false, zx.s.clerk_b.csrf]) {
        const r = await zx.req(p, { method, session: zx.s[who], csrf, json });
        assertError(r, 403, 'csrf_failed');
      }
    }
    assert.deepEqual(await stateOfB(), beforeB);
    assert.deepEqual((await admin(`/api/v1/ledgers/inspection/${A.ids.ledgers}`)).json, ownLedger);
    assert.deepEqual((await admin(`/api/v1/reports/${A.ids.reports}`)).json.report, ownReport);
    assert.equal((await admin(`/api/v1/ledgers/inspection?area=${A.code}`)).json.total, countA);
  });
});
