/**
 * PostgreSQL vs SQLite: GetCallerIdentity, GetUser and AssumeRole on a kamen child over each store (a throwaway
 * PostgreSQL cluster, as the tests start one), requests/s and the PostgreSQL/SQLite ratios measured in the same run;
 * then two kamen nodes on one PostgreSQL database against one node (GetUser, the same total connections).
 * Skipped when PostgreSQL's binaries are missing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { clusterOrSkip } from '../test/helpers/postgres.js';
import { benchUser } from './datasize.js';
import { median, replay } from './load.js';
import { once, signedQuery, startKamen, type Creds, type KamenChild } from './scale-kit.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);

/** The three requests, signed for `k` with the bench user's key. */
async function requests(k: KamenChild, creds: Creds): Promise<Array<[string, Buffer]>> {
  const root = { accessKeyId: k.boot.accessKeyId, secretAccessKey: k.boot.secretAccessKey };
  const acct = k.boot.managementAccountId;
  const trust = encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${acct}:root` }, Action: 'sts:AssumeRole' }] }));
  const made = await once(k.port, await signedQuery(k.port, 'iam', `Action=CreateRole&Version=2010-05-08&RoleName=bench-role&AssumeRolePolicyDocument=${trust}`, root));
  if (made.status !== 200) throw new Error(`CreateRole: ${made.status} ${made.body.slice(0, 200)}`);
  return [
    ['GetCallerIdentity', await signedQuery(k.port, 'sts', 'Action=GetCallerIdentity&Version=2011-06-15', creds)],
    ['GetUser', await signedQuery(k.port, 'iam', 'Action=GetUser&Version=2010-05-08', creds)],
    ['AssumeRole', await signedQuery(k.port, 'sts', `Action=AssumeRole&Version=2011-06-15&RoleSessionName=bench&RoleArn=${encodeURIComponent(`arn:aws:iam::${acct}:role/bench-role`)}`, creds)],
  ];
}

/** Median requests/s of `req` on each port at once (the sum), `connections` per port. */
async function rps(ports: number[], reqs: Buffer[], connections: number): Promise<number> {
  await Promise.all(ports.map((p, i) => replay(p, reqs[i]!, { seconds: 1, connections, depth: 1 })));
  const xs: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const rs = await Promise.all(ports.map((p, j) => replay(p, reqs[j]!, { seconds: SECONDS, connections, depth: 1 })));
    if (rs.some((r) => r.non2xx)) {
      const sample = await once(ports[0]!, reqs[0]!);
      throw new Error(`non-2xx answers, e.g. ${sample.status} ${sample.body.slice(0, 300)}`);
    }
    xs.push(rs.reduce((n, r) => n + r.rps, 0));
  }
  return median(xs);
}

/** Runs the comparison. */
export async function run(): Promise<void> {
  const got = await clusterOrSkip();
  if ('skip' in got) {
    console.log(`pgcompare: skipped (${got.skip})`);
    return;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-bench-pg-'));
  const children: KamenChild[] = [];
  try {
    const url = await got.cluster.createDatabase('bench');
    const sqliteDir = path.join(tmp, 'sqlite');
    const pgDir = path.join(tmp, 'pg1');
    fs.mkdirSync(sqliteDir);
    fs.mkdirSync(pgDir);
    const lite = await startKamen(sqliteDir);
    children.push(lite);
    const pg1 = await startKamen(pgDir, url);
    children.push(pg1);
    const liteReqs = await requests(lite, await benchUser(lite));
    const pgCreds = await benchUser(pg1);
    const pgReqs = await requests(pg1, pgCreds);
    const ratios: string[] = [];
    for (let i = 0; i < liteReqs.length; i++) {
      const [name, liteReq] = liteReqs[i]!;
      const a = await rps([lite.port], [liteReq], 16);
      const b = await rps([pg1.port], [pgReqs[i]![1]], 16);
      console.log(`pgcompare ${name}: SQLite ${Math.round(a)} req/s, PostgreSQL ${Math.round(b)} req/s (16 connections)`);
      ratios.push(`${name} ${(b / a).toFixed(2)}`);
    }
    console.log(`pgcompare PostgreSQL / SQLite throughput: ${ratios.join(', ')}`);
    await lite.stop();
    children.shift();

    // a second node: the same master key and bootstrap record, the same database
    const pgDir2 = path.join(tmp, 'pg2');
    fs.mkdirSync(pgDir2);
    for (const f of ['master.key', 'bootstrap.json']) fs.copyFileSync(path.join(pgDir, f), path.join(pgDir2, f));
    const pg2 = await startKamen(pgDir2, url);
    children.push(pg2);
    const getUser2 = await signedQuery(pg2.port, 'iam', 'Action=GetUser&Version=2010-05-08', pgCreds);
    const one = await rps([pg1.port], [pgReqs[1]![1]], 32);
    const two = await rps([pg1.port, pg2.port], [pgReqs[1]![1], getUser2], 16);
    console.log(`pgcompare two nodes vs one (GetUser, 32 connections in all): one ${Math.round(one)} req/s, two ${Math.round(two)} req/s, ratio ${(two / one).toFixed(2)} (one machine: the nodes share its cores)`);
  } finally {
    for (const c of children) await c.stop();
    await got.cluster.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
