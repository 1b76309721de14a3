// 指标与目标 and 晾晒/红黑榜 over HTTP against a real server: completion computed from the
// ledger rows (计划403.62万元, 完成425.5万元 → 105.42%), targets and milestones, who may set
// them, scope (403 for a foreign area, 404 for a foreign snapshot), CSRF, indicator
// definitions, the live league table, publishing, history and the XLSX / Markdown / 通报 DOCX
// exports.
//
// Ledger rows belong to the ledger module; they are written with sql() (the sqlite3 shell on
// the live WAL database, or psql), so this file depends only on the ledger_entries table.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';

import { assertError, run, sql, startCounty } from '../lib/zxserver.mjs';

const exec = promisify(execFile);

let zx;
let admin;
let townA;
let townB;
let clerkA;
let sys;

function ledger(kind, area, date, { fen = null, status = '', category = '', fields = '{}' } = {}) {
  return sql(zx.db, `INSERT INTO ledger_entries (county, kind, area_code, entry_date, amount_fen, status, category,
                     fields, created_at, updated_at)
                     VALUES ('${area.slice(0, 6)}', '${kind}', '${area}', '${date}', ${fen ?? 'NULL'}, '${status}',
                     '${category}', '${fields}', 0, 0)`);
}

async function indicators(session, area, query = '') {
  const r = await zx.req(`/api/v1/indicators?area=${area}&year=2026${query}`, { session });
  assert.equal(r.status, 200, r.text);
  return Object.fromEntries(r.json.items.map((i) => [i.key, i]));
}

function putTarget(session, key, body, opts = {}) {
  return zx.req(`/api/v1/indicators/${key}/targets`, { method: 'PUT', session, json: { year: 2026, ...body }, ...opts });
}

before(async () => {
  zx = await startCounty({
    households: 60,
    seed: 5,
    users: [
      { name: 'ind_town_a', role: 'town_admin', where: 'townA' },
      { name: 'ind_town_b', role: 'town_admin', where: 'townB' },
      { name: 'ind_clerk_a', role: 'village_clerk', where: 'villageA' },
      { name: 'ind_sys', role: 'sys_admin', where: 'county' },
    ],
  });
  admin = await zx.login(zx.admin.username);
  townA = await zx.login('ind_town_a');
  townB = await zx.login('ind_town_b');
  clerkA = await zx.login('ind_clerk_a');
  sys = await zx.login('ind_sys');
});

after(async () => {
  await zx?.stop();
});

