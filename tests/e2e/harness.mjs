// Browser-test harness: builds a demo database with the real zhenxing
// binary, starts `zhenxing serve` on a free port, drives Debian's chromium
// through playwright-core, and saves a screenshot when a test fails.
//
//   ZX_BIN        the binary (default build/src/zhenxing)
//   ZX_ARTIFACTS  where failure screenshots go (default test-results)
//   ZX_CHROMIUM   the browser (default /usr/bin/chromium)
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const ZX_BIN = path.resolve(process.env.ZX_BIN || 'build/src/zhenxing');
export const ARTIFACTS = path.resolve(process.env.ZX_ARTIFACTS || 'test-results');
const CHROMIUM = process.env.ZX_CHROMIUM || '/usr/bin/chromium';

// Runs the binary with stdin at EOF (so `user add` generates a password).
function zx(args) {
  return new Promise((resolve, reject) => {
    const proc = spawn(ZX_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d) => { stdout += d; });
    proc.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => proc.kill('SIGKILL'), 120000);
    proc.on('error', (e) => { clearTimeout(timer); reject(e); });
    proc.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`${path.basename(ZX_BIN)} ${args.join(' ')} failed (${signal || 'exit ' + code}): ${stderr}`));
    });
  });
}

function parsePassword(stdout, what) {
  const m = stdout.match(/密码[:：]\s*(\S+)/);
  if (!m) throw new Error(`no password in output of ${what}: ${stdout}`);
  return m[1];
}

// Starts a server over a fresh demo database.
// users: [{name, role, area}] extra accounts to create (passwords generated).
// Returns {url, dir, admin:{username,password}, users:{name: password}, stop()}.
export async function startServer({ households = 300, seed = 1, users = [] } = {}) {
  const dir = await mkdtemp(path.join(tmpdir(), 'zx-e2e-'));
  const db = path.join(dir, 'zx.db');
  const demoOut = await zx(['demo', '--db', db, '--households', String(households), '--seed', String(seed)]);
  const am = demoOut.match(/管理员账号[:：]\s*(\S+)\s+密码[:：]\s*(\S+)/);
  if (!am) throw new Error('demo printed no admin account: ' + demoOut);
  const admin = { username: am[1], password: am[2] };

  const passwords = {};
  for (const u of users) {
    const out = await zx(['user', 'add', '--db', db, '--name', u.name, '--role', u.role, '--area', u.area]);
    passwords[u.name] = parsePassword(out, 'user add ' + u.name);
  }

  const proc = spawn(ZX_BIN, ['serve', '--db', db, '--listen', '127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; if (stderr.length > 65536) stderr = stderr.slice(-32768); });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('serve did not report its address in 20s: ' + out + stderr)), 20000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`serve exited (${code}): ${stderr}`)); });
  });
  proc.stdout.resume();
  await waitHealthy(url);

  const exited = new Promise((r) => proc.once('exit', r));
  return {
    url, dir, db, admin, users: passwords,
    get stderr() { return stderr; },
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(t);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function waitHealthy(url) {
  const deadline = Date.now() + 15000;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const r = await fetch(url + '/healthz');
      if (r.status === 200) return;
      last = 'HTTP ' + r.status;
    } catch (e) {
      last = e.message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server not healthy: ' + last);
}

export function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

function safeName(s) {
  return s.replace(/[^\p{L}\p{N}._-]+/gu, '_').slice(0, 120);
}

export async function screenshot(page, name) {
  await mkdir(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, safeName(name) + '.png');
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// Runs fn(page) in a fresh browser context (no cookies). On failure saves
// <ARTIFACTS>/<test name>.png; fails the test on uncaught page errors and
// Content-Security-Policy violations.
export async function withPage(t, browser, fn, { viewport = { width: 1366, height: 820 } } = {}) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  context.setDefaultTimeout(10000);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content.Security.Policy|Refused to/i.test(m.text())) {
      problems.push('CSP: ' + m.text());
    }
  });
  page.on('dialog', (d) => { problems.push('unexpected dialog: ' + d.message()); d.dismiss(); });
  try {
    await fn(page);
    if (problems.length) throw new Error(problems.join('\n'));
  } catch (e) {
    try {
      const file = await screenshot(page, t.name);
      e.message += `\n(screenshot: ${file})`;
    } catch (_) { /* page already gone */ }
    if (problems.length && !e.message.includes(problems[0])) e.message += '\n' + problems.join('\n');
    throw e;
  } finally {
    await context.close();
  }
}

export async function login(page, base, username, password) {
  await page.goto(base + '/#/login');
  await page.locator('input[name="username"]').fill(username);
  await page.locator('input[name="password"]').fill(password);
  // Wait for the server's answer so callers never read a stale message.
  await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/v1/session') && r.request().method() === 'POST'),
    page.locator('[data-testid="login-submit"]').click(),
  ]);
}

// Reads a number like "1,234" from a stat card.
export async function statValue(page, testid) {
  const txt = await page.locator(`[data-testid="${testid}"] .zx-stat-num`).innerText();
  return Number(txt.replace(/[^\d.]/g, ''));
}

// GET a JSON API path with the page's cookies.
export async function apiGet(page, base, p) {
  const r = await page.request.get(base + '/api/v1' + p);
  if (!r.ok()) throw new Error(`GET ${p}: HTTP ${r.status()} ${await r.text()}`);
  return r.json();
}

// Polls until check() returns a truthy value (or throws after timeout ms).
export async function until(check, what, timeout = 10000) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
      last = v;
    } catch (e) {
      last = e.message;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${last})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// Waits for a stat card to show a value different from `not` (and not "—").
export async function waitStat(page, testid, not) {
  return until(async () => {
    const txt = await page.locator(`[data-testid="${testid}"] .zx-stat-num`).innerText();
    if (!/\d/.test(txt)) return false;
    const v = Number(txt.replace(/[^\d.]/g, ''));
    return v !== not ? { value: v } : false;
  }, `${testid} to change from ${not}`).then((r) => r.value);
}
