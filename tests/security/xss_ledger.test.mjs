// Stored XSS on the 台账 page, checked in Chromium: markup and Vue template syntax stored
// through the ledger API in a 巡查 row's text fields (巡查人, 巡查地点, 发现问题) must render as
// literal text in the #/ledger/inspection table (which shows the 巡查地点), its tooltips and
// the edit form (every text field) — no element
// created from the data, no script run (window.__xss stays unset), no dialog or CSP violation
// (withPage fails on those), and `{{7*7}}` not turned into 49.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';

import { launchBrowser, login, withPage } from '../e2e/harness.mjs';
import { startProbeCounty } from './lib.mjs';

const INSPECTOR = '<img src=x onerror=window.__xss=1>巡查人{{7*7}}';
const PLACE = '<svg onload=window.__xss=2>地点{{ 6*7 }}';
const FINDINGS = '"><iframe srcdoc="<script>parent.__xss=3</script>">发现{{7*7}}<script>window.__xss=4</script>';

const zx = await startProbeCounty();
const browser = await launchBrowser();
const A = zx.objs.A;

const created = await zx.req('/api/v1/ledgers/inspection', {
  method: 'POST', session: zx.s.clerk_a,
  json: { type: '巡河', area: A.code, inspector: INSPECTOR, date: '2026-01-09', place: PLACE, findings: FINDINGS },
});
assert.equal(created.status, 201, created.text);
const id = created.json.id;

after(async () => {
  await browser.close();
  await zx.stop();
});

async function assertInert(page, texts) {
  const injected = await page.evaluate(() => document.querySelectorAll('img[src="x"], svg[onload], iframe, [onerror], [onload], script:not([src])').length);
  assert.equal(injected, 0, 'an element was created from stored data');
  assert.equal(await page.evaluate(() => window.__xss), undefined, 'a stored script ran');
  const body = await page.locator('body').innerText();
  for (const t of texts) assert.ok(body.includes(t), `not shown literally: ${t}\n${body.slice(0, 2000)}`);
  assert.ok(!/巡查人49|地点42|发现49/.test(body), 'template syntax was evaluated');
}

describe('stored XSS on the ledger page renders as text', () => {
  test('the stored row reads back literally through the API', async () => {
    const r = await zx.req(`/api/v1/ledgers/inspection/${id}`, { session: zx.s.clerk_a });
    assert.equal(r.json.inspector, INSPECTOR);
    assert.equal(r.json.place, PLACE);
    assert.equal(r.json.findings, FINDINGS);
  });

  test('#/ledger/inspection: the table, its tooltips and the edit form', async (t) => {
    await withPage(t, browser, async (page) => {
      await login(page, zx.url, zx.admin.username, zx.passwords[zx.admin.username]);
      await page.waitForURL(/#\/(?!login)\w+$/);
      await page.goto(`${zx.url}/#/ledger/inspection`);
      await page.locator('[data-testid="ledger-table"] .el-table__row', { hasText: '地点' }).first().waitFor();
      await assertInert(page, [PLACE]);
      const cells = page.locator('.el-table__body .cell');
      const n = Math.min(await cells.count(), 40);
      for (let i = 0; i < n; i++) await cells.nth(i).hover({ timeout: 500, force: true }).catch(() => {});
      await assertInert(page, []);
      await page.locator(`[data-testid="edit-${id}"]`).click();
      const form = page.locator('[data-testid="ledger-form"]');
      await form.waitFor();
      await page.waitForTimeout(300);
      for (const [k, v] of [['inspector', INSPECTOR], ['place', PLACE], ['findings', FINDINGS]]) {
        const input = form.locator(`[data-testid="f-${k}"] input, [data-testid="f-${k}"] textarea, input[data-testid="f-${k}"], textarea[data-testid="f-${k}"]`);
        assert.equal(await input.first().inputValue(), v, k);
      }
      await assertInert(page, []);
    });
  });
});
