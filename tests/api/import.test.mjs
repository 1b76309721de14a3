// Household import over HTTP: POST /api/v1/imports streams the file to disk and answers
// 202 with a job; GET /api/v1/jobs/{id} reports progress, the counts and the first errors;
// …/errors.csv gives the whole error list for Excel. Nothing is written when a row is
// wrong, the upload is deleted after the job, a job is private to its creator and the
// administrators of its area, and an upload over the cap is refused with 413.
import assert from 'node:assert/strict';
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { spawn } from 'node:child_process';
import { assertError, dataDir, makeDemo, request, run, serve, sql, sqliteOnly, startCounty, tempDir } from '../lib/zxserver.mjs';

const DATA = path.resolve('tests/data/import');
const COUNTY = '510722000000';

let zx;
let admin;
let clerk;
let other;

before(async () => {
  zx = await startCounty({
    households: 0,
    users: [
      { name: 'clerk_a', role: 'village_clerk', where: 'villageA' },
      { name: 'admin_b', role: 'town_admin', where: 'townB' },
    ],
  });
  admin = await zx.login(zx.admin.username);
  clerk = await zx.login('clerk_a');
  other = await zx.login('admin_b');
});

after(async () => {
  await zx?.stop();
});

async function upload(session, file, query = 'kind=households', headers = {}) {
  const body = typeof file === 'string' ? await readFile(path.join(DATA, file)) : file;
  return zx.req(`/api/v1/imports?${query}`, {
    method: 'POST', session, body,
    headers: { 'Content-Type': 'text/csv', 'X-File-Name': encodeURIComponent('农户表.csv'), ...headers },
  });
}

// Polls the job until it has ended.
async function finished(session, id) {
  const deadline = Date.now() + 60000;
  for (;;) {
    const r = await zx.req(`/api/v1/jobs/${id}`, { session });
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.progress >= 0 && r.json.progress <= r.json.total, r.text);
    if (r.json.status === 'done' || r.json.status === 'failed') return r.json;
    assert.ok(Date.now() < deadline, 'job did not finish: ' + r.text);
    await new Promise((res) => setTimeout(res, 100));
  }
}

async function countyCounts() {
  const r = await zx.req(`/api/v1/areas/${COUNTY}`, { session: admin });
  assert.equal(r.status, 200, r.text);
  return { households: r.json.households, persons: r.json.persons };
}

async function uploadsLeft() {
  return (await readdir(dataDir(zx.db))).filter((f) => f.endsWith('.upload'));
}

