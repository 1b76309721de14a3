// 防返贫动态监测 over HTTP (issue 5): policy parameters, income surveys, screening (the API's
// stored run equals `zhenxing screen --format json`), the 识别纳入 workflow with its scopes
// (a case of another village is 404), and the 公示 that never shows personal data.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { assertError, run, startCounty } from '../lib/zxserver.mjs';

const YEAR = 2025;
let zx;
let admin;
let households; // [{hh_no, village_code, …}] of the whole county
let hhA;
let hhB;

// Deterministic figures per household (元 strings, two decimals): about one in six below
// the line, so every income rule has work to do.
function figures(i, size, year) {
  const now = ((i * 7919) % 30000) + 3000;
  const pc = year === YEAR ? now : i % 5 === 0 ? Math.floor((now * 16) / 10) : now + 200;
  const net = pc * size;
  const wage = Math.floor(net * 0.6);
  const expense = 500 + (i % 7) * 100;
  // net = wage + 1000 + transfer − expense (the .50s cancel out)
  const transfer = net - wage - 1000 + expense;
  return { wage: `${wage}.50`, business: '1000', property: '0.00', transfer: `${transfer}.00`, expense: `${expense}.50` };
}

before(async () => {
  zx = await startCounty({
    households: 300,
    users: [
      { name: 'clerk_a', role: 'village_clerk', where: 'villageA' },
      { name: 'clerk_b', role: 'village_clerk', where: 'villageB' },
      { name: 'town_a', role: 'town_admin', where: 'townA' },
      { name: 'auditor', role: 'audit_admin', where: 'county' },
    ],
  });
  admin = await zx.login(zx.admin.username);
  const r = await zx.req('/api/v1/households?per_page=500', { session: admin });
  assert.equal(r.status, 200, r.text);
  households = r.json.items;
  hhA = households.find((h) => h.village_code === zx.areas.villageA).hh_no;
  hhB = households.find((h) => h.village_code === zx.areas.villageB).hh_no;
  const p = await zx.req('/api/v1/policies', {
    method: 'POST', session: admin, json: { year: YEAR, income_line: '7000', warning_factor: '1.5', drop_percent: 30 },
  });
  assert.equal(p.status, 201, p.text);
  // A survey for every household but the last ten (they stay 未采集收入), two years.
  for (const [i, h] of households.slice(0, -10).entries()) {
    for (const year of [YEAR - 1, YEAR]) {
      const s = await zx.req(`/api/v1/households/${h.hh_no}/income/${year}`, {
        method: 'PUT', session: admin, json: figures(i, h.size, year),
      });
      assert.equal(s.status, 200, s.text);
    }
  }
});

after(async () => {
  await zx?.stop();
});

describe('policy parameters', () => {
  test('a county admin adds a version; the one in force is the newest', async () => {
    const r = await zx.req('/api/v1/policies', {
      method: 'POST', session: admin, json: { year: 2030, income_line: 8300.5 },
    });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.policy.version, 1);
    assert.equal(r.json.policy.income_line, '8300.50');
    assert.equal(r.json.policy.warning_line, '12450.75');
    const e = await zx.req(`/api/v1/policies/effective?year=2030&area=${zx.areas.villageA}`, { session: admin });
    assert.equal(e.status, 200, e.text);
    assert.equal(e.json.policy.id, r.json.policy.id);
  });

  test('a town admin may read but not set them', async () => {
    const town = await zx.login('town_a');
    assert.equal((await zx.req('/api/v1/policies', { session: town })).status, 200);
    assertError(await zx.req('/api/v1/policies', {
      method: 'POST', session: town, json: { year: 2031, income_line: '7000' },
    }), 403);
  });

  test('a year without parameters is refused naming the county and the year', async () => {
    const err = assertError(await zx.req('/api/v1/policies/effective?year=2019', { session: admin }), 422, 'no_policy');
    assert.equal(err.message, '2019年 三台县 未设置监测线（政策参数），请县级管理员先设置');
    assertError(await zx.req('/api/v1/screenings', { method: 'POST', session: admin, json: { year: 2019 } }), 422, 'no_policy');
  });
});

