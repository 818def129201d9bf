/**
 * Flat with data size: GetRole, AssumeRole and GetUser at 10 roles (the baseline), 1,000 roles and a bigger store
 * (default 10,000; BENCH_SCALE=100k: 100,000; BENCH_SCALE=1m: 100,000 and 1,000,000 = 1,000 accounts × 1,000 roles),
 * bulk loaded with `loadAuthorizationDetails`, on each store of BENCH_STORES (sqlite, postgres; default sqlite; PostgreSQL
 * on a throwaway cluster, one database, a schema per size; BENCH_PG_ANALYZE=1 runs ANALYZE after each load); prints
 * load rate, cold start (spawn to first answer), RSS after the run, requests/s, server CPU per request and p50/p99
 * latency (one request in flight per connection), and the ratios the goals name (within 1.25× of 1,000 roles; AssumeRole p99 ≤ 2× the 10-role figure; RSS < 1 GiB; cold start < 2 s).
 * Every size's server runs at once and the sizes take turns in each round, so the machine's drift cancels out.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadManagedPolicyCatalog } from '../src/services/iam/managed-catalog.js';
import { loadAuthorizationDetails } from '../src/store/load/index.js';
import { syntheticDetails, syntheticRoleName } from '../src/store/load/synthetic.js';
import pg from 'pg';
import { parsePostgresUrl } from '../src/store/postgres/index.js';
import { clusterOrSkip } from '../test/helpers/postgres.js';
import { median, processCpuSeconds } from './load.js';
import { call, closedLoop, once, rssMiB, signedQuery, startKamen, xmlValue, type Creds, type KamenChild } from './scale-kit.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const CONNECTIONS = 16;
const PER_ACCOUNT = 1000;

/** The sizes to compare (total roles), from BENCH_SCALE; the first is the 10-role baseline. */
function sizes(): number[] {
  const scale = process.env.BENCH_SCALE;
  if (scale === '1m') return [10, 1000, 100_000, 1_000_000];
  if (scale === '100k') return [10, 1000, 100_000];
  return [10, 1000, 10_000];
}

/** The stores to measure, from BENCH_STORES (comma-separated: sqlite, postgres). */
function stores(): string[] {
  const names = (process.env.BENCH_STORES ?? 'sqlite').split(',').map((s) => s.trim()).filter(Boolean);
  for (const s of names) if (s !== 'sqlite' && s !== 'postgres') throw new Error(`BENCH_STORES: unknown store ${s} (sqlite, postgres)`);
  return names;
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

/** What one operation measured at one size. */
interface OpResult {
  rps: number;
  /** Server CPU per request, µs. */
  cpu: number;
  p50: number;
  p99: number;
}

/** What one size measured. */
interface Sized {
  roles: number;
  loadRate: number;
  coldMs: number;
  rss: number;
  ops: Map<string, OpResult>;
}

/** The figures of one round of one operation on one size. */
interface RoundResult {
  rps: number;
  cpu: number | undefined;
  p50: number;
  p99: number;
}

/** One closed-loop run of `req` on `k` (SECONDS long, or `seconds`). */
async function runOnce(k: KamenChild, name: string, req: Buffer, seconds = SECONDS): Promise<RoundResult> {
  const op = async (send: (r: Buffer) => Promise<{ status: number; body: string }>): Promise<void> => {
    await send(req);
  };
  const before = processCpuSeconds(k.pid);
  const r = await closedLoop(k.port, CONNECTIONS, seconds, op);
  const after = processCpuSeconds(k.pid);
  if (r.errors) throw new Error(`${name}: ${r.errors} non-2xx answers, e.g. ${r.firstError}`);
  return { rps: r.opsPerSecond, cpu: before !== undefined && after !== undefined ? ((after - before) * 1e6) / r.ops : undefined, p50: r.p50, p99: r.p99 };
}

/** The medians of an operation's rounds. */
function medians(rounds: RoundResult[]): OpResult {
  const cpu = rounds.flatMap((r) => (r.cpu === undefined ? [] : [r.cpu]));
  return { rps: median(rounds.map((r) => r.rps)), cpu: cpu.length ? median(cpu) : NaN, p50: median(rounds.map((r) => r.p50)), p99: median(rounds.map((r) => r.p99)) };
}

/** ANALYZE on every table of the schema of `url` (the store README's advice after a bulk load); outside the load rate. */
async function analyze(url: string): Promise<void> {
  const parsed = parsePostgresUrl(url);
  const schema = parsed.schema ?? 'public';
  const c = new pg.Client({ connectionString: parsed.connectionString, ...(parsed.options ? { options: parsed.options } : {}) });
  await c.connect();
  try {
    const tables = await c.query<{ t: string }>('SELECT quote_ident(schemaname) || \'.\' || quote_ident(tablename) AS t FROM pg_tables WHERE schemaname = $1', [schema]);
    for (const { t } of tables.rows) await c.query(`ANALYZE ${t}`);
  } finally {
    await c.end();
  }
}

/** A loaded size with its server running, ready to measure. */
interface Prepared {
  roles: number;
  loadRate: number;
  coldMs: number;
  k: KamenChild;
  requests: Array<[string, Buffer]>;
}

/** Bootstraps a data dir (and, with `url`, its schema), loads `roles` roles (up to 1,000 in the bootstrap account, the rest 1,000 an account in others), starts its server. */
async function prepareSize(roles: number, dir: string, url: string | undefined): Promise<Prepared> {
  fs.mkdirSync(dir);
  // the first start bootstraps the account and its root keys
  const first = await startKamen(dir, url);
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
    await loadAuthorizationDetails({ dataDir: dir, ...(url ? { url } : {}), details: syntheticDetails(account, n), accountId: account, isAwsManaged, opened: a > 0 });
    loaded += n;
  }
  const loadRate = roles / ((performance.now() - started) / 1000);
  if (url && process.env.BENCH_PG_ANALYZE === '1') await analyze(url);

  const spawnAt = performance.now();
  const k: KamenChild = await startKamen(dir, url);
  try {
    const acct = boot.managementAccountId;
    const role = syntheticRoleName(Math.floor(Math.min(roles, PER_ACCOUNT) / 2));
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
    return { roles, loadRate, coldMs, k, requests };
  } catch (err) {
    await k.stop();
    throw err;
  }
}

