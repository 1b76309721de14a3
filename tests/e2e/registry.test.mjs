// The household registry pages: list with masked IDs and filters, search by
// full ID number, the household page (facts, members, 查看 for roles that may
// unmask), editing a member with its change history, a village clerk's scope,
// and export of the current filter.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startServer, launchBrowser, withPage, login, apiGet, until } from './harness.mjs';
import { settlePasswords, seedHouseholds, sampleHouseholds, masked, VILLAGE, HEADER } from './registry-data.mjs';

const { rows, households, ids } = sampleHouseholds(21);
// Markup in free text must show as text (rows[3] is the second household's 户主).
const PROBE = '<img src=x onerror="window.__xss=1">';
rows[3]['帮扶责任人'] = PROBE;
const MASK_RE = /^\d{4}\*{10}[\dX]{4}$/;
let srv;
let browser;
let elsewhere; // a 户编号 outside VILLAGE

before(async () => {
  srv = await startServer({
    households: 300,
    users: [
      { name: 'cunyuan', role: 'village_clerk', area: VILLAGE },
    ],
  });
  await settlePasswords(srv);
  browser = await launchBrowser();
  await seedHouseholds(srv, rows);
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await login(page, srv.url, srv.admin.username, srv.admin.password);
  const list = await apiGet(page, srv.url, '/households?per_page=100');
  elsewhere = list.items.find((h) => h.village_code !== VILLAGE).hh_no;
  await ctx.close();
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

async function signIn(page, who = 'admin') {
  if (who === 'admin') await login(page, srv.url, srv.admin.username, srv.admin.password);
  else await login(page, srv.url, who, srv.users[who]);
  await page.waitForURL(/#\/dashboard$/);
}

const listRows = (page) => page.locator('[data-testid="hh-table"] .el-table__body .el-table__row');

async function openList(page) {
  await page.locator('[data-testid="nav-households"]').click();
  await page.waitForURL(/#\/households$/);
  await listRows(page).first().waitFor();
}

async function search(page, q) {
  const box = page.locator('input[data-testid="hh-search"]');
  await box.fill(q);
  await Promise.all([
    page.waitForResponse((r) => r.url().includes('/api/v1/households?') && r.url().includes('q=')),
    box.press('Enter'),
  ]);
}

test('the list shows masked ID numbers only and pages through the county', async (t) => {
  await withPage(t, browser, async (page) => {
    await signIn(page);
    await openList(page);
    const cells = await page.locator('[data-testid="hh-table"] [data-testid="hh-id"]').allInnerTexts();
    assert.equal(cells.length, 20, 'a page of 20');
    for (const c of cells) assert.match(c.trim(), MASK_RE);
    const total = Number((await page.locator('.zx-pager .el-pagination__total').innerText()).replace(/\D/g, ''));
    assert.ok(total >= 300, 'total counts the county: ' + total);
    // No full ID number anywhere in the table (户编号 has 16 digits).
    assert.doesNotMatch(await page.locator('[data-testid="hh-table"]').innerText(), /\d{17}[\dX]/);
    await page.locator('.zx-pager .el-pager li', { hasText: /^2$/ }).click();
    await until(async () => (await listRows(page).first().innerText()) !== '', 'page 2');
  });
});

test('searching the full ID number finds the household and opens its page', async (t) => {
  await withPage(t, browser, async (page) => {
    await signIn(page);
    await openList(page);
    await search(page, ids.son1); // a member, not the 户主
    await until(async () => (await listRows(page).count()) === 1, 'one household found');
    const row = listRows(page).first();
    const text = await row.innerText();
    assert.match(text, new RegExp(households[0]));
    assert.match(text, /测21甲/);
    assert.ok(text.includes(masked(ids.head1)), 'the 户主 ID is shown masked');
    assert.ok(!text.includes(ids.head1));

    await row.click();
    await page.waitForURL(new RegExp(`#/household/${households[0]}$`));
    await until(async () => /测21甲/.test(await page.locator('[data-testid="hh-title"]').innerText()), 'title');
    const facts = page.locator('[data-testid="hh-facts"]');
    assert.match(await facts.innerText(), /脱贫不稳定户/);
    assert.match(await facts.innerText(), /帮扶员甲/);
    // 住房安全 否 is a red tag, 饮水安全 是 a green one.
    assert.equal(await page.locator('[data-testid="fact-housing_safe"]').innerText(), '否');
    assert.match(await page.locator('[data-testid="fact-housing_safe"]').getAttribute('class'), /el-tag--danger/);
    assert.match(await page.locator('[data-testid="fact-water_safe"]').getAttribute('class'), /el-tag--success/);

    const members = page.locator('[data-testid="members-table"] .el-table__body-wrapper .el-table__row');
    assert.equal(await members.count(), 3);
    const all = await page.locator('[data-testid="members-table"]').innerText();
    for (const k of ['head1', 'wife1', 'son1']) {
      assert.ok(all.includes(masked(ids[k])), k + ' masked');
      assert.ok(!all.includes(ids[k]), k + ' not in plain text');
    }
    assert.match(all, /长期慢性病/);
    assert.match(all, /省外务工/);
    assert.match(all, /138\*{4}\d{4}/, 'phone masked');

    // Back to the list keeps the search.
    await page.locator('[data-testid="hh-back"]').click();
    await page.waitForURL(/#\/households$/);
    assert.equal(await page.locator('input[data-testid="hh-search"]').inputValue(), ids.son1);
  });
});

test('a county admin unmasks one ID with 查看; a village clerk has no 查看', async (t) => {
  await withPage(t, browser, async (page) => {
    await signIn(page);
    await page.goto(srv.url + '/#/household/' + households[1]);
    const hh = await apiGet(page, srv.url, '/households/' + households[1]);
    const members = hh.members || hh.household.members;
    const head = members.find((m) => m.relation === '户主');
    const cell = page.locator(`[data-testid="member-id-${head.id}"]`);
    await until(async () => (await cell.innerText()) === masked(ids.head2), 'masked first');
    await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/api/v1/persons/${head.id}/unmask`) && r.ok()),
      page.locator(`[data-testid="unmask-${head.id}"]`).click(),
    ]);
    await until(async () => (await cell.innerText()) === ids.head2, 'plain ID shown');
    // Hiding it again shows the mask.
    await page.locator(`[data-testid="unmask-${head.id}"]`).click();
    await until(async () => (await cell.innerText()) === masked(ids.head2), 'masked again');
  });
  await withPage(t, browser, async (page) => {
    await signIn(page, 'cunyuan');
    await page.goto(srv.url + '/#/household/' + households[1]);
    await page.locator('[data-testid="members-table"] .el-table__row').first().waitFor();
    assert.equal(await page.locator('[data-testid^="unmask-"]').count(), 0);
  });
});

test('editing a member saves it and lists the change in 变更记录', async (t) => {
  await withPage(t, browser, async (page) => {
    await signIn(page);
    await page.goto(srv.url + '/#/household/' + households[0]);
    const hh = await apiGet(page, srv.url, '/households/' + households[0]);
    const wife = (hh.members || hh.household.members).find((m) => m.relation === '配偶');
    assert.equal(wife.education, '小学');

    await page.locator(`[data-testid="member-edit-${wife.id}"]`).click();
    const dlg = page.locator('[data-testid="member-form"]');
    await dlg.locator('input[name="name"]').waitFor();
    await dlg.locator('[data-testid="field-education"]').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: /^初中$/ }).click();
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().includes(`/members/${wife.id}`)),
      dlg.locator('[data-testid="member-form-save"]').click(),
    ]);
    await until(async () => !(await dlg.isVisible()), 'dialog closes');
    const row = page.locator('[data-testid="members-table"] .el-table__body-wrapper .el-table__row', { hasText: '测21乙' });
    await until(async () => /初中/.test(await row.innerText()), 'the table shows 初中');
    const after = await apiGet(page, srv.url, '/households/' + households[0]);
    assert.equal((after.members || after.household.members).find((m) => m.id === wife.id).education, '初中');

    await page.locator('.el-tabs__item', { hasText: '变更记录' }).click();
    const hist = page.locator('[data-testid="history-table"] .el-table__body .el-table__row', { hasText: '文化程度' });
    await hist.first().waitFor();
    const text = await hist.first().innerText();
    assert.match(text, /小学[\s\S]*初中/);
    assert.ok(text.includes(srv.admin.username), 'who made the change');
    assert.match(text, /\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
  });
});

test('editing the household turns 住房安全 green and records it', async (t) => {
  await withPage(t, browser, async (page) => {
    await signIn(page);
    await page.goto(srv.url + '/#/household/' + households[0]);
    const tag = page.locator('[data-testid="fact-housing_safe"]');
    await until(async () => (await tag.innerText()) === '否', 'unsafe first');
    await page.locator('[data-testid="hh-edit"]').click();
    const dlg = page.locator('[data-testid="hh-form"]');
    await dlg.locator('[data-testid="field-housing_safe"] label', { hasText: '是' }).click();
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().endsWith('/households/' + households[0])),
      dlg.locator('[data-testid="hh-form-save"]').click(),
    ]);
    await until(async () => (await tag.innerText()) === '是', 'safe now');
    assert.match(await tag.getAttribute('class'), /el-tag--success/);
    await page.locator('.el-tabs__item', { hasText: '变更记录' }).click();
    const hist = page.locator('[data-testid="history-table"] .el-table__body .el-table__row', { hasText: '住房安全' });
    await hist.first().waitFor();
    assert.match(await hist.first().innerText(), /否[\s\S]*是/);
  });
});

test('a 脱贫不稳定户 needs 户类型 脱贫户: the form says so before saving', async (t) => {
  await withPage(t, browser, async (page) => {
    await signIn(page);
    await page.goto(srv.url + '/#/household/' + households[0]);
    await page.locator('[data-testid="hh-edit"]').click();
    const dlg = page.locator('[data-testid="hh-form"]');
    await dlg.locator('[data-testid="field-hh_type"]').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: /^一般农户$/ }).click();
    await dlg.locator('.el-form-item__error', { hasText: '脱贫不稳定户的户类型须为脱贫户' }).waitFor();
    let puts = 0;
    page.on('request', (r) => { if (r.method() === 'PUT') puts++; });
    await dlg.locator('[data-testid="hh-form-save"]').click();
    await page.waitForTimeout(300);
    assert.equal(puts, 0, 'nothing sent');
  });
});

test('markup in names and notes is shown as text', async (t) => {
  await withPage(t, browser, async (page) => {
    await signIn(page);
    await openList(page);
    await search(page, households[1]);
    const row = listRows(page).first();
    await until(async () => (await row.innerText()).includes(PROBE), 'probe in the list as text');
    await row.click();
    await page.locator('[data-testid="hh-facts"]', { hasText: PROBE }).waitFor();
    assert.equal(await page.locator('[data-testid="hh-facts"] img').count(), 0);
    assert.equal(await page.evaluate(() => window.__xss), undefined);
  });
});

test('a server validation error is shown next to its field', async (t) => {
  await withPage(t, browser, async (page) => {
    await signIn(page);
    await page.goto(srv.url + '/#/household/' + households[1]);
    await page.locator('[data-testid="member-add"]').click();
    const dlg = page.locator('[data-testid="member-form"]');
    await dlg.locator('input[name="name"]').fill('测21己');
    // A valid ID that already belongs to a member of the other household.
    await dlg.locator('input[name="id_number"]').fill(ids.son1);
    await dlg.locator('[data-testid="field-relation"]').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: /^之子$/ }).click();
    await dlg.locator('[data-testid="field-gender"]').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: /^男$/ }).click();
    await dlg.locator('[data-testid="member-form-save"]').click();
    const err = dlg.locator('.el-form-item', { hasText: '证件号码' }).locator('.el-form-item__error');
    await err.waitFor();
    assert.ok((await err.innerText()).length > 0);
    assert.ok(await dlg.isVisible(), 'the dialog stays open');
  });
});

test('a village clerk sees only the households of their village', async (t) => {
  await withPage(t, browser, async (page) => {
    await signIn(page, 'cunyuan');
    const village = await apiGet(page, srv.url, '/areas/' + VILLAGE);
    await openList(page);
    const total = Number((await page.locator('.zx-pager .el-pagination__total').innerText()).replace(/\D/g, ''));
    assert.equal(total, village.households);
    const texts = await listRows(page).allInnerTexts();
    assert.ok(texts.length > 0);
    for (const s of texts) assert.ok(s.includes(village.name), 'row of ' + village.name + ': ' + s);
    // No village filter for a single village.
    assert.equal(await page.locator('[data-testid="hh-village"]').count(), 0);
    // A household of another village does not open.
    await page.goto(srv.url + '/#/household/' + elsewhere);
    await page.locator('[data-testid="hh-missing"]').waitFor();
  });
});

test('the list follows the area picked in the tree', async (t) => {
  await withPage(t, browser, async (page) => {
    await signIn(page);
    await openList(page);
    const me = await apiGet(page, srv.url, '/me');
    const towns = (await apiGet(page, srv.url, `/areas/${me.user.area_code}/children`)).items;
    const town = towns.reduce((a, b) => (b.households > a.households ? b : a));
    await page.locator(`[data-testid="area-tree"] [data-code="${town.code}"]`).click();
    await until(async () => {
      const total = Number((await page.locator('.zx-pager .el-pagination__total').innerText()).replace(/\D/g, ''));
      return total === town.households;
    }, 'the town total');
    assert.match(await page.locator('[data-testid="page-households"] .zx-page-title').innerText(), new RegExp(town.name));
  });
});

test('the 村 filter narrows the county list to one village', async (t) => {
  await withPage(t, browser, async (page) => {
    await signIn(page);
    await openList(page);
    const town = (await apiGet(page, srv.url, '/areas/' + VILLAGE)).parent;
    const townArea = await apiGet(page, srv.url, '/areas/' + (town.code || town));
    const village = await apiGet(page, srv.url, '/areas/' + VILLAGE);
    await page.locator('[data-testid="hh-village"]').click();
    const panel = page.locator('.el-cascader__dropdown:visible');
    await panel.locator('.el-cascader-node', { hasText: townArea.name }).click();
    await panel.locator('.el-cascader-node', { hasText: village.name }).locator('.el-radio').click();
    await page.keyboard.press('Escape');
    await until(async () => {
      const total = Number((await page.locator('.zx-pager .el-pagination__total').innerText()).replace(/\D/g, ''));
      return total === village.households;
    }, 'the village total');
    for (const s of await listRows(page).allInnerTexts()) assert.ok(s.includes(village.name));
  });
});

test('export downloads the current filter as CSV in the template columns, masked', async (t) => {
  await withPage(t, browser, async (page) => {
    await signIn(page);
    await openList(page);
    await search(page, households[0]);
    await until(async () => (await listRows(page).count()) === 1, 'one household');
    await page.locator('[data-testid="hh-export"]').click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-testid="hh-export-csv"]').click(),
    ]);
    assert.match(download.suggestedFilename(), /\.csv$/);
    const lines = (await readFile(await download.path(), 'utf8')).replace(/^\ufeff/, '').trim().split(/\r?\n/);
    assert.equal(lines[0], HEADER.join(','));
    assert.equal(lines.length, 1 + 3, 'the three members of the one household');
    const body = lines.join('\n');
    assert.ok(body.includes(masked(ids.head1)));
    assert.ok(!body.includes(ids.head1), 'masked by default');
  });
});

test('on a 360px phone the members table scrolls sideways inside the page', async (t) => {
  await withPage(t, browser, async (page) => {
    await signIn(page);
    await page.goto(srv.url + '/#/household/' + households[0]);
    await page.locator('[data-testid="members-table"] .el-table__row').first().waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, 'no page-wide horizontal scroll, overflow=' + overflow);
    const scroll = await page.evaluate(() => {
      const w = document.querySelector('[data-testid="members-table"] .el-scrollbar__wrap');
      return w ? w.scrollWidth - w.clientWidth : 0;
    });
    assert.ok(scroll > 0, 'the table itself scrolls');
  }, { viewport: { width: 360, height: 740 } });
});
