// The figure registry over HTTP (issue #7): GET /api/v1/figures and GET /api/v1/dashboard
// against a real server. Household figures agree with the /households list behind their
// links, the dashboard's series add up to the figures, 人均纯收入 is population-weighted
// from the surveys, docs/figures.md documents the registry row by row, and both routes are
// scoped (403 outside the caller's area, a village clerk sees only its village).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';

import { assertError, sql, startCounty } from '../lib/zxserver.mjs';

const YEAR = 2026;
let zx;
let admin;
let clerk;
let townAdmin;
let auditor;

before(async () => {
  zx = await startCounty({
    households: 400,
    seed: 17,
    users: [
      { name: 'clerk_a', role: 'village_clerk', where: 'villageA' },
      { name: 'town_a', role: 'town_admin', where: 'townA' },
      { name: 'auditor', role: 'audit_admin', where: 'county' },
    ],
  });
  admin = await zx.login(zx.admin.username);
  clerk = await zx.login('clerk_a');
  townAdmin = await zx.login('town_a');
  auditor = await zx.login('auditor');
});

after(async () => {
  await zx?.stop();
});

async function figures(session, area, year = YEAR) {
  const r = await zx.req(`/api/v1/figures?area=${area}&year=${year}`, { session });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

function byName(list) {
  return Object.fromEntries(list.map((f) => [f.name, f]));
}

// The /households total behind a '#/households?…' link.
async function listTotal(link) {
  const q = new URLSearchParams(link.split('?')[1]);
  q.set('per_page', '1');
  const r = await zx.req(`/api/v1/households?${q}`, { session: admin });
  assert.equal(r.status, 200, r.text);
  return r.json.total;
}

describe('figures', () => {
  test('every figure has its label, unit, text, source, definition, as_of and list link', async () => {
    const d = await figures(admin, zx.areas.county);
    assert.equal(d.area, zx.areas.county);
    assert.equal(d.year, YEAR);
    assert.ok(d.figures.length >= 50);
    for (const f of d.figures) {
      assert.match(f.name, /^[a-z0-9_]+$/);
      assert.ok(f.label && f.unit && f.source && f.definition, f.name);
      assert.match(f.as_of, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
      if (f.value === null) assert.equal(f.text, '—');
      else assert.equal(f.text, f.number + f.unit);
      if (f.link) assert.ok(f.link.includes(`area=${zx.areas.county}`), f.link);
    }
    const g = byName(d.figures);
    assert.equal(g.tuopin_income_growth_pct.precision, 1);
    assert.equal(g.tuopin_income_growth_pct.kind, 'percent');
  });

  test('household figures equal the totals of the /households lists behind their links', async () => {
    for (const area of [zx.areas.county, zx.areas.townA, zx.areas.villageA]) {
      const g = byName((await figures(admin, area)).figures);
      assert.ok(g.households_total.value > 0, area);
      let checked = 0;
      for (const f of Object.values(g)) {
        if (!f.link || !f.link.startsWith('#/households') || f.unit !== '户') continue;
        assert.equal(await listTotal(f.link), f.value, `${f.name} of ${area}`);
        checked++;
      }
      assert.ok(checked >= 6, `${checked} household figures checked`);
      assert.equal(g.households_total.value,
        g.tuopin_households.value + g.general_households.value);
      assert.equal(g.monitored_households.value,
        g.unstable_households.value + g.edge_households.value + g.sudden_households.value);
    }
  });

  test('docs/figures.md documents every figure of the registry with the same row', async () => {
    const doc = await readFile(new URL('../../docs/figures.md', import.meta.url), 'utf8');
    const rows = doc.split('\n').filter((l) => l.startsWith('| `'));
    const d = await figures(admin, zx.areas.county);
    assert.equal(rows.length, d.figures.length, 'one row per figure');
    d.figures.forEach((f, i) => {
      assert.equal(rows[i],
        `| \`${f.name}\` | ${f.label} | ${f.unit} | ${f.precision} | \`${f.source}\` | ${f.definition} |`);
    });
  });

  test('人均纯收入 is Σ 纯收入 / Σ 人口 of the surveyed 脱贫户, with growth over last year', async () => {
    const v = zx.areas.townA;
    // Income surveys (another module's facts) are written straight into the live database.
    const rows = (await sql(zx.db, `SELECT id || ',' || size || ',' || area_code FROM households
      WHERE substr(area_code, 1, 9) = '${v.slice(0, 9)}' AND hh_type = '脱贫户' AND size > 0 ORDER BY id LIMIT 2`))
      .trim().split('\n');
    assert.equal(rows.length, 2, 'town A needs two 脱贫户');
    const [[id1, n1, v1], [id2, n2, v2]] = rows.map((r) => r.split(',').map(Number));
    const survey = (id, year, netYuan, n) => `INSERT INTO income_surveys (county, area_code,
      household_id, year, wage, business, property, transfer, expense, net, size, net_per_capita, updated_by,
      updated_at) VALUES ('510722', '${id === id1 ? v1 : v2}', ${id}, ${year}, ${netYuan * 100}, 0, 0, 0, 0, ${netYuan * 100},
      ${n}, ${Math.round((netYuan * 100) / n)}, 't', 0);`;
    await sql(zx.db, survey(id1, YEAR, 30000, n1) + survey(id2, YEAR, 45001, n2) +
      survey(id1, YEAR - 1, 25000, n1) + survey(id2, YEAR - 1, 40000, n2));
    const g = byName((await figures(townAdmin, v)).figures);
    const pc = (30000 + 45001) / (n1 + n2);
    const last = (25000 + 40000) / (n1 + n2);
    assert.equal(g.tuopin_income_per_capita.text, `${Math.round(pc)}元`);
    assert.equal(g.tuopin_income_per_capita_last.text, `${Math.round(last)}元`);
    assert.equal(g.tuopin_income_growth_pct.text, `${(Math.round(((pc - last) / last) * 1000) / 10).toFixed(1)}%`);
    assert.equal(g.surveyed_households.value, 2);
    // the dashboard's histogram holds the two households of the year
    const dash = await zx.req(`/api/v1/dashboard?area=${v}&year=${YEAR}`, { session: townAdmin });
    const hist = dash.json.series.income_histogram;
    assert.equal(hist.bin_yuan, 1000);
    assert.equal(hist.bins.reduce((s, b) => s + b.tuopin, 0), 2);
  });
});

describe('dashboard', () => {
  test('series add up to the figures; the county\'s children are its towns, ranked', async () => {
    const r = await zx.req(`/api/v1/dashboard?area=${zx.areas.county}&year=${YEAR}`, { session: admin });
    assert.equal(r.status, 200, r.text);
    const { series } = r.json;
    const g = byName(r.json.figures);
    assert.equal(series.child_level, '乡镇');
    assert.ok(series.children.length >= 30);
    for (const c of series.children) assert.match(c.code, /^510722\d{3}000$/);
    assert.deepEqual(series.children.map((c) => c.rank), series.children.map((_, i) => i + 1));
    const sum = (k) => series.children.reduce((s, c) => s + c[k], 0);
    assert.equal(sum('households'), g.households_total.value);
    assert.equal(sum('persons'), g.persons_total.value);
    assert.equal(sum('monitored_households'), g.monitored_households.value);
    assert.equal(series.by_type.reduce((s, t) => s + t.households, 0), g.households_total.value);
    assert.equal(series.by_category.reduce((s, t) => s + t.persons, 0), g.monitored_persons.value);
    assert.deepEqual(series.funnel.map((s) => s.name), ['排查发现', '识别立案', '纳入监测', '风险消除']);
    assert.equal(series.overdue.cases, g.overdue_cases.value);
    assert.equal(series.overdue.visits, g.overdue_visits.value);
    // a town's row agrees with the town's own figures (the drill-down)
    const town = series.children.find((c) => c.code === zx.areas.townA);
    const tg = byName((await figures(admin, zx.areas.townA)).figures);
    assert.equal(town.households, tg.households_total.value);
    assert.equal(town.tuopin_households, tg.tuopin_households.value);
    assert.equal(town.link, `#/dashboard?area=${zx.areas.townA}&year=${YEAR}`);
  });

  test('a town admin sees the villages of the town; a village has no children', async () => {
    const r = await zx.req(`/api/v1/dashboard?year=${YEAR}`, { session: townAdmin });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.area, zx.areas.townA);
    assert.equal(r.json.series.child_level, '村');
    assert.ok(r.json.series.children.length > 0);
    for (const c of r.json.series.children) assert.equal(c.code.slice(0, 9), zx.areas.townA.slice(0, 9));
    const v = await zx.req(`/api/v1/dashboard?area=${zx.areas.villageA}`, { session: townAdmin });
    assert.equal(v.status, 200, v.text);
    assert.deepEqual(v.json.series.children, []);
  });
});

describe('scope', () => {
  test('a village clerk sees only its village', async () => {
    const own = await zx.req(`/api/v1/dashboard?year=${YEAR}`, { session: clerk });
    assert.equal(own.status, 200, own.text);
    assert.equal(own.json.area, zx.areas.villageA);
    const adminView = byName((await figures(admin, zx.areas.villageA)).figures);
    assert.equal(byName(own.json.figures).households_total.value, adminView.households_total.value);
    for (const area of [zx.areas.villageB, zx.areas.townA, zx.areas.county]) {
      assertError(await zx.req(`/api/v1/dashboard?area=${area}`, { session: clerk }), 403, 'area_forbidden');
      assertError(await zx.req(`/api/v1/figures?area=${area}`, { session: clerk }), 403, 'area_forbidden');
    }
  });

  test('a town admin is refused the other town; 等保 roles are refused', async () => {
    assertError(await zx.req(`/api/v1/dashboard?area=${zx.areas.townB}`, { session: townAdmin }), 403,
      'area_forbidden');
    assertError(await zx.req('/api/v1/dashboard', { session: auditor }), 403, 'forbidden');
    assertError(await zx.req('/api/v1/figures', { session: auditor }), 403, 'forbidden');
    const anon = await zx.req('/api/v1/dashboard', {});
    assert.equal(anon.status, 401);
  });

  test('bad parameters are 400 with a Chinese message', async () => {
    assertError(await zx.req('/api/v1/dashboard?year=1990', { session: admin }), 400, 'invalid_parameter');
    assertError(await zx.req('/api/v1/figures?area=51072210', { session: admin }), 400, 'invalid_area_code');
    assertError(await zx.req('/api/v1/figures?area=510000000000', { session: admin }), 403, 'area_forbidden');
  });
});
