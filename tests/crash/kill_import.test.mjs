// Crash consistency of an import (R1): `zhenxing import households` of a large synthetic
// file (bench/gen_households) into a database that already holds households is killed
// with SIGKILL at a moment drawn from a seeded PRNG, RUNS times: half the runs anywhere in
// the whole run (reading, checking, writing, committing, just after), a quarter inside the
// write transaction (timed from the moment another connection finds the write lock
// taken, so a slow or loaded machine cannot make them miss it), a quarter during the
// first import of an empty county (the streamed path: its write transaction is open
// while the file is still read).
// After every kill `zhenxing check` passes and the database holds either the old
// registry or the complete new one: households, persons and the import's audit row all
// together, nothing in between.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { ZX_BIN, assertNoSanitizerReport, makeDemo, run, tempDir } from '../lib/zxserver.mjs';
import { RUNS, assertCheck, copyDb, count, exited, prng, sleep, sql } from './lib.mjs';

const GEN = process.env.ZX_GEN || path.join(path.dirname(ZX_BIN), '../bench/gen_households');
const HOUSEHOLDS = Number(process.env.ZX_CRASH_HOUSEHOLDS || 5000);
const rnd = prng(20240602);
let dir;
let csv;
let phases = '';
let writeMs;
// The two starting points: a county with households, and an empty one.
const S = { base: {}, empty: {} };

const walSize = (db) => stat(db + '-wal').then((st) => st.size, () => 0);

// True while another connection holds the database's write lock (the import's write
// transaction): BEGIN IMMEDIATE without waiting fails.
function writeLocked(db) {
  return new Promise((resolve) => {
    execFile('sqlite3', ['-cmd', '.timeout 0', db, 'BEGIN IMMEDIATE; ROLLBACK;'], (err, _out, stderr) => {
      resolve(Boolean(err) && /locked|busy/i.test(stderr));
    });
  });
}

async function state(db) {
  return {
    households: await count(db, 'households'),
    persons: await count(db, 'persons'),
    imports: (await sql(db, "SELECT count(*) AS n FROM audit_log WHERE action = 'import.households' AND result = 'ok'"))[0].n,
  };
}

// The complete import once from a starting point: its end state and duration.
async function reference(name) {
  const ref = await copyDb(S[name].db, path.join(dir, 'ref-' + name));
  const t0 = Date.now();
  const r = await run(['import', 'households', '--db', ref, csv]);
  S[name].ms = Date.now() - t0;
  assertNoSanitizerReport(r.stderr, 'zhenxing import');
  assert.equal(r.code, 0, r.stderr + r.stdout);
  S[name].full = await state(ref);
  assert.ok(S[name].full.households > S[name].old.households);
  return r;
}

before(async () => {
  dir = await tempDir('zx-crash-import-');
  S.base.db = (await makeDemo(dir, { households: 200, name: 'base.db' })).db;
  S.empty.db = (await makeDemo(dir, { households: 0, name: 'empty.db' })).db;
  csv = path.join(dir, 'big.csv');
  const g = await new Promise((resolve) => {
    const p = spawn(GEN, ['--households', String(HOUSEHOLDS), '--seed', '5', '-o', csv], { stdio: 'inherit' });
    p.on('error', () => resolve(-1));
    p.on('close', resolve);
  });
  assert.equal(g, 0, `${GEN} failed`);
  for (const name of ['base', 'empty']) S[name].old = await state(S[name].db);
  await reference('empty');
  const r = await reference('base');
  const m = r.stderr.match(/read=(\d+)ms check=(\d+)ms write=(\d+)ms commit=(\d+)ms/);
  phases = m ? m[0] : '';
  writeMs = m ? Number(m[3]) + Number(m[4]) : S.base.ms / 2;
});

after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe(`import killed at random moments (${RUNS} runs)`, () => {
  const outcomes = { old: 0, new: 0 };
  let inWrite = 0;
  for (let i = 1; i <= RUNS; i++) {
    const writePhase = i % 4 === 2;
    const from = i % 4 === 0 ? 'empty' : 'base';
    const frac = writePhase ? rnd() : 0.02 + rnd() * 1.2;
    const when = writePhase ? `${(frac * 100).toFixed(0)}% into the write transaction`
      : `${(frac * 100).toFixed(0)}% of a full ${from === 'empty' ? 'first import' : 'import'}`;
    test(`run ${i}: SIGKILL at ${when}; check passes, old or complete new`, async (t) => {
      const { old, full, ms: refMs } = S[from];
      const db = await copyDb(S[from].db, path.join(dir, `run${i}`));
      const proc = spawn(ZX_BIN, ['import', 'households', '--db', db, csv], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      proc.stderr.setEncoding('utf8');
      proc.stderr.on('data', (d) => { stderr += d; });
      const t0 = Date.now();
      let locked = false;
      if (writePhase) {
        while (!(locked = await writeLocked(db)) && proc.exitCode === null && Date.now() - t0 < 120000) await sleep(5);
        await sleep(Math.round(frac * writeMs));
      } else {
        await sleep(Math.round(frac * refMs));
      }
      const wal = await walSize(db);
      proc.kill('SIGKILL');
      await exited(proc);
      if (writePhase && locked && proc.signalCode) inWrite++;
      assertNoSanitizerReport(stderr, 'zhenxing import');
      assert.ok(proc.signalCode === 'SIGKILL' || proc.exitCode === 0, `import ended with ${proc.exitCode}: ${stderr}`);
      await assertCheck(db, `run ${i}`);
      const now = await state(db);
      const which = JSON.stringify(now) === JSON.stringify(old) ? 'old' : JSON.stringify(now) === JSON.stringify(full) ? 'new' : null;
      assert.ok(which, `neither old ${JSON.stringify(old)} nor new ${JSON.stringify(full)}: ${JSON.stringify(now)}`);
      outcomes[which]++;
      t.diagnostic(`${proc.signalCode ? 'killed' : 'finished'} after ${Date.now() - t0} ms, WAL ${wal} bytes (reference ${refMs} ms${from === 'base' ? ': ' + phases : ''}): ${which}`);
      await rm(path.dirname(db), { recursive: true, force: true });
    });
  }

  test('the kills aimed at the write transaction hit it', (t) => {
    t.diagnostic(`outcomes ${JSON.stringify(outcomes)}, ${inWrite} kills inside the write transaction`);
    assert.ok(inWrite >= Math.floor(RUNS / 4) - 1, `only ${inWrite} kills in the write transaction`);
  });

  test('an interrupted import leaves a database the same import then completes', async () => {
    const db = await copyDb(S.base.db, path.join(dir, 'retry'));
    const proc = spawn(ZX_BIN, ['import', 'households', '--db', db, csv], { stdio: 'ignore' });
    await sleep(Math.round(S.base.ms * 0.6));
    proc.kill('SIGKILL');
    await exited(proc);
    const r = await run(['import', 'households', '--db', db, csv]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const now = await state(db);
    assert.equal(now.households, S.base.full.households);
    assert.equal(now.persons, S.base.full.persons);
    assert.ok(now.imports >= 1);
    await assertCheck(db, 'retry');
  });
});

test('the generator exists', () => {
  assert.ok(existsSync(GEN), GEN);
});
