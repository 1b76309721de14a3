// Captures every page at desktop and phone sizes for a visual review:
//   node tests/e2e/screenshots.mjs   (writes $ZX_ARTIFACTS/shots/*.png)
// Not a test: nothing is asserted beyond the pages loading.
import path from 'node:path';
import { mkdir } from 'node:fs/promises';
import { startServer, launchBrowser, login, waitStat, ARTIFACTS, apiGet } from './harness.mjs';

const OUT = path.join(ARTIFACTS, 'shots');
const COUNTY = '510722000000';

async function shot(page, name) {
  await page.waitForTimeout(400);
  await page.screenshot({ path: path.join(OUT, name + '.png') });
  console.log('wrote', path.join(OUT, name + '.png'));
}

async function main() {
  await mkdir(OUT, { recursive: true });
  const srv = await startServer({ users: [{ name: 'shenji', role: 'audit_admin', area: COUNTY }] });
  const browser = await launchBrowser();
  try {
    for (const [tag, viewport] of [['desktop', { width: 1366, height: 820 }], ['phone', { width: 360, height: 740 }]]) {
      const ctx = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
      const page = await ctx.newPage();
      await page.goto(srv.url + '/#/login');
      await page.locator('input[name="username"]').waitFor();
      await shot(page, `${tag}-login`);
      await login(page, srv.url, srv.admin.username, 'wrong-password');
      await page.locator('[data-testid="login-error"]').waitFor();
      await shot(page, `${tag}-login-error`);
      await login(page, srv.url, srv.admin.username, srv.admin.password);
      await page.waitForURL(/#\/dashboard$/);
      await page.locator('[data-testid="chart-types"] canvas').waitFor();
      await shot(page, `${tag}-dashboard-county`);
      await page.goto(srv.url + '/#/overview');
      const n = await waitStat(page, 'stat-households', 0);
      await shot(page, `${tag}-overview-county`);
      const towns = (await apiGet(page, srv.url, `/areas/${COUNTY}/children`)).items;
      await page.locator('[data-testid="children-table"] .el-table__row', { hasText: towns[1].name }).first().click();
      await waitStat(page, 'stat-households', n);
      await shot(page, `${tag}-overview-town`);
      if (tag === 'phone') {
        await page.locator('[data-testid="menu-toggle"]').click();
        await shot(page, `${tag}-drawer`);
        await page.locator('[data-testid="menu-toggle"]').click();
      }
      await page.goto(srv.url + '/#/users');
      await page.locator('[data-testid="users-table"] .el-table__row').first().waitFor();
      await shot(page, `${tag}-users`);
      await page.locator('[data-testid="users-add"]').click();
      await page.locator('[data-testid="user-dialog"] input[name="username"]').waitFor();
      await page.locator('[data-testid="area-select"]').click();
      await shot(page, `${tag}-users-add`);
      await page.keyboard.press('Escape');
      await ctx.close();

      const ctx2 = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
      const p2 = await ctx2.newPage();
      await login(p2, srv.url, 'shenji', srv.users.shenji);
      await p2.waitForURL(/#\/audit$/);
      await p2.locator('[data-testid="audit-table"] .el-table__row').first().waitFor();
      await shot(p2, `${tag}-audit`);
      await ctx2.close();
    }
  } finally {
    await browser.close();
    await srv.stop();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