describe('income surveys', () => {
  test('the five figures come back exact, with 人均纯收入 and last year beside them', async () => {
    const r = await zx.req(`/api/v1/households/${hhA}/income/${YEAR}`, { session: admin });
    assert.equal(r.status, 200, r.text);
    const s = r.json.survey;
    for (const k of ['wage', 'business', 'property', 'transfer', 'expense', 'net', 'net_per_capita']) {
      assert.match(s[k], /^-?\d+\.\d\d$/, `${k} is an exact 元 string`);
    }
    const net = ['wage', 'business', 'property', 'transfer'].reduce((a, k) => a + Math.round(Number(s[k]) * 100), 0)
      - Math.round(Number(s.expense) * 100);
    assert.equal(Math.round(Number(s.net) * 100), net);
    assert.equal(r.json.previous.year, YEAR - 1);
    assert.match(r.json.growth_percent, /^-?\d+\.\d$/);
  });

  test('negative, absurd and over-precise figures are refused and nothing changes', async () => {
    const before = (await zx.req(`/api/v1/households/${hhA}/income/${YEAR}`, { session: admin })).json.survey;
    const neg = assertError(await zx.req(`/api/v1/households/${hhA}/income/${YEAR}`, {
      method: 'PUT', session: admin, json: { wage: '-1' },
    }), 422, 'negative_income');
    assert.equal(neg.field, '工资性收入');
    assertError(await zx.req(`/api/v1/households/${hhA}/income/${YEAR}`, {
      method: 'PUT', session: admin, json: { business: '999999999' },
    }), 422, 'absurd_income');
    assertError(await zx.req(`/api/v1/households/${hhA}/income/${YEAR}`, {
      method: 'PUT', session: admin, json: { wage: '1.005' },
    }), 400, 'invalid_amount');
    const after_ = (await zx.req(`/api/v1/households/${hhA}/income/${YEAR}`, { session: admin })).json.survey;
    assert.deepEqual(after_, before);
  });

  test("a clerk of village A gets 404 for village B's household", async () => {
    const clerk = await zx.login('clerk_a');
    assertError(await zx.req(`/api/v1/households/${hhB}/income/${YEAR}`, { session: clerk }), 404);
    assertError(await zx.req(`/api/v1/households/${hhB}/income/${YEAR}`, {
      method: 'PUT', session: clerk, json: { wage: '1' },
    }), 404);
  });
});

describe('screening', () => {
  let run1;
  before(async () => {
    const r = await zx.req('/api/v1/screenings', {
      method: 'POST', session: admin, json: { area: zx.areas.county, year: YEAR },
    });
    assert.equal(r.status, 201, r.text);
    run1 = r.json.screening;
  });

  test('the stored run equals `zhenxing screen --format json` of the same area and year', async () => {
    const cli = await run(['screen', '--db', zx.db, '--area', zx.areas.county, '--year', String(YEAR), '--format', 'json']);
    assert.equal(cli.code, 0, cli.stderr);
    const want = JSON.parse(cli.stdout);
    assert.deepEqual(Object.keys(want), ['year', 'area', 'policy_version', 'candidates', 'counts', 'missing_income']);
    assert.equal(want.year, YEAR);
    assert.equal(want.area, zx.areas.county);
    assert.ok(want.candidates.length > 10, 'the fixture should yield candidates');
    const got = [];
    for (let page = 1; ; page++) {
      const r = await zx.req(`/api/v1/screenings/${run1.id}?per_page=100&page=${page}`, { session: admin });
      assert.equal(r.status, 200, r.text);
      got.push(...r.json.items.map((c) => ({ household: c.household, rules: c.rules, reasons: c.reasons })));
      if (got.length >= r.json.total) break;
    }
    assert.deepEqual(got, want.candidates);
    assert.deepEqual(run1.counts, want.counts);
    assert.equal(run1.missing_income, want.missing_income);
    assert.equal(run1.missing_income, 10);
    assert.equal(run1.policy_version, want.policy_version);
    const missing = await zx.req(`/api/v1/screenings/${run1.id}?missing=1&per_page=100`, { session: admin });
    assert.equal(missing.json.total, 10);
  });

  test('candidates filter by rule, and the run is 404 for a clerk outside its area', async () => {
    const r = await zx.req(`/api/v1/screenings/${run1.id}?rule=income_below_line&per_page=500`, { session: admin });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.total, run1.counts.income_below_line);
    for (const c of r.json.items) assert.ok(c.rules.includes('income_below_line'));
    assertError(await zx.req(`/api/v1/screenings/${run1.id}?rule=nope`, { session: admin }), 400);
    const clerk = await zx.login('clerk_a');
    assertError(await zx.req(`/api/v1/screenings/${run1.id}`, { session: clerk }), 404);
  });

  test('sudden events of the year are shown with the candidate', async () => {
    const first = (await zx.req(`/api/v1/screenings/${run1.id}?per_page=1`, { session: admin })).json.items[0];
    assert.deepEqual(first.events, []);
    const ev = await zx.req(`/api/v1/households/${first.household}/events`, {
      method: 'POST', session: admin, json: { type: '意外事故', date: `${YEAR}-02-03`, note: '摔伤' },
    });
    assert.equal(ev.status, 201, ev.text);
    assertError(await zx.req(`/api/v1/households/${first.household}/events`, {
      method: 'POST', session: admin, json: { type: '中彩票', date: `${YEAR}-02-03` },
    }), 422, 'invalid_event_type');
    const again = (await zx.req(`/api/v1/screenings/${run1.id}?per_page=1`, { session: admin })).json.items[0];
    assert.deepEqual(again.events, [{ type: '意外事故', date: `${YEAR}-02-03` }]);
  });
});

