// Crash consistency of the server (R1): `zhenxing serve` takes concurrent writes — users
// created and renamed, households edited when the registry routes are served — and is
// killed with SIGKILL at a moment drawn from a seeded PRNG, RUNS times. After every kill:
//   - `zhenxing check` passes (SQLite integrity_check and the audit hash chain);
//   - every write answered 200/201 before the kill is in the database, and no value is
//     older than the last acknowledged one (a later, unanswered write may have landed);
//   - each write and its audit / history rows are all there or all absent.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { assertNoSanitizerReport, changePassword, login, makeDemo, request, serve, tempDir } from '../lib/zxserver.mjs';
import { RUNS, assertCheck, copyDb, exited, prng, sleep, sql } from './lib.mjs';

const WRITERS = 6;
let dir;
let base;
let admin;
let households = []; // one per writer, when the registry routes are served
const baseUsers = []; // {username, id}: one per writer, made before the runs
const rnd = prng(20240601);

before(async () => {
  dir = await tempDir('zx-crash-');
  const demo = await makeDemo(dir, { households: 200, name: 'base.db' });
  base = demo.db;
  admin = { ...demo.admin };
  // Settle the admin's password and find households to edit, then close the base cleanly.
  const srv = await serve(base);
  try {
    const s = await login(srv.url, admin.username, admin.password);
    if (s.user.must_change_password) admin.password = await changePassword(srv.url, s, admin.password);
    const list = await request(srv.url, `/api/v1/households?per_page=${WRITERS}`, { session: s });
    if (list.status === 200) households = list.json.items.map((h) => h.hh_no);
    // Creating a user hashes a password (slow): each writer starts with one of these.
    for (let w = 0; w < WRITERS; w++) {
      const username = `base_${w}`;
      const r = await request(srv.url, '/api/v1/users', {
        method: 'POST', session: s, json: { username, role: 'helper', area_code: '510722000000', display_name: 'v0' },
      });
      assert.equal(r.status, 201, r.text);
      baseUsers.push({ username, id: r.json.user.id });
    }
  } finally {
    await srv.stop();
  }
});

after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

// One writer: now and then a new user (argon2 makes creation slow), otherwise a rename of
// its current user and an edit of its household, until the server is gone. Records what
// was sent and what was acknowledged.
async function writer(w, ctx) {
  const hh = households[w];
  let u = { sent: 0, acked: 0, id: baseUsers[w].id };
  ctx.users.set(baseUsers[w].username, u);
  const fail = (what, r) => Object.assign(new Error(`${what}: ${r.status} ${r.text}`), { http: true });
  for (let n = 1; !ctx.dead; n++) {
    try {
      let r;
      if (n % 8 === 0) {
        const username = `k${ctx.run}_${w}_${n}`;
        u = { sent: 0, acked: -1, id: 0 };
        ctx.users.set(username, u);
        r = await request(ctx.url, '/api/v1/users', {
          method: 'POST', session: ctx.s,
          json: { username, role: 'helper', area_code: '510722000000', display_name: 'v0' },
        });
        if (r.status !== 201) throw fail('create ' + username, r);
        u.acked = 0;
        u.id = r.json.user.id;
      } else {
        const k = u.sent + 1;
        u.sent = k;
        r = await request(ctx.url, `/api/v1/users/${u.id}`, { method: 'PUT', session: ctx.s, json: { display_name: 'v' + k } });
        if (r.status !== 200) throw fail('update ' + u.id, r);
        u.acked = k;
      }
      if (hh) {
        const h = ctx.hh.get(hh);
        h.sent = n;
        r = await request(ctx.url, `/api/v1/households/${hh}`, { method: 'PUT', session: ctx.s, json: { helper: `h${w}_${n}` } });
        if (r.status !== 200) throw fail('edit ' + hh, r);
        h.acked = n;
      }
    } catch (e) {
      if (e.http && !ctx.dead) ctx.errors.push(e.message);
      return;
    }
  }
}

