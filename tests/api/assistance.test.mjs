// 帮扶 over HTTP against a real server: visits (idempotency key, future dates, a helper's
// assignment, scoping), 一户一策 (measures only for 监测户), the due list, 风险消除 (refused
// with every failing condition, then carried through 评议 → 公示 → 审核 → 审定 once the facts
// hold), campaigns and the household timeline.
//
// Facts other modules own (a household's category and helper, income surveys, policies,
// the date of inclusion) are set with the sqlite3 shell (psql on PostgreSQL) on the live
// database, the way `zhenxing user add` writes next to a running server.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { assertError, run, sql as rawSql, startCounty } from '../lib/zxserver.mjs';

const HELPER = '测试帮扶员';
let zx;
let admin;
let helper;
let clerkB;
let hhA; // a 监测户 of village A, helper HELPER
let hhA2; // another household of village A, someone else's
let hhB; // a household of village B

async function sql(q) {
  return (await rawSql(zx.db, q)).trim();
}

async function addUserNamed(name, role, area, display) {
  const r = await run(['user', 'add', '--db', zx.db, '--name', name, '--role', role, '--area', area,
    '--display-name', display]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.match(/密码[:：]\s*(\S+)/)[1];
}

function key() {
  return crypto.randomUUID();
}

async function postVisit(session, body, k = key()) {
  return zx.req('/api/v1/visits', { method: 'POST', session, json: body, headers: { 'Idempotency-Key': k } });
}

before(async () => {
  zx = await startCounty({ households: 300, seed: 11 });
  admin = await zx.login(zx.admin.username);
  const a = zx.areas;
  const pick = async (village, n) => (await sql(
    `SELECT hh_no FROM households WHERE area_code = '${village}' ORDER BY hh_no LIMIT ${n}`)).split('\n');
  [hhA, hhA2] = await pick(a.villageA, 2);
  [hhB] = await pick(a.villageB, 1);
  assert.ok(hhA && hhA2 && hhB, 'demo villages need households');
  await sql(`UPDATE households SET category = '边缘易致贫户', risk_type = '因病', helper = '${HELPER}'
             WHERE hh_no = '${hhA}';
             UPDATE households SET category = '', helper = '别的帮扶员' WHERE hh_no = '${hhA2}';
             UPDATE households SET category = '' WHERE hh_no = '${hhB}';`);
  const pw = await addUserNamed('helper_a', 'helper', a.villageA, HELPER);
  helper = await zx.login('helper_a', pw);
  const pwb = await addUserNamed('clerk_b', 'village_clerk', a.villageB, '乙村信息员');
  clerkB = await zx.login('clerk_b', pwb);
});

after(async () => {
  await zx?.stop();
});

describe('visits', () => {
  test('the same idempotency key twice stores one visit and returns the first', async () => {
    const k = key();
    const first = await postVisit(helper, { hh_no: hhA, checklist: ['income', 'water'], findings: '正常' }, k);
    assert.equal(first.status, 201, first.text);
    assert.equal(first.json.duplicate, false);
    const again = await postVisit(helper, { hh_no: hhA, checklist: ['income'], findings: '重复提交' }, k);
    assert.equal(again.status, 200, again.text);
    assert.equal(again.json.duplicate, true);
    assert.equal(again.json.visit.id, first.json.visit.id);
    assert.equal(again.json.visit.findings, '正常');
    const list = await zx.req(`/api/v1/visits?hh_no=${hhA}`, { session: admin });
    assert.equal(list.json.items.filter((v) => v.findings === '重复提交').length, 0);
    assert.equal(Number(await sql(`SELECT count(*) FROM visits WHERE client_key = '${k}'`)), 1);
  });

  test('ten parallel submissions with one key store exactly one visit', async () => {
    const k = key();
    const rs = await Promise.all(Array.from({ length: 10 }, () => postVisit(helper, { hh_no: hhA }, k)));
    for (const r of rs) assert.ok(r.status === 200 || r.status === 201, r.text);
    assert.equal(rs.filter((r) => r.status === 201).length, 1);
    assert.equal(new Set(rs.map((r) => r.json.visit.id)).size, 1);
  });

  test('a visit dated in the future is refused with 422', async () => {
    const r = await postVisit(helper, { hh_no: hhA, date: '2099-01-01' });
    const e = assertError(r, 422, 'future_date');
    assert.equal(e.field, 'date');
  });

  test('a helper cannot record a visit for a household not assigned to them', async () => {
    const r = await postVisit(helper, { hh_no: hhA2 });
    assertError(r, 403, 'not_assigned');
    assert.equal(Number(await sql(`SELECT count(*) FROM visits v JOIN households h ON h.id = v.household_id
                                   WHERE h.hh_no = '${hhA2}'`)), 0);
  });

  test('a household of another village answers 404 (no IDOR), for writes and reads', async () => {
    assertError(await postVisit(clerkB, { hh_no: hhA }), 404, 'household_not_found');
    assertError(await zx.req(`/api/v1/visits?hh_no=${hhA}`, { session: clerkB }), 404);
    assertError(await zx.req(`/api/v1/households/${hhA}/timeline`, { session: clerkB }), 404);
    assertError(await zx.req(`/api/v1/plans/${hhA}`, { session: clerkB }), 404);
    assertError(await zx.req(`/api/v1/households/${hhA}/elimination-check`, { session: clerkB }), 404);
    const anId = (await zx.req(`/api/v1/visits?hh_no=${hhA}`, { session: admin })).json.items[0].id;
    assertError(await zx.req(`/api/v1/visits/${anId}`, { session: clerkB }), 404);
    const list = await zx.req('/api/v1/visits', { session: clerkB });
    assert.equal(list.status, 200);
    assert.ok(list.json.items.every((v) => v.area_code === zx.areas.villageB));
  });

  test('bad input: malformed key, unknown checklist item, missing household, no CSRF', async () => {
    assertError(await postVisit(helper, { hh_no: hhA }, 'bad key'), 400, 'invalid_idempotency_key');
    assertError(await postVisit(helper, { hh_no: hhA, checklist: ['fishing'] }), 400, 'invalid_checklist');
    assertError(await postVisit(helper, {}), 400, 'missing_field');
    const r = await zx.req('/api/v1/visits', { method: 'POST', session: helper, csrf: false, json: { hh_no: hhA } });
    assertError(r, 403, 'csrf_failed');
  });

  test('the due list of a helper holds only their households; cadres get per-person counts', async () => {
    const mine = await zx.req('/api/v1/visits/due', { session: helper });
    assert.equal(mine.status, 200, mine.text);
    assert.ok(mine.json.by_person.every((p) => p.person === HELPER));
    const all = await zx.req(`/api/v1/visits/due?area=${zx.areas.county}`, { session: admin });
    assert.equal(all.status, 200);
    const sum = (xs) => xs.reduce((n, x) => n + x.scheduled, 0);
    assert.equal(sum(all.json.by_person), all.json.scheduled);
    assert.equal(sum(all.json.by_village), all.json.scheduled);
    assert.equal(sum(all.json.by_town), all.json.scheduled);
    assertError(await zx.req(`/api/v1/visits/due?area=${zx.areas.villageA}`, { session: clerkB }), 403);
  });
});

describe('一户一策', () => {
  test('measures are refused for a household that is not a 监测户', async () => {
    const r = await zx.req(`/api/v1/plans/${hhB}/measures`, { method: 'POST', session: admin, json: { kind: '产业帮扶' } });
    assertError(r, 422, 'not_monitored');
  });

  test('a measure for a 监测户 creates the plan; delivered measures carry a date and amount', async () => {
    const r = await zx.req(`/api/v1/plans/${hhA}/measures`, {
      method: 'POST', session: helper, json: { kind: '健康帮扶', content: '慢病签约服务', status: '已落实', amount: 1200.5 },
    });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.measure.amount, '1200.50');
    assert.ok(r.json.measure.actual_date);
    const p = await zx.req(`/api/v1/plans/${hhA}`, { session: helper });
    assert.equal(p.status, 200);
    assert.ok(p.json.plan);
    assert.equal(p.json.plan.responsible, HELPER);
    assert.equal(p.json.measures.length, 1);
    assertError(await zx.req(`/api/v1/plans/${hhA}/measures`, {
      method: 'POST', session: helper, json: { kind: '不存在的类别' },
    }), 422, 'invalid_kind');
  });
});

