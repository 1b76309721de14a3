// Stored and DOM XSS, checked in Chromium (playwright-core, as tests/e2e): markup and Vue
// template syntax stored in a user's display name, a household member's name, a
// household's helper, a failed login's user name (shown in the audit log) and put into
// the URL hash and the search boxes must render as literal text on every page that shows
// them — no dialog, no element created from the data, no CSP violation, and the text
// visible exactly as typed (`{{7*7}}` must not become 49).
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';

import { launchBrowser, login, withPage } from '../e2e/harness.mjs';
import { request } from '../lib/zxserver.mjs';
import { startProbeCounty } from './lib.mjs';

const NAME = '<img src=x onerror=alert(1)>{{7*7}}';
const HELPER = '<script>alert(2)</script>{{ 6*7 }}';
const LOGIN_NAME = '"><svg onload=alert(3)>';
const HASH = '<img src=x onerror=alert(4)>';

const zx = await startProbeCounty({ extraUsers: [{ name: 'xss_user', role: 'village_clerk', where: 'villageA' }] });
const browser = await launchBrowser();
const admin = zx.s.admin;

// The stored payloads, through the API as any user would.
const xssUser = (await zx.req('/api/v1/users?q=xss_user', { session: admin })).json.items[0];
const put = await zx.req(`/api/v1/users/${xssUser.id}`, { method: 'PUT', session: admin, json: { display_name: NAME } });
assert.equal(put.status, 200, put.text);
const hh = zx.objs.A.hh_no;
if (hh) {
  const head = zx.objs.A.household.members[0];
  const m = await zx.req(`/api/v1/households/${hh}/members/${head.id}`, { method: 'PUT', session: admin, json: { name: NAME } });
  assert.equal(m.status, 200, m.text);
  const h = await zx.req(`/api/v1/households/${hh}`, { method: 'PUT', session: admin, json: { helper: HELPER } });
  assert.equal(h.status, 200, h.text);
}
await request(zx.url, '/api/v1/session', { method: 'POST', json: { username: LOGIN_NAME, password: 'Wrong-pass-1234' } });

after(async () => {
  await browser.close();
  await zx.stop();
});

// Nothing the payloads could have created exists, and the texts are shown as typed.
async function assertInert(page, texts) {
  const injected = await page.evaluate(() => document.querySelectorAll('img[src="x"], svg[onload], [onerror], [onload], script:not([src])').length);
  assert.equal(injected, 0, 'an element was created from stored data');
  const body = await page.locator('body').innerText();
  for (const t of texts) assert.ok(body.includes(t), `not shown literally: ${t}\n${body.slice(0, 1500)}`);
}

async function signIn(page, username, password) {
  await login(page, zx.url, username, password);
  await page.waitForURL(/#\/(?!login)\w+$/);
}

// Hovers every cell of a table so overflow tooltips render their content too.
async function hoverCells(page, testid) {
  const cells = page.locator(`[data-testid="${testid}"] .el-table__body .cell`);
  const n = Math.min(await cells.count(), 40);
  for (let i = 0; i < n; i++) await cells.nth(i).hover({ timeout: 500, force: true }).catch(() => {});
}

describe('stored XSS renders as text', () => {
  test('a display name with markup in the user list and the page header', async (t) => {
    await withPage(t, browser, async (page) => {
      await signIn(page, zx.admin.username, zx.passwords[zx.admin.username]);
      await page.goto(zx.url + '/#/users');
      await page.locator('[data-testid="users-table"] .el-table__row', { hasText: 'xss_user' }).waitFor();
      await hoverCells(page, 'users-table');
      await assertInert(page, [NAME]);
    });
    await withPage(t, browser, async (page) => {
      await signIn(page, 'xss_user', zx.passwords.xss_user);
      const who = await page.locator('[data-testid="current-user"]').innerText();
      assert.ok(who.includes(NAME), who);
      await assertInert(page, [NAME]);
    });
  });

  test('a member name and helper with markup on the household page, its history and the list', async (t) => {
    if (!hh) return t.skip('no households route yet');
    await withPage(t, browser, async (page) => {
      await signIn(page, zx.admin.username, zx.passwords[zx.admin.username]);
      await page.goto(`${zx.url}/#/household/${hh}`);
      await page.locator('[data-testid="members-table"] .el-table__row').first().waitFor();
      await hoverCells(page, 'members-table');
      await assertInert(page, [NAME, HELPER]);
      // The change history holds both values too (old → new).
      await page.locator('.el-tabs__item', { hasText: '变更记录' }).click();
      await page.locator('[data-testid="history-table"] .el-table__row', { hasText: '{{7*7}}' }).first().waitFor();
      await hoverCells(page, 'history-table');
      await assertInert(page, [NAME, HELPER]);
      await page.goto(`${zx.url}/#/households`);
      const box = page.locator('input[data-testid="hh-search"]');
      await box.fill(hh);
      await box.press('Enter');
      await page.locator('[data-testid="hh-table"] .el-table__row', { hasText: hh }).waitFor();
      await hoverCells(page, 'hh-table');
      await assertInert(page, [NAME]);
    });
  });

  test('a user name with markup from a failed login in the audit log', async (t) => {
    await withPage(t, browser, async (page) => {
      await signIn(page, 'audit_c', zx.passwords.audit_c);
      await page.goto(zx.url + '/#/audit');
      await page.locator('[data-testid="audit-table"] .el-table__row', { hasText: LOGIN_NAME }).first().waitFor();
      await hoverCells(page, 'audit-table');
      await assertInert(page, [LOGIN_NAME]);
    });
  });
});

describe('reflected and DOM XSS', () => {
  test('markup in the URL hash and in the search boxes stays text', async (t) => {
    await withPage(t, browser, async (page) => {
      await signIn(page, zx.admin.username, zx.passwords[zx.admin.username]);
      await page.goto(`${zx.url}/#/household/${encodeURIComponent(HASH)}`);
      await page.waitForTimeout(500);
      await assertInert(page, []);
      await page.goto(`${zx.url}/#/${encodeURIComponent(HASH)}`);
      await page.waitForTimeout(300);
      await assertInert(page, []);
      await page.goto(zx.url + '/#/users');
      const us = page.locator('input[data-testid="users-search"]');
      await us.fill(HASH);
      await us.press('Enter');
      await page.waitForTimeout(300);
      await assertInert(page, []);
      if (hh) {
        await page.goto(zx.url + '/#/households');
        const box = page.locator('input[data-testid="hh-search"]');
        await box.fill(HASH);
        await box.press('Enter');
        await page.waitForTimeout(300);
        await assertInert(page, []);
      }
    });
  });
});
