// The standard export buttons (components/export-button.js) on #/monitored, #/plans (both
// tabs) and #/visits: each downloads its kind for the current area with the Chinese header,
// 证件号码 masked.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';

import { startServer, launchBrowser, withPage, login, until } from './harness.mjs';

let srv;
let browser;

before(async () => {
  srv = await startServer({ households: 300 });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

async function exportCsv(page, kind) {
  const button = page.locator(`[data-testid="export-${kind}"]`);
  await until(async () => (await button.count()) === 1, `the ${kind} export button`);
  await button.click();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator(`[data-testid="export-${kind}-csv"]`).click(),
  ]);
  assert.match(download.suggestedFilename(), /\.csv$/);
  return (await readFile(await download.path(), 'utf8')).replace(/^\ufeff/, '').split('\r\n').filter(Boolean);
}

test('the export buttons download 监测对象, 帮扶措施台账, 消除名单 and 走访记录', async (t) => {
  await withPage(t, browser, async (page) => {
    await login(page, srv.url, srv.admin.username, srv.admin.password);
    await page.goto(srv.url + '/#/monitored');
    const monitored = await exportCsv(page, 'monitored');
    assert.equal(monitored[0].split(',').slice(0, 4).join(','), '户编号,户主姓名,证件号码,联系电话');
    assert.ok(monitored.slice(1).every((l) => !/\d{17}[\dX]/.test(l)), 'masked');
    await page.goto(srv.url + '/#/plans');
    const measures = await exportCsv(page, 'measures');
    assert.match(measures[0], /^户编号,户主姓名,行政区划代码,村,帮扶目标,措施类型/);
    await page.locator('.el-tabs__item', { hasText: '风险消除审批' }).click();
    const elim = await exportCsv(page, 'eliminations');
    assert.match(elim[0], /消除方式,监测对象类别/);
    await page.goto(srv.url + '/#/visits');
    const visits = await exportCsv(page, 'visits');
    assert.match(visits[0], /走访人,走访日期,走访事项（六必访）/);
  });
});
