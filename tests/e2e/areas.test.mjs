// Area tree navigation: county → town → village changes the overview, and
// clicking a row in the children table selects that child in the tree.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launchBrowser, withPage, login, waitStat, statValue, apiGet, until,
} from './harness.mjs';

let srv;
let browser;

before(async () => {
  srv = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

// The child with the most households (ties: first).
function busiest(items) {
  return items.reduce((a, b) => (b.households > a.households ? b : a));
}

async function signIn(page) {
  await login(page, srv.url, srv.admin.username, srv.admin.password);
  await page.waitForURL(/#\/dashboard$/);
  // The area tree and its counts are on the overview; the landing page is the dashboard.
  await page.goto(srv.url + '/#/overview');
  return waitStat(page, 'stat-households', 0);
}

function treeNode(page, code) {
  return page.locator(`[data-testid="area-tree"] [data-code="${code}"]`);
}

async function currentTreeCode(page) {
  return page.locator('[data-testid="area-tree"] .el-tree-node.is-current > .el-tree-node__content [data-code]')
    .first().getAttribute('data-code');
}

test('navigating the area tree county → town → village changes the counts', async (t) => {
  await withPage(t, browser, async (page) => {
    const countyHouseholds = await signIn(page);
    const me = await apiGet(page, srv.url, '/me');
    const root = me.user.area_code;
    const towns = (await apiGet(page, srv.url, `/areas/${root}/children`)).items;
    assert.ok(towns.length > 1, 'county has towns');
    const town = busiest(towns);
    assert.ok(town.households > 0 && town.households < countyHouseholds, 'a town holds part of the county');

    await treeNode(page, town.code).click();
    const townHouseholds = await waitStat(page, 'stat-households', countyHouseholds);
    assert.equal(townHouseholds, town.households);
    assert.match(await page.locator('[data-testid="overview-title"]').innerText(), new RegExp(town.name));
    assert.match(await page.locator('[data-testid="breadcrumb"]').innerText(), new RegExp(town.name));

    // Selecting the town expanded it in the tree; pick its busiest village.
    const villages = (await apiGet(page, srv.url, `/areas/${town.code}/children`)).items;
    const village = busiest(villages);
    await treeNode(page, village.code).click();
    if (village.households !== townHouseholds) {
      assert.equal(await waitStat(page, 'stat-households', townHouseholds), village.households);
    }
    await until(async () => (await page.locator('[data-testid="overview-title"]').innerText()).includes(village.name),
      'village title');
    assert.equal(await statValue(page, 'stat-persons'), village.persons);
    const crumb = await page.locator('[data-testid="breadcrumb"]').innerText();
    assert.match(crumb, new RegExp(`${town.name}[\\s\\S]*${village.name}`));
    // A village is the last level: no children.
    await page.locator('[data-testid="children-table"]', { hasText: '最末一级' }).waitFor();

    // The breadcrumb goes back up to the county.
    await page.locator('[data-testid="breadcrumb"] .zx-crumb-link').first().click();
    await until(async () => (await statValue(page, 'stat-households')) === countyHouseholds, 'county counts again');
  });
});

test('clicking a row in the children table selects that area in the tree', async (t) => {
  await withPage(t, browser, async (page) => {
    const countyHouseholds = await signIn(page);
    const me = await apiGet(page, srv.url, '/me');
    const towns = (await apiGet(page, srv.url, `/areas/${me.user.area_code}/children`)).items;
    const town = busiest(towns);
    await page.locator('[data-testid="children-table"] .el-table__row', { hasText: town.code }).click();
    assert.equal(await waitStat(page, 'stat-households', countyHouseholds), town.households);
    await until(async () => (await currentTreeCode(page)) === town.code, 'tree selection follows the table');

    // One more level down: a village row, whose tree node must be lazily loaded.
    const villages = (await apiGet(page, srv.url, `/areas/${town.code}/children`)).items;
    const village = busiest(villages);
    await page.locator('[data-testid="children-table"] .el-table__row', { hasText: village.code }).click();
    await until(async () => (await currentTreeCode(page)) === village.code, 'tree selects the village');
    await until(async () => (await statValue(page, 'stat-households')) === village.households, 'village counts');
  });
});

test('on a 360px phone the tree lives in a drawer', async (t) => {
  await withPage(t, browser, async (page) => {
    const countyHouseholds = await signIn(page);
    const aside = page.locator('[data-testid="aside"]');
    const box = async () => aside.boundingBox();
    await until(async () => (await box()).x + (await box()).width <= 0, 'drawer hidden');
    // No horizontal overflow of the page body.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, 'no horizontal scroll, overflow=' + overflow);

    await page.locator('[data-testid="menu-toggle"]').click();
    await until(async () => (await box()).x >= 0, 'drawer shown');
    const me = await apiGet(page, srv.url, '/me');
    const town = busiest((await apiGet(page, srv.url, `/areas/${me.user.area_code}/children`)).items);
    await treeNode(page, town.code).click();
    await until(async () => (await box()).x + (await box()).width <= 0, 'drawer closes after picking');
    assert.equal(await waitStat(page, 'stat-households', countyHouseholds), town.households);
  }, { viewport: { width: 360, height: 740 } });
});
