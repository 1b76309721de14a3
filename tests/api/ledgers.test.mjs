// 台账 over HTTP against a real server: the kind descriptors, CRUD of a 小额信贷 with the
// borrower masked and the overdue flag, scope (another village's clerk gets 404, a helper
// 403), CSRF, validation errors in Chinese naming the field, audit rows of every write, the
// check panel (薄弱村 with its configurable line), the export (Chinese headers, no full ID
// number) and the import as a background job (all-or-nothing by counts).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { writeFile } from 'node:fs/promises';
import path from 'node:path';

import { assertError, run, sql as sqlAt, startCounty } from '../lib/zxserver.mjs';

let zx;
let admin;
let clerkA;
let clerkB;
let helperA;
let personA; // persons.id of someone in village A
let hhA; // 户编号 of two households in village A
let hhA2;

const sql = async (q) => (await sqlAt(zx.db, q)).trim();

before(async () => {
  zx = await startCounty({
    households: 200,
    seed: 21,
    users: [
      { name: 'clerk_a', role: 'village_clerk', where: 'villageA' },
      { name: 'clerk_b', role: 'village_clerk', where: 'villageB' },
      { name: 'helper_a', role: 'helper', where: 'villageA' },
    ],
  });
  admin = await zx.login(zx.admin.username);
  clerkA = await zx.login('clerk_a');
  clerkB = await zx.login('clerk_b');
  helperA = await zx.login('helper_a');
  const v = zx.areas.villageA;
  personA = Number(await sql(`SELECT id FROM persons WHERE area_code = '${v}' ORDER BY id LIMIT 1`));
  [hhA, hhA2] = (await sql(`SELECT hh_no FROM households WHERE area_code = '${v}' ORDER BY hh_no LIMIT 2`))
    .split('\n');
  assert.ok(personA > 0 && hhA && hhA2, 'village A needs people');
});

after(async () => {
  await zx?.stop();
});

const loan = (over = {}) => ({
  borrower: { id: personA }, amount: '3万元', term: 24, issued: '2023-01-10', due: '2025-01-09', bank: '农商银行',
  ...over,
});

describe('ledger kinds', () => {
  test('GET /api/v1/ledgers describes every kind with its fields', async () => {
    const r = await zx.req('/api/v1/ledgers', { session: clerkA });
    assert.equal(r.status, 200, r.text);
    const keys = r.json.kinds.map((k) => k.key);
    assert.deepEqual(keys, ['project', 'subsidy', 'microloan', 'public_post', 'employment', 'collective',
      'inspection', 'milestone']);
    const ml = r.json.kinds.find((k) => k.key === 'microloan');
    assert.equal(ml.name, '小额信贷');
    const amount = ml.fields.find((f) => f.key === 'amount');
    assert.equal(amount.type, 'money');
    assert.equal(amount.label, '贷款金额');
    assert.equal(amount.required, true);
    assert.deepEqual(ml.fields.find((f) => f.key === 'status').enums, ['正常', '已还清', '展期', '逾期']);
  });

  test('an unknown kind is 404', async () => {
    assertError(await zx.req('/api/v1/ledgers/nope', { session: admin }), 404, 'unknown_kind');
  });
});

