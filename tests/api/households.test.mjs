// The household registry over HTTP: list/search/detail with masked personal data, the
// audited unmask, edits with history, and exports — and that nobody reaches a household
// outside their area: another village's household by 户编号 is 404 (as if it did not
// exist), a list or export of another area is 403, the 等保 roles get no personal data.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { assertError, run, startCounty } from '../lib/zxserver.mjs';

const FULL_ID = /\d{17}[\dX]/;
const MASKED_ID = /^\d{4}\*{10}[\dX]{4}$/;

let zx;
let admin;
let clerkA;
let clerkB;
let townA;
let helperA;
let auditor;
let hhA; // a household of village A (list item)
let hhB; // a household of village B

before(async () => {
  zx = await startCounty({
    households: 300,
    users: [
      { name: 'clerk_a', role: 'village_clerk', where: 'villageA' },
      { name: 'clerk_b', role: 'village_clerk', where: 'villageB' },
      { name: 'town_a', role: 'town_admin', where: 'townA' },
      { name: 'helper_a', role: 'helper', where: 'villageA' },
      { name: 'auditor', role: 'audit_admin', where: 'county' },
    ],
  });
  admin = await zx.login(zx.admin.username);
  clerkA = await zx.login('clerk_a');
  clerkB = await zx.login('clerk_b');
  townA = await zx.login('town_a');
  helperA = await zx.login('helper_a');
  auditor = await zx.login('auditor');
  hhA = (await list(clerkA)).json.items[0];
  hhB = (await list(clerkB)).json.items[0];
  assert.ok(hhA && hhB, 'both test villages hold households');
});

after(async () => {
  await zx?.stop();
});

function list(session, query = '') {
  return zx.req(`/api/v1/households${query}`, { session });
}

function detail(session, hhNo) {
  return zx.req(`/api/v1/households/${encodeURIComponent(hhNo)}`, { session });
}

function put(session, path, json) {
  return zx.req(path, { method: 'PUT', session, json });
}

async function unmask(session, personId) {
  return zx.req(`/api/v1/persons/${personId}/unmask`, { method: 'POST', session });
}

describe('list and search', () => {
  test('the county admin lists every household, paginated, with masked IDs only', async () => {
    const r = await list(admin, '?per_page=50');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.total, 300);
    assert.equal(r.json.total_exact, true);
    assert.equal(r.json.items.length, 50);
    assert.equal(r.json.page, 1);
    const h = r.json.items[0];
    for (const k of ['hh_no', 'village_code', 'village_name', 'town_name', 'group', 'head_name', 'head_id_masked',
      'size', 'hh_type', 'category', 'housing_safe', 'water_safe', 'helper']) {
      assert.ok(k in h, `item has ${k}`);
    }
    assert.match(h.head_id_masked, MASKED_ID);
    assert.doesNotMatch(r.text, FULL_ID, 'no full ID number in a list');
    const p2 = await list(admin, '?per_page=50&page=2');
    assert.notEqual(p2.json.items[0].hh_no, h.hh_no);
  });

  test('a village clerk sees only the village, whatever the query', async () => {
    const r = await list(clerkA, '?per_page=500');
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.items.length > 0);
    assert.ok(r.json.items.every((x) => x.village_code === zx.areas.villageA));
    const byName = await list(clerkA, `?q=${encodeURIComponent(hhB.head_name.slice(0, 1))}&per_page=500`);
    assert.ok(byName.json.items.every((x) => x.village_code === zx.areas.villageA));
    const byNo = await list(clerkA, `?q=${hhB.hh_no}`);
    assert.equal(byNo.json.items.length, 0);
  });

  test('a list of an area outside the caller\'s scope is 403', async () => {
    assertError(await list(clerkA, `?area=${zx.areas.villageB}`), 403);
    assertError(await list(clerkA, `?area=${zx.areas.county}`), 403);
    assertError(await list(townA, `?area=${zx.areas.townB}`), 403);
    assertError(await list(townA, `?village=${zx.areas.villageB}`), 403);
    assertError(await list(admin, '?area=12345'), 400);
    const ok = await list(townA, `?village=${zx.areas.villageA}`);
    assert.equal(ok.status, 200, ok.text);
  });

  test('search by name prefix, by 户编号 prefix and by the full ID number', async () => {
    const name = hhA.head_name;
    const byName = await list(admin, `?q=${encodeURIComponent(name)}`);
    assert.equal(byName.status, 200, byName.text);
    assert.ok(byName.json.items.some((x) => x.hh_no === hhA.hh_no), 'the head is found by name');
    const byNo = await list(admin, `?q=${hhA.hh_no}`);
    assert.equal(byNo.json.items.length, 1);
    assert.equal(byNo.json.items[0].hh_no, hhA.hh_no);
    const d = await detail(admin, hhA.hh_no);
    const member = d.json.members[d.json.members.length - 1];
    const secret = await unmask(admin, member.id);
    assert.equal(secret.status, 200, secret.text);
    const byId = await list(admin, `?q=${secret.json.id_number}`);
    assert.equal(byId.json.items.length, 1);
    assert.equal(byId.json.items[0].hh_no, hhA.hh_no);
    assert.equal(byId.json.total, 1);
    // The same ID is no result for a clerk of another village.
    const other = await list(clerkB, `?q=${secret.json.id_number}`);
    assert.equal(other.json.items.length, 0);
  });

  test('filters by 户类型 and 组 narrow the list', async () => {
    const all = await list(admin, '?per_page=500');
    const tuopin = all.json.items.filter((x) => x.hh_type === '脱贫户').length;
    const r = await list(admin, `?hh_type=${encodeURIComponent('脱贫户')}&per_page=500`);
    assert.equal(r.json.total, tuopin);
    assert.ok(r.json.items.every((x) => x.hh_type === '脱贫户'));
    const g = await list(admin, `?group=${encodeURIComponent(hhA.group)}&area=${hhA.village_code}&per_page=500`);
    assert.ok(g.json.items.length >= 1);
    assert.ok(g.json.items.every((x) => x.group === hhA.group));
  });

  test('the 等保 roles get 403 before any personal data', async () => {
    assertError(await list(auditor), 403);
    assertError(await detail(auditor, hhA.hh_no), 403);
  });
});

