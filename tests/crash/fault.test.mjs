// Fault injection (R2) through the test hooks of test builds (src/cli/cli.c):
//   ZX_FAULT_AFTER=N  every write after the next N statements fails (the store's fault hook)
//   ZX_MAX_PAGES=N    the SQLite file may not grow past N pages (a full disk)
// A user creation over HTTP is run with the fault at every write it makes (SQLite's own
// way of testing I/O errors), an import with the fault at spread-out points and with a
// full disk, a server with a full disk. Each failure must be a clear Chinese error (JSON
// for the API, stderr and exit 1/3 for the CLI), leave `zhenxing check` passing and the
// data unchanged, and the same operation without the fault must then succeed.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
  ZX_BIN, assertNoSanitizerReport, changePassword, login, makeDemo, request, run, serve, tempDir,
} from '../lib/zxserver.mjs';
import { assertCheck, copyDb, count, sql } from './lib.mjs';

const HAN = /\p{Script=Han}/u;

// A server-side failure still answers {error:{code, message}} with a Chinese message.
function assertServerError(r, status, code) {
  assert.ok(r.status >= 500, `want a 5xx, got ${r.status}: ${r.text}`);
  if (status !== undefined) assert.equal(r.status, status, r.text);
  assert.ok(r.json && typeof r.json.error === 'object', 'error body is not {error:{…}}: ' + r.text);
  assert.match(r.json.error.message, HAN, r.text);
  if (code !== undefined) assert.equal(r.json.error.code, code, r.text);
  return r.json.error;
}
const GEN = process.env.ZX_GEN || path.join(path.dirname(ZX_BIN), '../bench/gen_households');
let dir;
let base;
let admin;
let csv;
let loginWrites = 0; // the writes a start and a login need (found by the user sweep)

// serve() with extra environment variables (it passes on process.env).
async function serveWith(db, env) {
  const saved = {};
  for (const [k, v] of Object.entries(env)) { saved[k] = process.env[k]; process.env[k] = v; }
  try {
    return await serve(db);
  } finally {
    for (const [k, v] of Object.entries(saved)) { if (v === undefined) delete process.env[k]; else process.env[k] = v; }
  }
}

before(async () => {
  dir = await tempDir('zx-fault-');
  const demo = await makeDemo(dir, { households: 100, name: 'base.db' });
  base = demo.db;
  admin = { ...demo.admin };
  const srv = await serve(base);
  try {
    const s = await login(srv.url, admin.username, admin.password);
    if (s.user.must_change_password) admin.password = await changePassword(srv.url, s, admin.password);
  } finally {
    await srv.stop();
  }
  csv = path.join(dir, 'hh.csv');
  const g = await new Promise((resolve) => {
    const p = spawn(GEN, ['--households', '300', '--seed', '9', '-o', csv], { stdio: 'ignore' });
    p.on('error', () => resolve(-1));
    p.on('close', resolve);
  });
  assert.equal(g, 0, `${GEN} failed`);
});

after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

// Does the binary honour the hooks (a test build)?
async function hooksCompiledIn() {
  const db = await copyDb(base, path.join(dir, 'probe'));
  const r = await run(['user', 'add', '--db', db, '--name', 'hook_probe', '--role', 'helper', '--area', '510722000000'], { env: { ZX_FAULT_AFTER: '0' } });
  return r.code !== 0;
}

