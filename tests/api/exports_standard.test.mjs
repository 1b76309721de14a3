// The standard exports over HTTP (GET /api/v1/exports?kind=monitored|measures|visits|
// eliminations): each kind downloads as XLSX (frozen header row, column widths) and CSV with
// its Chinese header, 证件号码 masked unless a role that may unmask asks (audited), another
// area is 403, the 等保 roles get nothing; and `zhenxing export <kind>` writes the same file.
//
// Facts other modules own (a household's category, an elimination in progress) are set with
// the sqlite3 shell (psql on PostgreSQL) on the live database; measures and visits go
// through the API.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { assertError, run, sql as rawSql, startCounty } from '../lib/zxserver.mjs';

const FULL_ID = /\d{17}[\dX]/;
const MASKED_ID = /^\d{4}\*{10}[\dX]{4}$/;

let zx;
let admin;
let clerkA;
let townB;
let auditor;
let hhA; // a 监测户 of village A with a measure, a visit and an elimination in progress

async function sql(q) {
  return (await rawSql(zx.db, q)).trim();
}

before(async () => {
  zx = await startCounty({
    households: 300,
    seed: 13,
    users: [
      { name: 'clerk_a', role: 'village_clerk', where: 'villageA' },
      { name: 'town_b', role: 'town_admin', where: 'townB' },
      { name: 'auditor', role: 'audit_admin', where: 'county' },
    ],
  });
  admin = await zx.login(zx.admin.username);
  clerkA = await zx.login('clerk_a');
  townB = await zx.login('town_b');
  auditor = await zx.login('auditor');
  hhA = await sql(`SELECT hh_no FROM households WHERE area_code = '${zx.areas.villageA}' ORDER BY hh_no LIMIT 1`);
  assert.ok(hhA);
  await sql(`UPDATE households SET category = '边缘易致贫户', risk_type = '因病', helper = '测试帮扶员'
             WHERE hh_no = '${hhA}';`);
  const m = await zx.req(`/api/v1/plans/${hhA}/measures`, {
    method: 'POST', session: admin, json: { kind: '健康帮扶', content: '慢病签约服务', status: '已落实', amount: 1200.5 },
  });
  assert.equal(m.status, 201, m.text);
  const v = await zx.req('/api/v1/visits', {
    method: 'POST', session: admin, json: { hh_no: hhA, checklist: ['income', 'water'], findings: '家中有病人' },
    headers: { 'Idempotency-Key': crypto.randomUUID() },
  });
  assert.equal(v.status, 201, v.text);
  const now = Math.floor(Date.now() / 1000);
  await sql(`INSERT INTO eliminations (county, area_code, household_id, kind, category, risk_type, state, status,
               reason, applied_by, applied_at, updated_at)
             SELECT county, area_code, id, '帮扶消除', category, risk_type, 'noticed', 'pending', '收入稳定',
               '村干部', ${now}, ${now} FROM households WHERE hh_no = '${hhA}';`);
});

after(async () => {
  await zx?.stop();
});

function url(kind, query) {
  return `/api/v1/exports?kind=${kind}${query}`;
}

async function download(session, kind, query) {
  const res = await fetch(`${zx.url}${url(kind, query)}`, { headers: { Cookie: session.cookie } });
  const buf = Buffer.from(await res.arrayBuffer());
  assert.equal(res.status, 200, buf.toString());
  return { res, buf };
}

