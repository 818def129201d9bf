/**
 * The operator's first hour with `kamen serve` (issue 16, items 1–4): busy ports, an atomic first start, `kamen env`
 * with the real ports, one server per data dir, errors as one sentence, --version, and a clean shutdown.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { bindConsole } from '../../src/cli/ports.js';
import { repoRoot } from '../helpers/paths.js';
import { runKamen, serveKamen } from './cli-run.js';
import { tempDir } from '../helpers/temp-dir.js';

function tmpDir(): string {
  return tempDir('kamen-op-');
}

/** A TCP port held busy by this test (bound on port 0). */
async function busyPort(): Promise<{ port: number; close: () => Promise<void> }> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { port: (srv.address() as net.AddressInfo).port, close: () => new Promise((r) => srv.close(() => r())) };
}

/** Exactly one line on stderr, no stack trace. */
function oneSentence(stderr: string): string {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, stderr);
  assert.doesNotMatch(stderr, /\n\s+at /);
  return lines[0]!;
}

test('a busy --console-port the operator chose is an error naming the port and the flags', async () => {
  const busy = await busyPort();
  try {
    const r = runKamen(['serve', '--port', '0', '--console-port', String(busy.port), '--data-dir', tmpDir()]);
    assert.notEqual(r.status, 0);
    const line = oneSentence(r.stderr);
    assert.match(line, new RegExp(`console port ${busy.port}\\b`));
    assert.match(line, /--console-port/);
    assert.match(line, /--no-console/);
  } finally {
    await busy.close();
  }
});

test('a busy default console port falls back to another free port', async () => {
  const busy = await busyPort();
  try {
    const got = await bindConsole(async (p) => {
      const srv = http.createServer();
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(p, '127.0.0.1', () => resolve());
      });
      return srv;
    }, '127.0.0.1', busy.port, false);
    const port = (got.address() as net.AddressInfo).port;
    assert.notEqual(port, busy.port);
    got.close();
  } finally {
    await busy.close();
  }
});

test('a busy API port is an error naming --port', async () => {
  const busy = await busyPort();
  try {
    const r = runKamen(['serve', '--port', String(busy.port), '--console-port', '0', '--data-dir', tmpDir()]);
    assert.notEqual(r.status, 0);
    assert.match(oneSentence(r.stderr), new RegExp(`port ${busy.port}.*--port`));
  } finally {
    await busy.close();
  }
});

test('a first start that fails prints the bootstrap summary on the next start, then never again', async () => {
  const dataDir = tmpDir();
  const busy = await busyPort();
  const failed = runKamen(['serve', '--port', String(busy.port), '--console-port', '0', '--data-dir', dataDir]);
  await busy.close();
  assert.notEqual(failed.status, 0);
  const boot = JSON.parse(fs.readFileSync(path.join(dataDir, 'bootstrap.json'), 'utf8'));
  const second = await serveKamen(['--port', '0', '--console-port', '0', '--data-dir', dataDir]);
  assert.equal(await second.stop(), 0);
  assert.ok(second.output().includes(`root user ${boot.rootEmail} / password ${boot.rootPassword}`), second.output());
  const third = await serveKamen(['--port', '0', '--console-port', '0', '--data-dir', dataDir]);
  assert.equal(await third.stop(), 0);
  assert.ok(!third.output().includes(boot.rootPassword), third.output());
});

test('a first start that cannot write bootstrap.json creates no organization; the next start does, with the summary', async () => {
  const dataDir = tmpDir();
  fs.mkdirSync(path.join(dataDir, 'bootstrap.json')); // renaming the written file over a directory fails, as a disk error would
  const failed = runKamen(['serve', '--port', '0', '--console-port', '0', '--data-dir', dataDir]);
  assert.equal(failed.status, 1);
  assert.match(oneSentence(failed.stderr), /bootstrap\.json/);
  fs.rmdirSync(path.join(dataDir, 'bootstrap.json'));
  const next = await serveKamen(['--port', '0', '--console-port', '0', '--data-dir', dataDir]);
  assert.equal(await next.stop(), 0);
  const boot = JSON.parse(fs.readFileSync(path.join(dataDir, 'bootstrap.json'), 'utf8'));
  assert.match(next.output(), new RegExp(`created organization ${boot.organizationId}`));
  assert.ok(next.output().includes(`root user ${boot.rootEmail} / password ${boot.rootPassword}`), next.output());
});

test('kamen env prints the running server\'s real endpoint; a second serve on the same data dir refuses', async () => {
  const dataDir = tmpDir();
  const s = await serveKamen(['--port', '0', '--console-port', '0', '--data-dir', dataDir]);
  try {
    const env = runKamen(['env', '--data-dir', dataDir]);
    assert.equal(env.status, 0, env.stderr);
    assert.match(env.stdout, new RegExp(`export AWS_ENDPOINT_URL=${s.url}\\n`));
    assert.match(env.stdout, new RegExp(`export HTTPS_PROXY=${s.url}\\n`));
    const explicit = runKamen(['env', '--data-dir', dataDir, '--endpoint', 'http://kamen.example:9000']);
    assert.match(explicit.stdout, /export AWS_ENDPOINT_URL=http:\/\/kamen\.example:9000\n/);

    const again = runKamen(['serve', '--port', '0', '--console-port', '0', '--data-dir', dataDir]);
    assert.notEqual(again.status, 0);
    assert.match(oneSentence(again.stderr), new RegExp(`pid ${s.child.pid}.*already using the data dir`));
  } finally {
    assert.equal(await s.stop(), 0);
  }
});

