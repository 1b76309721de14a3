// User management by an administrator, role-based menus, and the audit log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, withPage, login, apiGet, until } from './harness.mjs';

const COUNTY = '510722000000';
// 老西街社区 in 潼川镇: village-level roles must be bound to a village.
const VILLAGE = '510722101002';
let srv;
let browser;

before(async () => {
  srv = await startServer({
    users: [
      { name: 'shenji', role: 'audit_admin', area: COUNTY },
      { name: 'cunyuan', role: 'village_clerk', area: VILLAGE },
    ],
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

async function signIn(page, username, password, landing = /#\/dashboard$/) {
  await login(page, srv.url, username, password);
  await page.waitForURL(landing);
}

test('an admin creates a user who can then log in with the generated password', async (t) => {
  let password;
  await withPage(t, browser, async (page) => {
    await signIn(page, srv.admin.username, srv.admin.password);
    await page.locator('[data-testid="nav-users"]').click();
    await page.waitForURL(/#\/users$/);
    await page.locator('[data-testid="users-table"] .el-table__row').first().waitFor();

    await page.locator('[data-testid="users-add"]').click();
    const dlg = page.locator('[data-testid="user-dialog"]');
    await dlg.locator('input[name="username"]').fill('zhangsan');
    await dlg.locator('input[name="display_name"]').fill('张三');
    await dlg.locator('[data-testid="role-select"]').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: '乡镇管理员' }).click();
    // The area defaults to the current area (the county); pick a town instead.
    const towns = (await apiGet(page, srv.url, `/areas/${COUNTY}/children`)).items;
    await dlg.locator('[data-testid="area-select"]').click();
    const popper = page.locator('.el-tree-select__popper:visible');
    await popper.locator('.el-tree-node__content', { hasText: towns[0].name }).first().waitFor();
    await popper.locator('.el-tree-node__content', { hasText: towns[0].name }).first().click();
    await page.locator('[data-testid="user-save"]').click();

    const pwBox = page.locator('[data-testid="generated-password"]');
    await pwBox.waitFor();
    password = (await pwBox.innerText()).trim();
    assert.ok(password.length >= 8, 'generated password shown');
    await page.locator('[data-testid="password-done"]').click();

    const row = page.locator('[data-testid="users-table"] .el-table__row', { hasText: 'zhangsan' });
    await row.waitFor();
    const text = await row.innerText();
    assert.match(text, /张三/);
    assert.match(text, /乡镇管理员/);
    assert.match(text, new RegExp(towns[0].name));

    // Search narrows the table.
    await page.locator('input[data-testid="users-search"]').fill('zhangsan');
    await page.locator('input[data-testid="users-search"]').press('Enter');
    await until(async () => (await page.locator('[data-testid="users-table"] .el-table__row').count()) === 1,
      'search shows one row');
  });

  await withPage(t, browser, async (page) => {
    await signIn(page, 'zhangsan', password);
    const who = await page.locator('[data-testid="current-user"]').innerText();
    assert.match(who, /张三/);
    assert.match(who, /乡镇管理员/);
  });
});

test('the user form explains which area level a role needs', async (t) => {
  await withPage(t, browser, async (page) => {
    await signIn(page, srv.admin.username, srv.admin.password);
    await page.goto(srv.url + '/#/users');
    await page.locator('[data-testid="users-add"]').click();
    const dlg = page.locator('[data-testid="user-dialog"]');
    await dlg.locator('input[name="username"]').fill('lisi');
    await dlg.locator('input[name="display_name"]').fill('李四');
    await dlg.locator('[data-testid="role-select"]').click();
    // The current area is the county; a village clerk needs a village.
    await page.locator('.el-select-dropdown__item:visible', { hasText: '村级信息员' }).click();
    await dlg.locator('.el-form-item__error', { hasText: '村级信息员须绑定到村级区划' }).waitFor();
    await page.locator('[data-testid="user-save"]').click();
    await page.waitForTimeout(300);
    assert.equal(await page.locator('[data-testid="password-dialog"]:visible').count(), 0);
  });
});

test('user names with markup are shown as text, never as HTML', async (t) => {
  await withPage(t, browser, async (page) => {
    await signIn(page, srv.admin.username, srv.admin.password);
    const me = await apiGet(page, srv.url, '/me');
    const probe = '<img src=x onerror="window.__xss=1">';
    const r = await page.request.post(srv.url + '/api/v1/users', {
      headers: { 'X-CSRF-Token': me.csrf_token },
      data: { username: 'xssprobe', display_name: probe, role: 'village_clerk', area_code: VILLAGE },
    });
    assert.equal(r.status(), 201, await r.text());
    await page.locator('[data-testid="nav-users"]').click();
    const row = page.locator('[data-testid="users-table"] .el-table__row', { hasText: 'xssprobe' });
    await row.waitFor();
    assert.ok((await row.innerText()).includes(probe), 'markup shown literally');
    assert.equal(await row.locator('img').count(), 0);
    assert.equal(await page.evaluate(() => window.__xss), undefined);
  });
});

test('a village clerk sees no user management', async (t) => {
  await withPage(t, browser, async (page) => {
    await signIn(page, 'cunyuan', srv.users.cunyuan);
    await page.locator('[data-testid="nav-overview"]').waitFor();
    assert.equal(await page.locator('[data-testid="nav-users"]').count(), 0);
    assert.equal(await page.locator('[data-testid="nav-audit"]').count(), 0);
    await page.goto(srv.url + '/#/users');
    await page.waitForURL(/#\/dashboard$/);
  });
});

test('the audit administrator reads the audit log', async (t) => {
  await withPage(t, browser, async (page) => {
    await signIn(page, 'shenji', srv.users.shenji, /#\/audit$/);
    assert.equal(await page.locator('[data-testid="nav-users"]').count(), 0);
    const rows = page.locator('[data-testid="audit-table"] .el-table__row');
    await rows.first().waitFor();
    assert.ok((await rows.count()) > 0);
    // Filter by user name.
    await page.locator('input[data-testid="audit-username"]').fill(srv.admin.username);
    await page.locator('input[data-testid="audit-username"]').press('Enter');
    await until(async () => {
      const texts = await rows.allInnerTexts();
      return texts.length > 0 && texts.every((s) => s.includes(srv.admin.username));
    }, 'rows filtered to the admin');
    const first = await rows.first().innerText();
    assert.match(first, /\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
  });
});