describe('indicators', () => {
  test('microloan completion is computed from the ledger rows: 403.62万元 planned, 425.5万元 done, 105.42%', async () => {
    const a = zx.areas;
    let r = await putTarget(admin, 'microloan', { area: a.county, target: '403.62' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.item.target, '403.62');
    assert.equal(r.json.item.completion_pct, '0.00');
    await ledger('microloan', a.villageA, '2026-03-01', { fen: 200000000 });
    await ledger('microloan', a.villageB, '2026-04-01', { fen: 225500000 });
    await ledger('microloan', a.villageB, '2025-12-31', { fen: 9900000 }); // last year: not counted
    const all = await indicators(admin, a.county);
    assert.equal(all.microloan.actual, '425.5');
    assert.equal(all.microloan.target, '403.62');
    assert.equal(all.microloan.completion_pct, '105.42');
    assert.equal(all.microloan.unit, '万元');
    assert.ok(Math.abs(all.microloan.completion - 425.5 / 403.62) < 1e-12);
    // A town counts its own subtree; without a target there is no completion.
    const ta = await indicators(townA, a.townA);
    assert.equal(ta.microloan.actual, '200');
    assert.equal(ta.microloan.target, null);
    assert.equal(ta.microloan.completion_pct, null);
    // as_of stops the count: nothing was issued by 2026-02-28.
    const early = await indicators(admin, a.county, '&as_of=2026-02-28');
    assert.equal(early.microloan.actual, '0');
  });

  test('a milestone is a share of the year quota and counts from 1 January to its date', async () => {
    const a = zx.areas;
    assert.equal((await putTarget(townA, 'river_patrol', { area: a.villageA, target: '10' })).status, 200);
    const r = await putTarget(townA, 'river_patrol', { area: a.villageA, period: '2026-06-30', share: '70' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.period.code, 'D0630');
    assert.equal(r.json.item.target, '7');
    assert.equal(r.json.item.share_pct, '70');
    for (const d of ['2026-01-05', '2026-03-05', '2026-06-30', '2026-07-01']) {
      await ledger('inspection', a.villageA, d, { category: '巡河' });
    }
    await ledger('inspection', a.villageA, '2026-02-01', { category: '巡林' });
    const m = await indicators(clerkA, a.villageA, '&period=D0630');
    assert.equal(m.river_patrol.actual, '3');
    assert.equal(m.river_patrol.completion_pct, '42.86');
    const y = await indicators(clerkA, a.villageA);
    assert.equal(y.river_patrol.actual, '4');
    assert.equal(y.river_patrol.completion_pct, '40.00');
  });

  test('targets: bad values are refused in Chinese naming the field, nothing is written', async () => {
    const a = zx.areas;
    for (const [body, status, code] of [
      [{ area: a.villageA, target: '-5' }, 422, 'invalid_target'],
      [{ area: a.villageA, target: '1.2345678' }, 422, 'invalid_target'],
      [{ area: a.villageA, target: '5', share: '70' }, 422, 'invalid_target'],
      [{ area: a.villageA, share: '70' }, 422, 'invalid_share'],
      [{ area: a.villageA, target: '5', period: 'Q7' }, 422, 'invalid_period'],
      [{ area: 'x', target: '5' }, 400, 'invalid_area_code'],
    ]) {
      const e = assertError(await putTarget(admin, 'microloan', body), status, code);
      assert.ok(e.field, JSON.stringify(e));
    }
    assertError(await putTarget(admin, 'no_such', { area: a.villageA, target: '5' }), 404);
    const v = await indicators(admin, a.villageA);
    assert.equal(v.microloan.target, null);
  });

  test('who sets targets: county and town admins below their level; scope and CSRF hold', async () => {
    const a = zx.areas;
    assertError(await putTarget(townA, 'microloan', { area: a.townA, target: '5' }), 403);
    assertError(await putTarget(townA, 'microloan', { area: a.villageB, target: '5' }), 403);
    assertError(await putTarget(clerkA, 'microloan', { area: a.villageA, target: '5' }), 403);
    assertError(await putTarget(admin, 'microloan', { area: a.townB, target: '5' }, { csrf: false }), 403);
    assertError(await zx.req(`/api/v1/indicators?area=${a.villageB}&year=2026`, { session: townA }), 403);
    assertError(await zx.req(`/api/v1/indicators?area=${a.county}&year=2026`, { session: sys }), 403);
    assert.equal((await putTarget(admin, 'microloan', { area: a.townB, target: '5' })).status, 200);
    const del = await zx.req(`/api/v1/indicators/microloan/targets?area=${a.townB}&year=2026&period=Y`,
      { method: 'DELETE', session: admin });
    assert.equal(del.status, 200, del.text);
    assert.equal((await indicators(admin, a.townB)).microloan.target, null);
    const audit = await sql(zx.db, "SELECT count(*) FROM audit_log WHERE action LIKE 'indicator.target.%'");
    assert.ok(Number(audit) >= 5, audit);
  });

  test('county admins define indicators with a JSON-field filter; bad definitions are refused', async () => {
    const def = { key: 'loan_overdue', name: '逾期贷款金额', unit: '万元', source: 'ledger', ledger_kind: 'microloan',
      agg: 'sum_amount', filter_field: 'repay_status', filter_value: '逾期', weight: 5, higher_better: false };
    assertError(await zx.req('/api/v1/indicators', { method: 'POST', session: townA, json: def }), 403);
    let r = await zx.req('/api/v1/indicators', { method: 'POST', session: admin, json: def });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.indicator.higher_better, false);
    r = await zx.req('/api/v1/indicators', { method: 'POST', session: admin, json: { ...def, weight: 6 } });
    assert.equal(r.status, 200, r.text);
    assertError(await zx.req('/api/v1/indicators', { method: 'POST', session: admin,
      json: { ...def, key: 'bad1', filter_field: "x') OR 1=1 --" } }), 422, 'invalid_filter');
    assertError(await zx.req('/api/v1/indicators', { method: 'POST', session: admin,
      json: { ...def, key: 'bad2', unit: '人' } }), 422, 'invalid_unit');
    await ledger('microloan', zx.areas.villageA, '2026-05-01', { fen: 3000000, fields: '{"repay_status":"逾期"}' });
    await ledger('microloan', zx.areas.villageA, '2026-05-02', { fen: 4000000, fields: '{"repay_status":"正常"}' });
    assert.equal((await indicators(admin, zx.areas.villageA)).loan_overdue.actual, '3');
  });
});

describe('command line', () => {
  test('indicator show prints the completion as JSON; set refuses bad values (exit 1) and bad usage (exit 2)', async () => {
    const a = zx.areas;
    const r = await run(['indicator', 'show', '--db', zx.db, '--area', a.county, '--year', '2026', '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    const loan = out.indicators.find((i) => i.key === 'microloan');
    // 425.5万元 plus the 7万元 of the JSON-field test above.
    assert.equal(loan.target, '403.62');
    assert.equal(loan.actual, '432.5');
    assert.equal(loan.completion_pct, '107.16');
    const api = (await indicators(admin, a.county)).microloan;
    assert.deepEqual([api.target, api.actual, api.completion_pct], [loan.target, loan.actual, loan.completion_pct]);
    const text = await run(['indicator', 'show', '--db', zx.db, '--area', a.county, '--year', '2026']);
    assert.match(text.stdout, /小额信贷发放额\t403\.62万元\t432\.5万元\t107\.16%/);
    const bad = await run(['indicator', 'set', '--db', zx.db, '--area', a.county, '--year', '2026', '--key', 'microloan',
      '--target', '-1']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /目标值/);
    const usage = await run(['indicator', 'set', '--db', zx.db, '--area', a.county, '--year', '2026']);
    assert.equal(usage.code, 2);
    const ok = await run(['indicator', 'set', '--db', zx.db, '--area', a.townB, '--year', '2026', '--key', 'employment',
      '--period', 'Q3', '--target', '12']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /2026年第三季度 务工就业人数 12人/);
  });
});

describe('rankings', () => {
  let published;

  test('the live league table ranks the villages of a town by weighted completion', async () => {
    const a = zx.areas;
    const r = await zx.req(`/api/v1/rankings?area=${a.townA}&year=2026&top=1`, { session: townA });
    assert.equal(r.status, 200, r.text);
    const k = r.json.ranking;
    assert.equal(k.id, null);
    assert.equal(k.may_publish, true);
    assert.equal(k.rows[0].area_code, a.villageA);
    assert.equal(k.rows[0].rank, 1);
    assert.equal(k.rows[0].board, 'red');
    assert.equal(k.rows[0].score_pct, '40.00'); // only 巡河 has a target there
    assert.equal(k.rows[1].rank, null);
    assertError(await zx.req(`/api/v1/rankings?area=${a.townA}&year=2026`, { session: townB }), 403);
    assertError(await zx.req(`/api/v1/rankings?area=${a.villageA}&year=2026`, { session: admin }), 422);
  });

  test('publishing stores a snapshot: listed, readable inside the town, 404 elsewhere, exported', async () => {
    const a = zx.areas;
    assertError(await zx.req('/api/v1/rankings', { method: 'POST', session: clerkA, json: { year: 2026 } }), 403);
    assertError(await zx.req('/api/v1/rankings', { method: 'POST', session: townA, csrf: false, json: { year: 2026 } }), 403);
    const r = await zx.req('/api/v1/rankings', { method: 'POST', session: townA,
      json: { year: 2026, period: 'Y', as_of: '2026-06-30', top: 1, title: '6月晾晒' } });
    assert.equal(r.status, 201, r.text);
    published = r.json.ranking;
    assert.ok(published.id > 0);
    assert.equal(published.as_of, '2026-06-30');
    assert.equal(published.rows[0].score_pct, '30.00'); // 3 of 10 by 30 June
    // A later ledger row moves the live table, not the snapshot.
    await ledger('inspection', a.villageA, '2026-06-15', { category: '巡河' });
    const again = await zx.req(`/api/v1/rankings/snapshots/${published.id}`, { session: clerkA });
    assert.equal(again.status, 200, again.text);
    assert.equal(again.json.ranking.rows[0].score_pct, '30.00');
    const live = await zx.req(`/api/v1/rankings?area=${a.townA}&year=2026&as_of=2026-06-30`, { session: townA });
    assert.equal(live.json.ranking.rows[0].score_pct, '40.00');
    const list = await zx.req('/api/v1/rankings/snapshots', { session: admin });
    assert.equal(list.status, 200, list.text);
    assert.ok(list.json.items.some((i) => i.id === published.id && i.title === '6月晾晒'));
    const listB = await zx.req('/api/v1/rankings/snapshots', { session: townB });
    assert.equal(listB.json.items.length, 0);
    assertError(await zx.req(`/api/v1/rankings/snapshots/${published.id}`, { session: townB }), 404);
    assertError(await zx.req(`/api/v1/rankings/snapshots/${published.id}/export?format=xlsx`, { session: townB }), 404);
    assertError(await zx.req(`/api/v1/rankings/snapshots/${published.id}/export?format=pdf`, { session: townA }), 400);
  });

  test('a snapshot exports as XLSX, Markdown and a 通报 DOCX', async () => {
    const base = `/api/v1/rankings/snapshots/${published.id}/export`;
    const x = await fetch(zx.url + base + '?format=xlsx', { headers: { Cookie: townA.cookie } });
    assert.equal(x.status, 200);
    assert.match(x.headers.get('content-type'), /spreadsheetml/);
    assert.equal(Buffer.from(await x.arrayBuffer()).subarray(0, 2).toString(), 'PK');
    const m = await zx.req(base + '?format=md', { session: townA });
    assert.equal(m.status, 200);
    assert.match(m.text, /^# 6月晾晒/);
    assert.match(m.text, /巡河次数计划10次，完成3次，完成率30\.00%/);
    const d = await fetch(zx.url + base + '?format=docx', { headers: { Cookie: townA.cookie } });
    assert.equal(d.status, 200);
    assert.match(d.headers.get('content-type'), /wordprocessingml/);
    const file = path.join(zx.dir, 'tongbao.docx');
    await writeFile(file, Buffer.from(await d.arrayBuffer()));
    const { stdout } = await exec('python3', ['-c',
      'import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).read("word/document.xml").decode())', file]);
    assert.match(stdout, /6月晾晒/);
    assert.match(stdout, /黑榜/);
    assert.match(stdout, /仿宋|w:pStyle/);
  });
});