describe('microloan CRUD', () => {
  test('create, read masked, flag overdue, update, delete — each write audited', async () => {
    const audit0 = Number(await sql("SELECT count(*) FROM audit_log WHERE action LIKE 'ledger.%'"));
    const c = await zx.req('/api/v1/ledgers/microloan', { method: 'POST', session: clerkA, json: loan() });
    assert.equal(c.status, 201, c.text);
    const id = c.json.id;
    assert.equal(c.json.amount, '30000.00');
    assert.equal(c.json.area_code, zx.areas.villageA);
    assert.equal(c.json.borrower.id, personA);
    assert.match(c.json.borrower.id_masked, /^\d{4}\*+\d{3}[\dX]$/);
    assert.equal(c.json.status, '正常');
    assert.equal(c.json.overdue, '是', 'due 2025-01-09 has passed');
    assert.equal(Number(await sql(`SELECT amount_fen FROM ledger_entries WHERE id = ${id}`)), 3000000);

    const got = await zx.req(`/api/v1/ledgers/microloan/${id}`, { session: admin });
    assert.equal(got.status, 200, got.text);
    assert.equal(got.json.term, 24);

    const u = await zx.req(`/api/v1/ledgers/microloan/${id}`, {
      method: 'PUT', session: clerkA, json: { status: '已还清' },
    });
    assert.equal(u.status, 200, u.text);
    assert.equal(u.json.overdue, '否');
    assert.equal(u.json.amount, '30000.00', 'fields not sent are kept');

    const list = await zx.req(`/api/v1/ledgers/microloan?status=${encodeURIComponent('已还清')}`, { session: admin });
    assert.equal(list.status, 200, list.text);
    assert.equal(list.json.total, 1);
    assert.equal(list.json.items[0].id, id);

    const d = await zx.req(`/api/v1/ledgers/microloan/${id}`, { method: 'DELETE', session: clerkA });
    assert.equal(d.status, 204, d.text);
    assertError(await zx.req(`/api/v1/ledgers/microloan/${id}`, { session: admin }), 404);
    const actions = (await sql(`SELECT action FROM audit_log WHERE action LIKE 'ledger.%' AND object = 'ledger:${id}'
      ORDER BY id`)).split('\n');
    assert.deepEqual(actions, ['ledger.create', 'ledger.update', 'ledger.delete']);
    assert.equal(Number(await sql("SELECT count(*) FROM audit_log WHERE action LIKE 'ledger.%'")) - audit0, 3);
  });

  test('bad input is a 422 in Chinese naming the field; nothing is written', async () => {
    const before = Number(await sql('SELECT count(*) FROM ledger_entries'));
    let e = assertError(await zx.req('/api/v1/ledgers/microloan', {
      method: 'POST', session: clerkA, json: loan({ amount: '-100' }),
    }), 422, 'negative_amount');
    assert.equal(e.field, '贷款金额');
    e = assertError(await zx.req('/api/v1/ledgers/microloan', {
      method: 'POST', session: clerkA, json: loan({ amount: '6万元' }),
    }), 422, 'loan_over_limit');
    assertError(await zx.req('/api/v1/ledgers/microloan', {
      method: 'POST', session: clerkA, json: loan({ term: 48 }),
    }), 422);
    assertError(await zx.req('/api/v1/ledgers/microloan', {
      method: 'POST', session: clerkA, json: loan({ issued: '2023-02-30' }),
    }), 422, 'invalid_date');
    assertError(await zx.req('/api/v1/ledgers/microloan', {
      method: 'POST', session: clerkA, json: { ...loan(), colour: 'red' },
    }), 400, 'unknown_field');
    assert.equal(Number(await sql('SELECT count(*) FROM ledger_entries')), before);
  });
});

describe('scope, roles and CSRF', () => {
  test("another village's clerk sees 404 and cannot link a person outside the area", async () => {
    const c = await zx.req('/api/v1/ledgers/microloan', { method: 'POST', session: clerkA, json: loan() });
    assert.equal(c.status, 201, c.text);
    const id = c.json.id;
    assertError(await zx.req(`/api/v1/ledgers/microloan/${id}`, { session: clerkB }), 404);
    assertError(await zx.req(`/api/v1/ledgers/microloan/${id}`, {
      method: 'PUT', session: clerkB, json: { status: '已还清' },
    }), 404);
    assertError(await zx.req(`/api/v1/ledgers/microloan/${id}`, { method: 'DELETE', session: clerkB }), 404);
    assertError(await zx.req(`/api/v1/ledgers/microloan?area=${zx.areas.villageA}`, { session: clerkB }), 404);
    const mine = await zx.req('/api/v1/ledgers/microloan', { session: clerkB });
    assert.equal(mine.status, 200, mine.text);
    assert.equal(mine.json.items.filter((i) => i.id === id).length, 0);
    assertError(await zx.req('/api/v1/ledgers/microloan', { method: 'POST', session: clerkB, json: loan() }), 422);
    // the admin placing a post of village A's person in village B is refused as outside the area
    const post = await zx.req('/api/v1/ledgers/public_post', {
      method: 'POST', session: admin,
      json: { person: personA, post: '护林员', village: zx.areas.villageB, start: '2024-01-01', pay: '800' },
    });
    assertError(post, 422, 'person_outside_area');
    assert.match(post.json.error.message, /不在本条台账的区域/);
  });

  test('a helper may read but not write; a write without the CSRF token is refused', async () => {
    const r = await zx.req('/api/v1/ledgers/microloan', { session: helperA });
    assert.equal(r.status, 200, r.text);
    assertError(await zx.req('/api/v1/ledgers/microloan', { method: 'POST', session: helperA, json: loan() }), 403,
      'forbidden');
    const before = Number(await sql('SELECT count(*) FROM ledger_entries'));
    assertError(await zx.req('/api/v1/ledgers/microloan', {
      method: 'POST', session: clerkA, json: loan(), csrf: false,
    }), 403);
    assertError(await zx.req('/api/v1/ledgers/microloan', {
      method: 'POST', session: clerkA, json: loan(), csrf: 'wrong',
    }), 403);
    assert.equal(Number(await sql('SELECT count(*) FROM ledger_entries')), before);
  });
});

