// 指标与目标 and 晾晒 in the browser: a county admin sets the county's 小额信贷 target on
// 指标与目标 and sees completion move when ledger rows arrive (403.62万元 planned, 425.5万元
// done → 105.42%); a town admin sets village targets, sees the villages' league table with
// 红榜/黑榜 and publishes it, and the snapshot appears in the history.
//
// The 巡河 rows are added through the ledger API (POST /api/v1/ledgers/inspection); the 小额信贷
// rows, which need borrowers of the registry, are written with the sqlite3 shell on the live
// WAL database, the way the API tests write facts other modules own.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startServer, launchBrowser, withPage, login, apiGet, until } from './harness.mjs';
import { settlePasswords } from './registry-data.mjs';

const exec = promisify(execFile);
const TOWN = '510722101000';
const V1 = '510722101002';
const V2 = '510722101003';
const YEAR = Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date()));
let srv;
let browser;

async function ledger(kind, area, date, fen, category = '') {
  await exec('sqlite3', ['-cmd', '.timeout 5000', srv.db,
    `INSERT INTO ledger_entries (county, kind, area_code, entry_date, amount_fen, category, created_at, updated_at)
     VALUES ('510722', '${kind}', '${area}', '${date}', ${fen ?? 'NULL'}, '${category}', 0, 0)`]);
}

// The native input of an Element Plus field (the test id lands on the input or its wrapper).
function field(id) {
  return `input[data-testid="${id}"], [data-testid="${id}"] input`;
}

async function apiPut(page, p, body) {
  const me = await apiGet(page, srv.url, '/me');
  const r = await page.request.put(srv.url + '/api/v1' + p, { data: body, headers: { 'X-CSRF-Token': me.csrf_token } });
  if (!r.ok()) throw new Error(`PUT ${p}: HTTP ${r.status()} ${await r.text()}`);
  return r.json();
}

async function apiPost(page, p, body) {
  const me = await apiGet(page, srv.url, '/me');
  const r = await page.request.post(srv.url + '/api/v1' + p, { data: body, headers: { 'X-CSRF-Token': me.csrf_token } });
  if (r.status() !== 201) throw new Error(`POST ${p}: HTTP ${r.status()} ${await r.text()}`);
  return r.json();
}

function patrol(page, area, date) {
  return apiPost(page, '/ledgers/inspection', { type: '巡河', area, inspector: '巡河员', date, place: '凯江' });
}

async function signIn(page, who) {
  if (who === 'admin') await login(page, srv.url, srv.admin.username, srv.admin.password);
  else await login(page, srv.url, who, srv.users[who]);
  await page.waitForURL(/#\/dashboard$/);
}

before(async () => {
  srv = await startServer({ households: 60, users: [{ name: 'zhen_ind', role: 'town_admin', area: TOWN }] });
  await settlePasswords(srv);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

test('a county admin sets the 小额信贷 target and sees completion follow the ledger', async (t) => {
  await withPage(t, browser, async (page) => {
    await signIn(page, 'admin');
    await page.locator('[data-testid="nav-group-indicators"]').click();
    await page.locator('[data-testid="nav-indicators"]').click();
    await page.waitForURL(/#\/indicators$/);
    const target = page.locator('[data-testid="ind-target-microloan"]');
    await until(async () => (await target.innerText()) === '未设', 'the table');
    await page.locator('[data-testid="ind-set-microloan"]').click();
    const dlg = page.locator('[data-testid="ind-target-dialog"]');
    await dlg.locator(field('ind-target-value')).fill('403.62');
    await Promise.all([
      page.waitForResponse((r) => r.url().includes('/api/v1/indicators/microloan/targets') && r.status() === 200),
      dlg.locator('[data-testid="ind-target-save"]').click(),
    ]);
    await until(async () => (await target.innerText()) === '403.62万元', 'the target shown');
    assert.equal(await page.locator('[data-testid="ind-actual-microloan"]').innerText(), '0万元');
    await ledger('microloan', V1, `${YEAR}-01-10`, 200000000);
    await ledger('microloan', V2, `${YEAR}-01-11`, 225500000);
    await page.reload();
    await until(async () => (await page.locator('[data-testid="ind-actual-microloan"]').innerText()) === '425.5万元',
      'the actual value from the ledger');
    assert.match(await page.locator('[data-testid="ind-pct-microloan"]').innerText(), /105\.42%/);
  });
});

test('a town admin ranks the villages, sees 红榜 and 黑榜 and publishes the 晾晒', async (t) => {
  await withPage(t, browser, async (page) => {
    await signIn(page, 'zhen_ind');
    await apiPut(page, '/indicators/river_patrol/targets', { area: V1, year: YEAR, target: '4' });
    await apiPut(page, '/indicators/river_patrol/targets', { area: V2, year: YEAR, target: '4' });
    await patrol(page, V1, `${YEAR}-01-05`);
    await patrol(page, V2, `${YEAR}-01-07`);
    await page.locator('[data-testid="nav-group-indicators"]').click();
    await page.locator('[data-testid="nav-rankings"]').click();
    await page.waitForURL(/#\/rankings$/);
    const table = page.locator('[data-testid="rank-table"] .el-table__body .el-table__row');
    await until(async () => (await table.count()) > 2, 'the villages listed');
    await page.locator(field('rank-top')).fill('1');
    await page.locator(field('rank-top')).press('Enter');
    await until(async () => /第1名 \S+ 25\.00%/.test(await page.locator('[data-testid="rank-red"]').innerText()),
      'the two villages tie at 25%');
    // A second patrol in V1, added through the API, lifts it to 50% and onto the 红榜 alone.
    await patrol(page, V1, `${YEAR}-01-06`);
    await page.locator(field('rank-top')).fill('2');
    await page.locator(field('rank-top')).press('Enter');
    await page.locator(field('rank-top')).fill('1');
    await page.locator(field('rank-top')).press('Enter');
    await until(async () => /第1名 老西街社区\S* 50\.00%/.test(await page.locator('[data-testid="rank-red"]').innerText()),
      '红榜 holds the first village');
    await until(async () => /第2名 大十字社区\S* 25\.00%/.test(await page.locator('[data-testid="rank-black"]').innerText()),
      '黑榜 holds the second village');
    await page.locator('[data-testid="rank-publish"]').click();
    const dlg = page.locator('[data-testid="rank-publish-dialog"]');
    await dlg.locator(field('rank-publish-title')).fill('1月巡河晾晒');
    await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/rankings') && r.request().method() === 'POST' && r.status() === 201),
      dlg.locator('[data-testid="rank-publish-save"]').click(),
    ]);
    await until(async () => (await page.locator('[data-testid="rank-title"]').innerText()) === '1月巡河晾晒', 'the snapshot shown');
    await until(async () => /1月巡河晾晒/.test(await page.locator('[data-testid="rank-history"]').innerText()), 'the history');
    const hist = await apiGet(page, srv.url, `/rankings/snapshots?area=${TOWN}`);
    assert.equal(hist.items[0].title, '1月巡河晾晒');
  });
});