describe('one household', () => {
  test('detail has the household facts and every member with masked ID and phone', async () => {
    const r = await detail(clerkA, hhA.hh_no);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.hh_no, hhA.hh_no);
    assert.equal(r.json.village_code, zx.areas.villageA);
    for (const k of ['housing_safe', 'water_safe', 'education_ok', 'medical_ok', 'risk_type', 'helper', 'hh_type',
      'category', 'tuopin_year', 'group', 'town_name', 'village_name']) {
      assert.ok(k in r.json, `detail has ${k}`);
    }
    assert.equal(r.json.members.length, r.json.size);
    assert.equal(r.json.members[0].relation, '户主');
    for (const m of r.json.members) {
      assert.match(m.id_masked, MASKED_ID);
      for (const k of ['name', 'relation', 'gender', 'nation', 'education', 'school', 'health', 'disability', 'labor',
        'work', 'work_months', 'insured', 'phone_masked']) {
        assert.ok(k in m, `member has ${k}`);
      }
    }
    assert.doesNotMatch(r.text, FULL_ID);
    assert.equal(r.json.may_edit, true);
    assert.equal(r.json.may_unmask, false);
  });

  test('another village\'s household is 404 by 户编号, for reading, history and edits', async () => {
    assertError(await detail(clerkA, hhB.hh_no), 404);
    assertError(await zx.req(`/api/v1/households/${hhB.hh_no}/history`, { session: clerkA }), 404);
    assertError(await put(clerkA, `/api/v1/households/${hhB.hh_no}`, { group: '9组' }), 404);
    assertError(await detail(admin, '5107229999999999'), 404);
    const b = await detail(clerkB, hhB.hh_no);
    assertError(await put(clerkA, `/api/v1/households/${hhB.hh_no}/members/${b.json.members[0].id}`, { nation: '回族' }),
      404);
    assertError(await unmask(townA, b.json.members[0].id), 404);
  });

  test('unmask is for roles that may, and the audit admin sees it as person.unmask', async () => {
    const d = await detail(admin, hhA.hh_no);
    const id = d.json.members[0].id;
    assertError(await unmask(clerkA, id), 403);
    assertError(await unmask(helperA, id), 403);
    assertError(await zx.req(`/api/v1/persons/${id}/unmask`, { method: 'POST', session: townA, csrf: false }), 403);
    const r = await unmask(townA, id);
    assert.equal(r.status, 200, r.text);
    assert.match(r.json.id_number, /^\d{17}[\dX]$/);
    assert.equal(r.json.id_number.slice(-4), d.json.members[0].id_masked.slice(-4));
    const audit = await zx.req('/api/v1/audit?action=person.unmask&username=town_a', { session: auditor });
    assert.equal(audit.status, 200, audit.text);
    assert.ok(audit.json.items.some((x) => x.object === `person:${id}` && x.username === 'town_a'),
      'the unmask is in the audit log');
    assert.doesNotMatch(audit.text, new RegExp(r.json.id_number), 'the audit log does not hold the ID');
  });
});

