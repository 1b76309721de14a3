// The command line contract: exit codes (0 ok, 1 user/data error with a Chinese message,
// 2 usage), `check` over the audit chain, and demo data that is a pure function of the seed.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { assertNoSanitizerReport, makeDemo, run, sql, tempDir } from '../lib/zxserver.mjs';
import { rm } from 'node:fs/promises';

const HAN = /\p{Script=Han}/u;

// Direct SQL on the database (the sqlite3 shell, or psql on PostgreSQL).
const sqlite = sql;

let dir;

before(async () => {
  dir = await tempDir('zx-cli-');
});

after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function assertChineseError(r) {
  assertNoSanitizerReport(r.stderr, 'zhenxing');
  assert.match(r.stderr, HAN, 'stderr has no Chinese message: ' + r.stderr);
}

describe('exit codes', () => {
  test('zhenxing without arguments prints usage and exits 2', async () => {
    const r = await run([]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /用法/);
  });

  test('an unknown command exits 2', async () => {
    const r = await run(['frobnicate']);
    assert.equal(r.code, 2);
    assertChineseError(r);
  });

  test('a subcommand with a missing or unknown option exits 2', async () => {
    assert.equal((await run(['demo'])).code, 2);
    assert.equal((await run(['demo', '--db', path.join(dir, 'x.db'), '--households', 'many'])).code, 2);
    assert.equal((await run(['check'])).code, 2);
    assert.equal((await run(['user', 'add', '--db', path.join(dir, 'x.db')])).code, 2);
    assert.equal((await run(['serve', '--db', path.join(dir, 'x.db'), '--bogus'])).code, 2);
  });

  test('demo on an existing file exits 1 with a Chinese message and leaves the file alone', async () => {
    const file = path.join(dir, 'existing.db');
    await writeFile(file, 'not mine to overwrite');
    const r = await run(['demo', '--db', file, '--households', '10']);
    assert.equal(r.code, 1);
    assertChineseError(r);
    assert.match(r.stderr, /已存在/);
    const { readFile } = await import('node:fs/promises');
    assert.equal(await readFile(file, 'utf8'), 'not mine to overwrite');
  });

  test('check on a missing database exits 1 with a Chinese message', async () => {
    const r = await run(['check', '--db', path.join(dir, 'missing.db')]);
    assert.equal(r.code, 1);
    assertChineseError(r);
  });

  test('user add with an invalid role or area exits 1', async () => {
    const { db } = await makeDemo(dir, { households: 5, seed: 1, name: 'users.db' });
    let r = await run(['user', 'add', '--db', db, '--name', 'x_clerk', '--role', 'mayor', '--area', '510722000000']);
    assert.equal(r.code, 1);
    assertChineseError(r);
    r = await run(['user', 'add', '--db', db, '--name', 'x_clerk', '--role', 'village_clerk', '--area', '510722000000']);
    assert.equal(r.code, 1);
    assertChineseError(r);
    r = await run(['user', 'add', '--db', db, '--name', 'admin', '--role', 'county_admin', '--area', '510722000000']);
    assert.equal(r.code, 1, 'duplicate user name');
    assertChineseError(r);
  });
});

describe('check', () => {
  let db;
  before(async () => {
    ({ db } = await makeDemo(dir, { households: 50, seed: 3, name: 'check.db' }));
  });

  test('passes on a fresh demo database', async () => {
    const r = await run(['check', '--db', db]);
    assertNoSanitizerReport(r.stderr, 'check');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /哈希链完整/);
  });

  test('fails with exit 1 and names the row after the audit log was tampered with', async () => {
    await sqlite(db, "UPDATE audit_log SET result='x' WHERE id=1");
    const r = await run(['check', '--db', db]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assertChineseError(r);
    assert.match(r.stderr, /id=1\b/);
    assert.match(r.stderr, /第 1 条/);
  });

  test('fails when the newest audit row was deleted', async () => {
    const { db: db2 } = await makeDemo(dir, { households: 5, seed: 3, name: 'check2.db' });
    assert.equal((await run(['check', '--db', db2])).code, 0);
    const last = Number((await sqlite(db2, 'SELECT max(id) FROM audit_log')).trim());
    await sqlite(db2, `DELETE FROM audit_log WHERE id = ${last}`);
    let r = await run(['check', '--db', db2]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assertChineseError(r);
    // A later audited write (a new user) must not paper over the gap.
    const add = await run(['user', 'add', '--db', db2, '--name', 'later_user', '--role', 'county_admin', '--area', '510722000000']);
    assert.equal(add.code, 0, add.stderr);
    r = await run(['check', '--db', db2]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, new RegExp(`id=${last}\\b`));
  });
});

describe('demo determinism', () => {
  const HH = 'SELECT hh_no, area_code, grp, head_name, hh_type, category, size FROM households ORDER BY hh_no';
  const PERSONS =
    'SELECT h.hh_no, p.seq, p.name, p.id_masked, p.relation, p.birth_ymd FROM persons p ' +
    'JOIN households h ON h.id = p.household_id ORDER BY h.hh_no, p.seq';
  let a;
  let b;
  let c;
  before(async () => {
    a = (await makeDemo(dir, { households: 120, seed: 7, name: 'seed7a.db' })).db;
    b = (await makeDemo(dir, { households: 120, seed: 7, name: 'seed7b.db' })).db;
    c = (await makeDemo(dir, { households: 120, seed: 8, name: 'seed8.db' })).db;
  });

  test('the same seed gives identical households', async () => {
    const ha = await sqlite(a, HH);
    assert.equal(ha.trim().split('\n').length, 120);
    assert.equal(await sqlite(b, HH), ha);
  });

  test('the same seed gives identical persons (names, masked IDs, relations, birth dates)', async () => {
    const pa = await sqlite(a, PERSONS);
    assert.ok(pa.trim().split('\n').length > 120);
    assert.equal(await sqlite(b, PERSONS), pa);
  });

  test('a different seed gives different data', async () => {
    assert.notEqual(await sqlite(c, HH), await sqlite(a, HH));
    assert.notEqual(await sqlite(c, PERSONS), await sqlite(a, PERSONS));
  });

  test('ID numbers are stored only encrypted: no 18-digit number in any person column', async () => {
    const rows = await sqlite(a, "SELECT id_enc, id_masked, phone_enc, phone_masked FROM persons");
    assert.doesNotMatch(rows, /\b\d{17}[\dX]\b/);
    assert.match(rows, /\*/, 'masked forms are present');
  });

  test('each demo database has its own random keys: same seed, different ciphertext', async () => {
    const q = 'SELECT id_enc FROM persons ORDER BY id LIMIT 5';
    assert.notEqual(await sqlite(a, q), await sqlite(b, q));
  });
});
