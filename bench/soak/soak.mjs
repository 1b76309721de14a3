#!/usr/bin/env node
// R8 soak (targets.md): CONNECTIONS keep-alive connections against one `zhenxing serve` on
// 127.0.0.1 for a bounded time, mixing reads (/me, /areas, /areas/…/children, the
// household list and search) with writes (renaming users: a write transaction, an audit
// row and an fsync each). Reports errors (must be 0), requests/s, p50/p99 latency of
// reads and writes, and the server's RSS after a warm-up and at the end (flat: the end
// within +20% of the start). Exit 1 when errors > 0 or RSS grew more than that.
//
//   node bench/soak/soak.mjs [--duration 60] [--connections 64] [--bin build/src/zhenxing]
//        [--households 2000] [--threads N] [--warmup 3] [--json OUT.json]
//
// It makes its own demo database in a temporary directory (removed at the end). Use the
// normal build: an ASan build's RSS grows with its quarantine by design.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values: opt } = parseArgs({
  options: {
    duration: { type: 'string', default: '60' },
    connections: { type: 'string', default: '64' },
    bin: { type: 'string', default: 'build/src/zhenxing' },
    households: { type: 'string', default: '2000' },
    threads: { type: 'string' },
    warmup: { type: 'string', default: '3' },
    json: { type: 'string' },
    'write-share': { type: 'string', default: '0.1' },
  },
});
const DURATION = Number(opt.duration) * 1000;
const CONNS = Number(opt.connections);
const WARMUP = Number(opt.warmup) * 1000;
const WRITE_SHARE = Number(opt['write-share']);
const BIN = path.resolve(opt.bin);
const COUNTY = '510722000000';
const PW = 'Soak-pass-2026!';

const dir = mkdtempSync(path.join(tmpdir(), 'zx-soak-'));
const db = path.join(dir, 'soak.db');
const conf = path.join(dir, 'soak.conf');
let server;