describe('edits', () => {
  test('a village clerk edits a household: history row per field, values checked', async () => {
    const path = `/api/v1/households/${hhA.hh_no}`;
    const helper = '测试"帮扶\\人';
    const r = await put(clerkA, path, { group: '9组', helper });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.changed, 2);
    assert.equal(r.json.group, '9组');
    // The list (its JSON is written by hand) carries the quote and backslash intact.
    const listed = await list(clerkA, `?q=${hhA.hh_no}`);
    assert.equal(listed.json.items[0].helper, helper);
    const h = await zx.req(`${path}/history`, { session: clerkA });
    assert.equal(h.status, 200, h.text);
    const fields = h.json.items.map((x) => x.field);
    assert.ok(fields.includes('组') && fields.includes('帮扶责任人'));
    const g = h.json.items.find((x) => x.field === '组');
    assert.equal(g.new_value, '9组');
    assert.equal(g.username, 'clerk_a');
    assert.equal(g.source, 'edit');
    const bad = assertError(await put(clerkA, path, { hh_type: '富裕户' }), 422);
    assert.equal(bad.field, '户类型');
    assertError(await put(clerkA, path, { category: '脱贫不稳定户', hh_type: '一般农户' }), 422);
    assertError(await put(clerkA, path, { grop: '1组' }), 400, 'unknown_field');
    assertError(await put(helperA, path, { group: '1组' }), 403);
    assertError(await zx.req(path, { method: 'PUT', session: clerkA, json: { group: '1组' }, csrf: false }), 403);
    const audit = await zx.req('/api/v1/audit?action=household.update&username=clerk_a', { session: auditor });
    assert.ok(audit.json.items.length >= 1);
  });

  test('member edits: phone change shows masked in history, add and remove a member', async () => {
    const path = `/api/v1/households/${hhA.hh_no}`;
    const d = await detail(clerkA, hhA.hh_no);
    const head = d.json.members[0];
    const r = await put(clerkA, `${path}/members/${head.id}`, { phone: '13700001234', work_months: 3 });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.members[0].phone_masked, '137****1234');
    assert.equal(r.json.members[0].work_months, 3);
    const h = await zx.req(`${path}/history`, { session: clerkA });
    const ph = h.json.items.find((x) => x.field === '联系电话');
    assert.equal(ph.new_value, '137****1234');
    assert.doesNotMatch(h.text, /13700001234/);
    const badPhone = assertError(await put(clerkA, `${path}/members/${head.id}`, { phone: '123' }), 422);
    assert.equal(badPhone.field, '联系电话');
    const badRel = assertError(await put(clerkA, `${path}/members/${head.id}`, { relation: '配偶' }), 422);
    assert.equal(badRel.field, '与户主关系');
    // A new member with a valid ID (check character computed here).
    const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const first17 = '51072220100315' + '482';
    const sum = [...first17].reduce((s, c, i) => s + Number(c) * w[i], 0);
    const id = first17 + '10X98765432'[sum % 11];
    const add = await zx.req(`${path}/members`, {
      method: 'POST', session: clerkA,
      json: { name: '测试新成员', id_number: id, relation: '之女', gender: '女', school: '初中', insured: '是' },
    });
    assert.equal(add.status, 201, add.text);
    assert.equal(add.json.size, d.json.size + 1);
    const dup = assertError(await zx.req(`${path}/members`, {
      method: 'POST', session: clerkA, json: { name: '重复', id_number: id, relation: '之女', gender: '女' },
    }), 409);
    assert.equal(dup.field, '证件号码');
    const del = await zx.req(`${path}/members/${add.json.person_id}`, { method: 'DELETE', session: clerkA });
    assert.equal(del.status, 200, del.text);
    assert.equal(del.json.size, d.json.size);
    assertError(await zx.req(`${path}/members/${head.id}`, { method: 'DELETE', session: clerkA }), 422);
  });
});