async function csvLines(session, kind, query) {
  const { res, buf } = await download(session, kind, `&format=csv${query}`);
  assert.match(res.headers.get('content-type'), /text\/csv/);
  assert.deepEqual([...buf.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM');
  return buf.subarray(3).toString('utf8').split('\r\n').filter(Boolean);
}

const HEADS = {
  monitored: ['户编号', '户主姓名', '证件号码', '联系电话', '行政区划代码', '村', '组', '户类型', '监测对象类别',
    '风险类型', '帮扶责任人', '人口数', '纳入日期', '状态'],
  measures: ['户编号', '户主姓名', '行政区划代码', '村', '帮扶目标', '措施类型', '措施内容', '金额（元）',
    '计划完成日期', '实际落实日期', '责任人', '状态'],
  visits: ['户编号', '户主姓名', '行政区划代码', '村', '走访人', '走访日期', '走访事项（六必访）', '走访发现',
    '后续跟进'],
  eliminations: ['户编号', '户主姓名', '行政区划代码', '村', '消除方式', '监测对象类别', '风险类型', '当前环节', '状态',
    '申请人', '申请日期', '公示日期', '乡镇审核人', '县级审定人', '审定日期', '理由'],
};

describe('standard exports', () => {
  test('each kind downloads as CSV with its Chinese header and the village rows', async () => {
    const year = new Date().getFullYear();
    for (const kind of Object.keys(HEADS)) {
      const lines = await csvLines(clerkA, kind, `&year=${year}`);
      assert.deepEqual(lines[0].split(','), HEADS[kind], kind);
      const rows = lines.slice(1).map((l) => l.split(','));
      assert.ok(rows.some((r) => r[0] === hhA), `${kind} holds ${hhA}`);
      const area = kind === 'monitored' ? 4 : 2;
      assert.ok(rows.every((r) => r[area] === zx.areas.villageA), `${kind}: only village A`);
    }
    const m = (await csvLines(clerkA, 'measures', '')).map((l) => l.split(',')).find((r) => r[0] === hhA);
    assert.equal(m[7], '1200.50');
    assert.equal(m[5], '健康帮扶');
    const v = (await csvLines(clerkA, 'visits', '')).map((l) => l.split(',')).find((r) => r[0] === hhA);
    assert.equal(v[6], '收入、饮水');
    const e = (await csvLines(clerkA, 'eliminations', '')).map((l) => l.split(',')).find((r) => r[0] === hhA);
    assert.deepEqual([e[7], e[8]], ['村内公示', '审批中']);
    assert.equal((await csvLines(clerkA, 'visits', `&year=${year - 3}`)).length, 1, 'another year: the header only');
  });

  test('XLSX: a workbook with a frozen header row and column widths, named after the kind', async () => {
    for (const kind of Object.keys(HEADS)) {
      const { res, buf } = await download(admin, kind, `&format=xlsx&area=${zx.areas.villageA}`);
      assert.match(res.headers.get('content-type'), /spreadsheetml/);
      assert.match(res.headers.get('content-disposition'), new RegExp(`filename="${kind}-${zx.areas.villageA}\\.xlsx"`));
      assert.match(res.headers.get('content-disposition'), /filename\*=UTF-8''%E/);
      const file = path.join(zx.dir, `${kind}.xlsx`);
      await writeFile(file, buf);
      const sheet = execFileSync('unzip', ['-p', file, 'xl/worksheets/sheet1.xml']).toString();
      assert.match(sheet, /<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"\/>/, kind);
      assert.equal((sheet.match(/<col [^>]*customWidth="1"/g) || []).length, HEADS[kind].length, kind);
      // constant_memory writes inline strings: the header is in the sheet's first row
      const row1 = sheet.match(/<row r="1"[^>]*>(.*?)<\/row>/)[1];
      assert.deepEqual([...row1.matchAll(/<t>([^<]*)<\/t>/g)].map((x) => x[1]), HEADS[kind], kind);
    }
  });

  test('证件号码 masked; unmasked only for a role that may unmask, and audited', async () => {
    const masked = (await csvLines(admin, 'monitored', `&area=${zx.areas.villageA}`)).slice(1);
    assert.ok(masked.length > 0);
    assert.ok(masked.every((l) => MASKED_ID.test(l.split(',')[2])), 'masked IDs');
    assert.ok(masked.every((l) => !FULL_ID.test(l)));
    assertError(await zx.req(url('monitored', '&format=csv&unmasked=1'), { session: clerkA }), 403);
    const full = (await csvLines(admin, 'monitored', `&unmasked=1&area=${zx.areas.villageA}`)).slice(1);
    assert.ok(full.every((l) => FULL_ID.test(l.split(',')[2])), 'plain IDs');
    const audit = await zx.req('/api/v1/audit?action=monitored.export', { session: auditor });
    assert.equal(audit.status, 200, audit.text);
    assert.ok(audit.json.items.some((x) => /未脱敏/.test(x.detail)), 'the unmasked export is audited');
  });

  test('another area is 403, the 等保 roles are refused, bad parameters 400', async () => {
    for (const kind of Object.keys(HEADS)) {
      assertError(await zx.req(url(kind, `&format=csv&area=${zx.areas.villageB}`), { session: clerkA }), 403);
      assertError(await zx.req(url(kind, `&format=xlsx&area=${zx.areas.villageA}`), { session: townB }), 403);
      assertError(await zx.req(url(kind, '&format=csv'), { session: auditor }), 403);
    }
    assertError(await zx.req(url('visits', '&format=pdf'), { session: admin }), 400);
    assertError(await zx.req(url('visits', '&format=csv&year=19'), { session: admin }), 400);
    assertError(await zx.req(url('visits', '&format=csv'), { method: 'POST', session: admin }), 400);
  });
});

describe('CLI export of the standard kinds', () => {
  test('zhenxing export measures writes the CSV; bad usage exits 2', async () => {
    const out = path.join(zx.dir, 'measures.csv');
    const r = await run(['export', 'measures', '--db', zx.db, '--area', zx.areas.villageA, '--format', 'csv', '-o', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /已导出帮扶措施台账 \d+ 行/);
    const text = (await readFile(out, 'utf8')).replace(/^\uFEFF/, '');
    assert.deepEqual(text.split('\r\n')[0].split(','), HEADS.measures);
    assert.ok(text.includes(hhA));
    const bad = await run(['export', 'visits', '--db', zx.db, '--format', 'csv', '-o', out]);
    assert.equal(bad.code, 2);
    const badYear = await run(['export', 'visits', '--db', zx.db, '--area', zx.areas.villageA, '--year', '19',
      '--format', 'csv', '-o', out]);
    assert.equal(badYear.code, 2);
  });
});
