// #/visits in a phone-sized browser (360 × 740): a 帮扶责任人 lands on the due list with
// overdue households in red, records a visit with the 六必访 checklist; offline, the
// visit waits in IndexedDB ("待上传 1 条") and is sent exactly once when the network
// returns — checked through the API, also after a reload.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';

import { ZX_BIN, startServer, launchBrowser, withPage, login, until } from './harness.mjs';

const exec = promisify(execFile);
const PHONE = { viewport: { width: 360, height: 740 } };
let srv;
let browser;
let village;
let hh; // two 监测户 of the helper, overdue
const helper = { username: 'helper_e2e', password: '' };
const adminApi = {};

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

async function api(session, method, p, body) {
  const headers = { Cookie: session.cookie, 'Content-Type': 'application/json' };
  if (method !== 'GET') headers['X-CSRF-Token'] = session.csrf;
  const r = await fetch(srv.url + '/api/v1' + p, { method, headers, body: body ? JSON.stringify(body) : undefined });
  return { status: r.status, json: await r.json().catch(() => null) };
}

// Signs in over HTTP; a password that must be changed first is replaced.
async function session(username, password) {
  const r = await fetch(srv.url + '/api/v1/session', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password }),
  });
  assert.equal(r.status, 200, `login ${username}`);
  const j = await r.json();
  const s = { cookie: (r.headers.get('set-cookie') || '').split(';')[0], csrf: j.csrf_token, password };
  if (j.user.must_change_password) {
    s.password = 'Zv' + Math.random().toString(36).slice(2, 10) + '8k';
    const c = await api(s, 'PUT', '/me/password', { old_password: password, new_password: s.password });
    assert.equal(c.status, 200, 'password change');
  }
  return s;
}

// Element Plus puts the test id on the textarea itself, not on its wrapper.
function findings(page) {
  return page.locator('textarea[data-testid="visit-findings"], [data-testid="visit-findings"] textarea');
}

async function visitsOf(hhNo) {
  const r = await api(adminApi, 'GET', `/visits?hh_no=${hhNo}`);
  assert.equal(r.status, 200);
  return r.json.items;
}

before(async () => {
  srv = await startServer({ households: 300, seed: 5 });
  village = await sql(`SELECT area_code FROM households GROUP BY area_code HAVING count(*) >= 2
                       ORDER BY count(*) DESC LIMIT 1`);
  hh = (await sql(`SELECT hh_no FROM households WHERE area_code = '${village}' ORDER BY hh_no LIMIT 2`)).split('\n');
  const stdout = await zhenxing(['user', 'add', '--db', srv.db, '--name', helper.username, '--role', 'helper',
    '--area', village]);
  const pw = stdout.match(/密码[:：]\s*(\S+)/)[1];
  // The 帮扶责任人 of a household is the helper's display name (here: the user name).
  await sql(`UPDATE households SET category = '边缘易致贫户', risk_type = '因病', helper = '${helper.username}',
             created_at = created_at - 40 * 86400 WHERE hh_no IN ('${hh[0]}', '${hh[1]}')`);
  helper.password = (await session(helper.username, pw)).password;
  Object.assign(adminApi, await session(srv.admin.username, srv.admin.password));
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

test('a helper records a visit on a 360 px phone in a few taps', async (t) => {
  await withPage(t, browser, async (page) => {
    await login(page, srv.url, helper.username, helper.password);
    await page.waitForURL(/#\/visits$/);
    const card = page.locator(`[data-testid="due-${hh[0]}"]`);
    await card.waitFor();
    assert.match(await card.getAttribute('class'), /is-overdue/);
    assert.match(await page.locator(`[data-testid="due-state-${hh[0]}"]`).innerText(), /逾期 \d+ 天/);
    // The list fits the screen: no horizontal scrolling.
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360));
    await card.click();
    await page.locator('[data-testid="check-income"]').click();
    await page.locator('[data-testid="check-housing"]').click();
    await findings(page).fill('收入稳定，住房安全');
    await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/visits') && r.request().method() === 'POST'),
      page.locator('[data-testid="visit-save"]').click(),
    ]);
    await page.locator('[data-testid="due-list"]').waitFor();
    const visits = await until(async () => {
      const v = await visitsOf(hh[0]);
      return v.length ? v : false;
    }, 'the visit in the API');
    assert.equal(visits.length, 1);
    assert.deepEqual(visits[0].checklist, ['income', 'housing']);
    assert.equal(visits[0].findings, '收入稳定，住房安全');
    assert.equal(visits[0].visitor, helper.username);
    // Visited today: no longer due.
    await until(async () => (await page.locator(`[data-testid="due-${hh[0]}"]`).count()) === 0, 'the card to go');
  }, PHONE);
});

test('offline, the visit is queued ("待上传 1 条") and sent once when the network returns', async (t) => {
  await withPage(t, browser, async (page) => {
    await login(page, srv.url, helper.username, helper.password);
    await page.waitForURL(/#\/visits$/);
    await page.locator(`[data-testid="due-${hh[1]}"]`).click();
    await page.locator('[data-testid="check-water"]').click();
    await findings(page).fill('离线记录');
    await page.context().setOffline(true);
    await page.locator('[data-testid="visit-save"]').click();
    const badge = page.locator('[data-testid="visit-queue"]');
    await badge.waitFor();
    assert.match(await badge.innerText(), /待上传 1 条/);
    assert.equal((await visitsOf(hh[1])).length, 0);
    // Saving while still offline a second time would queue a second visit with another key;
    // here the same form is gone (back to the list), so nothing else is queued.
    await page.context().setOffline(false);
    await until(async () => (await badge.count()) === 0, 'the outbox to empty after going online', 15000);
    const sent = await visitsOf(hh[1]);
    assert.equal(sent.length, 1);
    assert.deepEqual(sent[0].checklist, ['water']);
    // A reload flushes the (empty) outbox again: still exactly one visit.
    await page.reload();
    await page.locator('[data-testid="due-list"]').waitFor();
    await page.waitForTimeout(500);
    assert.equal((await visitsOf(hh[1])).length, 1);
  }, PHONE);
});

test('a replay of a queued visit after its answer was lost is not a duplicate', async (t) => {
  await withPage(t, browser, async (page) => {
    await login(page, srv.url, helper.username, helper.password);
    await page.waitForURL(/#\/visits$/);
    // The server stored the visit but the phone never heard back, so the entry is still
    // queued; flushing the outbox replays it with the same key.
    const key = await page.evaluate(() => crypto.randomUUID());
    const body = { hh_no: hh[1], checklist: ['medical'], findings: '答复丢失' };
    await page.evaluate(async ({ k, b }) => {
      const m = await import('/app/visit-queue.js');
      await m.sendVisit(k, b);
      await m.enqueue({ key: k, body: b, label: 'replay' });
      await m.flushQueue();
    }, { k: key, b: body });
    const sent = (await visitsOf(hh[1])).filter((v) => v.findings === '答复丢失');
    assert.equal(sent.length, 1);
    // The badge re-renders when the outbox reports its change: wait for it as the offline test does.
    const badge = page.locator('[data-testid="visit-queue"]');
    await until(async () => (await badge.count()) === 0, 'the outbox to empty after the replay', 15000);
  }, PHONE);
});