describe('风险消除', () => {
  test('the check lists every condition with figures; applying is refused with the failures', async () => {
    const c = await zx.req(`/api/v1/households/${hhA}/elimination-check`, { session: admin });
    assert.equal(c.status, 200, c.text);
    assert.equal(c.json.conditions.length, 7);
    assert.equal(c.json.eligible, false);
    const income = c.json.conditions.find((x) => x.key === 'income_stable');
    assert.equal(income.passed, false);
    assert.match(income.detail, /缺少收入采集数据/);
    const r = await zx.req(`/api/v1/households/${hhA}/elimination`, { method: 'POST', session: admin, json: { kind: '帮扶消除' } });
    const e = assertError(r, 422, 'elimination_refused');
    assert.ok(Array.isArray(e.conditions) && e.conditions.some((x) => !x.passed));
    assert.match(e.message, /收入连续6个月稳定高于监测线/);
  });

  test('a helper cannot apply; a household that is not monitored says so', async () => {
    assertError(await zx.req(`/api/v1/households/${hhA}/elimination`, {
      method: 'POST', session: helper, json: { kind: '自然消除' },
    }), 403);
    const c = await zx.req(`/api/v1/households/${hhB}/elimination-check`, { session: admin });
    assert.equal(c.status, 200);
    assert.equal(c.json.monitored, false);
  });

  test('once the facts hold it goes through 评议 → 公示 → 审核 → 审定 and the household leaves monitoring', async () => {
    const year = new Date().getFullYear() - 1;
    await sql(`
      UPDATE households SET created_at = created_at - 200 * 86400, housing_safe = 1, water_safe = 1 WHERE hh_no = '${hhA}';
      UPDATE persons SET labor = '普通劳动力', health = '健康', insured = 1, school = '非在校生'
        WHERE household_id = (SELECT id FROM households WHERE hh_no = '${hhA}');
      INSERT INTO income_surveys (county, area_code, household_id, year, wage, business, property, transfer, expense,
        net, size, net_per_capita, updated_by, updated_at)
        SELECT county, area_code, id, ${year}, size * 1500000, 0, 0, 0, 0, size * 1500000, size, 1500000, 't', 0
        FROM households WHERE hh_no = '${hhA}';
      INSERT INTO policies (county, area_code, year, version, income_line, warning_factor, drop_percent,
        medical_selfpay, medical_selfpay_ratio, created_by, created_at)
        VALUES ('510722', '510722000000', ${year}, 1, 700000, 1500, 30, 500000, 50, 't', 0);`);
    const c = await zx.req(`/api/v1/households/${hhA}/elimination-check`, { session: admin });
    const failing = c.json.conditions.filter((x) => !x.passed).map((x) => `${x.name}: ${x.detail}`);
    assert.deepEqual(failing, []);
    const ap = await zx.req(`/api/v1/households/${hhA}/elimination`, {
      method: 'POST', session: admin, json: { kind: '帮扶消除', reason: '收入稳定' },
    });
    assert.equal(ap.status, 201, ap.text);
    const id = ap.json.elimination.id;
    assertError(await zx.req(`/api/v1/households/${hhA}/elimination`, {
      method: 'POST', session: admin, json: { kind: '帮扶消除' },
    }), 409, 'elimination_pending');
    const stepOk = async (action, opinion = '') => {
      const r = await zx.req(`/api/v1/eliminations/${id}/steps`, { method: 'POST', session: admin, json: { action, opinion } });
      assert.equal(r.status, 200, `${action}: ${r.text}`);
      return r.json;
    };
    await stepOk('review', '评议通过');
    await stepOk('publish');
    assertError(await zx.req(`/api/v1/eliminations/${id}/steps`, {
      method: 'POST', session: admin, json: { action: 'town_approve' },
    }), 422, 'notice_too_short');
    await sql(`UPDATE eliminations SET notice_at = notice_at - 6 * 86400 WHERE id = ${id}`);
    await stepOk('town_approve');
    const done = await stepOk('county_approve', '同意');
    assert.equal(done.elimination.status, 'eliminated');
    assert.equal(done.steps.length, 5);
    assert.equal(await sql(`SELECT category FROM households WHERE hh_no = '${hhA}'`), '');
    const tl = await zx.req(`/api/v1/households/${hhA}/timeline`, { session: admin });
    assert.ok(tl.json.items.some((e) => e.kind === 'elimination' && /风险已消除/.test(e.title)), tl.text);
    assert.ok(tl.json.items.some((e) => e.kind === 'visit'));
    assert.ok(tl.json.items.some((e) => e.kind === 'measure'));
    // No more measures once the risk is gone (not a 监测户).
    assertError(await zx.req(`/api/v1/plans/${hhA}/measures`, {
      method: 'POST', session: admin, json: { kind: '其他' },
    }), 422, 'not_monitored');
  });
});

