// API-test harness: a demo database made by the real binary, extra users made with
// `zhenxing user add`, and `zhenxing serve` on a free port of 127.0.0.1. Stopping the
// server fails the test if it died on its own or wrote a sanitizer report to stderr.
//
//   ZX_BIN      the binary under test (default build/src/zhenxing; tests/run uses the
//               ASan+UBSan build)
//   ZX_TEST_PG  a postgresql:// URL of a throwaway server (tests/run api-pg starts one with
//               tests/lib/pg.sh): every database the fixtures make is then a fresh
//               schema on it instead of a SQLite file, its key file <dir>/<name>.key
//               (ZHENXING_KEY for the commands run here) and the server's files in
//               <dir>/<name>.files.
//
// Only node built-ins: node:test, node:assert, child_process and the global fetch.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

export const ZX_BIN = path.resolve(process.env.ZX_BIN || 'build/src/zhenxing');

// The PostgreSQL server under test, or '' for SQLite files.
export const PG = process.env.ZX_TEST_PG || '';
const execFileP = promisify(execFile);
const dataDirs = new Map();
const keyFiles = new Map();
let pgSerial = 0;
if (PG && !process.env.ZHENXING_KEY) {
  // The CLI reads the key file of a URL database from --key or ZHENXING_KEY; every
  // command this process spawns inherits it (demo creates it on first use).
  process.env.ZHENXING_KEY = path.join(tmpdir(), `zx-pgkey-${process.pid}-${randomBytes(4).toString('hex')}.key`);
}

// A test that is about SQLite itself (its file, the sqlite3 shell, backup/restore of the
// file) passes this as node:test's `skip` option: {skip: sqliteOnly('why')}.
export function sqliteOnly(why) {
  return PG ? `SQLite only: ${why}` : false;
}

