// 首页驾驶舱 in Chromium: an area role lands on it, the ECharts charts render (a canvas in
// each), the tiles show the figures of GET /api/v1/dashboard with their definition on hover,
// clicking a town's bar and then a village's bar drills down, a tile opens the household list
// with the same count, and the page fits a 360 px phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, withPage, login, apiGet, until } from './harness.mjs';

let srv;
let browser;

before(async () => {
  srv = await startServer({ households: 600, seed: 3 });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

async function signIn(page) {
  await login(page, srv.url, srv.admin.username, srv.admin.password);
  await page.waitForURL(/#\/dashboard$/);
  await page.locator('[data-testid="chart-types"] canvas').waitFor();
}

function title(page) {
  return page.locator('[data-testid="dash-title"]').innerText();
}

// Clicks the bar of the child `code` in the per-child chart (series 0: 脱贫户).
async function clickChildBar(page, code, children) {
  const rows = [...children].sort((a, b) => a.code.localeCompare(b.code));
  const i = rows.findIndex((r) => r.code === code);
  assert.ok(i >= 0 && rows[i].tuopin_households > 0, 'the child has a bar');
  const el = page.locator('[data-testid="chart-children"]');
  await el.locator('canvas').waitFor();
  const [x, y] = await page.evaluate(({ i, v }) => {
    const c = window.echarts.getInstanceByDom(document.querySelector('[data-testid="chart-children"]'));
    // The 脱贫户 bar sits in the upper half of the category band.
    const [px, py] = c.convertToPixel({ gridIndex: 0 }, [v / 2, i]);
    return [px, py - 4];
  }, { i, v: rows[i].tuopin_households });
  // Playwright scrolls the point into view before it clicks.
  await el.click({ position: { x, y } });
}

test('an area admin lands on the dashboard: charts render and tiles show the API figures', async (t) => {
  await withPage(t, browser, async (page) => {
    await signIn(page);
    for (const id of ['chart-types', 'chart-funnel', 'chart-income', 'chart-children']) {
      await page.locator(`[data-testid="${id}"] canvas`).waitFor();
    }
    const d = await apiGet(page, srv.url, `/dashboard?area=510722000000&year=${new Date().getFullYear()}`);
    const fig = Object.fromEntries(d.figures.map((f) => [f.name, f]));
    assert.match(await title(page), /三台县/);
    await until(async () => (await page.locator('[data-testid="tile-num-tuopin_households"]').innerText())
      === fig.tuopin_households.number, 'the 脱贫户 tile');
    assert.equal(await page.locator('[data-testid="tile-num-monitored_persons"]').innerText(),
      fig.monitored_persons.number);
    // hovering a tile shows its definition and source
    await page.locator('[data-testid="tile-tuopin_households"]').hover();
    const tip = page.locator('.zx-dash-tip').filter({ hasText: fig.tuopin_households.definition });
    await tip.waitFor();
    assert.match(await tip.innerText(), /来源：fig_household_counts/);
    // the ranking table lists every town
    const rows = page.locator('[data-testid="dash-ranking"] .el-table__body .el-table__row');
    assert.equal(await rows.count(), d.series.children.length);
  });
});

test('clicking a town bar and then a village bar drills down to that village', async (t) => {
  await withPage(t, browser, async (page) => {
    await signIn(page);
    const year = new Date().getFullYear();
    const county = await apiGet(page, srv.url, `/dashboard?area=510722000000&year=${year}`);
    const town = county.series.children.reduce((a, b) => (b.tuopin_households > a.tuopin_households ? b : a));
    await clickChildBar(page, town.code, county.series.children);
    await until(async () => (await title(page)).includes(town.name), 'the town dashboard');
    assert.match(await page.locator('[data-testid="breadcrumb"]').innerText(), new RegExp(town.name));
    const td = await apiGet(page, srv.url, `/dashboard?area=${town.code}&year=${year}`);
    const village = td.series.children.find((c) => c.tuopin_households > 0);
    assert.ok(village, 'a village with 脱贫户');
    await until(async () => (await page.locator('[data-testid="dash-ranking"]').innerText()).includes(village.name),
      'the villages of the town');
    await clickChildBar(page, village.code, td.series.children);
    await until(async () => (await title(page)).includes(village.name), 'the village dashboard');
    const vf = (await apiGet(page, srv.url, `/figures?area=${village.code}&year=${year}`)).figures;
    const tp = vf.find((f) => f.name === 'tuopin_households');
    await until(async () => (await page.locator('[data-testid="tile-num-tuopin_households"]').innerText())
      === tp.number, 'the village figures');
    assert.equal(Number(tp.number), village.tuopin_households);
    assert.equal(await page.locator('[data-testid="chart-children"]').count(), 0, 'a village has no children');
  });
});

test('a dashboard link names the area and year it opens', async (t) => {
  await withPage(t, browser, async (page) => {
    await signIn(page);
    const year = new Date().getFullYear() - 1;
    const county = await apiGet(page, srv.url, `/dashboard?area=510722000000&year=${year}`);
    const town = county.series.children[0];
    await Promise.all([
      page.waitForResponse((r) => r.url().includes(`/api/v1/dashboard?area=${town.code}&year=${year}`)),
      page.evaluate((h) => { location.hash = h; }, `#/dashboard?area=${town.code}&year=${year}`),
    ]);
    await until(async () => (await title(page)).includes(town.name), 'the town of the link');
    assert.match(await page.locator('[data-testid="dash-year"]').innerText(), new RegExp(`${year}年`));
  });
});

test('a tile opens the household list with the same count', async (t) => {
  await withPage(t, browser, async (page) => {
    await signIn(page);
    const n = await page.locator('[data-testid="tile-num-tuopin_households"]').innerText();
    await page.locator('[data-testid="tile-tuopin_households"]').click();
    await page.waitForURL(/#\/households\?hh_type=/);
    await page.locator('[data-testid="page-households"]').waitFor();
    const total = await until(async () => {
      const txt = await page.locator('.zx-pager .el-pagination__total').innerText();
      return /\d/.test(txt) && Number(txt.replace(/\D/g, ''));
    }, 'the list total');
    assert.equal(total, Number(n));
    const rows = page.locator('[data-testid="hh-table"] .el-table__body .el-table__row');
    await rows.first().waitFor();
    assert.match(await rows.first().innerText(), /脱贫户/);
  });
});

test('the dashboard fits a 360 px phone', async (t) => {
  await withPage(t, browser, async (page) => {
    await signIn(page);
    await page.locator('[data-testid="chart-income"] canvas').waitFor();
    const { scroll, client } = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth,
    }));
    assert.ok(scroll <= client + 1, `no horizontal scrolling (${scroll} > ${client})`);
    const w = await page.locator('[data-testid="chart-types"] canvas').evaluate((c) => c.getBoundingClientRect().width);
    assert.ok(w > 250 && w <= 360, `chart width ${w}`);
  }, { viewport: { width: 360, height: 740 } });
});
