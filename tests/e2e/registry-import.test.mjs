// Household import through the UI: a valid file is written (progress bar to
// 100 %, counts), a bad file is refused as a whole with an error table naming
// row and column, 校验 writes nothing, an unmasked XLSX export imports back
// unchanged, and the empty template downloads.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startServer, launchBrowser, withPage, login, apiGet, until } from './harness.mjs';
import {
  settlePasswords, seedHouseholds, csv, sampleHouseholds, badCheck, HEADER, VILLAGE,
} from './registry-data.mjs';

let srv;
let browser;

before(async () => {
  srv = await startServer({ households: 200 });
  await settlePasswords(srv);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

async function openImport(page) {
  await login(page, srv.url, srv.admin.username, srv.admin.password);
  await page.waitForURL(/#\/dashboard$/);
  await page.locator('[data-testid="nav-import"]').click();
  await page.waitForURL(/#\/import$/);
}

async function choose(page, name, text) {
  await page.locator('[data-testid="import-file"]').setInputFiles({
    name, mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8'),
  });
  await page.locator('[data-testid="import-file-name"]', { hasText: name }).waitFor();
}

async function progressValue(page) {
  return Number(await page.locator('[data-testid="import-progress"] [role="progressbar"]').getAttribute('aria-valuenow'));
}

async function householdTotal(page, q) {
  return (await apiGet(page, srv.url, `/households?area=${VILLAGE}&q=${encodeURIComponent(q)}`)).total;
}

test('importing a valid file shows the progress reaching 100% and the counts', async (t) => {
  const { rows, households, ids } = sampleHouseholds(11);
  await withPage(t, browser, async (page) => {
    await openImport(page);
    await choose(page, 'good.csv', csv(rows));
    // Record every value the bar shows while the job runs.
    const seen = [];
    const watch = setInterval(() => { progressValue(page).then((v) => seen.push(v), () => {}); }, 50);
    try {
      await page.locator('[data-testid="import-run"]').click();
      const ok = page.locator('[data-testid="import-success"]');
      await ok.waitFor({ timeout: 30000 });
      assert.match(await ok.innerText(), /导入成功: 2户 5人 \(新增 2, 更新 0\)/);
    } finally {
      clearInterval(watch);
    }
    assert.equal(await progressValue(page), 100);
    assert.equal(await page.locator('[data-testid="import-progress"] .el-progress.is-success').count(), 1);
    assert.ok(seen.every((v, i) => i === 0 || Number.isNaN(v) || Number.isNaN(seen[i - 1]) || v >= seen[i - 1]),
      'the bar never goes backwards: ' + seen.join(','));
    assert.equal(await page.locator('[data-testid="import-errors"]').count(), 0);

    // The households are in the registry now.
    assert.equal(await householdTotal(page, ids.head1), 1);
    const hh = await apiGet(page, srv.url, `/households/${households[1]}`);
    assert.equal((hh.members || (hh.household || {}).members || []).length, 2);

    // The same file again: nothing new, nothing changed.
    await page.locator('[data-testid="import-run"]').click();
    const again = page.locator('[data-testid="import-success"]');
    await until(async () => /新增 0, 更新 0/.test(await again.innerText()), 're-import counted as unchanged', 30000);
  });
});

test('a file with bad rows is refused whole, with row and column of each error', async (t) => {
  const { rows, ids } = sampleHouseholds(12);
  rows[2]['证件号码'] = badCheck(rows[2]['证件号码']); // file row 4 (header is row 1)
  rows[3]['文化程度'] = '博士'; // file row 5
  await withPage(t, browser, async (page) => {
    await openImport(page);
    await choose(page, 'bad.csv', csv(rows));
    await page.locator('[data-testid="import-run"]').click();
    const table = page.locator('[data-testid="import-error-table"]');
    await table.waitFor({ timeout: 30000 });
    assert.match(await page.locator('[data-testid="import-failure"]').innerText(), /未写入任何数据/);
    const errRows = table.locator('.el-table__body .el-table__row');
    const texts = await errRows.allInnerTexts();
    const idErr = texts.find((s) => /证件号码/.test(s));
    const eduErr = texts.find((s) => /文化程度/.test(s));
    assert.ok(idErr, 'an error names 证件号码: ' + texts.join(' | '));
    assert.match(idErr, /^\s*4\s/, 'on file row 4');
    assert.ok(eduErr, 'an error names 文化程度');
    assert.match(eduErr, /^\s*5\s/, 'on file row 5');
    assert.match(eduErr, /博士/, 'the value is shown');
    // The ID is never echoed in full.
    assert.ok(!texts.join('\n').includes(rows[2]['证件号码']), 'the bad ID is masked');
    assert.equal(await page.locator('[data-testid="import-progress"] .el-progress.is-exception').count(), 1);

    // Nothing at all was written, not even the valid household.
    assert.equal(await householdTotal(page, ids.head1), 0);

    // The full list downloads as CSV.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-testid="import-errors-download"]').click(),
    ]);
    const body = (await readFile(await download.path(), 'utf8')).replace(/^\ufeff/, '');
    assert.equal(body.split(/\r?\n/)[0].replace(/"/g, ''), '行号,列,值,原因');
    assert.match(body, /文化程度/);
  });
});

test('校验 checks a file without writing it, then 导入 writes it', async (t) => {
  const { rows, ids } = sampleHouseholds(13);
  await withPage(t, browser, async (page) => {
    await openImport(page);
    await choose(page, 'check.csv', csv(rows));
    await page.locator('[data-testid="import-check"]').click();
    const ok = page.locator('[data-testid="import-success"]');
    await ok.waitFor({ timeout: 30000 });
    assert.match(await ok.innerText(), /校验通过: 2户 5人/);
    assert.equal(await householdTotal(page, ids.head2), 0, 'a dry run writes nothing');

    await page.locator('[data-testid="import-after-check"]').click();
    await until(async () => /导入成功: 2户 5人/.test(await ok.innerText()), 'import after the check', 30000);
    assert.equal(await householdTotal(page, ids.head2), 1);
  });
});

test('a file without required columns names the missing column', async (t) => {
  const { rows } = sampleHouseholds(14);
  const header = HEADER.filter((h) => h !== '证件号码');
  await withPage(t, browser, async (page) => {
    await openImport(page);
    await choose(page, 'nocol.csv', csv(rows, header));
    await page.locator('[data-testid="import-check"]').click();
    const fail = page.locator('[data-testid="import-failure"]');
    await fail.waitFor({ timeout: 30000 });
    const shown = (await fail.innerText()) + (await page.locator('[data-testid="import-errors"]').count()
      ? await page.locator('[data-testid="import-errors"]').innerText() : '');
    assert.match(shown, /证件号码/);
  });
});

test('the empty template downloads with the template header', async (t) => {
  await withPage(t, browser, async (page) => {
    await openImport(page);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-testid="import-template"]').click(),
    ]);
    const body = (await readFile(await download.path(), 'utf8')).replace(/^\ufeff/, '');
    assert.equal(body.trim(), HEADER.join(','));
  });
});

test('an unmasked XLSX export of a household imports back with nothing changed', async (t) => {
  const { rows, households } = sampleHouseholds(15);
  await seedHouseholds(srv, rows);
  await withPage(t, browser, async (page) => {
    await login(page, srv.url, srv.admin.username, srv.admin.password);
    await page.waitForURL(/#\/dashboard$/);
    await page.goto(srv.url + '/#/households');
    const box = page.locator('input[data-testid="hh-search"]');
    await box.fill(households[0]);
    await box.press('Enter');
    const tableRows = page.locator('[data-testid="hh-table"] .el-table__body .el-table__row');
    await until(async () => (await tableRows.count()) === 1 &&
      (await tableRows.first().innerText()).includes(households[0]), 'one household');
    await page.locator('[data-testid="hh-export"]').click();
    await page.locator('[data-testid="hh-export-unmasked"]').click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('.el-message-box .el-button--primary').click(),
    ]);
    assert.match(download.suggestedFilename(), /\.xlsx$/);
    const xlsx = await readFile(await download.path());
    assert.equal(xlsx.subarray(0, 2).toString(), 'PK', 'a zip file');

    await page.locator('[data-testid="nav-import"]').click();
    await page.waitForURL(/#\/import$/);
    await page.locator('[data-testid="import-file"]').setInputFiles({
      name: 'roundtrip.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: xlsx,
    });
    await page.locator('[data-testid="import-run"]').click();
    const ok = page.locator('[data-testid="import-success"]');
    await ok.waitFor({ timeout: 30000 });
    assert.match(await ok.innerText(), /导入成功: 1户 3人 \(新增 0, 更新 0\)/);
  });
});
