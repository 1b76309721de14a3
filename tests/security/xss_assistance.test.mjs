// Stored XSS on the monitoring and assistance pages, checked in Chromium: markup and Vue
// template syntax stored through the API in a household member's name, a 识别纳入 case's
// reason, a 帮扶措施's content, a visit's findings, a campaign's name and one of its
// issues must render as literal text on the case, plan, campaign, visits and timeline
// pages — no element created from the data, no script run (window.__xss stays unset), no
// dialog or CSP violation (withPage fails on those), and the text visible as typed
// (`{{7*7}}` must not become 49).
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';

import { launchBrowser, login, withPage } from '../e2e/harness.mjs';
import { startProbeCounty } from './lib.mjs';

const P = (what) => `<img src=x onerror=window.__xss=1>${what}{{7*7}}`;
const NAME = P('户主');
const REASON = `<script>window.__xss=2</script>${'案由'}{{ 6*7 }}`;
const MEASURE = P('措施');
const FINDINGS = `<svg onload=window.__xss=3>走访发现{{7*7}}`;
const CAMPAIGN = P('排查');
const ISSUE = `"><iframe srcdoc="<script>parent.__xss=4</script>">问题{{7*7}}`;

const zx = await startProbeCounty();
const browser = await launchBrowser();
const admin = zx.s.admin;
const A = zx.objs.A;
const hh = A.hh_no;
const ids = {};

async function ok(p, opts, what) {
  const r = await zx.req(p, { session: admin, ...opts });
  assert.ok(r.status < 300, `${what}: ${r.status} ${r.text.slice(0, 300)}`);
  return r.json;
}

// The stored payloads, through the API as any user would (the probe county seeded a
// case, a campaign with an issue and a plan with a measure for village A's household).
const head = A.household.members[0];
await ok(`/api/v1/households/${hh}/members/${head.id}`, { method: 'PUT', json: { name: NAME } }, 'member name');
// Another household of the county for a new case (village A's is monitored already).
const list = await ok('/api/v1/households?per_page=50', {}, 'households');
const hh2 = list.items.map((x) => x.hh_no).find((x) => x !== hh && x !== zx.objs.B.hh_no);
const head2 = (await ok(`/api/v1/households/${hh2}`, {}, 'household 2')).members[0];
await ok(`/api/v1/households/${hh2}/members/${head2.id}`, { method: 'PUT', json: { name: NAME } }, 'member name 2');
const kase = await ok('/api/v1/cases', { method: 'POST', json: { household: hh2, source: 'cadre', reason: REASON } }, 'case');
ids.case = kase.case?.id ?? kase.id;
ids.measure = (await ok(`/api/v1/plans/${hh}/measures`, { method: 'POST', json: { kind: '产业帮扶', content: MEASURE } }, 'measure'));
ids.campaign = (await ok('/api/v1/campaigns', {
  method: 'POST',
  json: { name: CAMPAIGN, kind: '集中排查', area: zx.areas.villageA, start_date: '2026-01-01', end_date: '2026-12-31', targets: ['全部农户'] },
}, 'campaign')).campaign?.id;
await ok(`/api/v1/campaigns/${ids.campaign}/issues`, { method: 'POST', json: { scope: '个性问题', hh_no: hh, description: ISSUE } }, 'issue');
await ok('/api/v1/visits', {
  method: 'POST', headers: { 'Idempotency-Key': 'xss-probe-visit-1' },
  json: { hh_no: hh, checklist: ['income'], findings: FINDINGS, followups: FINDINGS },
}, 'visit');

after(async () => {
  await browser.close();
  await zx.stop();
});