describe('import households', () => {
  test('a dry run checks the file and writes nothing', async () => {
    const r = await upload(admin, 'good.csv', 'kind=households&dry_run=1');
    assert.equal(r.status, 202, r.text);
    const job = await finished(admin, r.json.job.id);
    assert.equal(job.status, 'done', JSON.stringify(job));
    assert.equal(job.result.dry_run, true);
    assert.equal(job.result.written, false);
    assert.equal(job.result.households, 3);
    assert.equal(job.result.created, 3);
    assert.deepEqual(await countyCounts(), { households: 0, persons: 0 });
  });

  test('a good file is imported by a job and the counts appear in the area', async () => {
    const r = await upload(admin, 'good.csv');
    assert.equal(r.status, 202, r.text);
    assert.equal(r.json.job.status, 'queued');
    assert.ok(r.json.job.id > 0);
    const job = await finished(admin, r.json.job.id);
    assert.equal(job.status, 'done', JSON.stringify(job));
    assert.equal(job.kind, 'import.households');
    assert.equal(job.progress, job.total);
    assert.deepEqual(
      [job.result.households, job.result.persons, job.result.created, job.result.updated],
      [3, 7, 3, 0]);
    assert.equal(job.result.file_name, '农户表.csv');
    assert.equal(job.error_count, 0);
    assert.deepEqual(job.errors, []);
    assert.match(job.message, /^导入成功: 3户 7人 \(新增 3, 更新 0\)/);
    assert.deepEqual(await countyCounts(), { households: 3, persons: 7 });
    assert.deepEqual(await uploadsLeft(), [], 'the upload is deleted after the job');
    // The same file again: nothing changes, nothing duplicates.
    const again = await finished(admin, (await upload(admin, 'good.csv')).json.job.id);
    assert.equal(again.result.unchanged, 3);
    assert.deepEqual(await countyCounts(), { households: 3, persons: 7 });
  });

  test('a bad file fails the job with row/column errors and an errors.csv; nothing is written', async () => {
    const before = await countyCounts();
    const r = await upload(admin, 'bad_check_digit.csv');
    assert.equal(r.status, 202, r.text);
    const job = await finished(admin, r.json.job.id);
    assert.equal(job.status, 'failed');
    assert.equal(job.error_count, 1);
    assert.deepEqual(
      [job.errors[0].row, job.errors[0].column],
      [3, '证件号码']);
    assert.match(job.errors[0].reason, /校验位/);
    assert.match(job.errors[0].value, /^5107\*{10}\d{3}[\dX]$/, 'the ID is masked');
    assert.match(job.message, /^导入失败: 共 1 处错误，未写入任何数据/);
    assert.equal(job.has_error_file, true);
    assert.deepEqual(await countyCounts(), before);
    const csv = await fetch(`${zx.url}/api/v1/jobs/${job.id}/errors.csv`, { headers: { Cookie: admin.cookie } });
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type'), /^text\/csv/);
    assert.match(csv.headers.get('content-disposition'), /attachment/);
    const bytes = Buffer.from(await csv.arrayBuffer());
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM for Excel');
    const text = bytes.subarray(3).toString('utf8');
    assert.ok(text.startsWith('"行号","列","值","原因"\r\n'), JSON.stringify(text.slice(0, 40)));
    assert.match(text, /\r\n3,证件号码,5107\*{10}\d{3}[\dX],/);
    assert.doesNotMatch(text, /\d{17}[\dX]/, 'no full ID number in the error list');
    assert.deepEqual(await uploadsLeft(), []);
  });

  test('a file whose village lies outside the clerk\'s village is refused by the job', async () => {
    const r = await upload(clerk, 'good.csv');
    assert.equal(r.status, 202, r.text);
    const job = await finished(clerk, r.json.job.id);
    assert.equal(job.status, 'failed');
    assert.ok(job.errors.some((e) => e.column === '行政区划代码' && /不在本次导入区域/.test(e.reason)),
      JSON.stringify(job.errors));
  });

  test('a job is private to its creator and the administrators of its area', async () => {
    const mine = await upload(clerk, 'bad_phone.csv');
    const id = mine.json.job.id;
    await finished(clerk, id);
    assert.equal((await zx.req(`/api/v1/jobs/${id}`, { session: admin })).status, 200, 'county admin sees it');
    assertError(await zx.req(`/api/v1/jobs/${id}`, { session: other }), 404, 'not_found');
    assertError(await zx.req(`/api/v1/jobs/${id}/errors.csv`, { session: other }), 404, 'not_found');
    const adminJob = await upload(admin, 'good.csv', 'kind=households&dry_run=1');
    assertError(await zx.req(`/api/v1/jobs/${adminJob.json.job.id}`, { session: clerk }), 404, 'not_found');
    assertError(await zx.req('/api/v1/jobs/999999', { session: admin }), 404, 'not_found');
    await finished(admin, adminJob.json.job.id);
  });

  test('bad requests are refused before any job exists', async () => {
    assertError(await upload(admin, 'good.csv', 'kind=ledger'), 400, 'unsupported_kind');
    assertError(await upload(admin, Buffer.alloc(0)), 400, 'empty_upload');
    assertError(await upload(admin, 'good.csv', 'kind=households&area=510722999000'), 404, 'area_not_found');
    assertError(await upload(admin, 'good.csv', 'kind=households&area=510723000000'), 403, 'area_forbidden');
    assertError(await upload(clerk, 'good.csv', `kind=households&area=${COUNTY}`), 403, 'area_forbidden');
    assertError(await upload(admin, 'good.csv', 'kind=households&encoding=latin1'), 400);
    assertError(await upload(admin, 'good.csv', 'kind=households', { 'Content-Type': 'multipart/form-data; boundary=x' }),
      400, 'multipart_unsupported');
    const noCsrf = await zx.req('/api/v1/imports?kind=households', {
      method: 'POST', session: admin, csrf: false, body: await readFile(path.join(DATA, 'good.csv')),
    });
    assertError(noCsrf, 403);
    assert.deepEqual(await uploadsLeft(), []);
  });
});

