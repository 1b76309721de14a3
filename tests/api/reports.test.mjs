// 工作汇报 over HTTP and on the command line (issue 7): drafts per area and year created
// from the default template, edited with optimistic versions, checked (unknown figures and
// broken placeholders refused with the line), scoped by area (404 outside), audited, CSRF-
// protected; the preview carries each figure's name, source and as-of date; downloads as
// Markdown and as a 公文 DOCX that LibreOffice opens and whose text holds the computed figures.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';

import { assertError, run, sql, startCounty } from '../lib/zxserver.mjs';

const exec = promisify(execFile);
const YEAR = 2026;
const COUNTY = '510722000000';
let zx;
let admin;
let townA;
let clerkB;
let secAdmin;
let tuopinCounty; // 脱贫户 of the county, counted with SQL

async function scalar(q) {
  return Number((await sql(zx.db, q)).trim());
}

async function auditCount(action, object) {
  return scalar(`SELECT count(*) FROM audit_log WHERE action = '${action}' AND object = '${object}'`);
}

async function createDraft(session, area, extra = {}) {
  return zx.req('/api/v1/reports', { method: 'POST', session, json: { area, year: YEAR, ...extra } });
}

before(async () => {
  zx = await startCounty({
    households: 400,
    seed: 5,
    users: [
      { name: 'town_a', role: 'town_admin', where: 'townA' },
      { name: 'clerk_b', role: 'village_clerk', where: 'villageB' },
      { name: 'sec', role: 'sec_admin', where: 'county' },
    ],
  });
  admin = await zx.login(zx.admin.username);
  townA = await zx.login('town_a');
  clerkB = await zx.login('clerk_b');
  secAdmin = await zx.login('sec');
  tuopinCounty = await scalar(`SELECT count(*) FROM households WHERE hh_type = '脱贫户'`);
  assert.ok(tuopinCounty > 0, 'the demo county needs 脱贫户');
});

after(async () => {
  await zx?.stop();
});