function zx(args, input) {
  return execFileSync(BIN, args, { input: input ?? '', encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

function rssKiB(pid) {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return m ? Number(m[1]) : 0;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONNS, maxFreeSockets: CONNS });
let port;

// One request on the shared keep-alive pool; resolves {status, body}.
function call(method, p, { cookie, csrf, json } = {}) {
  return new Promise((resolve, reject) => {
    const headers = {};
    if (cookie) headers.Cookie = cookie;
    if (csrf && method !== 'GET') headers['X-CSRF-Token'] = csrf;
    const body = json === undefined ? undefined : JSON.stringify(json);
    if (body) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = Buffer.byteLength(body);
    }
    const req = http.request({ host: '127.0.0.1', port, path: p, method, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(30000, () => req.destroy(new Error('timeout')));
    req.end(body);
  });
}

async function login(username) {
  const r = await call('POST', '/api/v1/session', { json: { username, password: PW } });
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${r.body}`);
  return { cookie: r.headers['set-cookie'][0].split(';')[0], csrf: JSON.parse(r.body).csrf_token };
}

const pct = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] : 0);

async function main() {
  zx(['demo', '--db', db, '--households', opt.households, '--seed', '3']);
  zx(['user', 'add', '--db', db, '--name', 'soak_admin', '--role', 'county_admin', '--area', COUNTY], PW);
  const writable = [];
  for (let i = 0; i < 8; i++) {
    zx(['user', 'add', '--db', db, '--name', `soak_u${i}`, '--role', 'helper', '--area', COUNTY], PW);
  }
  writeFileSync(conf, 'force_password_change = false\ntotp_required_roles =\n');
  const args = ['serve', '--config', conf, '--db', db, '--listen', '127.0.0.1:0'];
  if (opt.threads) args.push('--threads', opt.threads);
  server = spawn(BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  server.stderr.on('data', (d) => { stderr = (stderr + d).slice(-20000); });
  port = await new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on http:\/\/127\.0\.0\.1:(\d+)/);
      if (m) resolve(Number(m[1]));
    });
    server.once('exit', (c) => reject(new Error(`serve exited ${c}: ${stderr}`)));
  });
  server.stdout.resume();

  // A few sessions shared by the connections (a login costs an argon2id hash).
  const sessions = [];
  for (let i = 0; i < 4; i++) sessions.push(await login('soak_admin'));
  const users = JSON.parse((await call('GET', '/api/v1/users?q=soak_u&per_page=50', sessions[0])).body).items;
  for (const u of users) writable.push(u.id);
  const towns = JSON.parse((await call('GET', `/api/v1/areas/${COUNTY}/children`, sessions[0])).body).items;
  const hhRoute = (await call('GET', '/api/v1/households?per_page=1', sessions[0])).status === 200;
  const pages = Math.max(1, Math.floor(Number(opt.households) / 20));

  const reads = [
    () => '/api/v1/me',
    () => `/api/v1/areas/${COUNTY}`,
    () => `/api/v1/areas/${towns[Math.floor(Math.random() * towns.length)].code}/children`,
  ];
  if (hhRoute) {
    reads.push(() => `/api/v1/households?page=${1 + Math.floor(Math.random() * pages)}&per_page=20`);
    reads.push(() => `/api/v1/households?area=${towns[Math.floor(Math.random() * towns.length)].code}&per_page=50`);
    reads.push(() => '/api/v1/households?q=' + encodeURIComponent('王'));
  }

  const stats = { read: [], write: [], errors: 0, firstErrors: [] };
  let measuring = false;
  let stop = false;
  let seq = 0;
  const worker = async (w) => {
    const s = sessions[w % sessions.length];
    while (!stop) {
      const write = Math.random() < WRITE_SHARE;
      const t0 = process.hrtime.bigint();
      let ok = false;
      let what;
      try {
        let r;
        if (write) {
          const id = writable[(w + seq) % writable.length];
          what = `PUT /api/v1/users/${id}`;
          r = await call('PUT', `/api/v1/users/${id}`, { ...s, json: { display_name: `soak ${++seq}` } });
        } else {
          what = reads[Math.floor(Math.random() * reads.length)]();
          r = await call('GET', what, s);
        }
        ok = r.status === 200;
        if (!ok) what += ` → ${r.status} ${r.body.slice(0, 200)}`;
      } catch (e) {
        what += ` → ${e.message}`;
      }
      if (!measuring) continue;
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      (write ? stats.write : stats.read).push(ms);
      if (!ok) {
        stats.errors++;
        if (stats.firstErrors.length < 5) stats.firstErrors.push(what);
      }
    }
  };
  const workers = Array.from({ length: CONNS }, (_, w) => worker(w));
  await new Promise((r) => setTimeout(r, WARMUP));
  const rssStart = rssKiB(server.pid);
  measuring = true;
  const t0 = Date.now();
  let rssMax = rssStart;
  const sampler = setInterval(() => { rssMax = Math.max(rssMax, rssKiB(server.pid)); }, 500);
  await new Promise((r) => setTimeout(r, DURATION));
  measuring = false;
  const elapsed = (Date.now() - t0) / 1000;
  const rssEnd = rssKiB(server.pid);
  clearInterval(sampler);
  stop = true;
  await Promise.all(workers);

  const all = [...stats.read, ...stats.write].sort((a, b) => a - b);
  stats.read.sort((a, b) => a - b);
  stats.write.sort((a, b) => a - b);
  const res = {
    duration_s: Math.round(elapsed),
    connections: CONNS,
    households: Number(opt.households),
    requests: all.length,
    rps: Math.round(all.length / elapsed),
    errors: stats.errors,
    p50_ms: +pct(all, 0.5).toFixed(2),
    p99_ms: +pct(all, 0.99).toFixed(2),
    read_p50_ms: +pct(stats.read, 0.5).toFixed(2),
    read_p99_ms: +pct(stats.read, 0.99).toFixed(2),
    writes: stats.write.length,
    write_p50_ms: +pct(stats.write, 0.5).toFixed(2),
    write_p99_ms: +pct(stats.write, 0.99).toFixed(2),
    rss_start_kib: rssStart,
    rss_end_kib: rssEnd,
    rss_max_kib: rssMax,
    rss_growth: +(rssEnd / rssStart - 1).toFixed(3),
    household_routes: hhRoute,
  };
  res.pass = res.errors === 0 && rssEnd <= rssStart * 1.2;
  console.log(`soak: ${res.connections} connections, ${res.duration_s} s, ${res.requests} requests (${res.rps}/s, ${res.writes} writes)`);
  console.log(`soak: errors ${res.errors}${stats.firstErrors.length ? ' e.g. ' + stats.firstErrors.join(' | ') : ''}`);
  console.log(`soak: latency p50 ${res.p50_ms} ms, p99 ${res.p99_ms} ms (reads ${res.read_p50_ms}/${res.read_p99_ms}, writes ${res.write_p50_ms}/${res.write_p99_ms})`);
  console.log(`soak: RSS ${(rssStart / 1024).toFixed(1)} MiB after warm-up, ${(rssEnd / 1024).toFixed(1)} MiB at the end (max ${(rssMax / 1024).toFixed(1)}), ${(res.rss_growth * 100).toFixed(1)}%`);
  console.log(`soak: ${res.pass ? 'PASS' : 'FAIL'}`);
  if (opt.json) writeFileSync(opt.json, JSON.stringify(res, null, 2) + '\n');
  return res.pass ? 0 : 1;
}

let code = 1;
try {
  code = await main();
} catch (e) {
  console.error('soak: ' + (e.stack || e.message));
} finally {
  agent.destroy();
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((r) => { const t = setTimeout(() => { server.kill('SIGKILL'); r(); }, 10000); server.once('exit', () => { clearTimeout(t); r(); }); });
  }
  rmSync(dir, { recursive: true, force: true });
}
process.exit(code);