describe('exports', () => {
  function exp(session, query) {
    return zx.req(`/api/v1/exports?kind=households${query}`, { session });
  }

  test('CSV in template columns with BOM, masked by default', async () => {
    const res = await fetch(`${zx.url}/api/v1/exports?kind=households&format=csv`, {
      headers: { Cookie: clerkA.cookie },
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /text\/csv/);
    assert.match(res.headers.get('content-disposition'), /attachment/);
    const buf = Buffer.from(await res.arrayBuffer());
    assert.deepEqual([...buf.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM');
    const text = buf.subarray(3).toString('utf8');
    const lines = text.split('\r\n');
    const header = lines[0].split(',');
    assert.equal(header.length, 24);
    assert.deepEqual(header.slice(0, 5), ['户编号', '行政区划代码', '组', '姓名', '证件号码']);
    assert.equal(header[23], '帮扶责任人');
    const rows = lines.slice(1).filter(Boolean);
    assert.ok(rows.length > 0);
    assert.ok(rows.every((l) => l.split(',')[1] === zx.areas.villageA));
    assert.doesNotMatch(text, FULL_ID);
  });

  test('unmasked only for roles that may unmask; outside the scope 403', async () => {
    assertError(await exp(clerkA, '&format=csv&unmasked=1'), 403);
    assertError(await exp(clerkA, `&format=csv&area=${zx.areas.villageB}`), 403);
    assertError(await exp(townA, `&format=xlsx&area=${zx.areas.townB}`), 403);
    assertError(await exp(auditor, '&format=csv'), 403);
    assertError(await exp(admin, '&format=pdf'), 400);
    assertError(await zx.req('/api/v1/exports?kind=ledger&format=csv', { session: admin }), 400);
    const r = await exp(townA, `&format=csv&unmasked=1&area=${zx.areas.villageA}`);
    assert.equal(r.status, 200, r.text);
    assert.match(r.text, FULL_ID);
    const audit = await zx.req('/api/v1/audit?action=household.export&username=town_a', { session: auditor });
    assert.ok(audit.json.items.some((x) => /未脱敏/.test(x.detail)), 'the unmasked export is audited');
  });

  test('XLSX is a zip workbook', async () => {
    const res = await fetch(`${zx.url}/api/v1/exports?kind=households&format=xlsx&area=${zx.areas.villageA}`, {
      headers: { Cookie: admin.cookie },
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /spreadsheetml/);
    const buf = Buffer.from(await res.arrayBuffer());
    assert.equal(buf.subarray(0, 2).toString(), 'PK');
    assert.ok(buf.length > 1000);
  });

  test('a big export runs as a job: 202, progress to done, then the file once and only to its creator', async () => {
    const path = `/api/v1/exports?kind=households&format=csv&unmasked=1&area=${zx.areas.villageA}`;
    assertError(await zx.req(path, { method: 'POST', session: clerkA }), 403);
    assertError(await zx.req(`/api/v1/exports?kind=households&format=csv&area=${zx.areas.townB}`,
      { method: 'POST', session: townA }), 403);
    const r = await zx.req(path, { method: 'POST', session: townA });
    assert.equal(r.status, 202, r.text);
    const id = r.json.job.id;
    assert.equal(r.json.job.kind, 'export.households');
    let job;
    for (let i = 0; i < 200; i++) {
      job = (await zx.req(`/api/v1/jobs/${id}`, { session: townA })).json;
      if (job.status === 'done' || job.status === 'failed') break;
      await new Promise((res) => setTimeout(res, 50));
    }
    assert.equal(job.status, 'done', JSON.stringify(job));
    assert.ok(job.result.persons > 0);
    assert.equal(job.result.download, `/api/v1/exports/${id}`);
    assertError(await zx.req(`/api/v1/exports/${id}`, { session: admin }), 404);
    assertError(await zx.req(`/api/v1/exports/${id}`, { session: clerkA }), 404);
    const res = await fetch(`${zx.url}/api/v1/exports/${id}`, { headers: { Cookie: townA.cookie } });
    assert.equal(res.status, 200);
    const buf = Buffer.from(await res.arrayBuffer());
    assert.deepEqual([...buf.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    const text = buf.subarray(3).toString('utf8');
    assert.match(text, FULL_ID);
    assert.equal(text.split('\r\n').filter(Boolean).length, job.result.persons + 1);
    assertError(await zx.req(`/api/v1/exports/${id}`, { session: townA }), 404);
  });
});

describe('CLI export', () => {
  test('zhenxing export households writes the template CSV; bad usage exits 2, bad data 1', async () => {
    const out = path.join(zx.dir, 'cli-export.csv');
    const ok = await run(['export', 'households', '--db', zx.db, '--area', zx.areas.villageA, '--format', 'csv',
      '--unmasked', '-o', out]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /已导出 \d+ 户 \d+ 人/);
    const buf = await readFile(out);
    assert.deepEqual([...buf.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    const lines = buf.subarray(3).toString('utf8').split('\r\n').filter(Boolean);
    assert.equal(lines[0].split(',')[4], '证件号码');
    assert.ok(lines.slice(1).every((l) => l.split(',')[1] === zx.areas.villageA));
    assert.match(lines[1].split(',')[4], /^\d{17}[\dX]$/);
    const usage = await run(['export', 'households', '--db', zx.db, '--format', 'csv', '-o', out]);
    assert.equal(usage.code, 2);
    const bad = await run(['export', 'households', '--db', zx.db, '--area', '12', '--format', 'xlsx', '-o', out]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /区划代码/);
  });
});