describe('drafts', () => {
  test('a draft starts from the default template with the area and year in its title, audited', async () => {
    const r = await createDraft(admin, COUNTY);
    assert.equal(r.status, 201, r.text);
    const d = r.json.report;
    assert.equal(d.title, `三台县${YEAR}年巩固拓展脱贫攻坚成果同乡村振兴有效衔接工作情况汇报`);
    assert.equal(d.version, 1);
    assert.match(d.body, /## 一、主要做法及成效/);
    assert.match(d.body, /\{\{tuopin_households\}\}、\{\{tuopin_persons\}\}脱贫人口/);
    assert.equal(await auditCount('report.create', `report:${d.id}`), 1);
    const list = await zx.req(`/api/v1/reports?year=${YEAR}`, { session: admin });
    assert.ok(list.json.items.some((x) => x.id === d.id && x.area_name === '三台县'));
  });

  test('a save names its version: the stale one is refused with 409, the current one bumps it', async () => {
    const d = (await createDraft(admin, COUNTY, { title: '测试汇报' })).json.report;
    const body = d.body.replace('现将工作情况汇报如下。', '现将有关情况报告如下。');
    const ok = await zx.req(`/api/v1/reports/${d.id}`, { method: 'PUT', session: admin, json: { title: '测试汇报（修改）', body, version: 1 } });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.report.version, 2);
    assert.equal(ok.json.report.title, '测试汇报（修改）');
    assert.match(ok.json.report.body, /现将有关情况报告如下。/);
    const stale = await zx.req(`/api/v1/reports/${d.id}`, { method: 'PUT', session: admin, json: { title: 'x', body, version: 1 } });
    assertError(stale, 409, 'version_conflict');
    assert.equal(await auditCount('report.update', `report:${d.id}`), 1);
  });

  test('an unknown figure or a broken placeholder is refused naming the line; nothing is stored', async () => {
    const d = (await createDraft(admin, COUNTY)).json.report;
    const bad = await zx.req(`/api/v1/reports/${d.id}`, {
      method: 'PUT', session: admin, json: { title: d.title, body: '第一段。\n\n对{{no_such_figure}}户', version: 1 },
    });
    const e = assertError(bad, 422, 'unknown_figure');
    assert.equal(e.row, 3);
    assert.match(e.message, /第 3 行.*no_such_figure/);
    const open = await zx.req(`/api/v1/reports/${d.id}`, {
      method: 'PUT', session: admin, json: { title: d.title, body: '全县{{tuopin_households', version: 1 },
    });
    assert.match(assertError(open, 422, 'template_syntax').message, /第 1 行/);
    const now = await zx.req(`/api/v1/reports/${d.id}`, { session: admin });
    assert.equal(now.json.report.version, 1);
    assert.equal(now.json.report.body, d.body);
  });

  test('writes need the CSRF token', async () => {
    const d = (await createDraft(admin, COUNTY)).json.report;
    const r = await zx.req(`/api/v1/reports/${d.id}`, {
      method: 'PUT', session: admin, csrf: false, json: { title: 'x', body: 'y', version: 1 },
    });
    assert.equal(r.status, 403);
    const c = await zx.req('/api/v1/reports', { method: 'POST', session: admin, csrf: 'forged', json: { area: COUNTY, year: YEAR } });
    assert.equal(c.status, 403);
  });

  test('a draft outside the caller\'s area is 404 to read, edit, preview, download or delete', async () => {
    const mine = await createDraft(townA, zx.areas.villageA);
    assert.equal(mine.status, 201, mine.text);
    const id = mine.json.report.id;
    for (const [method, p] of [['GET', ''], ['PUT', ''], ['DELETE', ''], ['GET', '/preview'], ['GET', '/download?format=md'], ['GET', '/figures']]) {
      const opts = { method, session: clerkB };
      if (method === 'PUT') opts.json = { title: 'x', body: 'y', version: 1 };
      assertError(await zx.req(`/api/v1/reports/${id}${p}`, opts), 404);
    }
    const list = await zx.req('/api/v1/reports', { session: clerkB });
    assert.equal(list.status, 200);
    assert.ok(!list.json.items.some((x) => x.id === id));
    // nor may B start a draft for A's village
    const r = await createDraft(clerkB, zx.areas.villageA);
    assert.ok(r.status === 403 || r.status === 404, r.text);
    // the county admin sees the town's draft
    assert.equal((await zx.req(`/api/v1/reports/${id}`, { session: admin })).status, 200);
  });

  test('the 等保 roles get no reports', async () => {
    assertError(await zx.req('/api/v1/reports', { session: secAdmin }), 403);
  });

  test('a deleted draft is gone and the deletion audited', async () => {
    const d = (await createDraft(admin, COUNTY)).json.report;
    assert.equal((await zx.req(`/api/v1/reports/${d.id}`, { method: 'DELETE', session: admin })).status, 200);
    assertError(await zx.req(`/api/v1/reports/${d.id}`, { session: admin }), 404);
    assert.equal(await auditCount('report.delete', `report:${d.id}`), 1);
  });
});