/**
 * Measures every size's operations in interleaved rounds: each round runs each operation on every size in turn (a
 * rotating order), after one warm-up second of each, so a drift in the machine's speed falls on every size alike
 * instead of on whichever size ran then; medians of each figure.
 */
async function measureSizes(prepared: Prepared[]): Promise<Sized[]> {
  const rounds = prepared.map(() => new Map<string, RoundResult[]>());
  for (const p of prepared) for (const [name, req] of p.requests) await runOnce(p.k, name, req, 1);
  for (let i = 0; i < ROUNDS; i++) {
    for (let op = 0; op < prepared[0]!.requests.length; op++) {
      for (let j = 0; j < prepared.length; j++) {
        const at = (i + j) % prepared.length;
        const p = prepared[at]!;
        const [name, req] = p.requests[op]!;
        const r = await runOnce(p.k, name, req);
        const list = rounds[at]!.get(name) ?? [];
        list.push(r);
        rounds[at]!.set(name, list);
      }
    }
  }
  return prepared.map((p, at) => ({ roles: p.roles, loadRate: p.loadRate, coldMs: p.coldMs, rss: rssMiB(p.k.pid), ops: new Map([...rounds[at]!].map(([name, rs]) => [name, medians(rs)])) }));
}

/** Prints one store's sizes and ratios. */
function report(store: string, results: Sized[]): void {
  const base = results.find((r) => r.roles === 1000)!;
  const tiny = results[0]!;
  const largest = results[results.length - 1]!;
  for (const r of results.slice(1)) {
    if (r === base) continue;
    const ratios = [...base.ops.keys()].map((op) => `${op} ${(r.ops.get(op)!.cpu / base.ops.get(op)!.cpu).toFixed(2)}× CPU, ${(base.ops.get(op)!.rps / r.ops.get(op)!.rps).toFixed(2)}× time`).join('; ');
    console.log(`datasize ${store} ${r.roles} vs ${base.roles} roles (goal within 1.25×): ${ratios}; RSS ${r.rss.toFixed(0)} MiB (goal < 1024); cold start ${r.coldMs.toFixed(0)} ms (goal < 2000)`);
  }
  const p99 = (r: Sized, op: string): number => r.ops.get(op)!.p99;
  const p99s = [...tiny.ops.keys()].map((op) => `${op} ${(p99(largest, op) / p99(tiny, op)).toFixed(2)}×`).join(', ');
  const maxRss = Math.max(...results.map((r) => r.rss));
  console.log(`datasize ${store} ${largest.roles} vs ${tiny.roles} roles: p99 ${p99s} (goal AssumeRole ≤ 2×); largest RSS ${maxRss.toFixed(0)} MiB (goal < 1024)`);
}

/** Measures every size on one store (`url`: a PostgreSQL database, a schema per size), their rounds interleaved. */
async function runStore(store: string, root: string, url: string | undefined): Promise<void> {
  const prepared: Prepared[] = [];
  try {
    for (const n of sizes()) {
      const sizedUrl = url ? `${url}${url.includes('?') ? '&' : '?'}schema=r${n}` : undefined;
      prepared.push(await prepareSize(n, path.join(root, `${store}-r${n}`), sizedUrl));
    }
    const results = await measureSizes(prepared);
    for (const r of results) {
      const ops = [...r.ops.entries()].map(([op, o]) => `${op} ${Math.round(o.rps)} req/s, ${Math.round(o.cpu)} µs CPU, p50 ${o.p50.toFixed(2)} / p99 ${o.p99.toFixed(2)} ms`).join('; ');
      console.log(`datasize ${store} ${r.roles} roles: load ${Math.round(r.loadRate)} roles/s; cold start ${r.coldMs.toFixed(0)} ms; RSS ${r.rss.toFixed(0)} MiB; ${ops}`);
    }
    report(store, results);
  } finally {
    for (const p of prepared) await p.k.stop();
  }
}

/** Runs the data-size benchmark. */
export async function run(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-bench-size-'));
  try {
    console.log(`datasize: ${CONNECTIONS} connections, one request in flight each; ${ROUNDS} rounds of ${SECONDS} s; load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} on ${os.cpus().length} cores`);
    for (const store of stores()) {
      if (store === 'sqlite') {
        await runStore(store, root, undefined);
        continue;
      }
      const got = await clusterOrSkip();
      if ('skip' in got) {
        console.log(`datasize postgres: skipped (${got.skip})`);
        continue;
      }
      try {
        await runStore(store, root, await got.cluster.createDatabase('bench'));
      } finally {
        await got.cluster.stop();
      }
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