describe('checks and settings', () => {
  test('薄弱村 below the configured line, and the line moved by the county', async () => {
    const c = await zx.req('/api/v1/ledgers/collective', {
      method: 'POST', session: clerkA, json: { village: zx.areas.villageA, year: 2024, income: '8万元' },
    });
    assert.equal(c.status, 201, c.text);
    assert.equal(c.json.weak, '是');
    let r = await zx.req('/api/v1/ledgers/collective/checks?year=2024', { session: admin });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.warnings, 1);
    assert.equal(r.json.items[0].code, 'weak_village');
    assert.match(r.json.items[0].message, /薄弱村/);
    assertError(await zx.req('/api/v1/ledger-settings', {
      method: 'PUT', session: clerkA, json: { area: '510722000000', year: 2024, key: 'weak_village_fen', value: 5000000 },
    }), 403);
    const s = await zx.req('/api/v1/ledger-settings', {
      method: 'PUT', session: admin, json: { area: '510722000000', year: 2024, key: 'weak_village_fen', value: 5000000 },
    });
    assert.equal(s.status, 200, s.text);
    r = await zx.req('/api/v1/ledgers/collective/checks?year=2024', { session: admin });
    assert.equal(r.json.warnings, 0);
    const again = await zx.req('/api/v1/ledgers/collective', {
      method: 'POST', session: clerkA, json: { village: zx.areas.villageA, year: 2024, income: '1' },
    });
    assertError(again, 409, 'duplicate_year');
  });
});

describe('export', () => {
  test('CSV with Chinese headers and masked persons', async () => {
    const r = await fetch(`${zx.url}/api/v1/ledgers/microloan/export?format=csv`, { headers: { Cookie: admin.cookie } });
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /text\/csv/);
    const text = (await r.text()).replace(/^\uFEFF/, '');
    const [head, ...rows] = text.trim().split('\r\n');
    assert.equal(head.split(',').slice(0, 5).join(','), '编号,所属区域,姓名,借款人证件号码,贷款金额（元）');
    assert.ok(rows.length >= 1);
    assert.doesNotMatch(text, /\d{17}[\dX]/, 'no full ID number in an export');
    assert.ok(Number(await sql("SELECT count(*) FROM audit_log WHERE action = 'ledger.export'")) >= 1);
    const x = await fetch(`${zx.url}/api/v1/ledgers/microloan/export`, { headers: { Cookie: admin.cookie } });
    assert.equal(x.status, 200);
    const bytes = Buffer.from(await x.arrayBuffer());
    assert.equal(bytes.subarray(0, 2).toString(), 'PK');
  });
});

