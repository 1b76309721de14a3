// 防返贫动态监测 in the browser: a county admin sets the year's 监测线 on 政策参数,
// income is entered (one household on 收入采集, one through the API), a village
// clerk runs 排查 and sees the candidates with their rules and reasons and the
// 未采集收入 count, starts a case from a candidate and takes it through 入户核实,
// 村民代表评议 and 村内公示; the printable 公示 shows name, 组 and reason only;
// a town admin's 乡镇审核 during the 5-day 公示 is refused with the server's
// Chinese message (the server's clock cannot be moved from outside, so the
// path stops there). Pages are also loaded at 360px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, withPage, login, apiGet, until } from './harness.mjs';
import { settlePasswords, seedHouseholds, idNumber, VILLAGE } from './registry-data.mjs';

const TOWN = VILLAGE.slice(0, 9) + '000';
const YEAR = Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date())) - 1;
// Three households of VILLAGE, not monitored, every 保障 met: two get an income
// survey, the third none (未采集收入).
function households() {
  const common = { 行政区划代码: VILLAGE, 民族: '汉族', 医保参保: '是', 文化程度: '初中', 在校生情况: '非在校生',
    健康状况: '健康', 劳动技能: '普通劳动力', 务工状况: '乡镇内务工', '务工时间(月)': 6, 户类型: '一般农户',
    监测对象类别: '', 住房安全: '是', 饮水安全: '是' };
  const rows = [];
  for (const [i, name, grp] of [[1, '监甲', '2组'], [2, '监乙', '4组'], [3, '监丙', '6组']]) {
    const hh = `${VILLAGE}97${i}0`;
    rows.push({ ...common, 户编号: hh, 组: grp, 姓名: name + '父', 证件号码: idNumber('19700101', `7${i}1`),
      与户主关系: '户主', 性别: '男', 联系电话: `1380000${i}123` });
    rows.push({ ...common, 户编号: hh, 组: grp, 姓名: name + '母', 证件号码: idNumber('19720202', `7${i}2`),
      与户主关系: '配偶', 性别: '女' });
  }
  return rows;
}
let srv;
let browser;
let low;  // {hh_no, head_name, size}: 人均纯收入 6120 元
let band; // 人均纯收入 9000 元: in the 预警带 (7000 × 1.5)

before(async () => {
  srv = await startServer({
    households: 300,
    users: [
      { name: 'cunyuan', role: 'village_clerk', area: VILLAGE },
      { name: 'zhenyuan', role: 'town_admin', area: TOWN },
    ],
  });
  await settlePasswords(srv);
  await seedHouseholds(srv, households());
  browser = await launchBrowser();
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await login(page, srv.url, srv.admin.username, srv.admin.password);
  const list = await apiGet(page, srv.url, `/households?area=${VILLAGE}&per_page=100`);
  const hh = (n) => list.items.find((h) => h.hh_no === `${VILLAGE}97${n}0`);
  [low, band] = [hh(1), hh(2)];
  assert.ok(low && band && low.size === 2, 'the seeded households are listed');
  await ctx.close();
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

async function signIn(page, who) {
  if (who === 'admin') await login(page, srv.url, srv.admin.username, srv.admin.password);
  else await login(page, srv.url, who, srv.users[who]);
  await page.waitForURL(/#\/dashboard$/);
}

// PUT with the page's cookies and CSRF token (read from /me).
async function apiPut(page, p, body) {
  const me = await apiGet(page, srv.url, '/me');
  const r = await page.request.put(srv.url + '/api/v1' + p, {
    data: body, headers: { 'X-CSRF-Token': me.csrf_token },
  });
  if (!r.ok()) throw new Error(`PUT ${p}: HTTP ${r.status()} ${await r.text()}`);
  return r.json();
}

async function pickYear(page, testid) {
  const sel = page.locator(`[data-testid="${testid}"]`);
  if ((await sel.innerText()).includes(String(YEAR))) return;
  await sel.click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: `${YEAR}年度` }).click();
}

test('a county admin sets the 监测线 for the year on 政策参数', async (t) => {
  await withPage(t, browser, async (page) => {
    await signIn(page, 'admin');
    await page.locator('[data-testid="nav-group-monitoring"]').waitFor();
    await page.locator('[data-testid="nav-policy"]').click();
    await page.waitForURL(/#\/policy$/);
    await pickYear(page, 'policy-year');
    await page.locator('[data-testid="policy-edit"]').click();
    const dlg = page.locator('[data-testid="policy-dialog"]');
    await dlg.locator('input[name="income_line"]').fill('7000');
    await dlg.locator('input[name="warning_factor"]').fill('1.5');
    await dlg.locator('input[name="drop_percent"]').fill('30');
    await dlg.locator('input[name="medical_selfpay"]').fill('5000');
    await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/policies') && r.request().method() === 'POST' && r.status() === 201),
      dlg.locator('[data-testid="policy-save"]').click(),
    ]);
    await until(async () => /7,000/.test(await page.locator('[data-testid="eff-income-line"]').innerText()), 'effective 监测线');
    const rows = page.locator('[data-testid="policy-table"] .el-table__body .el-table__row');
    await until(async () => (await rows.count()) >= 1, 'a version listed');
    assert.match(await rows.first().innerText(), new RegExp(`${YEAR}[\\s\\S]*7,000`));
    const eff = await apiGet(page, srv.url, `/policies/effective?year=${YEAR}`);
    assert.equal(Number(eff.policy.income_line), 7000);
    assert.equal(eff.policy.warning_factor.replace(/0+$/, ''), '1.5');
  });
});