describe('failing writes during a user creation over HTTP, at every write', () => {
  test('the binary is a test build with the fault hooks', async () => {
    assert.ok(await hooksCompiledIn(), `${ZX_BIN} ignores ZX_FAULT_AFTER: build with sanitizers or -Dtest_hooks=true`);
  });

  test('each fault point: a Chinese error, the server lives, check passes, the retry succeeds', async (t) => {
    const seen = { start: 0, login: 0, create: 0 };
    let n = 0;
    for (; n < 60; n++) {
      const db = await copyDb(base, path.join(dir, `user${n}`));
      let srv;
      try {
        srv = await serveWith(db, { ZX_FAULT_AFTER: String(n) });
      } catch (e) {
        // The fault hit the start (opening, migrating): refused with a Chinese message.
        assert.match(e.message, HAN, e.message);
        // A write that failed is not a damaged database: the message must not send the
        // operator to a restore.
        assert.doesNotMatch(e.message, /已损坏|不是有效的数据库/, e.message);
        assertNoSanitizerReport(e.message, 'zhenxing serve');
        seen.start++;
      }
      let created = false;
      if (srv) {
        const lr = await request(srv.url, '/api/v1/session', { method: 'POST', json: { username: admin.username, password: admin.password } });
        if (lr.status !== 200) {
          assertServerError(lr);
          seen.login++;
        } else {
          if (!loginWrites) loginWrites = n;
          const s = { cookie: lr.headers.get('set-cookie').split(';')[0], csrf: lr.json.csrf_token };
          const r = await request(srv.url, '/api/v1/users', {
            method: 'POST', session: s, json: { username: 'fault_user', role: 'helper', area_code: '510722000000', display_name: '故障' },
          });
          if (r.status === 201) {
            created = true;
          } else {
            assertServerError(r);
            seen.create++;
            // Reads still work while writes fail.
            assert.equal((await request(srv.url, '/healthz')).status, 200);
          }
        }
        await srv.stop(); // throws if the server died or reported a memory error
      }
      await assertCheck(db, `fault after ${n}`);
      const users = await sql(db, "SELECT count(*) AS n FROM users WHERE username = 'fault_user'");
      assert.equal(users[0].n, created ? 1 : 0, `fault after ${n}: a failed creation left a user`);
      if (created) break;
      // The same creation without the fault succeeds.
      const again = await serve(db);
      try {
        const s = await login(again.url, admin.username, admin.password);
        const r = await request(again.url, '/api/v1/users', {
          method: 'POST', session: s, json: { username: 'fault_user', role: 'helper', area_code: '510722000000', display_name: '故障' },
        });
        assert.equal(r.status, 201, `retry after fault ${n}: ${r.text}`);
      } finally {
        await again.stop();
      }
      await assertCheck(db, `retry after ${n}`);
      await rm(path.dirname(db), { recursive: true, force: true });
    }
    t.diagnostic(`faults at start ${seen.start}, at login ${seen.login}, during the creation ${seen.create}; succeeded with ${n} writes allowed`);
    assert.ok(n < 60, 'the creation never succeeded');
    assert.ok(seen.create > 0 && seen.login > 0, JSON.stringify(seen));
  });
});

describe('failing writes during a workflow transition', () => {
  test('each fault point of 入户核实: a Chinese error, the case unchanged, check passes, the retry succeeds', async (t) => {
    // A case to move, made on a copy of the base.
    const db0 = await copyDb(base, path.join(dir, 'casebase'));
    let caseId;
    const srv0 = await serve(db0);
    try {
      const s = await login(srv0.url, admin.username, admin.password);
      const hh = (await request(srv0.url, '/api/v1/households?per_page=1', { session: s })).json?.items?.[0]?.hh_no;
      const r = hh && await request(srv0.url, '/api/v1/cases', { method: 'POST', session: s, json: { household: hh, source: 'cadre', reason: '故障测试' } });
      if (r && r.status === 201) caseId = r.json.case.id;
    } finally {
      await srv0.stop();
    }
    if (!caseId) return t.skip('the workflow routes are not served');
    const move = (url, s) => request(url, `/api/v1/cases/${caseId}/transitions`, { method: 'POST', session: s, json: { action: 'verify', opinion: '核实' } });
    const stateOf = async (url, s) => (await request(url, `/api/v1/cases/${caseId}`, { session: s })).json.case.state;
    let n = loginWrites;
    let faults = 0;
    for (; n < loginWrites + 60; n++) {
      const db = await copyDb(db0, path.join(dir, `case${n}`));
      const srv = await serveWith(db, { ZX_FAULT_AFTER: String(n) });
      let moved = false;
      try {
        const lr = await request(srv.url, '/api/v1/session', { method: 'POST', json: { username: admin.username, password: admin.password } });
        if (lr.status !== 200) {
          assertServerError(lr);
        } else {
          const s = { cookie: lr.headers.get('set-cookie').split(';')[0], csrf: lr.json.csrf_token };
          const r = await move(srv.url, s);
          if (r.status === 200) moved = true;
          else {
            assertServerError(r);
            faults++;
          }
        }
      } finally {
        await srv.stop();
      }
      await assertCheck(db, `transition with a fault after ${n}`);
      const again = await serve(db);
      try {
        const s = await login(again.url, admin.username, admin.password);
        assert.equal(await stateOf(again.url, s), moved ? 'verified' : 'discovered', `fault after ${n}`);
        if (!moved) {
          const r = await move(again.url, s);
          assert.equal(r.status, 200, `retry after fault ${n}: ${r.text}`);
          assert.equal(r.json.case.state, 'verified');
        }
      } finally {
        await again.stop();
      }
      await rm(path.dirname(db), { recursive: true, force: true });
      if (moved) break;
    }
    t.diagnostic(`${faults} fault points inside the transition; it succeeded with ${n} writes allowed`);
    assert.ok(faults > 0 && n < loginWrites + 60, `faults ${faults}, n ${n}`);
  });
});

