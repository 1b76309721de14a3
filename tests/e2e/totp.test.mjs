// TOTP required for the admin roles (issue 11), in the browser, with the production
// defaults (force_password_change = true, totp_required_roles = the 三员 and
// county_admin): a new 县级管理员 changes the generated password, lands on 账号安全 with
// the QR code already shown, cannot get anywhere else until a code confirms the
// enrolment, then reaches its usual first page; the next login asks for the code.
// Screenshot: $ZX_ARTIFACTS/totp-1366-forced-enrolment.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, launchBrowser, withPage, login, screenshot } from './harness.mjs';
import { unbase32 } from '../ops/lib.mjs';

const COUNTY = '510722000000';
let srv;
let browser;
let confDir;
const pw = {};

before(async () => {
  // The server inherits this environment: a config with nothing but the defaults.
  confDir = await mkdtemp(path.join(tmpdir(), 'zx-e2e-totp-'));
  const conf = path.join(confDir, 'zhenxing.conf');
  await writeFile(conf, '# production defaults\n', { mode: 0o600 });
  process.env.ZHENXING_CONFIG = conf;
  srv = await startServer({
    households: 30,
    users: [
      { name: 'xianguan', role: 'county_admin', area: COUNTY },
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

function totp(secret, step) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', unbase32(secret)).update(msg).digest();
  const off = mac[19] & 0x0f;
  return String((mac.readUInt32BE(off) & 0x7fffffff) % 1000000).padStart(6, '0');
}
const step = () => Math.floor(Date.now() / 1000 / 30);
// The role's usual first page (whichever it is), anything but the enrolment or the login.
const landing = (url) => /#\/[a-z]/.test(url.toString()) && !/#\/(account|login)$/.test(url.toString());

// Logs in with the generated password and changes it in the forced dialog.
async function loginAndChange(page, name, newPw) {
  await login(page, srv.url, name, pw[name]);
  await page.waitForURL(/#\/account$/);
  const d = page.locator('[data-testid="password-change"]');
  await d.locator('[data-testid="password-forced"]').waitFor();
  await d.locator('input[name="old-password"]').fill(pw[name]);
  await d.locator('input[name="new-password"]').fill(newPw);
  await d.locator('input[name="confirm-password"]').fill(newPw);
  await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/v1/me/password') && r.status() === 200),
    d.locator('[data-testid="password-submit"]').click(),
  ]);
  pw[name] = newPw;
  await d.waitFor({ state: 'hidden' });
}

test('a 县级管理员 is taken to the TOTP enrolment with the QR code and kept there until it is confirmed', async (t) => {
  let secret;
  await withPage(t, browser, async (page) => {
    await loginAndChange(page, 'xianguan', 'Xian-Guan-Pw-71');
    await page.locator('[data-testid="totp-required"]').waitFor();
    assert.match(await page.locator('[data-testid="totp-required"]').innerText(), /县级管理员须启用动态验证码/);
    // The QR code is there without a click; no way to cancel the enrolment.
    const uri = (await page.locator('[data-testid="totp-uri"]').innerText()).trim();
    secret = new URL(uri).searchParams.get('secret');
    assert.match(secret, /^[A-Z2-7]{32}$/);
    const src = await page.locator('[data-testid="totp-qr"]').getAttribute('src');
    assert.match(src, /^data:image\/svg\+xml/);
    assert.equal(await page.locator('[data-testid="totp-start"]').count(), 0);
    await screenshot(page, 'totp-1366-forced-enrolment');
    // Anywhere else: the server refuses and the page comes back to the enrolment.
    await page.goto(srv.url + '/#/users');
    await page.waitForURL(/#\/account$/);
    await page.locator('[data-testid="totp-required"]').waitFor();
    assert.equal(await page.locator('.el-message--error').count(), 0, 'no error toast for the gate');
    const uri2 = (await page.locator('[data-testid="totp-uri"]').innerText()).trim();
    secret = new URL(uri2).searchParams.get('secret'); // a fresh secret for the new enrolment
    await page.locator('[data-testid="account-totp"] input[name="totp"]').fill(totp(secret, step()));
    await page.locator('[data-testid="totp-confirm"]').click();
    await page.waitForURL(landing);
    assert.equal(await page.locator('[data-testid="totp-required"]').count(), 0);
  });
  // The next login asks for the code and then goes straight to the usual first page.
  await withPage(t, browser, async (page) => {
    await login(page, srv.url, 'xianguan', pw.xianguan);
    const field = page.locator('input[name="totp"]');
    await field.waitFor();
    await field.fill(totp(secret, step() + 1));
    await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/session') && r.request().method() === 'POST'),
      page.locator('[data-testid="login-submit"]').click(),
    ]);
    await page.waitForURL(landing);
    assert.equal(await page.locator('[data-testid="totp-required"]').count(), 0);
  });
});

test('a 审计管理员 lands on the enrolment instead of the audit log', async (t) => {
  await withPage(t, browser, async (page) => {
    await loginAndChange(page, 'shenji', 'Shen-Ji-Pw-82');
    await page.locator('[data-testid="totp-qr"]').waitFor();
    await page.goto(srv.url + '/#/audit');
    await page.waitForURL(/#\/account$/);
    await page.locator('[data-testid="totp-required"]').waitFor();
  });
});
