/**
 * Flat with data size: GetRole, AssumeRole and GetUser per request at 1,000 roles against a bigger store (default
 * 10,000; BENCH_SCALE=100k: 100,000; BENCH_SCALE=1m: 100,000 and 1,000,000 = 1,000 accounts × 1,000 roles), bulk
 * loaded with `loadAuthorizationDetails`; prints load rate, cold start (spawn to first answer), RSS after the run,
 * requests/s and server CPU per request, and the ratios the goals name (within 1.25×; RSS < 1 GiB; cold start < 2 s).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadManagedPolicyCatalog } from '../src/services/iam/managed-catalog.js';
import { loadAuthorizationDetails } from '../src/store/load/index.js';
import { syntheticDetails, syntheticRoleName } from '../src/store/load/synthetic.js';
import { median, processCpuSeconds, replay } from './load.js';
import { call, once, rssMiB, signedQuery, startKamen, xmlValue, type Creds, type KamenChild } from './scale-kit.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const PER_ACCOUNT = 1000;

/** The sizes to compare (total roles), from BENCH_SCALE. */
function sizes(): number[] {
  const scale = process.env.BENCH_SCALE;
  if (scale === '1m') return [1000, 100_000, 1_000_000];
  if (scale === '100k') return [1000, 100_000];
  return [1000, 10_000];
}

/** An IAM user `bench` allowed GetRole, GetUser and AssumeRole (root may not assume roles), and its key. */
export async function benchUser(k: KamenChild): Promise<Creds> {
  const root = { accessKeyId: k.boot.accessKeyId, secretAccessKey: k.boot.secretAccessKey };
  await call(k.port, 'iam', 'Action=CreateUser&Version=2010-05-08&UserName=bench', root);
  const doc = encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:GetUser', 'iam:GetRole', 'sts:AssumeRole'], Resource: '*' }] }));
  await call(k.port, 'iam', `Action=PutUserPolicy&Version=2010-05-08&UserName=bench&PolicyName=p&PolicyDocument=${doc}`, root);
  const key = await call(k.port, 'iam', 'Action=CreateAccessKey&Version=2010-05-08&UserName=bench', root);
  return { accessKeyId: xmlValue(key, 'AccessKeyId'), secretAccessKey: xmlValue(key, 'SecretAccessKey') };
}

/** What one size measured. */
interface Sized {
  roles: number;
  loadRate: number;
  coldMs: number;
  rss: number;
  rps: Map<string, number>;
  cpu: Map<string, number>;
}

/** Bootstraps a data dir, loads `roles` roles (1,000 in the bootstrap account, the rest in other accounts), measures. */
async function measureSize(roles: number, root: string): Promise<Sized> {
  const dir = path.join(root, `r${roles}`);
  fs.mkdirSync(dir);
  // the first start bootstraps the account and its root keys
  const first = await startKamen(dir);
  const boot = first.boot;
  const creds = await benchUser(first);
  await first.stop();
  const catalog = loadManagedPolicyCatalog();
  const isAwsManaged = (arn: string): boolean => catalog.get(arn) !== undefined;
  const started = performance.now();
  let loaded = 0;
  for (let a = 0; loaded < roles; a++) {
    const account = a === 0 ? boot.managementAccountId : String(100_000_000_000 + a);
    const n = Math.min(PER_ACCOUNT, roles - loaded);
    await loadAuthorizationDetails({ dataDir: dir, details: syntheticDetails(account, n), accountId: account, isAwsManaged, opened: a > 0 });
    loaded += n;
  }
  const loadRate = roles / ((performance.now() - started) / 1000);

  const spawnAt = performance.now();
  const k: KamenChild = await startKamen(dir);
  try {
    const acct = boot.managementAccountId;
    const role = syntheticRoleName(500);
    const requests: Array<[string, Buffer]> = [
      ['GetRole', await signedQuery(k.port, 'iam', `Action=GetRole&Version=2010-05-08&RoleName=${role}`, creds)],
      ['AssumeRole', await signedQuery(k.port, 'sts', `Action=AssumeRole&Version=2011-06-15&RoleSessionName=bench&RoleArn=${encodeURIComponent(`arn:aws:iam::${acct}:role/${role}`)}`, creds)],
      ['GetUser', await signedQuery(k.port, 'iam', 'Action=GetUser&Version=2010-05-08', creds)],
    ];
    const firstAnswer = await once(k.port, requests[0]![1]);
    const coldMs = performance.now() - spawnAt;
    for (const [name, req] of requests) {
      const r = await once(k.port, req);
      if (r.status !== 200 || firstAnswer.status !== 200) throw new Error(`${name}: ${r.status} ${r.body.slice(0, 300)}`);
    }
    const rps = new Map<string, number>();
    const cpu = new Map<string, number>();
    for (const [name, req] of requests) {
      await replay(k.port, req, { seconds: 1, connections: 16, depth: 1 });
      const xs: number[] = [];
      const cs: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        const before = processCpuSeconds(k.pid);
        const r = await replay(k.port, req, { seconds: SECONDS, connections: 16, depth: 1 });
        const after = processCpuSeconds(k.pid);
        if (r.non2xx) throw new Error(`${name}: ${r.non2xx} non-2xx answers`);
        xs.push(r.rps);
        if (before !== undefined && after !== undefined) cs.push(((after - before) * 1e6) / r.requests);
      }
      rps.set(name, median(xs));
      cpu.set(name, cs.length ? median(cs) : NaN);
    }
    return { roles, loadRate, coldMs, rss: rssMiB(k.pid), rps, cpu };
  } finally {
    await k.stop();
  }
}

/** Runs the data-size benchmark. */
export async function run(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-bench-size-'));
  try {
    const results: Sized[] = [];
    for (const n of sizes()) {
      const r = await measureSize(n, root);
      results.push(r);
      const ops = [...r.rps.keys()].map((op) => `${op} ${Math.round(r.rps.get(op)!)} req/s (${Math.round(r.cpu.get(op)!)} µs CPU)`).join(', ');
      console.log(`datasize ${n} roles: load ${Math.round(r.loadRate)} roles/s; cold start ${r.coldMs.toFixed(0)} ms; RSS ${r.rss.toFixed(0)} MiB; ${ops}`);
    }
    const base = results[0]!;
    for (const r of results.slice(1)) {
      const ratios = [...base.cpu.keys()].map((op) => `${op} ${(r.cpu.get(op)! / base.cpu.get(op)!).toFixed(2)}× CPU, ${(base.rps.get(op)! / r.rps.get(op)!).toFixed(2)}× time`).join('; ');
      console.log(`datasize ${r.roles} vs ${base.roles} roles (goal within 1.25×): ${ratios}; RSS ${r.rss.toFixed(0)} MiB (goal < 1024); cold start ${r.coldMs.toFixed(0)} ms (goal < 2000)`);
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
