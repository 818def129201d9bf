/**
 * Pagination benchmark: 50,000 roles in one account (bulk-inserted through the store into an on-disk SQLite store),
 * then ListRoles (MaxItems 100) through the IAM service layer: the median cost of page 1 and of page 500 and their
 * ratio (keyset pagination: page 500 should cost what page 1 costs), plus a full walk; then ListPolicies (Scope All:
 * the AWS managed catalog merged with 20,000 customer policies) page 1 vs page 210. BENCH_PAGINATION_PG=1 repeats
 * it on a throwaway PostgreSQL cluster (needs PostgreSQL's binaries).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { frozenClock } from '../src/clock.js';
import { createIamService, loadManagedPolicyCatalog } from '../src/services/iam/index.js';
import type { Caller, Operation } from '../src/services/types.js';
import { openStore } from '../src/store/open.js';
import type { Role, Store } from '../src/store/store.js';
import { median } from './load.js';

const ROLES = Number(process.env.BENCH_PAGINATION_ROLES ?? 50_000);
const PAGE = 100;
const TARGET_PAGE = Math.min(500, Math.ceil(ROLES / PAGE));
const SAMPLES = Number(process.env.BENCH_PAGINATION_SAMPLES ?? 300);
const ACCOUNT = '123456789012';
const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

function role(i: number): Role {
  const name = `role-${String(i).padStart(6, '0')}`;
  return {
    roleId: 'AROA' + String(i).padStart(17, '0'),
    accountId: ACCOUNT,
    roleName: name,
    path: '/',
    arn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
    createDate: new Date(Date.UTC(2024, 0, 1)),
    assumeRolePolicyDocument: TRUST,
    maxSessionDuration: 3600,
    tags: [],
  };
}

/** Runs the pagination benchmark on SQLite (and, with BENCH_PAGINATION_PG=1, on a throwaway PostgreSQL cluster). */
export async function run(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-bench-page-'));
  try {
    await measure('sqlite', await openStore({ dataDir: tmp }));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  if (process.env.BENCH_PAGINATION_PG !== '1') return;
  const { clusterOrSkip } = await import('../test/helpers/postgres.js');
  const got = await clusterOrSkip();
  if ('skip' in got) {
    console.log(`pagination postgres: skipped (${got.skip})`);
    return;
  }
  try {
    const url = await got.cluster.createDatabase('bench');
    // after a bulk load PostgreSQL plans with stale statistics until autovacuum analyzes the table; do it now
    const analyze = async (): Promise<void> => {
      const { default: pg } = await import('pg');
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query('ANALYZE bench.iam_roles');
        await client.query('ANALYZE bench.policies');
      } finally {
        await client.end();
      }
    };
    await measure('postgres', await openStore({ url, schema: 'bench', masterKey: randomBytes(32), poolSize: 4 }), analyze);
  } finally {
    await got.cluster.stop();
  }
}

const POLICIES = Number(process.env.BENCH_PAGINATION_POLICIES ?? 20_000);

/** ListPolicies (Scope All: the AWS managed catalog merged with POLICIES customer policies): page 1 vs a deep page. */
async function listPoliciesPages(label: string, store: Store, ctx: Parameters<Operation>[0], listPolicies: Operation): Promise<void> {
  const now = new Date(Date.UTC(2024, 0, 1));
  for (let i = 0; i < POLICIES; i += 5000) {
    await store.transaction(async () => {
      for (let j = i; j < Math.min(POLICIES, i + 5000); j++) {
        const name = `pol-${String(j).padStart(6, '0')}`;
        const arn = `arn:aws:iam::${ACCOUNT}:policy/${name}`;
        await store.createPolicy(
          { accountId: ACCOUNT, policyId: 'ANPA' + String(j).padStart(17, '0'), policyName: name, path: '/', arn, defaultVersionId: 'v1', createDate: now, updateDate: now, tags: [] },
          { policyArn: arn, versionId: 'v1', document: TRUST, isDefaultVersion: true, createDate: now },
        );
      }
    });
  }
  const call = (marker?: string): Promise<{ Policies: unknown[]; Marker?: string }> =>
    listPolicies(ctx, marker === undefined ? { MaxItems: PAGE } : { MaxItems: PAGE, Marker: marker }) as Promise<{ Policies: unknown[]; Marker?: string }>;
  const deep = Math.floor((POLICIES + 1000) / PAGE);
  let marker: string | undefined;
  let rows = 0;
  for (let p = 1; p < deep; p++) {
    const page = await call(marker);
    rows += page.Policies.length;
    marker = page.Marker;
  }
  const first: number[] = [];
  const far: number[] = [];
  for (let i = 0; i < Math.min(SAMPLES, 100); i++) {
    let t = performance.now();
    await call();
    first.push(performance.now() - t);
    t = performance.now();
    await call(marker);
    far.push(performance.now() - t);
  }
  const m1 = median(first);
  const mN = median(far);
  console.log(`pagination ${label}: ListPolicies (Scope All, ${POLICIES} customer + the AWS catalog) page 1 median ${m1.toFixed(3)} ms, page ${deep} (after ${rows} policies) median ${mN.toFixed(3)} ms: ${(mN / m1).toFixed(2)}× (goal ≈ 1)`);
}

