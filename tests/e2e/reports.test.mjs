// #/reports and #/report/<id> in the browser (issue 7, the "download a report" flow of issue 8):
// the county admin generates the year's 工作汇报 from the default template, edits the
// narrative, inserts a figure from the picker, sees it highlighted in the live preview and
// hovers it for its label, definition, source and date, saves (version 2), and downloads the
// DOCX — a zip named after the title whose document.xml carries the edited sentence with the
// computed figure.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';

import { startServer, launchBrowser, withPage, login, apiGet, until } from './harness.mjs';

const exec = promisify(execFile);
const YEAR = new Date().getFullYear();
let srv;
let browser;
let tuopin; // 脱贫户 of the county

before(async () => {
  srv = await startServer({ households: 200, seed: 3 });
  const { stdout } = await exec('sqlite3', [srv.db, "SELECT count(*) FROM households WHERE hh_type = '脱贫户'"]);
  tuopin = Number(stdout.trim());
  assert.ok(tuopin > 0);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

// The report's body textarea (Element Plus is not involved: a plain textarea).
const bodyBox = (page) => page.locator('textarea[data-testid="report-body"]');

test('create a draft, edit it, hover a figure for its source, save and download the DOCX', async (t) => {
  await withPage(t, browser, async (page) => {
    await login(page, srv.url, srv.admin.username, srv.admin.password);
    await page.goto(srv.url + '/#/reports');
    await page.locator('[data-testid="page-reports"]').waitFor();
    await page.locator('[data-testid="reports-create"]').click();
    await page.waitForURL(/#\/report\/\d+$/);
    const id = page.url().match(/#\/report\/(\d+)$/)[1];

    // The preview shows the computed figure, highlighted, in the seed's sentence.
    const fig = page.locator('[data-testid="report-preview"] [data-figure="tuopin_households"]').first();
    await fig.waitFor();
    assert.equal(await fig.innerText(), `${tuopin}户`);

    // Edit: a new closing paragraph, with a figure inserted from the picker at the cursor.
    const box = bodyBox(page);
    await box.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\n\n本年度新增测试段落，脱贫户共');
    await page.locator('[data-testid="report-insert"]').click();
    await page.keyboard.type('脱贫户户数');
    await page.locator('.el-select-dropdown__item:visible', { hasText: '脱贫户户数' }).first().click();
    await page.keyboard.type('。');
    assert.match(await box.inputValue(), /本年度新增测试段落，脱贫户共\{\{tuopin_households\}\}。$/);

    // The live preview follows the unsaved text.
    const para = page.locator('[data-testid="report-preview"] p', { hasText: '本年度新增测试段落' });
    const want = `本年度新增测试段落，脱贫户共${tuopin}户。`;
    await until(async () => (await para.count()) === 1 && (await para.innerText()) === want, 'the preview of the new paragraph');

    // Hovering a figure shows what it is and where it comes from.
    await para.locator('[data-figure="tuopin_households"]').hover();
    const card = page.locator('[data-testid="figure-card"]');
    await card.waitFor();
    const text = await card.innerText();
    assert.match(text, /脱贫户户数/);
    assert.match(text, /来源查询：\S+/);
    assert.match(text, /数据日期：\d{4}-\d{2}-\d{2}/);

    // Save: version 2 on the server, placeholders kept.
    await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/api/v1/reports/${id}`) && r.request().method() === 'PUT' && r.ok()),
      page.locator('[data-testid="report-save"]').click(),
    ]);
    const saved = await apiGet(page, srv.url, `/reports/${id}`);
    assert.equal(saved.report.version, 2);
    assert.match(saved.report.body, /脱贫户共\{\{tuopin_households\}\}。/);

    // Download the DOCX: named after the title, a zip whose text has the figure filled in.
    const [dl] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-testid="report-download-docx"]').click(),
    ]);
    assert.equal(dl.suggestedFilename(), `${saved.report.title}.docx`);
    const file = await dl.path();
    const bytes = await readFile(file);
    assert.equal(bytes.subarray(0, 4).toString('latin1'), 'PK\x03\x04');
    const { stdout } = await exec('unzip', ['-p', file, 'word/document.xml'], { maxBuffer: 16 << 20 });
    assert.ok(stdout.replace(/<[^>]+>/g, '').includes(`本年度新增测试段落，脱贫户共${tuopin}户。`)); // runs joined
    assert.ok(stdout.includes('w:pgSz w:w="11906" w:h="16838"'));
  });
});

test('a placeholder that names no figure is shown as an error with its line, and saving is refused', async (t) => {
  await withPage(t, browser, async (page) => {
    await login(page, srv.url, srv.admin.username, srv.admin.password);
    const list = await apiGet(page, srv.url, `/reports?year=${YEAR}`);
    assert.ok(list.items.length >= 1);
    await page.goto(`${srv.url}/#/report/${list.items[0].id}`);
    const box = bodyBox(page);
    await box.waitFor();
    await box.fill('第一段。\n\n全县{{no_such_figure}}户。');
    const err = page.locator('[data-testid="report-error"]');
    await err.waitFor();
    assert.match(await err.innerText(), /第 3 行.*no_such_figure/);
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'PUT'),
      page.locator('[data-testid="report-save"]').click(),
    ]);
    assert.equal(res.status(), 422);
    await until(async () => (await apiGet(page, srv.url, `/reports/${list.items[0].id}`)).report.version >= 1, 'the draft');
  });
});
