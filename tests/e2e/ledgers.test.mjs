// #/ledger/<kind> — the generic 台账 page in a browser: a village clerk adds a 小额信贷
// through the dialog generated from the kind descriptor and sees it flagged 逾期 (its due
// date has passed); on a 360 px phone imports a 产业奖补 file and sees the error table
// for a bad one (nothing written), then the good one listed.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';

import { ZX_BIN, startServer, launchBrowser, withPage, login, until } from './harness.mjs';

const exec = promisify(execFile);
const PHONE = { viewport: { width: 360, height: 740 } };
let srv;
let browser;
let village;
let clerk; // {username, password}
let idNumber; // a person of the village, unmasked by the admin
let hh; // two 户编号 of the village

async function sql(q) {
  const { stdout } = await exec('sqlite3', ['-cmd', '.timeout 5000', srv.db, q]);
  return stdout.trim();
}

// Runs the binary with stdin at EOF (so `user add` generates and prints a password).
function zhenxing(args) {
  return new Promise((resolve, reject) => {
    const p = spawn(ZX_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${args.join(' ')}: ${err}`))));
  });
}

async function session(username, password) {
  const r = await fetch(srv.url + '/api/v1/session', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password }),
  });
  assert.equal(r.status, 200, `login ${username}`);
  const j = await r.json();
  const s = { cookie: (r.headers.get('set-cookie') || '').split(';')[0], csrf: j.csrf_token, password };
  if (j.user.must_change_password) {
    s.password = 'Zv' + Math.random().toString(36).slice(2, 10) + '8k';
    const c = await fetch(srv.url + '/api/v1/me/password', {
      method: 'PUT', headers: { Cookie: s.cookie, 'X-CSRF-Token': s.csrf, 'Content-Type': 'application/json' },
      body: JSON.stringify({ old_password: password, new_password: s.password }),
    });
    assert.equal(c.status, 200, 'password change');
  }
  return s;
}

before(async () => {
  srv = await startServer({ households: 200, seed: 9 });
  village = await sql(`SELECT area_code FROM households GROUP BY area_code HAVING count(*) >= 2
                       ORDER BY count(*) DESC LIMIT 1`);
  hh = (await sql(`SELECT hh_no FROM households WHERE area_code = '${village}' ORDER BY hh_no LIMIT 2`)).split('\n');
  const personId = await sql(`SELECT id FROM persons WHERE area_code = '${village}' ORDER BY id LIMIT 1`);
  const admin = await session(srv.admin.username, srv.admin.password);
  const u = await fetch(srv.url + `/api/v1/persons/${personId}/unmask`, {
    method: 'POST', headers: { Cookie: admin.cookie, 'X-CSRF-Token': admin.csrf, 'Content-Type': 'application/json' },
    body: JSON.stringify({ reason: '测试台账' }),
  });
  const ut = await u.text();
  assert.equal(u.status, 200, ut);
  idNumber = JSON.parse(ut).id_number;
  const stdout = await zhenxing(['user', 'add', '--db', srv.db, '--name', 'clerk_ledger', '--role', 'village_clerk',
    '--area', village]);
  const pw = stdout.match(/密码[:：]\s*(\S+)/)[1];
  clerk = { username: 'clerk_ledger', password: (await session('clerk_ledger', pw)).password };
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

// Element Plus puts data-testid on the wrapper of an input.
function input(page, id) {
  return page.locator(`[data-testid="${id}"] input, input[data-testid="${id}"]`).first();
}

test('a clerk adds a loan whose due date has passed and sees it flagged 逾期', async (t) => {
  await withPage(t, browser, async (page) => {
    await login(page, srv.url, clerk.username, clerk.password);
    await page.waitForURL(/#\/(dashboard|overview)/);
    await page.goto(srv.url + '/#/ledger/microloan');
    await page.locator('[data-testid="page-ledger-microloan"]').waitFor();
    await page.locator('[data-testid="ledger-add"]').click();
    await page.locator('[data-testid="ledger-form"]').waitFor();
    await input(page, 'f-borrower').fill(idNumber);
    await input(page, 'f-amount').fill('3万元');
    await input(page, 'f-term').fill('24');
    await input(page, 'f-issued').fill('2023-01-10');
    await input(page, 'f-issued').press('Enter');
    await input(page, 'f-due').fill('2025-01-09');
    await input(page, 'f-due').press('Enter');
    await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/ledgers/microloan') && r.request().method() === 'POST'),
      page.locator('[data-testid="ledger-save"]').click(),
    ]);
    const n = await until(async () => Number(await sql("SELECT count(*) FROM ledger_entries WHERE kind = 'microloan'")),
      'the loan in the database');
    assert.equal(n, 1);
    assert.equal(await sql("SELECT amount_fen || '/' || quantity FROM ledger_entries"), '3000000/24.0');
    const id = await sql("SELECT id FROM ledger_entries WHERE kind = 'microloan'");
    const flag = page.locator(`[data-testid="cell-overdue-${id}"]`);
    await flag.waitFor();
    assert.equal((await flag.innerText()).trim(), '是');
    // the check panel names the overdue loan (issued 2023: the panel of 2023)
    const table = await page.locator('[data-testid="ledger-table"]').innerText();
    assert.match(table, /30,000\.00/);
    assert.doesNotMatch(table, new RegExp(idNumber), 'the ID number is masked in the list');
  });
});

test('on a phone, a bad 产业奖补 file shows its errors and writes nothing; the good one imports', async (t) => {
  const bad = path.join(srv.dir, 'bad.csv');
  const good = path.join(srv.dir, 'good.csv');
  await writeFile(bad, `户编号,奖补项目,奖补金额,发放日期\n${hh[0]},茶叶,100,2024-06-01\n${hh[1]},养蜂,-5,2024-06-01\n`);
  await writeFile(good, `户编号,奖补项目,奖补金额（万元）,发放日期\n${hh[0]},茶叶,0.85,2024-06-01\n${hh[1]},养蜂,0.6241,2024-06-15\n`);
  await withPage(t, browser, async (page) => {
    await login(page, srv.url, clerk.username, clerk.password);
    await page.waitForURL(/#\/(dashboard|overview)/);
    await page.goto(srv.url + '/#/ledger/subsidy');
    await page.locator('[data-testid="page-ledger-subsidy"]').waitFor();
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), 'no horizontal scrolling');
    await page.locator('[data-testid="ledger-import"]').click();
    await page.locator('[data-testid="ledger-file"]').setInputFiles(bad);
    await page.locator('[data-testid="ledger-import-start"]').click();
    const errors = page.locator('[data-testid="ledger-import-errors"]');
    await errors.waitFor({ timeout: 20000 });
    assert.match(await errors.innerText(), /第3行「奖补金额」/);
    assert.match(await page.locator('[data-testid="ledger-import-message"]').innerText(), /未写入任何数据/);
    assert.equal(await sql("SELECT count(*) FROM ledger_entries WHERE kind = 'subsidy'"), '0');
    await page.locator('[data-testid="ledger-file"]').setInputFiles(good);
    await page.locator('[data-testid="ledger-import-start"]').click();
    await until(async () => /导入成功/.test(await page.locator('[data-testid="ledger-import-message"]').innerText()),
      'the import to finish', 20000);
    assert.equal(await sql("SELECT sum(amount_fen) FROM ledger_entries WHERE kind = 'subsidy'"), '1474100');
    await page.keyboard.press('Escape');
    await until(async () => /8,500\.00/.test(await page.locator('[data-testid="ledger-table"]').innerText()),
      'the list');
  }, PHONE);
});