async function verify(db, ctx) {
  const rows = await sql(db, `SELECT id, username, display_name FROM users WHERE username LIKE 'k${ctx.run}\\_%' ESCAPE '\\' OR username LIKE 'base\\_%' ESCAPE '\\'`);
  const inDb = new Map(rows.map((r) => [r.username, r]));
  let acked = 0;
  for (const [name, u] of ctx.users) {
    const row = inDb.get(name);
    if (u.acked >= 0) {
      if (name.startsWith('k')) acked++;
      assert.ok(row, `user ${name} was created (201) but is missing after the kill`);
    }
    if (row) {
      const v = Number(row.display_name.slice(1));
      assert.ok(v >= Math.max(u.acked, 0) && v <= u.sent, `user ${name}: display_name ${row.display_name}, acknowledged v${u.acked}, sent up to v${u.sent}`);
    }
  }
  for (const r of rows) assert.ok(ctx.users.has(r.username), `user ${r.username} appeared from nowhere`);
  // A user never exists without its audit row, nor an audit row for a user that does not.
  const orphans = await sql(db, `SELECT u.username FROM users u WHERE u.username LIKE 'k${ctx.run}\\_%' ESCAPE '\\'
    AND NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.action = 'user.create' AND a.object = 'user:' || u.id)`);
  assert.deepEqual(orphans, [], 'users without their user.create audit row');
  const ghosts = await sql(db, `SELECT a.object FROM audit_log a WHERE a.action = 'user.create'
    AND NOT EXISTS (SELECT 1 FROM users u WHERE 'user:' || u.id = a.object)`);
  assert.deepEqual(ghosts, [], 'user.create audit rows without their user');
  for (const [hh, h] of ctx.hh) {
    const [row] = await sql(db, `SELECT id, helper FROM households WHERE hh_no = '${hh}'`);
    const n = h.acked < 0 ? 0 : Number((row.helper.match(/_(\d+)$/) || [0, 0])[1]);
    assert.ok(h.acked < 0 || (n >= h.acked && n <= h.sent), `household ${hh}: helper ${row.helper}, acknowledged ${h.acked}, sent up to ${h.sent}`);
    // The change history agrees with the household (written in the same transaction).
    const [last] = await sql(db, `SELECT new_value FROM household_changes WHERE household_id = ${row.id} ORDER BY id DESC LIMIT 1`);
    if (h.acked > 0 || last) assert.equal(last?.new_value ?? '', row.helper, `household ${hh}: history and value disagree`);
  }
  return acked;
}

describe(`server killed during writes (${RUNS} runs)`, () => {
  let totalAcked = 0;
  for (let run = 1; run <= RUNS; run++) {
    const delay = Math.round(150 + rnd() * 1450);
    test(`run ${run}: SIGKILL ${delay} ms into the writes; check passes, acknowledged writes survive`, async (t) => {
      const db = await copyDb(base, path.join(dir, `run${run}`));
      const srv = await serve(db);
      const ctx = {
        run, url: srv.url, dead: false, users: new Map(), errors: [],
        hh: new Map(households.map((h) => [h, { sent: 0, acked: -1 }])),
        s: await login(srv.url, admin.username, admin.password),
      };
      const writers = Array.from({ length: WRITERS }, (_, w) => writer(w, ctx));
      await sleep(delay);
      ctx.dead = true;
      srv.proc.kill('SIGKILL');
      await exited(srv.proc);
      await Promise.all(writers);
      assertNoSanitizerReport(srv.stderr, 'zhenxing serve');
      assert.deepEqual(ctx.errors, [], 'writes refused before the kill');
      await assertCheck(db, `run ${run}`);
      const acked = await verify(db, ctx);
      const edits = [...ctx.hh.values()].reduce((a, h) => a + Math.max(h.acked, 0), 0);
      const renames = [...ctx.users.values()].reduce((a, u) => a + Math.max(u.acked, 0), 0);
      t.diagnostic(`acknowledged before the kill: ${acked} users created, ${renames} renamed, ${edits} household edits`);
      totalAcked += acked + renames + edits;
      await rm(path.dirname(db), { recursive: true, force: true });
    });
  }

  test('the kills hit a server that was writing', () => {
    assert.ok(totalAcked >= 10 * RUNS, `only ${totalAcked} acknowledged writes over ${RUNS} runs`);
  });
});