/** Loads ROLES roles into `store`, then times page 1 and page TARGET_PAGE of ListRoles; closes the store. */
async function measure(label: string, store: Store, afterLoad?: () => Promise<void>): Promise<void> {
  try {
    const loadStart = performance.now();
    for (let i = 0; i < ROLES; i += 5000) {
      await store.transaction(async () => {
        for (let j = i; j < Math.min(ROLES, i + 5000); j++) await store.createRole(role(j));
      });
    }
    const loadMs = performance.now() - loadStart;
    await afterLoad?.();
    console.log(`pagination ${label}: loaded ${ROLES} roles in ${(loadMs / 1000).toFixed(1)} s (${Math.round(ROLES / (loadMs / 1000))} roles/s)`);

    const iam = createIamService({ managedPolicies: loadManagedPolicyCatalog() });
    const listRoles = iam.operations['ListRoles']!;
    const caller: Caller = { kind: 'root', accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, userId: ACCOUNT, accessKeyId: 'AKIAROOTROOTROOTROOT' };
    const ctx = { requestId: 'bench', caller, store, clock: frozenClock(Date.UTC(2024, 0, 2)), region: 'us-east-1', sourceIp: '127.0.0.1', secureTransport: true, deps: {} };
    const call = (marker?: string): Promise<{ Roles: unknown[]; Marker?: string }> =>
      listRoles(ctx, marker === undefined ? { MaxItems: PAGE } : { MaxItems: PAGE, Marker: marker }) as Promise<{ Roles: unknown[]; Marker?: string }>;

    // a full walk, which also finds the marker that opens page TARGET_PAGE
    let marker: string | undefined;
    let targetMarker: string | undefined;
    let pages = 0;
    let rows = 0;
    const walkStart = performance.now();
    do {
      const page = await call(marker);
      pages++;
      rows += page.Roles.length;
      marker = page.Marker;
      if (pages === TARGET_PAGE - 1) targetMarker = marker;
    } while (marker !== undefined);
    const walkMs = performance.now() - walkStart;
    if (rows !== ROLES) throw new Error(`the walk returned ${rows} roles, not ${ROLES}`);
    console.log(`pagination ${label}: full ListRoles walk of ${ROLES} roles (${pages} pages of ${PAGE}): ${walkMs.toFixed(0)} ms`);

    // alternate page 1 and page TARGET_PAGE so both see the same machine state
    const first: number[] = [];
    const far: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      let t = performance.now();
      await call();
      first.push(performance.now() - t);
      t = performance.now();
      const p = await call(targetMarker);
      far.push(performance.now() - t);
      if (p.Roles.length !== PAGE) throw new Error(`page ${TARGET_PAGE} held ${p.Roles.length} roles`);
    }
    const m1 = median(first);
    const mN = median(far);
    console.log(`pagination ${label}: ListRoles page 1 median ${m1.toFixed(3)} ms, page ${TARGET_PAGE} median ${mN.toFixed(3)} ms (MaxItems ${PAGE}, ${ROLES} roles, ${SAMPLES} samples each)`);
    console.log(`pagination ${label}: page ${TARGET_PAGE} / page 1 = ${(mN / m1).toFixed(2)}× (goal ≈ 1)`);
    await listPoliciesPages(label, store, ctx, iam.operations['ListPolicies']!);
  } finally {
    await store.close();
  }
}