test('kamen account create refuses a data dir without kamen state and creates nothing there', () => {
  const empty = tmpDir();
  const r = runKamen(['account', 'create', '--name', 'x', '--data-dir', empty]);
  assert.notEqual(r.status, 0);
  assert.match(oneSentence(r.stderr), /holds no kamen data/);
  assert.deepEqual(fs.readdirSync(empty), []);
});

test('bad flags, unusable data dirs, a corrupted database and a missing master key are one sentence, exit 1', async () => {
  const badPort = runKamen(['serve', '--port', 'abc', '--data-dir', tmpDir()]);
  assert.equal(badPort.status, 1);
  assert.match(oneSentence(badPort.stderr), /--port must be a port number/);

  const file = path.join(tmpDir(), 'not-a-dir');
  fs.writeFileSync(file, 'x');
  const notDir = runKamen(['serve', '--port', '0', '--console-port', '0', '--data-dir', file]);
  assert.equal(notDir.status, 1);
  assert.match(oneSentence(notDir.stderr), /is a file, not a directory.*--data-dir/);

  if (process.getuid?.() !== 0) {
    const ro = tmpDir();
    fs.chmodSync(ro, 0o500);
    const unwritable = runKamen(['serve', '--port', '0', '--console-port', '0', '--data-dir', ro]);
    assert.equal(unwritable.status, 1);
    assert.match(oneSentence(unwritable.stderr), /not writable/);
  }

  const corrupt = tmpDir();
  const first = await serveKamen(['--port', '0', '--console-port', '0', '--data-dir', corrupt]);
  assert.equal(await first.stop(), 0);
  fs.writeFileSync(path.join(corrupt, 'kamen.db'), Buffer.alloc(8192, 'not a database '));
  for (const f of fs.readdirSync(corrupt)) if (f.startsWith('kamen.db-')) fs.rmSync(path.join(corrupt, f));
  const broken = runKamen(['serve', '--port', '0', '--console-port', '0', '--data-dir', corrupt]);
  assert.equal(broken.status, 1);
  assert.match(oneSentence(broken.stderr), /corrupted/);
  const debug = runKamen(['serve', '--port', '0', '--console-port', '0', '--data-dir', corrupt, '--debug']);
  assert.equal(debug.status, 1);
  assert.match(debug.stderr, /\n\s+at /);

  const keyless = tmpDir();
  const s = await serveKamen(['--port', '0', '--console-port', '0', '--data-dir', keyless]);
  assert.equal(await s.stop(), 0);
  fs.rmSync(path.join(keyless, 'master.key'));
  const noKey = runKamen(['serve', '--port', '0', '--console-port', '0', '--data-dir', keyless]);
  assert.equal(noKey.status, 1);
  assert.match(oneSentence(noKey.stderr), /master\.key.*KAMEN_MASTER_KEY/);
  assert.ok(!fs.existsSync(path.join(keyless, 'master.key')), 'no new master key replaces the lost one');
});

test('kamen --version prints the package version', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const r = runKamen(['--version']);
  assert.equal(r.status, 0);
  assert.equal(r.stdout.trim(), pkg.version);
});

test('SIGTERM stops accepting, finishes the request in flight, closes the store and says so', async () => {
  const dataDir = tmpDir();
  const s = await serveKamen(['--port', '0', '--console-port', '0', '--data-dir', dataDir]);
  const url = new URL(s.url);
  const body = 'Action=GetCallerIdentity&Version=2011-06-15';
  // A request whose head has arrived but whose body has not: in flight when the signal comes.
  const socket = net.connect(Number(url.port), url.hostname);
  await new Promise<void>((r) => socket.once('connect', () => r()));
  let answer = '';
  socket.on('data', (d) => (answer += d));
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  socket.write(`POST / HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`);
  await new Promise((r) => setTimeout(r, 200)); // lets the head reach the server; the assertions below do not depend on it
  const exit = s.stop('SIGTERM');
  await s.waitFor(/shutting down/);
  // New connections are refused while the old request finishes.
  await assert.rejects(new Promise<void>((resolve, reject) => {
    const c = net.connect(Number(url.port), url.hostname);
    c.once('connect', () => { c.destroy(); resolve(); });
    c.once('error', reject);
  }));
  socket.write(body.slice(10));
  await closed;
  assert.match(answer, /^HTTP\/1\.1 \d{3} /);
  assert.match(answer, /<\/ErrorResponse>|<\/GetCallerIdentityResponse>/);
  assert.equal(await exit, 0);
  assert.match(s.output(), /stopped; store flushed and closed/);
  assert.ok(!fs.existsSync(path.join(dataDir, 'serve.json')));
});