describe('upload cap', () => {
  let dir;
  let server;
  let demo;

  before(async () => {
    dir = await tempDir();
    demo = await makeDemo(dir, { households: 0 });
    const conf = path.join(dir, 'zhenxing.conf');
    await writeFile(conf, `db = ${demo.db}\nupload_max_mb = 1\ntotp_required_roles =\n`);
    server = await serve(demo.db, ['--config', conf]);
  });

  after(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('an upload over the cap is refused with 413 and leaves no file behind', async () => {
    const big = Buffer.alloc(1536 * 1024, 0x41);
    const r = await request(server.url, '/api/v1/imports?kind=households', {
      method: 'POST', body: big, headers: { 'Content-Type': 'text/csv' },
    });
    assertError(r, 413);
    assert.ok(server.alive);
    const left = (await readdir(dataDir(demo.db))).filter((f) => f.includes('upload'));
    assert.deepEqual(left, []);
  });
});

describe('zhenxing import households (CLI)', () => {
  let dir;
  let db;

  before(async () => {
    dir = await tempDir();
    db = (await makeDemo(dir, { households: 0 })).db;
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('a good file: exit 0 and the one-line summary', async () => {
    const r = await run(['import', 'households', '--db', db, path.join(DATA, 'good.csv')]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /^导入成功: 3户 7人 \(新增 3, 更新 0\)$/m);
    const again = await run(['import', 'households', '--db', db, '--dry-run', path.join(DATA, 'good.csv')]);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /^校验通过: 3户 7人/m);
  });

  test('a bad file: exit 1, the summary, the first errors and --errors OUT.csv', async () => {
    const out = path.join(dir, 'errors.csv');
    const r = await run(['import', 'households', '--db', db, '--errors', out, path.join(DATA, 'bad_two_heads.csv')]);
    assert.equal(r.code, 1, r.stderr + r.stdout);
    assert.match(r.stdout, /^导入失败: 共 1 处错误，未写入任何数据$/m);
    assert.match(r.stdout, /第3行 与户主关系.*已有户主/);
    const csv = await readFile(out);
    assert.deepEqual([...csv.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    assert.match(csv.toString('utf8'), /\r\n3,与户主关系,户主,/);
  });

  test('usage errors exit 2', async () => {
    assert.equal((await run(['import', 'households', '--db', db])).code, 2);
    assert.equal((await run(['import', 'ledger', '--db', db, 'x.csv'])).code, 2);
  });
});

// The CLI has the database to itself: its first import into an empty registry is written
// through a rollback journal (no second write of every page by the WAL checkpoint), and the
// database is in WAL mode again afterwards. With another connection open on the file (a
// server, say) SQLite keeps WAL mode and the import goes through the WAL as before.
describe('zhenxing import households (CLI): journal of a first import', { skip: sqliteOnly('journal modes are SQLite\'s') }, () => {
  let dir;

  before(async () => {
    dir = await tempDir();
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('alone on the file: a rollback journal, then WAL mode again', async () => {
    const { db } = await makeDemo(dir, { households: 0, name: 'alone.db' });
    const r = await run(['import', 'households', '--db', db, path.join(DATA, 'good.csv')]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stderr, /bulk=1 .*journal=rollback/);
    assert.equal((await sql(db, 'PRAGMA journal_mode')).trim(), 'wal');
    assert.equal((await sql(db, 'SELECT count(*) FROM persons')).trim(), '7');
    const check = await run(['check', '--db', db]);
    assert.equal(check.code, 0, check.stderr + check.stdout);
    // A second import is not a first one: the WAL as always.
    const again = await run(['import', 'households', '--db', db, path.join(DATA, 'good.csv')]);
    assert.equal(again.code, 0, again.stderr + again.stdout);
    assert.match(again.stderr, /bulk=0 .*journal=wal/);
  });

  test('another connection open on the file: WAL mode all along, nothing waits', async () => {
    const { db } = await makeDemo(dir, { households: 0, name: 'shared.db' });
    const other = spawn('sqlite3', [db], { stdio: ['pipe', 'ignore', 'ignore'] });
    other.stdin.write('SELECT count(*) FROM areas;\n');
    await new Promise((resolve) => setTimeout(resolve, 300));
    try {
      const t0 = Date.now();
      const r = await run(['import', 'households', '--db', db, path.join(DATA, 'good.csv')]);
      assert.equal(r.code, 0, r.stderr + r.stdout);
      assert.match(r.stderr, /bulk=1 .*journal=wal/);
      assert.ok(Date.now() - t0 < 4000, 'the import did not wait for the other connection');
    } finally {
      other.stdin.end();
    }
    assert.equal((await sql(db, 'PRAGMA journal_mode')).trim(), 'wal');
    assert.equal((await sql(db, 'SELECT count(*) FROM persons')).trim(), '7');
  });
});