describe('preview and download', () => {
  let draft;
  before(async () => {
    draft = (await createDraft(admin, COUNTY)).json.report;
  });

  test('the preview gives each figure as a run with its name, and its label, source and as-of date', async () => {
    const r = await zx.req(`/api/v1/reports/${draft.id}/preview`, { session: admin });
    assert.equal(r.status, 200, r.text);
    const { blocks, figures } = r.json;
    assert.deepEqual(blocks.slice(0, 3).map((b) => b.kind), ['title', 'p', 'h1']);
    assert.equal(blocks[0].runs.map((x) => x.text).join(''), draft.title);
    const runs = blocks.flatMap((b) => b.runs).filter((x) => x.figure === 'tuopin_households');
    assert.ok(runs.length >= 1);
    assert.equal(runs[0].text, `${tuopinCounty}户`);
    const f = figures.tuopin_households;
    assert.equal(f.label, '脱贫户户数');
    assert.ok(f.source.length > 0 && f.definition.length > 0);
    assert.match(f.as_of, /^\d{4}-\d{2}-\d{2}$/);
  });

  test('an unsaved text previews without being stored', async () => {
    const r = await zx.req(`/api/v1/reports/${draft.id}/preview`, {
      method: 'POST', session: admin, json: { title: '临时', body: '## 一、测试\n\n脱贫户{{tuopin_households}}。' },
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.blocks[2].runs.map((x) => x.text).join(''), `脱贫户${tuopinCounty}户。`);
    const bad = await zx.req(`/api/v1/reports/${draft.id}/preview`, {
      method: 'POST', session: admin, json: { title: '临时', body: '一\n二{{nope}}' },
    });
    assert.equal(assertError(bad, 422).row, 2);
    assert.equal((await zx.req(`/api/v1/reports/${draft.id}`, { session: admin })).json.report.version, 1);
  });

  test('the figure picker lists the registry with values for the draft\'s area and year', async () => {
    const r = await zx.req(`/api/v1/reports/${draft.id}/figures`, { session: admin });
    assert.equal(r.status, 200, r.text);
    const t = r.json.items.find((x) => x.name === 'tuopin_households');
    assert.equal(t.text, `${tuopinCounty}户`);
    assert.ok(r.json.items.some((x) => x.name === 'area_name'));
  });

  test('Markdown downloads under the title (RFC 5987) with the figures filled in', async () => {
    const r = await zx.req(`/api/v1/reports/${draft.id}/download?format=md`, { session: admin });
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^text\/markdown/);
    const disp = r.headers.get('content-disposition');
    assert.match(disp, /^attachment; filename="report-\d+\.md"; filename\*=UTF-8''/);
    assert.equal(decodeURIComponent(disp.split("UTF-8''")[1]), `${draft.title}.md`);
    assert.ok(r.text.startsWith(`# ${draft.title}\n`));
    assert.ok(r.text.includes(`全县${tuopinCounty}户、`));
    assert.ok(!r.text.includes('{{'));
    assertError(await zx.req(`/api/v1/reports/${draft.id}/download?format=pdf`, { session: admin }), 400);
  });

  test('the DOCX opens in LibreOffice and its text holds the computed figures', {
    skip: existsSync('/usr/bin/soffice') ? false : 'LibreOffice (libreoffice-writer-nogui) is not installed',
    timeout: 180000,
  }, async () => {
    const res = await fetch(`${zx.url}/api/v1/reports/${draft.id}/download?format=docx`, { headers: { Cookie: admin.cookie } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    const bytes = Buffer.from(await res.arrayBuffer());
    assert.equal(bytes.subarray(0, 4).toString('latin1'), 'PK\x03\x04');
    const dir = path.join(zx.dir, 'lo');
    await mkdir(dir, { recursive: true });
    const docx = path.join(dir, 'report.docx');
    await writeFile(docx, bytes);
    const env = { ...process.env, HOME: dir };
    const profile = `-env:UserInstallation=file://${dir}/profile`;
    const soffice = (...args) => exec('timeout', ['120', 'soffice', profile, '--headless', ...args, '--outdir', dir, docx], { env });
    await soffice('--convert-to', 'pdf');
    const pdf = await readFile(path.join(dir, 'report.pdf'));
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.match(pdf.toString('latin1'), /MediaBox\s*\[\s*0 0 595\.\d+ 841\.\d+\s*\]/); // A4
    await soffice('--convert-to', 'txt:Text');
    const txt = (await readFile(path.join(dir, 'report.txt'), 'utf8')).replace(/^\uFEFF/, '');
    assert.ok(txt.startsWith(draft.title), txt.slice(0, 200));
    assert.ok(txt.includes(`集中力量对全县${tuopinCounty}户、`), txt.slice(0, 600));
    assert.ok(txt.includes('三、下步工作打算'));
  });
});

describe('zhenxing report', () => {
  test('writes the county report as Markdown and DOCX', async () => {
    const md = path.join(zx.dir, 'cli.md');
    const r = await run(['report', '--db', zx.db, '--area', '510722', '--year', String(YEAR), '--format', 'md', '-o', md]);
    assert.equal(r.code, 0, r.stderr);
    const text = await readFile(md, 'utf8');
    assert.ok(text.startsWith(`# 三台县${YEAR}年`));
    assert.ok(text.includes(`全县${tuopinCounty}户、`));
    const docx = path.join(zx.dir, 'cli.docx');
    const d = await run(['report', '--db', zx.db, '--area', '510722', '--year', String(YEAR), '-o', docx]);
    assert.equal(d.code, 0, d.stderr);
    assert.equal((await readFile(docx)).subarray(0, 2).toString('latin1'), 'PK');
  });

  test('a device or FIFO given as OUT is written in place, never renamed over', async () => {
    const fifo = path.join(zx.dir, 'out.fifo');
    await exec('mkfifo', [fifo]);
    const reader = exec('timeout', ['60', 'cat', fifo], { maxBuffer: 16 << 20 });
    const r = await run(['report', '--db', zx.db, '--area', '510722', '--year', String(YEAR), '--format', 'md', '-o', fifo]);
    assert.equal(r.code, 0, r.stderr);
    const { stdout } = await reader;
    assert.ok(stdout.startsWith(`# 三台县${YEAR}年`));
    assert.ok(statSync(fifo).isFIFO(), 'the FIFO was replaced by a file');
  });

  test('usage errors exit 2, data errors 1 with a Chinese message', async () => {
    const u = await run(['report', '--db', zx.db, '--area', '510722', '-o', '/dev/null']);
    assert.equal(u.code, 2);
    const f = await run(['report', '--db', zx.db, '--area', '510722', '--year', '2026', '--format', 'pdf', '-o', 'x']);
    assert.equal(f.code, 2);
    const a = await run(['report', '--db', zx.db, '--area', '999999', '--year', '2026', '-o', path.join(zx.dir, 'x.md'), '--format', 'md']);
    assert.equal(a.code, 1);
    assert.match(a.stderr, /\p{Script=Han}/u);
    const tpl = path.join(zx.dir, 'bad.md');
    await writeFile(tpl, '# 标题\n\n{{nope}}\n');
    const t = await run(['report', '--db', zx.db, '--area', '510722', '--year', '2026', '--template', tpl, '-o', path.join(zx.dir, 'y.md'), '--format', 'md']);
    assert.equal(t.code, 1);
    assert.match(t.stderr, /第 3 行/);
  });
});

describe('figures while editing', () => {
  test('a preview may reuse figures computed in the last minute; a download always reads the data', async () => {
    const d = (await createDraft(admin, COUNTY)).json.report;
    const figure = async (p) => {
      const r = await zx.req(`/api/v1/reports/${d.id}${p}`, { session: admin });
      assert.equal(r.status, 200, r.text);
      return p.startsWith('/preview') ? r.json.figures.tuopin_households.text : r.text.match(/全县(\d+户)、/)[1];
    };
    assert.equal(await figure('/preview'), `${tuopinCounty}户`);
    const hh = (await sql(zx.db, `SELECT hh_no FROM households WHERE hh_type = '一般农户' ORDER BY hh_no LIMIT 1`)).trim();
    await sql(zx.db, `UPDATE households SET hh_type = '脱贫户' WHERE hh_no = '${hh}'`);
    try {
      assert.equal(await figure('/preview'), `${tuopinCounty}户`, 'the preview within the minute');
      assert.equal(await figure('/download?format=md'), `${tuopinCounty + 1}户`, 'the download');
      // the download refreshed the figures the preview reuses
      assert.equal(await figure('/preview'), `${tuopinCounty + 1}户`);
    } finally {
      await sql(zx.db, `UPDATE households SET hh_type = '一般农户' WHERE hh_no = '${hh}'`);
    }
  });
});
