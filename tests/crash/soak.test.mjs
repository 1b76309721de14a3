// The short form of the R8 soak (bench/soak/soak.mjs): 64 connections for ZX_SOAK_SECONDS
// (default 10) against the normal build (ZX_SOAK_BIN; an ASan build's RSS grows by design),
// mixing reads and user renames. No request may fail and the server's RSS must stay
// within +20% of its size after the warm-up.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = process.env.ZX_SOAK_BIN || path.join(ROOT, 'build/src/zhenxing');
const SECONDS = process.env.ZX_SOAK_SECONDS || '10';

test(`soak: 64 connections for ${SECONDS} s, 0 errors, RSS flat`, async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'zx-soak-test-'));
  try {
    const out = path.join(dir, 'soak.json');
    const r = await new Promise((resolve) => {
      execFile(process.execPath, [path.join(ROOT, 'bench/soak/soak.mjs'), '--duration', SECONDS, '--connections', '64',
        '--bin', BIN, '--json', out], { timeout: (Number(SECONDS) + 120) * 1000 }, (err, stdout, stderr) => resolve({ err, stdout, stderr }));
    });
    for (const line of r.stdout.trim().split('\n')) t.diagnostic(line);
    const res = JSON.parse(await readFile(out, 'utf8').catch(() => 'null'));
    assert.ok(res, `the soak produced no result:\n${r.stdout}${r.stderr}`);
    assert.equal(res.errors, 0, r.stdout);
    assert.ok(res.requests > 0 && res.writes > 0, r.stdout);
    assert.ok(res.rss_end_kib <= res.rss_start_kib * 1.2, `RSS grew ${res.rss_start_kib} → ${res.rss_end_kib} KiB`);
    assert.ok(!r.err, `soak exited ${r.err?.code}:\n${r.stdout}${r.stderr}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