async function psql(url, query) {
  const { stdout } = await execFileP('psql', ['-X', '-q', '-A', '-t', '-F', '|', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', query],
    { maxBuffer: 64 << 20 });
  return stdout;
}

// A fresh database: dir/name for SQLite; on PostgreSQL a new schema (CREATE DATABASE
// costs seconds, a schema milliseconds) named as the search path in the URL, its files
// dir recorded for serve/dataDir.
export async function freshDb(dir, name = 'zx.db') {
  if (!PG) return path.join(dir, name);
  const schema = `zxa_${process.pid}_${++pgSerial}`;
  await psql(PG, `CREATE SCHEMA ${schema}`);
  const url = `${PG}${PG.includes('?') ? '&' : '?'}options=-csearch_path%3D${schema}`;
  dataDirs.set(url, path.join(dir, name + '.files'));
  keyFiles.set(url, path.join(dir, name + '.key'));
  return url;
}

// Drops a database made by freshDb (files go with their directory).
export async function dropDb(db) {
  const m = PG && db.match(/search_path%3D(\w+)/);
  if (m) await psql(PG, `DROP SCHEMA IF EXISTS ${m[1]} CASCADE`);
}

// The environment for a command over args: a URL database made by freshDb gets its own
// key file (ZHENXING_KEY), as a SQLite file has <db>.key beside it.
function envFor(args, env = {}) {
  const i = args.indexOf('--db');
  const key = i >= 0 ? keyFiles.get(args[i + 1]) : undefined;
  return { ...process.env, ...(key ? { ZHENXING_KEY: key } : {}), ...env };
}

// Where serve keeps a database's files (uploads, exports): <db>.files for SQLite.
export function dataDir(db) {
  return dataDirs.get(db) || db + '.files';
}

// Runs SQL directly on the database (sqlite3 shell or psql; both print rows as a|b|c).
export async function sql(db, query) {
  if (db.startsWith('postgres')) return psql(db, query);
  const { stdout } = await execFileP('sqlite3', ['-cmd', '.timeout 5000', db, query], { maxBuffer: 64 << 20 });
  return stdout;
}

const SANITIZER_REPORT = /ERROR: (AddressSanitizer|LeakSanitizer|ThreadSanitizer)|runtime error:|SUMMARY: (Address|Undefined|Leak)/;
const HAN = /\p{Script=Han}/u;

// Runs the binary to completion with stdin at EOF. Resolves {code, signal, stdout, stderr};
// never rejects for a non-zero exit (the caller asserts on it).
export function run(args, { timeoutMs = 120000, env = {} } = {}) {
  return new Promise((resolve, reject) => {
    const proc = spawn(ZX_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'], env: envFor(args, env) });
    let stdout = '';
    let stderr = '';
    proc.stdout.setEncoding('utf8');
    proc.stderr.setEncoding('utf8');
    proc.stdout.on('data', (d) => { stdout += d; });
    proc.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    proc.on('error', (e) => { clearTimeout(timer); reject(e); });
    proc.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

// Like run() but the command must succeed (and must not report a sanitizer error).
export async function runOk(args, opts) {
  const r = await run(args, opts);
  assertNoSanitizerReport(r.stderr, `zhenxing ${args[0]}`);
  if (r.code !== 0) {
    throw new Error(`zhenxing ${args.join(' ')} exited ${r.signal || r.code}:\n${r.stderr}${r.stdout}`);
  }
  return r;
}

export function assertNoSanitizerReport(stderr, what) {
  const m = stderr.match(SANITIZER_REPORT);
  if (m) {
    const at = stderr.indexOf(m[0]);
    throw new Error(`${what} printed a sanitizer report:\n${stderr.slice(Math.max(0, at - 200), at + 4000)}`);
  }
}

export async function tempDir(prefix = 'zx-api-') {
  return mkdtemp(path.join(tmpdir(), prefix));
}

// `zhenxing demo` into DIR/zx.db; returns {db, admin: {username, password}, stdout}.
export async function makeDemo(dir, { households = 200, seed = 7, name = 'zx.db' } = {}) {
  const db = await freshDb(dir, name);
  const r = await runOk(['demo', '--db', db, '--households', String(households), '--seed', String(seed)]);
  const m = r.stdout.match(/管理员账号[:：]\s*(\S+)\s+密码[:：]\s*(\S+)/);
  assert.ok(m, 'demo printed no admin account:\n' + r.stdout);
  return { db, admin: { username: m[1], password: m[2] }, stdout: r.stdout };
}

// `zhenxing user add` with stdin closed, so the password is generated and printed.
export async function addUser(db, { name, role, area }) {
  const r = await runOk(['user', 'add', '--db', db, '--name', name, '--role', role, '--area', area]);
  const m = r.stdout.match(/密码[:：]\s*(\S+)/);
  assert.ok(m, `user add ${name} printed no password:\n${r.stdout}`);
  return m[1];
}

// Starts `zhenxing serve` over db and waits until /healthz answers.
export async function serve(db, extraArgs = []) {
  if (db.startsWith('postgres') && !extraArgs.includes('--data-dir')) extraArgs = [...extraArgs, '--data-dir', dataDir(db)];
  const args = ['serve', '--db', db, '--listen', '127.0.0.1:0', ...extraArgs];
  const proc = spawn(ZX_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'], env: envFor(args) });
  let stderr = '';
  let stdout = '';
  proc.stderr.setEncoding('utf8');
  proc.stdout.setEncoding('utf8');
  proc.stderr.on('data', (d) => {
    stderr += d;
    // Keep the head (a sanitizer report starts there) and a bounded tail.
    if (stderr.length > 1 << 20) stderr = stderr.slice(0, 1 << 19) + '\n…\n' + stderr.slice(-(1 << 18));
  });
  const exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('serve did not report its address in 30 s:\n' + stdout + stderr)), 30000);
    proc.stdout.on('data', (d) => {
      stdout += d;
      const m = stdout.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    exited.then(({ code, signal }) => { clearTimeout(timer); reject(new Error(`serve exited (${signal || code}):\n${stderr}`)); });
  });
  await waitHealthy(url);
  let stopped = false;
  const server = {
    url,
    proc,
    get stderr() { return stderr; },
    get alive() { return proc.exitCode === null && proc.signalCode === null; },
    // Stops the server; throws if it had died by itself or reported a memory error.
    async stop() {
      if (stopped) return;
      stopped = true;
      const wasAlive = server.alive;
      if (wasAlive) {
        proc.kill('SIGTERM');
        const t = setTimeout(() => proc.kill('SIGKILL'), 10000);
        const { code, signal } = await exited;
        clearTimeout(t);
        assertNoSanitizerReport(stderr, 'zhenxing serve');
        if (signal === 'SIGKILL') throw new Error('serve did not stop on SIGTERM within 10 s');
        // A leak report at exit turns the exit code non-zero under ASan.
        if (code !== 0) throw new Error(`serve exited ${code} after SIGTERM:\n${stderr.slice(-4000)}`);
      } else {
        assertNoSanitizerReport(stderr, 'zhenxing serve');
        throw new Error(`serve had died during the tests (${proc.signalCode || proc.exitCode}):\n${stderr.slice(-4000)}`);
      }
    },
  };
  return server;
}

async function waitHealthy(url) {
  const deadline = Date.now() + 20000;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const r = await fetch(url + '/healthz');
      if (r.status === 200) return;
      last = 'HTTP ' + r.status;
    } catch (e) {
      last = e.message;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('server not healthy: ' + last);
}

// One request. opts: {method, session: {cookie, csrf}, json, body, headers, csrf: false|string}.
// Returns {status, headers, text, json} (json is null if the body is not JSON).
export async function request(base, pathname, opts = {}) {
  const method = opts.method || 'GET';
  const headers = { ...(opts.headers || {}) };
  if (opts.session) {
    headers.Cookie = opts.session.cookie;
    if (method !== 'GET' && method !== 'HEAD' && opts.csrf !== false) {
      headers['X-CSRF-Token'] = typeof opts.csrf === 'string' ? opts.csrf : opts.session.csrf;
    }
  }
  let body = opts.body;
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
  }
  const r = await fetch(base + pathname, { method, headers, body, redirect: 'manual' });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch (_) { /* not JSON */ }
  return { status: r.status, headers: r.headers, text, json };
}

// Logs in; returns {cookie, csrf, user, setCookie} or throws with the server's answer.
export async function login(base, username, password) {
  const r = await request(base, '/api/v1/session', { method: 'POST', json: { username, password } });
  if (r.status !== 200) throw new Error(`login ${username}: HTTP ${r.status} ${r.text}`);
  const setCookie = r.headers.get('set-cookie') || '';
  const m = setCookie.match(/zx_session=([^;]+)/);
  assert.ok(m, 'login set no zx_session cookie: ' + setCookie);
  return { cookie: `zx_session=${m[1]}`, csrf: r.json.csrf_token, user: r.json.user, setCookie };
}

// A fresh password that meets the policy (10+ characters, all four classes).
export function newPassword() {
  return 'Np-' + randomBytes(6).toString('hex') + 'Q7';
}

// Changes the session's own password (the server keeps this session, ends the others).
export async function changePassword(base, session, oldPassword) {
  const password = newPassword();
  const r = await request(base, '/api/v1/me/password', {
    method: 'PUT', session, json: { old_password: oldPassword, new_password: password },
  });
  if (r.status !== 200) throw new Error(`password change: HTTP ${r.status} ${r.text}`);
  return password;
}

// Asserts the error shape every refusal must have: {error: {code, message}} with a
// Chinese message, and (optionally) the status and code.
export function assertError(r, status, code) {
  if (status !== undefined) assert.equal(r.status, status, `want HTTP ${status}, got ${r.status}: ${r.text}`);
  assert.ok(r.status < 500, `server error for a user error: ${r.status} ${r.text}`);
  assert.ok(r.json && typeof r.json.error === 'object', 'error body is not {error:{…}}: ' + r.text);
  assert.equal(typeof r.json.error.code, 'string');
  assert.equal(typeof r.json.error.message, 'string');
  assert.match(r.json.error.message, HAN, 'error message is not Chinese: ' + r.json.error.message);
  if (code !== undefined) assert.equal(r.json.error.code, code, 'error code: ' + r.text);
  return r.json.error;
}

// The whole fixture most API tests share: a demo county, two villages in different
// towns (A and B), extra users, and a running server.
//   users: [{name, role, where: 'county'|'townA'|'townB'|'villageA'|'villageB'}]
// req() asserts that no answer is a 5xx: user errors must never be server errors.
export async function startCounty({ households = 200, seed = 7, users = [] } = {}) {
  const dir = await tempDir();
  const demo = await makeDemo(dir, { households, seed });
  const server = await serve(demo.db);
  // Current password of every account; generated ones are replaced at first login.
  const passwords = { [demo.admin.username]: demo.admin.password };
  // Logs in; a password that must be changed first (generated, expired) is changed, so
  // the session returned is usable. The new password is remembered.
  const loginReady = async (name, pw) => {
    const use = pw ?? passwords[name];
    const s = await login(server.url, name, use);
    if (s.user.must_change_password) {
      passwords[name] = await changePassword(server.url, s, use);
      s.user.must_change_password = false;
    } else if (pw !== undefined) {
      passwords[name] = pw;
    }
    return s;
  };
  let areas;
  try {
    // The areas come from the API itself, so the tests follow the real hierarchy.
    const admin = await loginReady(demo.admin.username);
    areas = await pickAreas(server.url, admin);
    // Users are added by the CLI while the server runs (SQLite WAL: a second writer process).
    for (const u of users) {
      passwords[u.name] = await addUser(demo.db, { name: u.name, role: u.role, area: areas[u.where] });
    }
  } catch (e) {
    await server.stop().catch(() => {});
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  const req = async (p, opts) => {
    const r = await request(server.url, p, opts);
    assert.ok(r.status < 500, `${opts?.method || 'GET'} ${p} answered ${r.status}: ${r.text}`);
    return r;
  };
  return {
    dir,
    db: demo.db,
    url: server.url,
    server,
    admin: demo.admin,
    areas,
    passwords,
    login: loginReady,
    req,
    async stop() {
      try {
        await server.stop();
      } finally {
        await dropDb(demo.db).catch(() => {});
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

// County root, two towns and a village in each, chosen through GET …/children.
async function pickAreas(base, admin) {
  const county = '510722000000';
  const towns = await request(base, `/api/v1/areas/${county}/children`, { session: admin });
  assert.equal(towns.status, 200, towns.text);
  assert.ok(towns.json.items.length >= 2, 'county has fewer than two towns');
  const picked = [];
  for (const t of towns.json.items) {
    const v = await request(base, `/api/v1/areas/${t.code}/children`, { session: admin });
    assert.equal(v.status, 200, v.text);
    // Prefer villages that hold households, so counts are meaningful.
    const withPeople = v.json.items.find((x) => x.households > 0) || v.json.items[0];
    if (withPeople) picked.push({ town: t, village: withPeople });
    if (picked.length === 2) break;
  }
  assert.equal(picked.length, 2, 'could not find villages in two towns');
  return {
    county,
    townA: picked[0].town.code,
    townB: picked[1].town.code,
    villageA: picked[0].village.code,
    villageB: picked[1].village.code,
    villageAInfo: picked[0].village,
    villageBInfo: picked[1].village,
  };
}