describe('campaigns', () => {
  test('progress per village, issues with rectification and completion rate', async () => {
    const day = (d) => new Date(Date.now() + 8 * 3600e3 - d * 86400e3).toISOString().slice(0, 10);
    const today = day(0);
    const r = await zx.req('/api/v1/campaigns', {
      method: 'POST', session: admin,
      json: { name: '回头看测试', kind: '回头看', area: zx.areas.townA, start_date: day(30), end_date: today,
        targets: ['全部农户'] },
    });
    assert.equal(r.status, 201, r.text);
    const id = r.json.campaign.id;
    assert.ok(r.json.progress.households > 0);
    assert.ok(r.json.progress.visited >= 1); // hhA was visited above
    const v = r.json.progress.villages.find((x) => x.code === zx.areas.villageA);
    assert.ok(v && v.visited >= 1);
    const i1 = await zx.req(`/api/v1/campaigns/${id}/issues`, {
      method: 'POST', session: admin, json: { scope: '个性问题', hh_no: hhA2, description: '住房有裂缝' },
    });
    assert.equal(i1.status, 201, i1.text);
    const i2 = await zx.req(`/api/v1/campaigns/${id}/issues`, {
      method: 'POST', session: admin, json: { scope: '共性问题', description: '政策宣传不到位' },
    });
    assert.equal(i2.status, 201, i2.text);
    assertError(await zx.req(`/api/v1/campaigns/${id}/issues/${i1.json.issue.id}`, {
      method: 'PUT', session: admin, json: { status: '已整改' },
    }), 422, 'rectification_required');
    const fix = await zx.req(`/api/v1/campaigns/${id}/issues/${i1.json.issue.id}`, {
      method: 'PUT', session: admin, json: { status: '已整改', rectification: '已加固' },
    });
    assert.equal(fix.status, 200, fix.text);
    const g = await zx.req(`/api/v1/campaigns/${id}`, { session: admin });
    assert.deepEqual([g.json.issues.total, g.json.issues.rectified, g.json.issues.rate], [2, 1, 50]);
    // Listed for an area inside it (a village of town A), not for a village of town B.
    const inA = await zx.req(`/api/v1/campaigns?area=${zx.areas.villageA}`, { session: admin });
    assert.ok(inA.json.items.some((k) => k.id === id));
    const inB = await zx.req(`/api/v1/campaigns?area=${zx.areas.villageB}`, { session: admin });
    assert.ok(!inB.json.items.some((k) => k.id === id));
    // Village B's clerk does not see town A's campaign.
    assertError(await zx.req(`/api/v1/campaigns/${id}`, { session: clerkB }), 404);
    assertError(await zx.req(`/api/v1/campaigns/${id}/issues`, {
      method: 'POST', session: clerkB, json: { scope: '个性问题', hh_no: hhA2, description: 'x' },
    }), 404);
  });
});