describe('识别纳入', () => {
  let caseB;
  before(async () => {
    const r = await zx.req('/api/v1/cases', {
      method: 'POST', session: admin,
      json: { household: hhB, source: 'cadre', reason: '干部走访发现大病支出', category: '边缘易致贫户', risk_type: '因病', helper: '李四' },
    });
    assert.equal(r.status, 201, r.text);
    caseB = r.json.case;
    assert.equal(caseB.state, 'discovered');
    assert.equal(caseB.due_at - caseB.discovered_at, 15 * 86400);
  });

  test("a case of village B is 404 for village A's clerk, whatever the route", async () => {
    const clerkA = await zx.login('clerk_a');
    const ghost = assertError(await zx.req('/api/v1/cases/999999', { session: clerkA }), 404);
    const err = assertError(await zx.req(`/api/v1/cases/${caseB.id}`, { session: clerkA }), 404);
    assert.equal(err.message, ghost.message);
    assertError(await zx.req(`/api/v1/cases/${caseB.id}/transitions`, {
      method: 'POST', session: clerkA, json: { action: 'verify' },
    }), 404);
    assertError(await zx.req(`/api/v1/cases?area=${zx.areas.villageB}`, { session: clerkA }), 403);
    const list = await zx.req('/api/v1/cases', { session: clerkA });
    assert.equal(list.status, 200);
    assert.ok(!list.json.items.some((k) => k.id === caseB.id));
    const clerkB = await zx.login('clerk_b');
    assert.equal((await zx.req(`/api/v1/cases/${caseB.id}`, { session: clerkB })).status, 200);
  });

  test('steps out of order or by the wrong role are refused; allowed ones are recorded', async () => {
    const clerkB = await zx.login('clerk_b');
    assertError(await zx.req(`/api/v1/cases/${caseB.id}/transitions`, {
      method: 'POST', session: clerkB, json: { action: 'review' },
    }), 409, 'out_of_order');
    for (const action of ['verify', 'review', 'publish']) {
      const r = await zx.req(`/api/v1/cases/${caseB.id}/transitions`, {
        method: 'POST', session: clerkB,
        json: { action, opinion: '同意', attachments: [{ name: '核实表.jpg', size: 2048, sha256: 'ab'.repeat(32) }] },
      });
      assert.equal(r.status, 200, r.text);
    }
    const r = await zx.req(`/api/v1/cases/${caseB.id}`, { session: clerkB });
    assert.equal(r.json.case.state, 'noticed');
    assert.deepEqual(r.json.steps.map((s) => s.action), ['create', 'verify', 'review', 'publish']);
    assert.equal(r.json.steps[1].attachments[0].sha256, 'ab'.repeat(32));
    assert.deepEqual(r.json.next.map((n) => n.action), ['return']); // a clerk cannot approve
    assertError(await zx.req(`/api/v1/cases/${caseB.id}/transitions`, {
      method: 'POST', session: clerkB, json: { action: 'town_approve' },
    }), 403, 'wrong_role');
    // 公示 has just begun: the township must wait five days.
    assertError(await zx.req(`/api/v1/cases/${caseB.id}/transitions`, {
      method: 'POST', session: admin, json: { action: 'town_approve' },
    }), 422, 'notice_too_short');
  });

  test('the 公示 shows name, 组, category and reason — never an ID number, phone or health detail', async () => {
    const clerkB = await zx.login('clerk_b');
    const r = await zx.req(`/api/v1/villages/${zx.areas.villageB}/notice`, { session: clerkB });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.items.length, 1);
    const item = r.json.items[0];
    assert.deepEqual(Object.keys(item).sort(), ['category', 'group', 'name', 'notice_from', 'notice_until', 'reason']);
    assert.equal(item.category, '边缘易致贫户');
    assert.equal(item.reason, '因病');
    const detail = (await zx.req(`/api/v1/households/${hhB}`, { session: admin })).json;
    assert.equal(item.name, detail.head_name);
    for (const m of detail.members) {
      const un = await zx.req(`/api/v1/persons/${m.id}/unmask`, { method: 'POST', session: admin });
      assert.equal(un.status, 200, un.text);
      assert.ok(!r.text.includes(un.json.id_number), 'notice holds an ID number');
      if (un.json.phone) assert.ok(!r.text.includes(un.json.phone), 'notice holds a phone number');
      assert.ok(!r.text.includes(m.id_masked), 'notice holds a masked ID');
      if (m.phone_masked) assert.ok(!r.text.includes(m.phone_masked), 'notice holds a masked phone');
    }
    const items = JSON.stringify(r.json.items);
    assert.doesNotMatch(items, /\d{17}[\dXx]|\d{4}\*{4,}\d{4}|1\d{10}|\d{3}\*{4}\d{4}/);
    assert.doesNotMatch(items, /患有大病|长期慢性病|残疾|健康|慢性病|住院|医保/);
    assertError(await zx.req(`/api/v1/villages/${zx.areas.villageB}/notice`, { session: await zx.login('clerk_a') }), 404);
  });

  test('the overview counts cases by state; the 等保 roles get no case data', async () => {
    const s = await zx.req(`/api/v1/monitoring/summary?year=${YEAR}`, { session: admin });
    assert.equal(s.status, 200, s.text);
    assert.equal(s.json.cases.by_state.noticed, 1);
    assert.equal(s.json.cases.open, 1);
    assert.equal(s.json.income_survey.surveyed, households.length - 10);
    const v = await zx.req('/api/v1/monitoring/villages', { session: admin });
    assert.equal(v.status, 200, v.text);
    const codes = v.json.items.map((x) => x.area_code);
    assert.deepEqual(codes, [...codes].sort());
    assert.equal(v.json.items.reduce((a, x) => a + x.households, 0), s.json.monitored.households);
    assert.equal(v.json.items.find((x) => x.area_code === zx.areas.villageB).open_cases, 1);
    assertError(await zx.req(`/api/v1/monitoring/villages?area=${zx.areas.villageB}`, { session: await zx.login('clerk_a') }), 403);
    const auditor = await zx.login('auditor');
    assertError(await zx.req('/api/v1/cases', { session: auditor }), 403);
    assertError(await zx.req(`/api/v1/villages/${zx.areas.villageB}/notice`, { session: auditor }), 403);
  });
});

