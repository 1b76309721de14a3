// Health, metrics and logs (issue 11): /healthz without a session; /metrics in the
// Prometheus text format (checked by a parser of the format), only from loopback or
// with the Bearer token; one JSON access-log line per request with the route pattern and
// no personal data; SIGHUP reopens the log file.
import assert from 'node:assert/strict';
import { readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { addUser, assertError, login, makeDemo, request, serve, tempDir } from '../lib/zxserver.mjs';
import { parsePrometheus, writeConfig } from '../ops/lib.mjs';

const TOKEN = 'metrics-token-for-tests-0123456789';
let dir;
let demo;
let server;
let logFile;
let clerkPw;

before(async () => {
  dir = await tempDir('zx-ops-metrics-');
  demo = await makeDemo(dir, { households: 20 });
  clerkPw = await addUser(demo.db, { name: 'metric_clerk', role: 'village_clerk', area: '510722101002' });
  logFile = path.join(dir, 'zhenxing.log');
  const conf = await writeConfig(dir, { force_password_change: 'false', totp_required_roles: '', log_file: logFile, log_format: 'json', metrics_token: TOKEN });
  server = await serve(demo.db, ['--config', conf]);
});

after(async () => {
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const req = (p, opts) => request(server.url, p, opts);

describe('health and metrics', () => {
  test('/healthz answers without a session', async () => {
    const r = await req('/healthz');
    assert.equal(r.status, 200);
    assert.equal(r.json.status, 'ok');
  });

  test('/metrics is valid Prometheus text with request, session, login and database figures', async () => {
    const admin = await login(server.url, demo.admin.username, demo.admin.password);
    await req('/api/v1/areas/510722000000', { session: admin });
    await req('/api/v1/areas/510722101000', { session: admin });
    await req('/api/v1/session', { method: 'POST', json: { username: 'metric_clerk', password: 'wrong-Passw0rd' } });
    const r = await req('/metrics');
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
    const { families } = parsePrometheus(r.text);
    const reqs = families.get('zx_http_requests_total');
    assert.equal(reqs.type, 'counter');
    // Both area requests count under the one route pattern: IDs never become labels.
    const area = reqs.samples.find((s) => s.labels.route === '/api/v1/areas/{code}' && s.labels.method === 'GET' && s.labels.status === '2xx');
    assert.ok(area && area.value >= 2, 'no area series: ' + r.text.slice(0, 2000));
    assert.ok(!reqs.samples.some((s) => /\d{12}/.test(s.labels.route)), 'a raw path became a label');
    assert.ok(reqs.samples.some((s) => s.labels.route === '/api/v1/session' && s.labels.status === '4xx'));
    assert.equal(families.get('zx_http_request_duration_seconds').type, 'histogram');
    assert.ok(families.get('zx_sessions_active').samples[0].value >= 1);
    assert.ok(families.get('zx_login_failures_total').samples[0].value >= 1);
    assert.ok(families.get('zx_db_size_bytes').samples[0].value > 100000);
    assert.equal(families.get('zx_jobs_queue_length').type, 'gauge');
  });

  test('/metrics through a proxy needs the Bearer token', async () => {
    const proxied = { 'X-Forwarded-For': '203.0.113.9' };
    assertError(await req('/metrics', { headers: proxied }), 403, 'forbidden');
    assertError(await req('/metrics', { headers: { ...proxied, Authorization: 'Bearer wrong' } }), 403);
    const ok = await req('/metrics', { headers: { ...proxied, Authorization: 'Bearer ' + TOKEN } });
    assert.equal(ok.status, 200);
  });
});

async function logLines() {
  const text = await readFile(logFile, 'utf8');
  return text.trim().split('\n').filter(Boolean).map((l) => {
    try {
      return JSON.parse(l);
    } catch (e) {
      assert.fail('log line is not JSON: ' + l);
    }
  });
}

describe('logs', () => {
  test('one JSON line per request: time, request id, user id, route pattern, status, duration', async () => {
    const clerk = await login(server.url, 'metric_clerk', clerkPw);
    const r = await req('/api/v1/areas/510722101002', { session: clerk });
    assert.equal(r.status, 200, r.text);
    const reqId = r.headers.get('x-request-id');
    const lines = await logLines();
    const line = lines.find((l) => l.request_id === reqId);
    assert.ok(line, 'no log line for request ' + reqId);
    assert.deepEqual(Object.keys(line).sort(), ['duration_ms', 'method', 'request_id', 'route', 'status', 'time', 'type', 'user_id']);
    assert.equal(line.route, '/api/v1/areas/{code}');
    assert.equal(line.status, 200);
    assert.equal(line.user_id, clerk.user.id);
    assert.equal(typeof line.duration_ms, 'number');
    assert.match(line.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  test('no personal data in the logs: no user names, passwords or raw IDs (request lines carry no client address by their fixed keys)', async () => {
    await req('/api/v1/session', { method: 'POST', json: { username: 'metric_clerk', password: 'Secret-Wr0ng-Pw' } });
    const text = await readFile(logFile, 'utf8');
    for (const bad of ['metric_clerk', clerkPw, 'Secret-Wr0ng-Pw', '510722101002', demo.admin.password]) {
      assert.ok(!text.includes(bad), 'log contains ' + bad);
    }
    for (const l of await logLines()) assert.ok(l.type === 'request' || l.type === 'log', JSON.stringify(l));
  });

  test('SIGHUP reopens the log file (logrotate)', async () => {
    const rotated = logFile + '.1';
    await rename(logFile, rotated);
    server.proc.kill('SIGHUP');
    let lines = [];
    for (let i = 0; i < 50 && !lines.length; i++) {
      await new Promise((r) => setTimeout(r, 50));
      await req('/healthz');
      lines = await logLines().catch(() => []);
    }
    assert.ok(lines.some((l) => l.route === '/healthz'), 'nothing written to the reopened log file');
    const old = await readFile(rotated, 'utf8');
    assert.ok(old.length > 0);
  });
});