describe('failing writes and a full disk during an import', () => {
  async function importFails(db, env, what) {
    const before = { households: await count(db, 'households'), persons: await count(db, 'persons') };
    const r = await run(['import', 'households', '--db', db, csv], { env });
    assertNoSanitizerReport(r.stderr, 'zhenxing import');
    if (r.code === 0) return false;
    assert.ok(r.code === 1 || r.code === 3, `${what}: exit ${r.signal || r.code}`);
    assert.match(r.stderr, /错误: .*\p{Script=Han}/u, `${what}: no Chinese error on stderr:\n${r.stderr}`);
    assert.doesNotMatch(r.stdout, /导入成功/);
    await assertCheck(db, what);
    assert.deepEqual({ households: await count(db, 'households'), persons: await count(db, 'persons') }, before, `${what}: data changed`);
    const ok = await run(['import', 'households', '--db', db, csv]);
    assert.equal(ok.code, 0, `${what}: the retry failed:\n${ok.stderr}`);
    assert.match(ok.stdout, /导入成功/);
    await assertCheck(db, `${what}, retried`);
    return true;
  }

  test('a write fault at spread-out points of the import: error, nothing written, retry imports', async (t) => {
    let failed = 0;
    let n = 0;
    for (const at of [0, 1, 2, 3, 5, 8, 13, 30, 100, 300, 1000, 3000, 10000, 100000]) {
      n = at;
      const db = await copyDb(base, path.join(dir, `imp${at}`));
      if (!(await importFails(db, { ZX_FAULT_AFTER: String(at) }, `import with a fault after ${at} writes`))) break;
      failed++;
      await rm(path.dirname(db), { recursive: true, force: true });
    }
    t.diagnostic(`${failed} fault points failed cleanly; the import needs fewer than ${n} writes`);
    assert.ok(failed >= 8, `only ${failed} fault points hit the import`);
  });

  test('a full disk (max_page_count) during the import: storage error, nothing written, retry imports', async () => {
    const db = await copyDb(base, path.join(dir, 'full'));
    const pages = (await sql(db, 'PRAGMA page_count'))[0].page_count;
    const r = await run(['import', 'households', '--db', db, csv], { env: { ZX_MAX_PAGES: String(pages + 8) } });
    assert.equal(r.code, 1, r.stderr + r.stdout);
    assert.match(r.stderr, /错误: .*空间已满/, r.stderr);
    assert.ok(await importFails(db, { ZX_MAX_PAGES: String(pages + 8) }, 'import on a full disk'));
  });
});

describe('a full disk under the server', () => {
  test('writes answer 507 in Chinese, reads go on, check passes, and writes work again with room', async () => {
    const db = await copyDb(base, path.join(dir, 'fullsrv'));
    const pages = (await sql(db, 'PRAGMA page_count'))[0].page_count;
    const srv = await serveWith(db, { ZX_MAX_PAGES: String(pages + 2) });
    let full = null;
    let made = 0;
    try {
      const s = await login(srv.url, admin.username, admin.password);
      for (let i = 0; i < 400 && !full; i++) {
        const r = await request(srv.url, '/api/v1/users', {
          method: 'POST', session: s,
          json: { username: `full_${i}`, role: 'helper', area_code: '510722000000', display_name: '满'.repeat(20) },
        });
        if (r.status === 201) made++;
        else full = r;
      }
      assert.ok(full, 'the disk never filled');
      const err = assertServerError(full, 507, 'storage_full');
      assert.match(err.message, /存储空间已满/);
      assert.equal((await request(srv.url, '/healthz')).status, 200);
      assert.equal((await request(srv.url, '/api/v1/me', { session: s })).status, 200);
    } finally {
      await srv.stop();
    }
    await assertCheck(db, 'full disk');
    assert.equal((await sql(db, "SELECT count(*) AS n FROM users WHERE username LIKE 'full\\_%' ESCAPE '\\'"))[0].n, made);
    const again = await serve(db);
    try {
      const s = await login(again.url, admin.username, admin.password);
      const r = await request(again.url, '/api/v1/users', {
        method: 'POST', session: s, json: { username: `full_${made}`, role: 'helper', area_code: '510722000000' },
      });
      assert.equal(r.status, 201, r.text);
    } finally {
      await again.stop();
    }
  });
});