test('收入采集 shows 人均纯收入 as it is typed and saves it; the household page links to it', async (t) => {
  await withPage(t, browser, async (page) => {
    await signIn(page, 'cunyuan');
    await page.goto(srv.url + '/#/household/' + low.hh_no);
    await page.locator('[data-testid="hh-income"]').click();
    await page.waitForURL(new RegExp(`#/income/${low.hh_no}$`));
    await pickYear(page, 'income-year');
    await page.locator('[data-testid="income-card"]').waitFor();
    await page.locator('input[data-testid="income-wage"]').fill(String(6000 * low.size));
    await page.locator('input[data-testid="income-transfer"]').fill(String(320 * low.size));
    await page.locator('input[data-testid="income-expense"]').fill(String(200 * low.size));
    await until(async () => (await page.locator('[data-testid="income-pc"]').innerText()).startsWith('6,120'), 'live 人均纯收入');
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().includes(`/income/${YEAR}`) && r.ok()),
      page.locator('[data-testid="income-save"]').click(),
    ]);
    const saved = await apiGet(page, srv.url, `/households/${low.hh_no}/income/${YEAR}`);
    assert.equal(saved.survey.net_per_capita_display, '6120');
    // The other household's figures go in through the API (9000 元 per person, last year 20000).
    await apiPut(page, `/households/${band.hh_no}/income/${YEAR - 1}`, { wage: String(20000 * band.size) });
    await apiPut(page, `/households/${band.hh_no}/income/${YEAR}`, { wage: String(9000 * band.size) });
    // Last year's figure beside this year's.
    await page.goto(srv.url + '/#/income/' + band.hh_no);
    await pickYear(page, 'income-year');
    await until(async () => (await page.locator('[data-testid="income-prev-pc"]').innerText()).startsWith('20,000'), 'last year');
    assert.match(await page.locator('[data-testid="income-pc"]').innerText(), /^9,000/);
    assert.match(await page.locator('[data-testid="income-growth"]').innerText(), /-55\.0%/);
  });
});

