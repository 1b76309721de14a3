// Username enumeration (issue 11, 等保): failed logins under an existing name and under
// a name that does not exist answer alike at every step — 401 bad_credentials four times,
// 403 account_locked at the fifth and while locked (the real password included), with the
// same body and headers — and take about as long (both run the password hash, locked or
// not). The lock of either ends after 15 minutes (server clock moved with ZX_CLOCK).
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, test } from 'node:test';

import { addUser, assertError, makeDemo, request, serve, tempDir } from '../lib/zxserver.mjs';
import { sql } from '../crash/lib.mjs';
import { writeConfig } from '../ops/lib.mjs';

let dir;
let demo;
let conf;
let server;
let realPw;
const T0 = Math.floor(Date.now() / 1000) + 60;

async function start(clock) {
  const saved = process.env.ZX_CLOCK;
  process.env.ZX_CLOCK = String(clock);
  try {
    server = await serve(demo.db, ['--config', conf]);
  } finally {
    if (saved === undefined) delete process.env.ZX_CLOCK; else process.env.ZX_CLOCK = saved;
  }
}

before(async () => {
  dir = await tempDir('zx-enum-');
  demo = await makeDemo(dir, { households: 5 });
  realPw = await addUser(demo.db, { name: 'zhenshi', role: 'helper', area: '510722000000' });
  conf = await writeConfig(dir, { force_password_change: 'false', totp_required_roles: '' });
  await start(T0);
});

after(async () => {
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function attempt(username, password = 'Wrong-Passw0rd-1') {
  const t = process.hrtime.bigint();
  const r = await request(server.url, '/api/v1/session', { method: 'POST', json: { username, password } });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  const headers = Object.fromEntries([...r.headers].filter(([k]) => !['date', 'x-request-id'].includes(k)));
  return { status: r.status, text: r.text, json: r.json, headers, ms };
}

function assertAlike(a, b, what) {
  assert.equal(a.status, b.status, `${what}: ${a.text} vs ${b.text}`);
  assert.equal(a.text, b.text, what);
  assert.deepEqual(a.headers, b.headers, what);
}

const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];

test('an existing and an unknown name answer alike through five failures and the lock', async () => {
  for (let i = 1; i <= 5; i++) {
    const real = await attempt('zhenshi');
    const ghost = await attempt('buzaiyou');
    assertAlike(real, ghost, `failure ${i}`);
    if (i < 5) assertError(real, 401, 'bad_credentials');
    else assert.match(assertError(real, 403, 'account_locked').message, /连续错误 5 次，账号已锁定 15 分钟/);
  }
  // Locked: the same answer, even with the right password of the real account.
  const real = await attempt('zhenshi', realPw);
  const ghost = await attempt('buzaiyou', realPw);
  assertAlike(real, ghost, 'while locked');
  assert.match(assertError(real, 403, 'account_locked').message, /请 15 分钟后再试/);
  // Both are audited: the failures and the lock.
  const rows = await sql(demo.db, "SELECT username, action, result FROM audit_log WHERE username IN ('zhenshi', 'buzaiyou') ORDER BY id");
  for (const name of ['zhenshi', 'buzaiyou']) {
    const mine = rows.filter((r) => r.username === name);
    assert.equal(mine.filter((r) => r.action === 'login' && r.result === 'fail').length, 5, JSON.stringify(mine));
    assert.equal(mine.filter((r) => r.action === 'account.lock').length, 1, JSON.stringify(mine));
    assert.equal(mine.filter((r) => r.action === 'login' && r.result === 'locked').length, 1, JSON.stringify(mine));
  }
});

test('a locked account takes about as long to refuse as an unknown name (both hash the password)', async () => {
  const real = [];
  const ghost = [];
  for (let i = 0; i < 5; i++) {
    real.push((await attempt('zhenshi')).ms);
    ghost.push((await attempt('buzaiyou')).ms);
  }
  // Without the hash a locked account answered in a few milliseconds, 20-50 times faster.
  const ratio = median(real) / median(ghost);
  assert.ok(ratio > 0.33 && ratio < 3, `locked ${median(real).toFixed(1)} ms vs unknown ${median(ghost).toFixed(1)} ms`);
});

test('both locks end after 15 minutes; the real password works again, the unknown name stays 401', async () => {
  await server.stop();
  await start(T0 + 16 * 60);
  assertAlike(await attempt('zhenshi'), await attempt('buzaiyou'), 'after the lock');
  const ok = await attempt('zhenshi', realPw);
  assert.equal(ok.status, 200, ok.text);
  assertError(await attempt('buzaiyou', realPw), 401, 'bad_credentials');
});
