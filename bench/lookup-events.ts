/**
 * LookupEvents benchmark: BENCH_EVENTS (default 1,000,000) realistic CloudTrail events — built by the audit record
 * builder for a mix of users, roles, operations and resources over 60 days, across accounts — bulk-appended through the
 * store into an on-disk SQLite store as the server stores them (reads as rows of facts through the writer thread,
 * changes as rendered records in transactions); then LookupEvents (the CloudTrail operation, MaxResults 50) with each
 * lookup attribute, and a second page: the p50 and p90 of a filtered page (goal: p50 < 20 ms over 1,000,000 events).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventRowBatch } from '../src/audit/event-row.js';
import { createSealedKeyIds } from '../src/authz/temporary-keys.js';
import { buildEvents, changesState, pushEventRows } from '../src/audit/record.js';
import type { CallFacts } from '../src/audit/types.js';
import { frozenClock } from '../src/clock.js';
import { createCloudTrailService } from '../src/services/cloudtrail/index.js';
import type { Caller } from '../src/services/types.js';
import { openStore } from '../src/store/open.js';
import type { StoredEvent } from '../src/store/store.js';
import { median } from './load.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const SAMPLES = Number(process.env.BENCH_LOOKUP_SAMPLES ?? 100);
const ACCOUNTS = ['111111111111', '222222222222', '333333333333', '444444444444'];
const OPERATIONS: Array<[string, string, (i: number) => Record<string, unknown>]> = [
  ['iam', 'GetUser', () => ({})],
  ['iam', 'ListRoles', () => ({})],
  ['sts', 'GetCallerIdentity', () => ({})],
  ['iam', 'GetRole', (i) => ({ RoleName: `role-${i % 500}` })],
  ['iam', 'CreateUser', (i) => ({ UserName: `user-${i % 2000}` })],
  ['iam', 'PutUserPolicy', (i) => ({ UserName: `user-${i % 2000}`, PolicyName: 'inline', PolicyDocument: '{"Version":"2012-10-17","Statement":[]}' })],
  ['sts', 'AssumeRole', (i) => ({ RoleArn: `arn:aws:iam::111111111111:role/role-${i % 500}`, RoleSessionName: `s-${i % 50}` })],
];
const END = Date.UTC(2026, 11, 3, 12, 0, 0);
const SPAN = 60 * 86_400_000;

function callerOf(i: number): Caller {
  const accountId = ACCOUNTS[i % ACCOUNTS.length]!;
  const u = i % 200;
  return { kind: 'user', accountId, arn: `arn:aws:iam::${accountId}:user/user-${u}`, userId: `AIDA${String(u).padStart(17, '0')}`, accessKeyId: `AKIA${String(u).padStart(16, '0')}`, userName: `user-${u}` };
}

/** The key IDs the load's AssumeRole calls issue (each event names its key, as a ResourceName). */
const keyIds = createSealedKeyIds();

/** The facts of call `i` of the load: oldest first, evenly spread over SPAN. */
function call(i: number): CallFacts {
  const [service, operation, input] = OPERATIONS[i % OPERATIONS.length]!;
  const caller = callerOf(Math.floor(i / 7));
  const t = END - SPAN + Math.floor((i / EVENTS) * SPAN);
  const output = operation === 'AssumeRole' ? { Credentials: { AccessKeyId: keyIds(caller.accountId, t), SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date(t + 3_600_000) } } : {};
  return { requestId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, eventTimeMs: t, service, operation, region: 'us-east-1', sourceIp: '198.51.100.7', userAgent: 'aws-cli/2.17.0', secureTransport: true, tlsHost: `${service}.amazonaws.com`, caller, input: input(i), output };
}