test('a village clerk runs 排查, starts a case and takes it to 村内公示; 乡镇审核 waits for the 公示', async (t) => {
  let caseId;
  await withPage(t, browser, async (page) => {
    await signIn(page, 'cunyuan');
    await page.locator('[data-testid="nav-screening"]').click();
    await page.waitForURL(/#\/screening$/);
    await pickYear(page, 'screen-year');
    await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/screenings') && r.request().method() === 'POST' && r.status() === 201),
      page.locator('[data-testid="screen-run"]').click(),
    ]);
    const table = page.locator('[data-testid="screen-table"]');
    const row = table.locator('.el-table__body .el-table__row', { hasText: low.hh_no });
    await row.waitFor();
    const text = await row.innerText();
    assert.ok(text.includes('人均纯收入 6120元 低于监测线 7000元'), 'reason with the figures: ' + text);
    assert.equal(await row.locator('[data-testid="rule-income_below_line"]').count(), 1);
    assert.match(await row.locator('[data-testid="rule-income_below_line"]').innerText(), /[\u4e00-\u9fff]/);
    const bandRow = table.locator('.el-table__body .el-table__row', { hasText: band.hh_no });
    await bandRow.waitFor();
    assert.equal(await bandRow.locator('[data-testid="rule-income_warning_band"]').count(), 1);
    assert.equal(await bandRow.locator('[data-testid="rule-income_drop"]').count(), 1);
    // Counts per rule, and the households without a survey apart.
    assert.match(await page.locator('[data-testid="count-income_below_line"]').innerText(), /1/);
    const missing = Number((await page.locator('[data-testid="screen-missing"]').innerText()).replace(/\D/g, ''));
    assert.ok(missing > 0, '未采集收入 counted: ' + missing);
    await page.locator('.el-tabs__item', { hasText: '未采集收入' }).click();
    await until(async () => !(await table.innerText()).includes(low.hh_no) &&
      (await table.locator('.el-table__body .el-table__row').count()) > 0, 'the missing list');
    await page.locator('.el-tabs__item', { hasText: '疑似对象' }).click();
    // Filter by a rule.
    await page.locator('[data-testid="count-income_warning_band"]').click();
    await until(async () => {
      const txt = await table.innerText();
      return txt.includes(band.hh_no) && !txt.includes(low.hh_no);
    }, 'the rule filter');
    await page.locator('[data-testid="count-income_warning_band"]').click();

    // Start a case from the candidate.
    await row.waitFor();
    await row.locator(`[data-testid="case-start-${low.hh_no}"]`).click();
    await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/cases') && r.status() === 201),
      page.locator('.el-message-box .el-button--primary').click(),
    ]);
    await page.waitForURL(/#\/case\/\d+$/);
    caseId = page.url().match(/case\/(\d+)$/)[1];
    assert.match(await page.locator('[data-testid="case-reason"]').innerText(), /6120元 低于监测线 7000元/);
    assert.equal(await page.locator('[data-testid="case-state"]').innerText(), '待核实');

    for (const [action, opinion, state] of [
      ['verify', '入户核实：家庭收入属实', '入户核实'],
      ['review', '村民代表评议同意', '村民代表评议'],
      ['publish', '', '村内公示'],
    ]) {
      if (opinion) await page.locator('textarea[data-testid="case-opinion"]').fill(opinion);
      if (action === 'review') {
        // The 评议 proposes the category and risk type the 公示 shows.
        await page.locator('[data-testid="case-category"]').click();
        await page.locator('.el-select-dropdown__item:visible', { hasText: /^边缘易致贫户$/ }).click();
        await page.locator('[data-testid="case-risk"]').click();
        await page.locator('.el-select-dropdown__item:visible', { hasText: /^因务工就业不稳$/ }).click();
      }
      await Promise.all([
        page.waitForResponse((r) => r.url().includes(`/cases/${caseId}/transitions`) && r.ok()),
        page.locator(`[data-testid="act-${action}"]`).click(),
      ]);
      await until(async () => (await page.locator('[data-testid="case-state"]').innerText()) === state, state);
    }
    const timeline = await page.locator('[data-testid="case-timeline"]').innerText();
    assert.match(timeline, /入户核实：家庭收入属实/);
    assert.match(timeline, /cunyuan/);
    // A village clerk may not take 乡镇审核.
    assert.equal(await page.locator('[data-testid="act-town_approve"]').count(), 0);

    // The case is listed with its days; the 公示 shows the household without personal details.
    await page.locator('[data-testid="nav-cases"]').click();
    const caseRow = page.locator('[data-testid="cases-table"] .el-table__body .el-table__row', { hasText: low.hh_no });
    await caseRow.waitFor();
    assert.match(await caseRow.innerText(), /村内公示[\s\S]*0 天/);
    await page.goto(srv.url + '/#/case/' + caseId);
    await page.locator('[data-testid="case-notice-link"]').click();
    await page.waitForURL(new RegExp(`#/notice/${VILLAGE}$`));
    const nrow = page.locator('[data-testid="notice-row"]', { hasText: low.head_name });
    await nrow.waitFor();
    assert.match(await nrow.innerText(), /监甲父\s+2组\s+边缘易致贫户\s+因务工就业不稳/);
    const sheet = await page.locator('[data-testid="notice-sheet"]').innerText();
    assert.doesNotMatch(sheet, /\d{17}[\dX]|\d{4}\*{10}/, 'no ID number');
    assert.doesNotMatch(sheet, /1[3-9]\d{9}|1[3-9]\d\*{4}\d{4}/, 'no phone');
    assert.doesNotMatch(sheet, /慢性病|残疾|大病|健康/, 'no health details');
    // Printing: the menu and header are hidden, the sheet is shown.
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('.zx-aside').isVisible(), false);
    assert.equal(await page.locator('.zx-header').isVisible(), false);
    assert.equal(await page.locator('[data-testid="notice-sheet"]').isVisible(), true);
    await page.emulateMedia({ media: 'screen' });
  });

  await withPage(t, browser, async (page) => {
    await signIn(page, 'zhenyuan');
    await page.goto(srv.url + '/#/case/' + caseId);
    await page.locator('[data-testid="act-town_approve"]').click();
    const err = page.locator('[data-testid="case-error"]');
    await err.waitFor();
    assert.match(await err.innerText(), /村内公示不少于5天/);
    assert.equal(await page.locator('[data-testid="case-state"]').innerText(), '村内公示');
    // 退回 needs a reason.
    await page.locator('[data-testid="act-return"]').click();
    await until(async () => /退回必须填写理由/.test(await err.innerText()), 'reason required');
  });
});

test('the monitoring pages fit a 360px screen', async (t) => {
  await withPage(t, browser, async (page) => {
    await signIn(page, 'cunyuan');
    for (const [hash, testid] of [['/screening', 'screen-table'], ['/cases', 'cases-table'],
      ['/notice', 'notice-sheet'], ['/monitored', 'monitored-table'], ['/policy', 'policy-table'],
      ['/income/' + low.hh_no, 'income-card']]) {
      await page.goto(srv.url + '/#' + hash);
      await page.locator(`[data-testid="${testid}"]`).waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 1, `${hash} does not scroll sideways (${overflow}px)`);
    }
  }, { viewport: { width: 360, height: 740 } });
});
