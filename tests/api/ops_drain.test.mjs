// SIGTERM drains (issue 11): a request in flight when the signal arrives — here a login
// whose body is still being uploaded — completes with its full answer, new connections
// are refused from then on, and the server exits 0.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import net from 'node:net';
import { after, before, test } from 'node:test';

import { assertNoSanitizerReport, makeDemo, serve, tempDir } from '../lib/zxserver.mjs';

let dir;
let demo;

before(async () => {
  dir = await tempDir('zx-ops-drain-');
  demo = await makeDemo(dir, { households: 10 });
});

after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function connect(port) {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => resolve(s));
    s.once('error', reject);
  });
}

test('a request in flight at SIGTERM completes; new connections are refused; exit 0', async () => {
  const server = await serve(demo.db);
  const port = Number(new URL(server.url).port);
  const exited = new Promise((resolve) => server.proc.once('exit', (code, signal) => resolve({ code, signal })));
  const body = JSON.stringify({ username: demo.admin.username, password: demo.admin.password });
  const sock = await connect(port);
  let answer = '';
  sock.setEncoding('utf8');
  sock.on('data', (d) => { answer += d; });
  const closed = new Promise((resolve) => sock.once('close', resolve));
  sock.write(`POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n` + body.slice(0, 10));
  await new Promise((r) => setTimeout(r, 300));
  server.proc.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 700));
  assert.equal(server.proc.exitCode, null, 'server exited with a request in flight');
  await assert.rejects(connect(port), /ECONNREFUSED/, 'new connections still accepted while draining');
  sock.write(body.slice(10));
  await closed;
  assert.match(answer, /^HTTP\/1\.1 200 /, 'in-flight request cut: ' + answer.slice(0, 300));
  assert.match(answer, /"csrf_token":"[0-9a-f]{64}"/);
  const { code, signal } = await exited;
  assertNoSanitizerReport(server.stderr, 'zhenxing serve');
  assert.equal(signal, null);
  assert.equal(code, 0, server.stderr.slice(-2000));
  assert.match(server.stderr, /drained/);
});