/** Runs the LookupEvents benchmark. */
export async function run(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-bench-events-'));
  const store = await openStore({ dataDir: tmp });
  try {
    const loadStart = performance.now();
    for (let i = 0; i < EVENTS; i += 10_000) {
      const changes: StoredEvent[] = [];
      const reads = new EventRowBatch();
      for (let j = i; j < Math.min(EVENTS, i + 10_000); j++) {
        const f = call(j);
        if (changesState(f.service, f.operation) || !store.appendEventRows) changes.push(...buildEvents(f).map((e) => e.stored));
        else pushEventRows(reads, f);
      }
      await Promise.all([store.transaction(() => store.appendEvents(changes)), reads.rows > 0 ? store.appendEventRows!(reads.bytes()) : undefined]);
    }
    // Values to look up, taken from a GetRole event of the account in the middle of the load.
    const mid = END - SPAN / 2;
    const [probe] = await store.lookupEvents({ accountId: ACCOUNTS[0]!, region: 'us-east-1', attribute: { key: 'EventName', value: 'GetRole' }, startMs: mid - 86_400_000, endMs: mid, limit: 1 });
    if (!probe || probe.resources.length === 0) throw new Error('lookup-events: no GetRole event in the middle of the load');
    const [assumed] = await store.lookupEvents({ accountId: ACCOUNTS[0]!, region: 'us-east-1', attribute: { key: 'EventName', value: 'AssumeRole' }, startMs: mid - 86_400_000, endMs: mid, limit: 1 });
    const issued = assumed?.resources.find((r) => r.ResourceType === 'AWS::IAM::AccessKey')?.ResourceName;
    if (!issued) throw new Error('lookup-events: no AssumeRole event naming its key in the middle of the load');
    const loadS = (performance.now() - loadStart) / 1000;
    const bytes = fs.readdirSync(tmp).reduce((n, f) => n + fs.statSync(path.join(tmp, f)).size, 0);
    console.log(`lookup-events: loaded ${EVENTS.toLocaleString('en-US')} events in ${loadS.toFixed(1)} s (${Math.round(EVENTS / loadS).toLocaleString('en-US')}/s), ${(bytes / 2 ** 20).toFixed(0)} MiB on disk`);

    const lookup = createCloudTrailService().operations['LookupEvents']!;
    const account = ACCOUNTS[0]!;
    const caller: Caller = { kind: 'root', accountId: account, arn: `arn:aws:iam::${account}:root`, userId: account, accessKeyId: 'AKIAROOTROOTROOTROOT' };
    const ctx = { requestId: 'bench', caller, store, clock: frozenClock(END + 60_000), region: 'us-east-1', sourceIp: '127.0.0.1', secureTransport: true, deps: {} };
    const filters: Array<[string, Record<string, unknown>]> = [
      ['none', {}],
      ['EventName=CreateUser', { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateUser' }] }],
      ['Username', { LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: probe!.username }] }],
      ['ResourceName', { LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: probe!.resources[0]!.ResourceName }] }],
      ['ResourceName=an issued key ID', { LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: issued }] }],
      ['ResourceType=AWS::IAM::Role', { LookupAttributes: [{ AttributeKey: 'ResourceType', AttributeValue: 'AWS::IAM::Role' }] }],
      ['AccessKeyId', { LookupAttributes: [{ AttributeKey: 'AccessKeyId', AttributeValue: probe!.accessKeyId }] }],
      ['EventSource=sts', { LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 'sts.amazonaws.com' }] }],
      ['ReadOnly=false', { LookupAttributes: [{ AttributeKey: 'ReadOnly', AttributeValue: 'false' }] }],
      ['EventId', { LookupAttributes: [{ AttributeKey: 'EventId', AttributeValue: probe!.eventId }] }],
      ['EventName + time window', { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'GetRole' }], StartTime: new Date(END - 10 * 86_400_000), EndTime: new Date(END - 9 * 86_400_000) }],
    ];
    const all: number[] = [];
    for (const [name, input] of filters) {
      const first: number[] = [];
      const second: number[] = [];
      let found = 0;
      for (let i = 0; i < SAMPLES; i++) {
        let t = performance.now();
        const page = (await lookup(ctx, { ...input, MaxResults: 50 })) as { Events: unknown[]; NextToken?: string };
        first.push(performance.now() - t);
        found = page.Events.length;
        if (page.NextToken) {
          t = performance.now();
          await lookup(ctx, { ...input, MaxResults: 50, NextToken: page.NextToken });
          second.push(performance.now() - t);
        }
      }
      if (found === 0) throw new Error(`lookup-events: ${name} found nothing`);
      all.push(...first, ...second);
      const s = (xs: number[]): string => (xs.length ? `p50 ${median(xs).toFixed(2)} ms, p90 ${percentile(xs, 0.9).toFixed(2)} ms` : 'n/a');
      console.log(`lookup-events ${name}: page 1 ${s(first)}; page 2 ${s(second)} (${found} events on page 1, ${SAMPLES} samples)`);
    }
    console.log(`lookup-events: every filtered page over ${EVENTS.toLocaleString('en-US')} events: p50 ${median(all).toFixed(2)} ms, p90 ${percentile(all, 0.9).toFixed(2)} ms (goal: p50 < 20 ms)`);
  } finally {
    await store.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
}
