// Sign-in, wrong password, last-login notice and sign-out.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, withPage, login, waitStat } from './harness.mjs';

let srv;
let browser;

before(async () => {
  srv = await startServer({ users: [{ name: 'suoding', role: 'county_admin', area: '510722000000' }] });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

test('admin logs in and sees the overview with households', async (t) => {
  await withPage(t, browser, async (page) => {
    await login(page, srv.url, srv.admin.username, srv.admin.password);
    await page.waitForURL(/#\/dashboard$/);
    const households = await waitStat(page, 'stat-households', 0);
    assert.ok(households > 0, 'households > 0');
    const persons = await waitStat(page, 'stat-persons', 0);
    assert.ok(persons >= households, 'persons >= households');
    const who = await page.locator('[data-testid="current-user"]').innerText();
    assert.match(who, /县级管理员/);
    // The area tree shows the user's own area as its root.
    await page.locator('[data-testid="area-tree"] .el-tree-node').first().waitFor();
    const crumb = await page.locator('[data-testid="breadcrumb"]').innerText();
    assert.ok(crumb.trim().length > 0, 'breadcrumb shows the current area');
  });
});

test('wrong password shows the Chinese error and stays on login', async (t) => {
  await withPage(t, browser, async (page) => {
    await login(page, srv.url, srv.admin.username, srv.admin.password + 'x');
    const err = page.locator('[data-testid="login-error"]');
    await err.waitFor();
    assert.match(await err.innerText(), /用户名或密码错误/);
    assert.match(page.url(), /#\/login$/);
    // A signed-out visitor asking for a page lands on the login form.
    await page.goto(srv.url + '/#/users');
    await page.waitForURL(/#\/login$/);
  });
});

test('second login shows the previous login time, and logout returns to login', async (t) => {
  await withPage(t, browser, async (page) => {
    await login(page, srv.url, srv.admin.username, srv.admin.password);
    await page.waitForURL(/#\/dashboard$/);
    await page.locator('.el-notification', { hasText: '上次登录' }).waitFor();
    const note = await page.locator('.el-notification', { hasText: '上次登录' }).innerText();
    assert.match(note, /上次登录: \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);

    await page.locator('[data-testid="logout"]').click();
    await page.locator('.el-message-box .el-button--primary').click();
    await page.waitForURL(/#\/login$/);
    await page.locator('input[name="username"]').waitFor();
    // The session is gone on the server too: reloading stays on login.
    await page.reload();
    await page.locator('input[name="username"]').waitFor();
    assert.match(page.url(), /#\/login$/);
    const me = await page.request.get(srv.url + '/api/v1/me');
    assert.equal(me.status(), 401);
  });
});

test('repeated wrong passwords lock the account with a Chinese message', async (t) => {
  await withPage(t, browser, async (page) => {
    const err = page.locator('[data-testid="login-error"]');
    let text = '';
    for (let i = 0; i < 8 && !/锁定/.test(text); i++) {
      await login(page, srv.url, 'suoding', 'wrong-password-' + i);
      await err.waitFor();
      text = await err.innerText();
    }
    assert.match(text, /锁定/);
    // Even the right password is refused while locked.
    await login(page, srv.url, 'suoding', srv.users.suoding);
    await err.waitFor();
    assert.match(await err.innerText(), /锁定/);
    assert.match(page.url(), /#\/login$/);
  });
});