describe('imports through jobs (POST /api/v1/imports?kind=income|warnings)', () => {
  const upload = (query, text) => zx.req(`/api/v1/imports?${query}`, {
    method: 'POST', session: admin, body: text,
    headers: { 'Content-Type': 'text/csv', 'X-File-Name': encodeURIComponent('收入.csv') },
  });
  async function finished(id) {
    const deadline = Date.now() + 60000;
    for (;;) {
      const r = await zx.req(`/api/v1/jobs/${id}`, { session: admin });
      assert.equal(r.status, 200, r.text);
      if (r.json.status === 'done' || r.json.status === 'failed') return r.json;
      assert.ok(Date.now() < deadline, 'job did not finish: ' + r.text);
      await new Promise((res) => setTimeout(res, 100));
    }
  }
  const HEAD = '户编号,年度,工资性收入,生产经营性收入,财产性收入,转移性收入,生产经营性支出\n';
  // A valid 证件号码 that nobody in the registry has (check character computed).
  function strangerId() {
    const first = '51072219300101999';
    const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const sum = [...first].reduce((a, ch, i) => a + Number(ch) * w[i], 0);
    return first + '10X98765432'[sum % 11];
  }

  test('an income file is imported as a job; a bad one fails naming row and column, writing nothing', async () => {
    const ok = await upload('kind=income&year=2025', `${HEAD}${hhA},2025,50000,0,0,0,0\n${hhB},2025,60000,0,0,0,0\n`);
    assert.equal(ok.status, 202, ok.text);
    assert.equal(ok.json.job.kind, 'import.income');
    const job = await finished(ok.json.job.id);
    assert.equal(job.status, 'done', JSON.stringify(job));
    assert.equal(job.result.written, 2);
    assert.equal(job.result.replaced, 2);
    const s = await zx.req(`/api/v1/households/${hhA}/income/2025`, { session: admin });
    assert.equal(s.json.survey.wage, '50000.00');
    const bad = await upload('kind=income&year=2025', `${HEAD}${hhA},2025,1,0,0,0,0\n${hhB},2025,-7,0,0,0,0\n`);
    const failed = await finished(bad.json.job.id);
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error_count, 1);
    assert.equal(failed.errors[0].row, 3);
    assert.equal(failed.errors[0].column, '工资性收入');
    assert.match(failed.message, /共 1 处错误/);
    const after_ = await zx.req(`/api/v1/households/${hhA}/income/2025`, { session: admin });
    assert.equal(after_.json.survey.wage, '50000.00');
  });

  test('department warnings match by ID; unmatched rows fail the file unless allowed, and are listed masked', async () => {
    const detail = (await zx.req(`/api/v1/households/${hhA}`, { session: admin })).json;
    const un = await zx.req(`/api/v1/persons/${detail.members[0].id}/unmask`, { method: 'POST', session: admin });
    const known = un.json.id_number;
    const stranger = strangerId();
    const text = `证件号码,来源部门,预警类型,金额,发生日期,说明\n${known},医保局,住院自付,8200.50,2025-03-01,\n${stranger},民政,低保,,2025-04-01,\n`;
    const refused = await finished((await upload('kind=warnings', text)).json.job.id);
    assert.equal(refused.status, 'failed');
    assert.equal(refused.errors[0].row, 3);
    assert.ok(!JSON.stringify(refused).includes(stranger), 'the unmatched ID came back in clear');
    const allowed = await finished((await upload('kind=warnings&allow_unmatched=1', text)).json.job.id);
    assert.equal(allowed.status, 'done', JSON.stringify(allowed));
    assert.equal(allowed.result.written, 1);
    assert.equal(allowed.result.unmatched, 1);
    assert.equal(allowed.result.unmatched_rows[0].row, 3);
    const list = await zx.req('/api/v1/warnings?year=2025', { session: admin });
    assert.equal(list.status, 200, list.text);
    const w = list.json.items.find((x) => x.household === hhA);
    assert.equal(w.dept, '医保');
    assert.equal(w.amount, '8200.50');
    assert.ok(!list.text.includes(known), 'warnings list shows an ID in clear');
    const batches = await zx.req('/api/v1/warning-batches', { session: admin });
    const b = batches.json.items.find((x) => x.id === allowed.result.batch_id);
    assert.deepEqual([b.rows, b.matched, b.unmatched], [2, 1, 1]);
    const um = await zx.req(`/api/v1/warning-batches/${b.id}/unmatched`, { session: admin });
    assert.equal(um.json.items.length, 1);
    assert.ok(!um.text.includes(stranger));
    // A village clerk may not import department data.
    const clerk = await zx.login('clerk_a');
    const r = await zx.req('/api/v1/imports?kind=warnings', {
      method: 'POST', session: clerk, body: text, headers: { 'Content-Type': 'text/csv' },
    });
    assertError(r, 403);
  });
});
