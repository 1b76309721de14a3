// PostgreSQL connection faults (issue #10, tests/run api-pg: needs ZX_TEST_PG): the import's
// connection killed with pg_terminate_backend in the middle of its COPY of new households — a
// clear Chinese error, nothing of the import written, the retry works — and under a
// running server, which reconnects by itself and keeps answering.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';

import { PG, ZX_BIN, freshDb, login, request, run, runOk, serve, sql, tempDir } from '../lib/zxserver.mjs';

const HAN = /\p{Script=Han}/u;
const GEN = path.join(path.dirname(ZX_BIN), '..', 'bench', 'gen_households');
// Every other client connection to the test database (the api-pg tier runs one file at a time).
const KILL = `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
  WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

describe('PostgreSQL connection faults', { skip: !PG && 'needs PostgreSQL (tests/run api-pg)' }, () => {
  let dir;
  let db;
  let csv;

  before(async () => {
    dir = await tempDir('zx-pgfault-');
    db = await freshDb(dir, 'zx.db');
    await runOk(['demo', '--db', db, '--households', '0']);
    csv = path.join(dir, 'hh.csv');
    await promisify(execFile)(GEN, ['--households', '3000', '--seed', '4', '-o', csv]);
    // A county that already has households: the import checks all, then writes in one
    // transaction (a first import into an empty county streams, and falls back to that
    // path by itself when its stream fails).
    const first = path.join(dir, 'first.csv');
    await promisify(execFile)(GEN, ['--households', '5', '--seed', '4', '-o', first]);
    await runOk(['import', 'households', '--db', db, first]);
  });

  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('a connection killed during an import\'s COPY: Chinese error, nothing written, the retry imports', async () => {
    // Another session inserts the 户编号 of the file's 100th household and keeps its
    // transaction open, so the import's COPY of new households waits on that row in the
    // middle of its rows (inside the import's transaction); then exactly that connection is killed.
    const rows = (await readFile(csv, 'utf8')).split('\n').slice(1).map((l) => l.split(','));
    const hh = [...new Set(rows.map((r) => r[0]))][100];
    const area = rows.find((r) => r[0] === hh)[1];
    const locker = spawn('psql', ['-X', '-q', '-d', db, '-c',
      `BEGIN; INSERT INTO households (county, area_code, hh_no, hh_type, created_at, updated_at)
       VALUES ('510722', '${area}', '${hh}', '一般农户', 0, 0); SELECT pg_sleep(300)`], { stdio: 'ignore' });
    try {
      const importing = run(['import', 'households', '--db', db, csv], { timeoutMs: 600000 });
      const waiting = `FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
        AND wait_event_type = 'Lock' AND xact_start IS NOT NULL AND query ILIKE 'COPY households%'`;
      let n = 0;
      for (let i = 0; i < 600 && n === 0; i++) {
        await sleep(100);
        n = Number((await sql(db, `SELECT count(*) ${waiting}`)).trim());
      }
      assert.equal(n, 1, 'the import never reached its COPY');
      assert.equal((await sql(db, `SELECT count(pg_terminate_backend(pid)) ${waiting}`)).trim(), '1');
      const r = await importing;
      assert.notEqual(r.code, 0, r.stdout);
      assert.match(r.stderr, /错误: .*未写入任何数据/);
      assert.match(r.stderr, HAN);
    } finally {
      // Killing psql does not end its backend's pg_sleep (the server notices a gone client
      // only when it next talks to it): end the locking session itself, or its row lock
      // would hold the retry below for the rest of the 300 s.
      await sql(db, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE '%pg_sleep(300)%'`);
      locker.kill();
    }
    await new Promise((res) => (locker.exitCode !== null ? res() : locker.on('exit', res)));
    assert.equal((await sql(db, 'SELECT count(*) FROM households')).trim(), '5');
    const retry = await runOk(['import', 'households', '--db', db, csv], { timeoutMs: 600000 });
    assert.match(retry.stdout, /导入成功: 3000户/);
    assert.equal((await sql(db, 'SELECT count(*) FROM households')).trim(), '3000');
    assert.equal((await sql(db, 'SELECT sum(households) FROM household_counts')).trim(), '3000');
  });

  test('a running server reconnects after its connections are killed', async () => {
    const r = await run(['user', 'add', '--db', db, '--name', 'pg_fault_admin', '--role', 'county_admin', '--area', '510722000000']);
    assert.equal(r.code, 0, r.stderr);
    const pw = r.stdout.match(/密码[:：]\s*(\S+)/)[1];
    const server = await serve(db);
    try {
      const s = await login(server.url, 'pg_fault_admin', pw);
      const area = () => request(server.url, '/api/v1/areas/510722000000', { session: s });
      assert.equal((await area()).status, 200);
      for (let round = 0; round < 3; round++) {
        assert.ok(Number((await sql(db, KILL)).trim()) >= 1, 'the server held no connection');
        const a = await area();
        assert.equal(a.status, 200, a.text);
        assert.equal(a.json.households, 3000);
      }
      assert.ok(server.alive);
    } finally {
      await server.stop();
    }
  });
});
