// 等保 account controls in the browser, with the production setting
// force_password_change = true (not tests/ops/relaxed.conf): a generated
// password is changed in the dialog that opens by itself, then the overview
// loads; TOTP enrolment on 账号安全 and a login with password + code; one's
// own other session ended from the session list; the 安全管理员's 会话管理.
// Screenshots at 1366 and 360 px go to $ZX_ARTIFACTS/account-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, launchBrowser, withPage, login, waitStat, screenshot, until } from './harness.mjs';

const COUNTY = '510722000000';
let srv;
let browser;
let confDir;
const pw = {}; // current passwords

before(async () => {
  // The server inherits this process's environment: point it at a config with
  // the forced change on (tests/run exports the relaxed one for the e2e tier).
  confDir = await mkdtemp(path.join(tmpdir(), 'zx-e2e-conf-'));
  const conf = path.join(confDir, 'zhenxing.conf');
  await writeFile(conf, 'force_password_change = true\ntotp_required_roles =\n', { mode: 0o600 });
  process.env.ZHENXING_CONFIG = conf;
  srv = await startServer({
    households: 60,
    users: [
      { name: 'gaimi', role: 'county_admin', area: COUNTY },
      { name: 'shuangyz', role: 'county_admin', area: COUNTY },
      { name: 'shouji', role: 'county_admin', area: COUNTY },
      { name: 'anquan', role: 'sec_admin', area: COUNTY },
      { name: 'shenji', role: 'audit_admin', area: COUNTY },
    ],
  });
  Object.assign(pw, srv.users);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await srv?.stop();
  if (confDir) await rm(confDir, { recursive: true, force: true });
});

// --- RFC 6238 (HMAC-SHA1, 6 digits, 30 s) --------------------------------------------
function unbase32(s) {
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let acc = 0;
  const out = [];
  for (const ch of s.replace(/=+$/, '').toUpperCase()) {
    const v = A.indexOf(ch);
    if (v < 0) throw new Error('bad base32: ' + s);
    acc = (acc << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 0xff);
    }
  }
  return Buffer.from(out);
}

function totp(secret, step) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', unbase32(secret)).update(msg).digest();
  const off = mac[19] & 0x0f;
  return String((mac.readUInt32BE(off) & 0x7fffffff) % 1000000).padStart(6, '0');
}

const step = () => Math.floor(Date.now() / 1000 / 30);

// --- helpers ----------------------------------------------------------------------------
const dialog = (page) => page.locator('[data-testid="password-change"]');

// Fills the password dialog and submits it.
async function fillPassword(page, oldPw, newPw, confirm = newPw) {
  const d = dialog(page);
  await d.locator('input[name="old-password"]').fill(oldPw);
  await d.locator('input[name="new-password"]').fill(newPw);
  await d.locator('input[name="confirm-password"]').fill(confirm);
  await d.locator('[data-testid="password-submit"]').click();
}

// The message shown under the form item of `name`.
async function fieldError(page, name) {
  const item = dialog(page).locator('.el-form-item', { has: page.locator(`input[name="${name}"]`) });
  const err = item.locator('.el-form-item__error');
  await err.waitFor();
  return err.innerText();
}

// Logs in with a generated password and goes through the forced dialog.
async function loginForced(page, name, newPw, landing = /#\/dashboard$/) {
  await login(page, srv.url, name, pw[name]);
  await page.waitForURL(landing);
  await dialog(page).locator('[data-testid="password-forced"]').waitFor();
  await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/v1/me/password') && r.status() === 200),
    fillPassword(page, pw[name], newPw),
  ]);
  pw[name] = newPw;
  await dialog(page).waitFor({ state: 'hidden' });
}