describe('import job', () => {
  async function upload(session, csv, kind = 'subsidy', extra = '') {
    return zx.req(`/api/v1/imports?kind=ledger:${kind}${extra}`, {
      method: 'POST', session, body: csv, headers: { 'Content-Type': 'text/csv', 'X-File-Name': 'subsidy.csv' },
    });
  }
  async function finished(session, id) {
    const deadline = Date.now() + 60000;
    for (;;) {
      const r = await zx.req(`/api/v1/jobs/${id}`, { session });
      assert.equal(r.status, 200, r.text);
      assert.ok(r.json.progress >= 0 && r.json.progress <= r.json.total || r.json.total === 0, r.text);
      if (r.json.status === 'done' || r.json.status === 'failed') return r.json;
      assert.ok(Date.now() < deadline, 'job did not finish');
      await new Promise((res) => setTimeout(res, 100));
    }
  }
  const count = async () => Number(await sql("SELECT count(*) FROM ledger_entries WHERE kind = 'subsidy'"));

  test('a good file imports every row; a bad one nothing, with its rows named', async () => {
    const good = `户编号,奖补项目,奖补金额（万元）,发放日期\n${hhA},茶叶种植,0.85,2024-06-01\n${hhA2},生猪养殖,0.6241,2024-06-15\n`;
    const dry = await upload(clerkA, good, 'subsidy', '&dry_run=1');
    assert.equal(dry.status, 202, dry.text);
    let job = await finished(clerkA, dry.json.job.id);
    assert.equal(job.status, 'done', JSON.stringify(job));
    assert.equal(job.result.rows, 2);
    assert.equal(await count(), 0);
    const r = await upload(clerkA, good);
    job = await finished(clerkA, r.json.job.id);
    assert.equal(job.status, 'done', JSON.stringify(job));
    assert.equal(job.result.imported, 2);
    assert.equal(await count(), 2);
    assert.equal(Number(await sql("SELECT sum(amount_fen) FROM ledger_entries WHERE kind = 'subsidy'")), 1474100);

    const bad = `户编号,奖补项目,奖补金额,发放日期\n${hhA},茶叶,100,2024-06-01\n${hhA},茶叶,-5,2024-06-01\n`
      + `${hhA},茶叶,100,2024-13-01\n999999999999999,茶叶,100,2024-06-01\n`;
    const b = await upload(clerkA, bad);
    job = await finished(clerkA, b.json.job.id);
    assert.equal(job.status, 'failed', JSON.stringify(job));
    assert.equal(job.error_count, 3);
    assert.deepEqual(job.errors.map((x) => x.row), [3, 4, 5]);
    assert.deepEqual(job.errors.map((x) => x.column), ['奖补金额', '发放日期', '户编号']);
    assert.match(job.errors[0].message, /第3行「奖补金额」/);
    assert.equal(await count(), 2, 'all or nothing');
    const csv = await fetch(`${zx.url}/api/v1/jobs/${b.json.job.id}/errors.csv`, { headers: { Cookie: clerkA.cookie } });
    assert.equal(csv.status, 200);
    assert.match(await csv.text(), /第4行「发放日期」/);
  });

  test('a helper cannot import; an unknown ledger kind is refused', async () => {
    assertError(await upload(helperA, 'x'), 403);
    assertError(await upload(clerkA, 'x', 'nope'), 400, 'unsupported_kind');
  });
});

describe('zhenxing import ledger (CLI)', () => {
  test('exit 0 with a summary, 1 with the rows named and nothing written, 2 on usage', async () => {
    const inspections = async () => Number(await sql("SELECT count(*) FROM ledger_entries WHERE kind = 'inspection'"));
    const good = path.join(zx.dir, 'inspection.csv');
    const bad = path.join(zx.dir, 'inspection-bad.csv');
    const errors = path.join(zx.dir, 'errors.csv');
    const v = zx.areas.villageA;
    await writeFile(good, `巡查类别,区划代码,巡查人,巡查日期,巡查地点,整改状态\n巡河,${v},李四,2025-03-01,凯江,无问题\n`
      + `巡林,${v},李四,2025/3/2,后山,待整改\n`);
    await writeFile(bad, `巡查类别,区划代码,巡查人,巡查日期,巡查地点\n巡河,${v},李四,2025-03-01,凯江\n`
      + `巡山,${v},李四,2025-03-01,后山\n巡河,${v},,2025-03-01,后山\n`);
    let r = await run(['import', 'ledger', '--kind', 'inspection', '--db', zx.db, '--dry-run', good]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /校验通过: 巡查 2 行/);
    assert.equal(await inspections(), 0);
    r = await run(['import', 'ledger', '--kind', 'inspection', '--db', zx.db, good]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /导入成功: 巡查 2 行/);
    assert.equal(await inspections(), 2);
    r = await run(['import', 'ledger', '--kind', 'inspection', '--db', zx.db, '--errors', errors, bad]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /导入失败: 共 2 行有错误，未写入任何数据/);
    assert.match(r.stdout, /第3行「巡查类别」/);
    assert.match(r.stdout, /第4行「巡查人」：不能为空/);
    assert.equal(await inspections(), 2);
    r = await run(['import', 'ledger', '--db', zx.db, good]);
    assert.equal(r.code, 2);
    r = await run(['import', 'ledger', '--kind', 'nope', '--db', zx.db, good]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /不支持的台账类型/);
  });
});
