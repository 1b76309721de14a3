// The systemd units of deploy/systemd (issue 11): `systemd-analyze verify` accepts them
// (syntax, known directives and values, the timer's service) with the executables pointed
// at the build and the repository's backup script — no warning at all — and
// `systemd-analyze security --offline` rates the server's sandbox at most 4.0 ("OK").
// A misspelt value is reported, so the check can fail. Skipped (counted as skipped) where
// systemd-analyze is missing; scripts/bootstrap installs Debian's systemd package, which
// starts nothing in a container.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';

import { ZX_BIN, tempDir } from '../lib/zxserver.mjs';

const ANALYZE = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((p) => existsSync(p));
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const skip = ANALYZE ? false : 'systemd-analyze is not installed (scripts/bootstrap installs systemd)';
const run = promisify(execFile);

let dir;
let units;

// The units with /usr/local/bin/… replaced by files that exist here.
async function template(to, edit = (s) => s) {
  const names = (await readdir(path.join(ROOT, 'deploy/systemd'))).filter((n) => /\.(service|timer)$/.test(n));
  for (const n of names) {
    const text = await readFile(path.join(ROOT, 'deploy/systemd', n), 'utf8');
    const fixed = text
      .replaceAll('/usr/local/bin/zhenxing-backup', path.join(ROOT, 'deploy/zhenxing-backup'))
      .replaceAll('/usr/local/bin/zhenxing ', ZX_BIN + ' ');
    await writeFile(path.join(to, n), edit(fixed, n));
  }
  return names.map((n) => path.join(to, n));
}

async function verify(files) {
  try {
    const r = await run(ANALYZE, ['verify', ...files], { cwd: dir, env: { ...process.env, SYSTEMD_LOG_COLOR: '0' } });
    return { code: 0, out: (r.stdout + r.stderr).trim() };
  } catch (e) {
    return { code: e.code, out: ((e.stdout || '') + (e.stderr || '')).trim() };
  }
}

before(async () => {
  if (skip) return;
  dir = await tempDir('zx-ops-systemd-');
  units = await template(dir);
});

after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('systemd-analyze verify accepts every unit of deploy/systemd without a warning', { skip }, async () => {
  assert.deepEqual(units.map((u) => path.basename(u)).sort(), ['zhenxing-backup.service', 'zhenxing-backup.timer', 'zhenxing.service']);
  const r = await verify(units);
  assert.equal(r.code, 0, r.out);
  assert.equal(r.out, '', 'systemd-analyze verify printed:\n' + r.out);
});

test('the server unit is sandboxed: systemd-analyze security rates it at most 4.0', { skip }, async () => {
  const r = await run(ANALYZE, ['security', '--offline=yes', path.join(dir, 'zhenxing.service')], { cwd: dir });
  const m = (r.stdout + r.stderr).match(/Overall exposure level for zhenxing\.service: ([\d.]+)/);
  assert.ok(m, r.stdout + r.stderr);
  assert.ok(Number(m[1]) <= 4.0, `exposure ${m[1]}`);
  const unit = await readFile(path.join(ROOT, 'deploy/systemd/zhenxing.service'), 'utf8');
  for (const line of ['NoNewPrivileges=yes', 'ProtectSystem=strict', 'ReadWritePaths=/var/lib/zhenxing', 'Restart=on-failure']) {
    assert.ok(unit.includes('\n' + line + '\n'), 'missing ' + line);
  }
});

test('a misspelt value or directive is reported (the check can fail)', { skip }, async () => {
  const bad = path.join(dir, 'bad');
  await run('mkdir', ['-p', bad]);
  const files = await template(bad, (s, n) => (n === 'zhenxing.service'
    ? s.replace('Restart=on-failure', 'Restart=sometimes').replace('NoNewPrivileges=yes', 'NoNewPrivileges=yes\nNoNewPrivilege=yes')
    : s));
  const r = await verify(files);
  assert.match(r.out, /restart specifier.*sometimes/);
  assert.match(r.out, /Unknown key 'NoNewPrivilege'/);
});