// Nothing the payloads could have created exists, no script ran, the texts are shown as typed.
async function assertInert(page, texts) {
  const injected = await page.evaluate(() => document.querySelectorAll('img[src="x"], svg[onload], iframe, [onerror], [onload], script:not([src])').length);
  assert.equal(injected, 0, 'an element was created from stored data');
  assert.equal(await page.evaluate(() => window.__xss), undefined, 'a stored script ran');
  const body = await page.locator('body').innerText();
  for (const t of texts) assert.ok(body.includes(t), `not shown literally: ${t}\n${body.slice(0, 2000)}`);
  assert.ok(!/户主49|措施49|排查49|问题49|走访发现49|案由42/.test(body), 'template syntax was evaluated');
}

async function signIn(page) {
  await login(page, zx.url, zx.admin.username, zx.passwords[zx.admin.username]);
  await page.waitForURL(/#\/(?!login)\w+$/);
}

// Hovers table cells so overflow tooltips render their content too.
async function hoverCells(page) {
  const cells = page.locator('.el-table__body .cell');
  const n = Math.min(await cells.count(), 40);
  for (let i = 0; i < n; i++) await cells.nth(i).hover({ timeout: 500, force: true }).catch(() => {});
}

describe('stored XSS on the monitoring and assistance pages renders as text', () => {
  test('the 识别纳入 case page: member name and reason', async (t) => {
    assert.ok(ids.case, 'no case was created');
    await withPage(t, browser, async (page) => {
      await signIn(page);
      await page.goto(`${zx.url}/#/case/${ids.case}`);
      await page.locator('[data-testid="case-reason"]').waitFor();
      await assertInert(page, [REASON, NAME]);
      await page.goto(`${zx.url}/#/cases`);
      await page.locator('.el-table__row').first().waitFor();
      await hoverCells(page);
      await assertInert(page, []);
    });
  });

  test('the 一户一策 page: member name and measure content', async (t) => {
    await withPage(t, browser, async (page) => {
      await signIn(page);
      await page.goto(`${zx.url}/#/plan/${hh}`);
      await page.locator('[data-testid="measures-table"] .el-table__row', { hasText: '措施' }).first().waitFor();
      await hoverCells(page);
      await assertInert(page, [MEASURE]);
    });
  });

  test('the campaign page and list: campaign name and issue description', async (t) => {
    assert.ok(ids.campaign, 'no campaign was created');
    await withPage(t, browser, async (page) => {
      await signIn(page);
      await page.goto(`${zx.url}/#/campaign/${ids.campaign}`);
      await page.locator('[data-testid="campaign-villages"] .el-table__row').first().waitFor();
      await assertInert(page, [CAMPAIGN]);
      await page.locator('.el-tabs__item', { hasText: '对象户' }).click();
      await page.locator('[data-testid="campaign-households"] .el-table__row').first().waitFor();
      await hoverCells(page);
      await assertInert(page, [CAMPAIGN, NAME]);
      await page.locator('.el-tabs__item', { hasText: '问题整改' }).click();
      await page.locator('[data-testid="campaign-issues"] .el-table__row', { hasText: '问题' }).first().waitFor();
      await hoverCells(page);
      await assertInert(page, [CAMPAIGN, ISSUE]);
      await page.goto(`${zx.url}/#/campaigns`);
      await page.locator('.el-table__row', { hasText: '排查' }).first().waitFor();
      await hoverCells(page);
      await assertInert(page, [CAMPAIGN]);
    });
  });

  test('the household timeline: visit findings, measure and issue among the entries', async (t) => {
    await withPage(t, browser, async (page) => {
      await signIn(page);
      await page.goto(`${zx.url}/#/timeline/${hh}`);
      await page.locator('[data-testid="timeline"]', { hasText: '走访发现' }).waitFor();
      await assertInert(page, [FINDINGS, MEASURE, ISSUE]);
    });
  });

  test('the visits page of the village', async (t) => {
    await withPage(t, browser, async (page) => {
      await signIn(page);
      await page.goto(`${zx.url}/#/visits`);
      await page.locator('[data-testid="page-visits"]').waitFor();
      await page.waitForTimeout(500);
      await hoverCells(page);
      await assertInert(page, []);
    });
  });
});