async function logout(page) {
  await page.locator('[data-testid="logout"]').click();
  await page.locator('.el-message-box .el-button--primary').click();
  await page.waitForURL(/#\/login$/);
}

async function openAccount(page) {
  await page.locator('[data-testid="current-user"]').click();
  await page.locator('[data-testid="menu-account"]').click();
  await page.waitForURL(/#\/account$/);
  await page.locator('[data-testid="page-account"]').waitFor();
}

// Enrols TOTP on the account page; returns the base32 secret.
async function enrolTotp(page, shotName) {
  await page.locator('[data-testid="totp-start"]').click();
  const uri = (await page.locator('[data-testid="totp-uri"]').innerText()).trim();
  assert.match(uri, /^otpauth:\/\/totp\//);
  const secret = new URL(uri).searchParams.get('secret');
  assert.ok(secret && /^[A-Z2-7]+=*$/.test(secret), 'base32 secret in the otpauth URI: ' + uri);
  // The QR code is an <img> with a data: URL made from the SVG text.
  const src = await page.locator('[data-testid="totp-qr"]').getAttribute('src');
  assert.match(src, /^data:image\/svg\+xml/);
  assert.ok(decodeURIComponent(src).includes('<svg'), 'the data URL holds the SVG');
  await until(() => page.locator('[data-testid="totp-qr"]').evaluate((img) => img.complete && img.naturalWidth > 0),
    'the QR image to load');
  const code = page.locator('[data-testid="account-totp"] input[name="totp"]');
  // A wrong code: the server's message next to the field.
  const now = step();
  const valid = [now - 1, now, now + 1].map((s) => totp(secret, s));
  let wrong = '000000';
  while (valid.includes(wrong)) wrong = String(Number(wrong) + 1).padStart(6, '0');
  await code.fill(wrong);
  await page.locator('[data-testid="totp-confirm"]').click();
  const err = page.locator('[data-testid="account-totp"] .el-form-item__error');
  await err.waitFor();
  assert.match(await err.innerText(), /动态验证码错误/);
  if (shotName) await screenshot(page, shotName);
  await code.fill(totp(secret, step()));
  await page.locator('[data-testid="totp-confirm"]').click();
  await page.locator('[data-testid="totp-enabled"]').waitFor();
  assert.equal((await page.locator('[data-testid="totp-state"]').innerText()).trim(), '已启用');
  return secret;
}

// Logs in with the password, is asked for the code, sends a fresh one.
// shot: a screenshot name for the login form asking for the code.
async function loginTotp(page, name, secret, { landing = /#\/dashboard$/, wrongFirst = false, shot } = {}) {
  await login(page, srv.url, name, pw[name]);
  const field = page.locator('input[name="totp"]');
  await field.waitFor();
  assert.match(page.url(), /#\/login$/);
  assert.equal(await page.locator('[data-testid="login-error"]').count(), 0, 'no error for the code request');
  if (shot) await screenshot(page, shot);
  const submit = () => Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/v1/session') && r.request().method() === 'POST'),
    page.locator('[data-testid="login-submit"]').click(),
  ]);
  if (wrongFirst) {
    const now = step();
    const valid = [now - 1, now, now + 1].map((s) => totp(secret, s));
    let wrong = '123456';
    while (valid.includes(wrong)) wrong = String((Number(wrong) + 7) % 1000000).padStart(6, '0');
    await field.fill(wrong);
    await submit();
    const err = page.locator('[data-testid="login-error"]');
    await err.waitFor();
    assert.match(await err.innerText(), /动态验证码/);
    assert.match(page.url(), /#\/login$/);
  }
  // Each code works once and enrolment used the current step: the next step's
  // code is inside the server's ±1 window and unused.
  await field.fill(totp(secret, step() + 1));
  await submit();
  await page.waitForURL(landing);
}

// Logs in over HTTP (another device); returns the session cookie.
async function apiLogin(name) {
  const r = await fetch(srv.url + '/api/v1/session', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: name, password: pw[name] }),
  });
  assert.equal(r.status, 200, await r.clone().text());
  const cookie = r.headers.get('set-cookie').split(';')[0];
  return cookie;
}

async function apiMeStatus(cookie) {
  const r = await fetch(srv.url + '/api/v1/me', { headers: { Cookie: cookie } });
  return r.status;
}

// --- tests ------------------------------------------------------------------------------

test('a generated password must be changed in the dialog that opens by itself, then the overview loads', async (t) => {
  await withPage(t, browser, async (page) => {
    await login(page, srv.url, 'gaimi', pw.gaimi);
    await page.waitForURL(/#\/dashboard$/);
    const d = dialog(page);
    await d.locator('[data-testid="password-forced"]').waitFor();
    // Refused calls open the dialog instead of red messages.
    assert.equal(await page.locator('.el-message--error').count(), 0, 'no error toast');
    // It cannot be dismissed: no close button, Escape keeps it; 退出 is the other way.
    assert.equal(await d.locator('.el-dialog__headerbtn').count(), 0);
    await page.keyboard.press('Escape');
    await page.waitForTimeout(300);
    assert.ok(await d.isVisible(), 'Escape does not close the forced dialog');
    assert.equal(await d.locator('[data-testid="password-logout"]').count(), 1);
    await screenshot(page, 'account-1366-forced-change');

    // The client-side policy: length, three classes, not the user name.
    await fillPassword(page, pw.gaimi, 'Short1!');
    assert.match(await fieldError(page, 'new-password'), /10 到 128 位/);
    await fillPassword(page, pw.gaimi, 'alllowercaseonly');
    assert.match(await fieldError(page, 'new-password'), /至少三类/);
    await fillPassword(page, pw.gaimi, 'Gaimi-2024-xyz');
    assert.match(await fieldError(page, 'new-password'), /不能包含用户名/);
    await fillPassword(page, pw.gaimi, 'Xinmima-2024a', 'Xinmima-2024b');
    assert.match(await fieldError(page, 'confirm-password'), /不一致/);
    // The server's word on a wrong old password, next to its field.
    await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/me/password')),
      fillPassword(page, pw.gaimi + 'x', 'Xinmima-2024a'),
    ]);
    assert.match(await fieldError(page, 'old-password'), /原密码错误/);
    await screenshot(page, 'account-1366-forced-change-error');

    const first = pw.gaimi;
    await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/me/password') && r.status() === 200),
      fillPassword(page, pw.gaimi, 'Xinmima-2024a'),
    ]);
    pw.gaimi = 'Xinmima-2024a';
    await d.waitFor({ state: 'hidden' });
    // The page loads what was refused before.
    const n = await waitStat(page, 'stat-households', 0);
    assert.ok(n > 0, 'overview shows households');
    await page.locator('[data-testid="area-tree"] .el-tree-node').first().waitFor();
    assert.equal(await page.locator('[data-testid="must-change-password"]').count(), 0);

    // One of the last five passwords: the server says so, next to 新密码.
    await openAccount(page);
    await page.locator('[data-testid="account-password"]').click();
    await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/me/password')),
      fillPassword(page, pw.gaimi, first),
    ]);
    assert.match(await fieldError(page, 'new-password'), /最近 5 次/);
    // Not forced now: the dialog closes.
    await dialog(page).locator('.el-dialog__headerbtn').click();
    await dialog(page).waitFor({ state: 'hidden' });
  });
});

