/** `kamen serve --store postgres://…` (and KAMEN_DATABASE_URL): a user created with the SDK survives a restart. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { IAMClient, CreateUserCommand, GetUserCommand } from '@aws-sdk/client-iam';
import { openKamen } from '../../src/app.js';
import { startServer } from '../../src/http/server.js';
import { clusterOrSkip } from '../helpers/postgres.js';

/** The compiled CLI next to this compiled test (so the test runs the build it belongs to). */
const mainUrl = new URL('../../src/cli/main.js', import.meta.url).href;

interface Served {
  child: ChildProcess;
  url: string;
  output: string;
}

/** Runs `kamen serve` with `args` and `env` until it prints its endpoint. */
function serve(args: string[], env: Record<string, string>): Promise<Served> {
  const script = `import { main } from ${JSON.stringify(mainUrl)}; main(['node', 'kamen', ...process.argv.slice(1)]).catch((e) => { console.error(e instanceof Error ? e.message : String(e)); process.exit(1); });`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, 'serve', '--port', '0', '--no-console', ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const onData = (d: Buffer): void => {
      output += d;
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(output);
      if (m) resolve({ child, url: m[1]!, output });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`kamen serve exited ${String(code)}: ${output}`)));
  });
}

/** SIGTERM and wait for the exit. */
function stop(s: Served): Promise<void> {
  return new Promise((resolve) => {
    if (s.child.exitCode !== null || s.child.signalCode !== null) return resolve();
    s.child.removeAllListeners('exit');
    s.child.once('exit', () => resolve());
    s.child.kill('SIGTERM');
  });
}

const got = await clusterOrSkip();
if ('skip' in got) {
  test('kamen serve on PostgreSQL', { skip: got.skip }, () => {});
} else {
  const { cluster } = got;
  after(() => cluster.stop());

  test('kamen serve --store postgres://… keeps IAM users in PostgreSQL across a restart (KAMEN_DATABASE_URL)', async () => {
    const url = await cluster.createDatabase('serve_smoke');
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-pg-serve-'));
    const servers: Served[] = [];
    try {
      const first = await serve(['--data-dir', dataDir, '--store', url, '--pool-size', '3'], {});
      servers.push(first);
      assert.match(first.output, /store in PostgreSQL/);
      const boot = JSON.parse(fs.readFileSync(path.join(dataDir, 'bootstrap.json'), 'utf8')) as { accessKeyId: string; secretAccessKey: string };
      assert.ok(fs.existsSync(path.join(dataDir, 'master.key')), 'the master key stays in the data dir');
      assert.ok(!fs.existsSync(path.join(dataDir, 'kamen.db')), 'no SQLite database is created');
      const creds = { accessKeyId: boot.accessKeyId, secretAccessKey: boot.secretAccessKey };
      const iam1 = new IAMClient({ endpoint: first.url, region: 'us-east-1', credentials: creds, maxAttempts: 1 });
      const created = await iam1.send(new CreateUserCommand({ UserName: 'pg-smoke', Path: '/e2e/' }));
      assert.equal(created.User?.UserName, 'pg-smoke');
      await stop(first);

      const second = await serve(['--data-dir', dataDir], { KAMEN_DATABASE_URL: url });
      servers.push(second);
      assert.doesNotMatch(second.output, /created organization/, 'the second start finds the organization in PostgreSQL');
      const iam2 = new IAMClient({ endpoint: second.url, region: 'us-east-1', credentials: creds, maxAttempts: 1 });
      const user = await iam2.send(new GetUserCommand({ UserName: 'PG-SMOKE' }));
      assert.equal(user.User?.UserName, 'pg-smoke');
      assert.equal(user.User?.UserId, created.User?.UserId);
      assert.equal(user.User?.Path, '/e2e/');
      assert.ok(!fs.existsSync(path.join(dataDir, 'kamen.db')));
    } finally {
      for (const s of servers) await stop(s);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('a node killed with SIGKILL loses nothing it acknowledged: another node on the same database serves it', async () => {
    const url = await cluster.createDatabase('serve_sigkill');
    const dirA = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-pg-a-'));
    const dirB = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-pg-b-'));
    const a = await serve(['--data-dir', dirA, '--store', url], {});
    let b: Awaited<ReturnType<typeof openKamen>> | undefined;
    let server: Awaited<ReturnType<typeof startServer>> | undefined;
    try {
      const boot = JSON.parse(fs.readFileSync(path.join(dirA, 'bootstrap.json'), 'utf8')) as { accessKeyId: string; secretAccessKey: string };
      const creds = { accessKeyId: boot.accessKeyId, secretAccessKey: boot.secretAccessKey };
      const iamA = new IAMClient({ endpoint: a.url, region: 'us-east-1', credentials: creds, maxAttempts: 1 });
      const names = Array.from({ length: 12 }, (_, i) => `killed-${i}`);
      await Promise.all(names.map((UserName) => iamA.send(new CreateUserCommand({ UserName }))));
      a.child.kill('SIGKILL');
      await new Promise((r) => a.child.once('exit', r));

      const masterKey = fs.readFileSync(path.join(dirA, 'master.key'), 'utf8').trim();
      b = await openKamen({ dataDir: dirB, masterKey, storeUrl: url, poolSize: 2, withCa: false, log: () => {} });
      assert.equal(b.createdNow, false);
      server = await startServer({ host: '127.0.0.1', port: 0, pipeline: b.pipeline });
      const iamB = new IAMClient({ endpoint: server.url, region: 'us-east-1', credentials: creds, maxAttempts: 1 });
      for (const UserName of names) assert.equal((await iamB.send(new GetUserCommand({ UserName }))).User?.UserName, UserName);
    } finally {
      await stop(a);
      await server?.close();
      await b?.close();
      for (const d of [dirA, dirB]) fs.rmSync(d, { recursive: true, force: true });
    }
  });

  test('three nodes starting together on an empty database bootstrap one organization', async () => {
    const url = await cluster.createDatabase('serve_together');
    const masterKey = randomBytes(32).toString('base64');
    const dirs = Array.from({ length: 3 }, () => fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-pg-node-')));
    const nodes = await Promise.all(dirs.map((dataDir) => openKamen({ dataDir, masterKey, storeUrl: url, poolSize: 2, withCa: false, log: () => {} })));
    try {
      assert.equal(nodes.filter((k) => k.createdNow).length, 1, 'exactly one node created the organization');
      const orgs = await Promise.all(nodes.map((k) => k.store.getOrganization()));
      assert.ok(orgs[0]);
      for (const o of orgs) assert.deepEqual(o, orgs[0]);
      const creator = nodes.find((k) => k.createdNow)!;
      const key = await nodes[(nodes.indexOf(creator) + 1) % nodes.length]!.store.getAccessKey(creator.bootstrap!.accessKeyId);
      assert.equal(key?.secretAccessKey, creator.bootstrap!.secretAccessKey, 'another node reads the bootstrap key under the shared master key');
    } finally {
      for (const k of nodes) await k.close();
      for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    }
  });
}
