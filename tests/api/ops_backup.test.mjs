// Backup and restore (issue 11): `zhenxing backup` takes a consistent online backup while
// the server is serving writes; the restored database passes `zhenxing check` and holds
// every write committed before the backup started. Encrypted backups restore with the key
// file and are refused when altered; a database in use is never replaced.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, open, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';

import { PG, login, makeDemo, request, run, runOk, serve, sqliteOnly, tempDir } from '../lib/zxserver.mjs';
import { writeConfig } from '../ops/lib.mjs';

const sqlite = async (db, sql) => (await promisify(execFile)('sqlite3', [db, sql])).stdout;

let dir;
let demo;
let server;

before(async () => {
  dir = await tempDir('zx-ops-backup-');
  demo = await makeDemo(dir, { households: 50 });
  const conf = await writeConfig(dir, { force_password_change: 'false', totp_required_roles: '' });
  server = await serve(demo.db, ['--config', conf]);
});

after(async () => {
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

// `zhenxing backup/restore` copy a SQLite file; a PostgreSQL database is dumped with pg_dump.
const FILE_ONLY = sqliteOnly('backup and restore copy the SQLite file (PostgreSQL: pg_dump)');

test('on PostgreSQL, backup refuses with a Chinese message naming pg_dump', { skip: !PG && 'PostgreSQL only' }, async () => {
  const r = await run(['backup', '--db', demo.db, '-o', path.join(dir, 'pg.bak')]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /pg_dump/);
  assert.match(r.stderr, /\p{Script=Han}/u);
});

test('backup under write load → restore → check passes and every earlier write is there', { skip: FILE_ONLY }, async () => {
  const admin = await login(server.url, demo.admin.username, demo.admin.password);
  const committed = [];
  let stop = false;
  let failures = 0;
  // The writer: user creations (each one a users row plus an audit row) back to back.
  const writer = (async () => {
    for (let i = 0; !stop; i++) {
      const r = await request(server.url, '/api/v1/users', {
        method: 'POST', session: admin,
        json: { username: `load${i}`, role: 'helper', area_code: '510722000000' },
      });
      if (r.status === 201) committed.push(`load${i}`);
      else failures++;
    }
  })();
  while (committed.length < 5) await new Promise((r) => setTimeout(r, 20));
  const before = [...committed]; // answered, hence committed, before the backup starts
  const plain = path.join(dir, 'plain.backup');
  const sealed = path.join(dir, 'sealed.backup');
  const [b1, b2] = await Promise.all([
    run(['backup', '--db', demo.db, '-o', plain]),
    run(['backup', '--db', demo.db, '-o', sealed, '--encrypt']),
  ]);
  const during = committed.length;
  while (committed.length < during + 2) await new Promise((r) => setTimeout(r, 20));
  stop = true;
  await writer;
  assert.equal(failures, 0, 'writes failed during the backup');
  assert.equal(b1.code, 0, b1.stderr);
  assert.equal(b2.code, 0, b2.stderr);
  assert.match(b1.stdout, /备份完成/);

  const restored = path.join(dir, 'restored.db');
  const r = await run(['restore', '--db', restored, plain]);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const check = await runOk(['check', '--db', restored]);
  assert.match(check.stdout, /哈希链完整/);
  const users = new Set((await sqlite(restored, 'SELECT username FROM users')).split('\n'));
  for (const u of before) assert.ok(users.has(u), `${u} committed before the backup is missing`);
  // And the audit row of each of those writes is there too (same transaction).
  const audited = Number((await sqlite(restored, "SELECT count(*) FROM audit_log WHERE action = 'user.create'")).trim());
  assert.ok(audited >= before.length);

  // The encrypted one restores with the database's key file.
  const restored2 = path.join(dir, 'restored2.db');
  await copyFile(demo.db + '.key', restored2 + '.key');
  const r2 = await run(['restore', '--db', restored2, sealed]);
  assert.equal(r2.code, 0, r2.stderr);
  const users2 = new Set((await sqlite(restored2, 'SELECT username FROM users')).split('\n'));
  for (const u of before) assert.ok(users2.has(u), `${u} missing from the encrypted backup`);
});

test('an altered encrypted backup is refused and nothing is written', { skip: FILE_ONLY }, async () => {
  const sealed = path.join(dir, 'tamper.backup');
  await runOk(['backup', '--db', demo.db, '-o', sealed, '--encrypt']);
  const size = (await stat(sealed)).size;
  const fh = await open(sealed, 'r+');
  const b = Buffer.alloc(1);
  await fh.read(b, 0, 1, Math.floor(size / 2));
  b[0] ^= 0x40;
  await fh.write(b, 0, 1, Math.floor(size / 2));
  await fh.close();
  const target = path.join(dir, 'tampered.db');
  await copyFile(demo.db + '.key', target + '.key');
  const r = await run(['restore', '--db', target, sealed]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /校验失败/);
  await assert.rejects(stat(target));
});

test('restore refuses to replace the database the server is using, and an existing one without --force', { skip: FILE_ONLY }, async () => {
  const plain = path.join(dir, 'again.backup');
  await runOk(['backup', '--db', demo.db, '-o', plain]);
  const live = await run(['restore', '--db', demo.db, '--force', plain]);
  assert.equal(live.code, 1);
  assert.match(live.stderr, /正在使用中/);
  const other = path.join(dir, 'other.db');
  await runOk(['restore', '--db', other, plain]);
  const again = await run(['restore', '--db', other, plain]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /--force/);
  const forced = await run(['restore', '--db', other, '--force', plain]);
  assert.equal(forced.code, 0, forced.stderr);
  const exists = await run(['backup', '--db', demo.db, '-o', plain]);
  assert.equal(exists.code, 1, 'backup overwrote an existing file');
});