test('TOTP: enrol on 账号安全 with a code computed from the otpauth secret, then log in with password and code', async (t) => {
  let secret;
  await withPage(t, browser, async (page) => {
    await loginForced(page, 'shuangyz', 'Shuangyinzi-9x');
    await openAccount(page);
    assert.equal((await page.locator('[data-testid="totp-state"]').innerText()).trim(), '未启用');
    secret = await enrolTotp(page);
    await page.locator('[data-testid="totp-enrol"]').waitFor({ state: 'detached' });
    await screenshot(page, 'account-1366-account-enabled');
    await logout(page);

    await loginTotp(page, 'shuangyz', secret, { wrongFirst: true, shot: 'account-1366-login-totp' });
    await waitStat(page, 'stat-households', 0);
    const me = await (await page.request.get(srv.url + '/api/v1/me')).json();
    assert.equal(me.user.totp_enabled, true);
  });
});

test('my sessions: another session of the same user is listed and ended', async (t) => {
  await withPage(t, browser, async (page) => {
    await login(page, srv.url, 'gaimi', pw.gaimi);
    await page.waitForURL(/#\/dashboard$/);
    const other = await apiLogin('gaimi');
    assert.equal(await apiMeStatus(other), 200);
    await openAccount(page);
    const rows = page.locator('[data-testid="my-sessions"] .el-table__row');
    await until(async () => (await rows.count()) >= 2, 'two sessions listed');
    assert.equal(await page.locator('[data-testid="my-sessions"] [data-testid="session-current"]').count(), 1);
    const n = await rows.count();
    await screenshot(page, 'account-1366-sessions');
    const revoke = page.locator('[data-testid="my-sessions"] [data-testid^="session-revoke-"]');
    const ids = await revoke.evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
    assert.equal(ids.length, n - 1);
    await revoke.first().click();
    await page.locator('.el-message-box .el-button--primary').click();
    await until(async () => (await rows.count()) === n - 1, 'the ended session to disappear');
    assert.equal(await page.locator(`[data-testid="${ids[0]}"]`).count(), 0);
    // Ended on the server: one of the sessions is gone (the HTTP one, if it was first).
    const sessions = await (await page.request.get(srv.url + '/api/v1/me/sessions')).json();
    assert.equal(sessions.items.length, n - 1);
    assert.ok(!sessions.items.some((s) => 'session-revoke-' + s.id === ids[0]), 'revoked id not listed');
  });
});

test('安全管理员: 会话管理 lists the area\'s sessions, forces them out and resets a user\'s TOTP', async (t) => {
  await withPage(t, browser, async (page) => {
    const victim = await apiLogin('gaimi');
    await loginForced(page, 'anquan', 'Safe-Guanli-77', /#\/sessions$/);
    const table = page.locator('[data-testid="sessions-table"]');
    const rows = table.locator('.el-table__row');
    await table.locator('.el-table__row', { hasText: 'shuangyz' }).first().waitFor();
    await screenshot(page, 'account-1366-sec-sessions');

    // Only gaimi's sessions (the filter by user), then force each out.
    await rows.filter({ hasText: 'gaimi' }).first().locator('a', { hasText: 'gaimi' }).click();
    await until(async () => {
      const names = await rows.locator('td:first-child').allInnerTexts();
      return names.length > 0 && names.every((x) => x.includes('gaimi'));
    }, 'only gaimi listed');
    for (let n = await rows.count(); n > 0; n--) {
      await rows.first().locator('[data-testid^="sessions-revoke-"]').click();
      await page.locator('.el-message-box .el-button--primary').click();
      await until(async () => (await rows.count()) === n - 1, `${n - 1} gaimi sessions left`);
    }
    await table.locator('.el-table__empty-text', { hasText: '没有登录会话' }).waitFor();
    assert.equal(await apiMeStatus(victim), 401, 'the forced-out device is signed out');

    // shuangyz lost the phone: reset the second factor from their session row.
    await page.locator('input[data-testid="sessions-user"]').fill('');
    await page.locator('[data-testid="page-sessions"] .zx-toolbar .el-button--primary').click();
    const srow = rows.filter({ hasText: 'shuangyz' }).first();
    await srow.waitFor();
    await srow.locator('.el-button', { hasText: '重置验证码' }).click();
    const dlg = page.locator('[data-testid="totp-reset-dialog"]');
    await dlg.locator('.el-form-item', { hasText: 'shuangyz' }).waitFor();
    await Promise.all([
      page.waitForResponse((r) => /\/api\/v1\/users\/\d+\/totp$/.test(r.url()) && r.status() === 200),
      dlg.locator('[data-testid="totp-reset-confirm"]').click(),
    ]);
    await dlg.waitFor({ state: 'hidden' });
    // Now the password alone signs shuangyz in.
    const again = await apiLogin('shuangyz');
    assert.equal(await apiMeStatus(again), 200);

    // An unknown user ID: the server's message in the dialog.
    await page.locator('[data-testid="totp-reset-open"]').click();
    await dlg.locator('input[name="user_id"]').fill('999999');
    await dlg.locator('[data-testid="totp-reset-confirm"]').click();
    await dlg.locator('.el-form-item__error').waitFor();
    assert.match(await dlg.locator('.el-form-item__error').innerText(), /用户不存在/);
  });
});

test('审计管理员: 导出 CSV downloads the audit log of the chosen days', async (t) => {
  await withPage(t, browser, async (page) => {
    await loginForced(page, 'shenji', 'Audit-Reader-42', /#\/audit$/);
    await page.locator('[data-testid="audit-table"] .el-table__row').first().waitFor();
    // The password changes above are in the log, with their Chinese name.
    await page.locator('[data-testid="audit-table"] .el-table__row', { hasText: '修改密码' }).first().waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-testid="audit-export"]').click(),
    ]);
    const file = await download.path();
    const { readFile } = await import('node:fs/promises');
    const text = (await readFile(file)).toString('utf8');
    assert.ok(text.startsWith('\uFEFF序号,时间,用户名,区域代码,操作,对象,结果,IP地址,详情,哈希\r\n'), text.slice(0, 80));
    assert.match(text, /password\.change/);
    assert.match(text, /totp\.enable/);
  });
});

test('phone width (360 px): forced change, TOTP enrolment and the code at login', async (t) => {
  await withPage(t, browser, async (page) => {
    await login(page, srv.url, 'shouji', pw.shouji);
    await page.waitForURL(/#\/dashboard$/);
    await dialog(page).locator('[data-testid="password-forced"]').waitFor();
    await page.waitForTimeout(300);
    await screenshot(page, 'account-360-forced-change');
    await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/me/password') && r.status() === 200),
      fillPassword(page, pw.shouji, 'Mobile-Pass-5q'),
    ]);
    pw.shouji = 'Mobile-Pass-5q';
    await dialog(page).waitFor({ state: 'hidden' });
    await waitStat(page, 'stat-households', 0);
    await openAccount(page);
    const secret = await enrolTotp(page, 'account-360-totp-enrol');
    await screenshot(page, 'account-360-account');
    await logout(page);
    await loginTotp(page, 'shouji', secret, { shot: 'account-360-login-totp' });
    await waitStat(page, 'stat-households', 0);
  }, { viewport: { width: 360, height: 740 } });
});
