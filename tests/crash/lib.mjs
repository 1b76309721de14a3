// Crash-test helpers: a seeded PRNG (the same kill moments on every run), copies of a
// prepared database, `zhenxing check`, and SQL through the sqlite3 shell to look at the
// files after a crash without going through the code under test.
//
//   ZX_BIN         the binary (tests/run: the ASan+UBSan build, which also has the
//                  ZX_FAULT_AFTER / ZX_MAX_PAGES test hooks)
//   ZX_CRASH_RUNS  kills per scenario (default 20)
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';

import { run } from '../lib/zxserver.mjs';

export const RUNS = Number(process.env.ZX_CRASH_RUNS || 20);

// mulberry32: small, seedable, good enough to spread kill moments.
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Copies a closed database and its key file to dir/name.
export async function copyDb(src, dir, name = 'zx.db') {
  await mkdir(dir, { recursive: true });
  const dst = path.join(dir, name);
  await copyFile(src, dst);
  await copyFile(src + '.key', dst + '.key');
  for (const ext of ['-wal']) {
    if (await stat(src + ext).then(() => true, () => false)) await copyFile(src + ext, dst + ext);
  }
  return dst;
}

// Rows of a query as objects (sqlite3 -json; on a postgresql:// URL psql with json_agg, for
// the api-pg tier); [] for no rows.
export function sql(db, query) {
  const pg = db.startsWith('postgres');
  const cmd = pg ? 'psql' : 'sqlite3';
  const args = pg
    ? ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', db, '-c', `SELECT coalesce(json_agg(q), '[]') FROM (${query}) q`]
    : ['-json', db, query];
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`sqlite3 ${query}: ${stderr || err.message}`));
      else resolve(stdout.trim() ? JSON.parse(stdout) : []);
    });
  });
}

export async function count(db, table) {
  return (await sql(db, `SELECT count(*) AS n FROM ${table}`))[0].n;
}

// `zhenxing check` must pass: SQLite integrity_check and the audit hash chain.
export async function assertCheck(db, what) {
  const r = await run(['check', '--db', db]);
  assert.equal(r.code, 0, `${what}: zhenxing check failed (${r.signal || r.code}):\n${r.stderr}${r.stdout}`);
  assert.match(r.stdout, /哈希链完整/, r.stdout);
  return r;
}

// Waits for a child process to be gone (after a SIGKILL).
export function exited(proc) {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((r) => proc.once('exit', r));
}
