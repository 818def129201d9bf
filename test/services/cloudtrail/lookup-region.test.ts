/**
 * CloudTrail event history is per region: LookupEvents called in region R answers the events whose awsRegion is R
 * (IAM's and Organizations' events, global services', are us-east-1's), for every lookup attribute and across pages;
 * a NextToken from one region's history is refused in another's. The store's region filter is checked on both
 * backends.
 */
import { after, describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DB_FILE } from '../../../src/store/open.js';
import { openKamen, type Kamen } from '../../../src/app.js';
import { frozenClock } from '../../../src/clock.js';
import { signRequest } from '../../../src/console/sigv4-sign.js';
import { handleApiRequest } from '../../../src/http/pipeline.js';
import { openStore } from '../../../src/store/open.js';
import type { EventLookupKey, Store, StoredEvent } from '../../../src/store/store.js';
import { clusterOrSkip } from '../../helpers/postgres.js';
import { databaseBefore } from '../../helpers/sqlite-migrations.js';

const T0 = Date.UTC(2026, 11, 3, 12, 0, 0);

type Creds = { accessKeyId: string; secretAccessKey: string };

/** A signed call to `service` in `region` (the regional endpoint's host; IAM's is global). */
async function callIn(k: Kamen, creds: Creds, region: string, service: 'iam' | 'sts' | 'cloudtrail', operation: string, params: Record<string, unknown> = {}): Promise<{ status: number; body: string; json: any }> {
  const json = service === 'cloudtrail';
  const host = service === 'iam' ? 'iam.amazonaws.com' : `${service}.${region}.amazonaws.com`;
  const body = json ? JSON.stringify(params) : [['Action', operation], ['Version', service === 'iam' ? '2010-05-08' : '2011-06-15'], ...Object.entries(params).map(([a, b]) => [a, String(b)])].map(([a, b]) => `${encodeURIComponent(a!)}=${encodeURIComponent(b!)}`).join('&');
  const extra: Record<string, string> = json
    ? { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.${operation}` }
    : { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
  const headers = signRequest({ host, service, region: service === 'iam' ? 'us-east-1' : region, body, headers: extra, nowMs: k.clock.now() }, creds);
  const res = await handleApiRequest(k.pipeline, { method: 'POST', path: '/', query: '', headers, body: Buffer.from(body, 'utf8'), host }, { sourceIp: '198.51.100.7', secureTransport: true });
  if (!res) throw new Error('no service answered');
  return { status: res.status, body: res.body, json: json && res.body ? JSON.parse(res.body) : {} };
}

test('LookupEvents answers the events of the region it is called in; global services\' events are us-east-1\'s', async () => {
  const clock = frozenClock(T0);
  const k = await openKamen({ dataDir: ':memory:', clock, log: () => {} });
  try {
    const root = { accessKeyId: k.bootstrap!.accessKeyId, secretAccessKey: k.bootstrap!.secretAccessKey };
    clock.advance(1000);
    assert.equal((await callIn(k, root, 'eu-west-1', 'iam', 'CreateUser', { UserName: 'alice' })).status, 200);
    for (let i = 0; i < 3; i++) {
      clock.advance(1000);
      assert.equal((await callIn(k, root, 'eu-west-1', 'sts', 'GetCallerIdentity')).status, 200);
    }
    clock.advance(1000);
    assert.equal((await callIn(k, root, 'ap-northeast-1', 'sts', 'GetCallerIdentity')).status, 200);
    clock.advance(1000);
    await k.events.flush();

    const names = async (region: string, params: Record<string, unknown> = {}): Promise<Array<{ name: string; region: string }>> => {
      const r = await callIn(k, root, region, 'cloudtrail', 'LookupEvents', params);
      assert.equal(r.status, 200, r.body);
      return (r.json.Events as Array<{ EventName: string; CloudTrailEvent: string }>).map((e) => ({ name: e.EventName, region: JSON.parse(e.CloudTrailEvent).awsRegion }));
    };
    // IAM is global: its CreateUser is us-east-1's, whatever region the client was configured with.
    const east = await names('us-east-1');
    assert.ok(east.some((e) => e.name === 'CreateUser'));
    assert.ok(east.every((e) => e.region === 'us-east-1'), JSON.stringify(east));
    assert.ok(!east.some((e) => e.name === 'GetCallerIdentity'));
    const eu = await names('eu-west-1');
    // (this LookupEvents call's own event is stored after it answers)
    assert.deepEqual(eu.map((e) => e.name), ['GetCallerIdentity', 'GetCallerIdentity', 'GetCallerIdentity']);
    assert.ok(eu.every((e) => e.region === 'eu-west-1'));
    const tokyo = await names('ap-northeast-1', { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'GetCallerIdentity' }] });
    assert.deepEqual(tokyo, [{ name: 'GetCallerIdentity', region: 'ap-northeast-1' }]);
    assert.deepEqual(await names('eu-west-1', { LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: 'alice' }] }), []);
    assert.deepEqual(await names('us-east-1', { LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: 'alice' }] }), [{ name: 'CreateUser', region: 'us-east-1' }]);

    // Pages stay in their region, and a region's NextToken is not another's.
    const first = await callIn(k, root, 'eu-west-1', 'cloudtrail', 'LookupEvents', { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'GetCallerIdentity' }], MaxResults: 2 });
    assert.equal(first.json.Events.length, 2);
    const next = await callIn(k, root, 'eu-west-1', 'cloudtrail', 'LookupEvents', { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'GetCallerIdentity' }], MaxResults: 2, NextToken: first.json.NextToken });
    assert.equal(next.json.Events.length, 1);
    assert.equal(next.json.NextToken, undefined);
    const elsewhere = await callIn(k, root, 'ap-northeast-1', 'cloudtrail', 'LookupEvents', { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'GetCallerIdentity' }], MaxResults: 2, NextToken: first.json.NextToken });
    assert.equal(elsewhere.status, 400);
    assert.equal(elsewhere.json.__type?.split('#').pop(), 'InvalidNextTokenException');
  } finally {
    await k.close();
  }
});

const A = '111111111111';
function ev(i: number): StoredEvent {
  return {
    accountId: A,
    eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    eventTime: new Date(T0 + Math.floor(i / 2) * 1000),
    eventName: i % 3 === 0 ? 'CreateUser' : 'GetUser',
    eventSource: 'iam.amazonaws.com',
    readOnly: i % 3 !== 0,
    username: i % 2 === 0 ? 'alice' : 'bob',
    accessKeyId: `AKIA${i % 4}`,
    awsRegion: i % 4 === 1 ? 'eu-west-1' : 'us-east-1',
    resources: [{ ResourceType: 'AWS::IAM::User', ResourceName: `u${i % 3}` }],
    record: JSON.stringify({ i }),
  };
}
const EVENTS = Array.from({ length: 30 }, (_, i) => ev(i));
const CASES: Array<[EventLookupKey | undefined, string, (e: StoredEvent) => boolean]> = [
  [undefined, '', () => true],
  ['EventId', EVENTS[5]!.eventId, (e) => e.eventId === EVENTS[5]!.eventId],
  ['EventName', 'GetUser', (e) => e.eventName === 'GetUser'],
  ['ReadOnly', 'true', (e) => e.readOnly],
  ['Username', 'bob', (e) => e.username === 'bob'],
  ['AccessKeyId', 'AKIA1', (e) => e.accessKeyId === 'AKIA1'],
  ['ResourceName', 'u1', (e) => e.resources[0]!.ResourceName === 'u1'],
  ['ResourceType', 'AWS::IAM::User', () => true],
];

async function regionContract(store: Store): Promise<void> {
  await store.appendEvents(EVENTS);
  for (const region of ['us-east-1', 'eu-west-1', 'ap-south-1']) {
    for (const [key, value, match] of CASES) {
      const got: number[] = [];
      let after: { timeMs: number; seq: number } | undefined;
      for (;;) {
        const page = await store.lookupEvents({ accountId: A, region, ...(key ? { attribute: { key, value } } : {}), startMs: T0, endMs: T0 + 3600_000, limit: 4, ...(after ? { after } : {}) });
        got.push(...page.map((e) => (JSON.parse(e.record) as { i: number }).i));
        if (page.length < 4) break;
        after = { timeMs: page[page.length - 1]!.eventTime.getTime(), seq: page[page.length - 1]!.seq };
      }
      const want = EVENTS.map((e, i) => ({ e, i })).filter(({ e }) => e.awsRegion === region && match(e)).reverse().map(({ i }) => i);
      assert.deepEqual(got, want, `${region} ${key ?? 'no attribute'}`);
    }
  }
  const [one] = await store.lookupEvents({ accountId: A, region: 'eu-west-1', startMs: T0, endMs: T0 + 3600_000, limit: 1 });
  assert.equal(one!.awsRegion, 'eu-west-1');
}

describe('EventStore region filter (SQLite)', () => {
  it('pages one region\'s events by every lookup attribute', async () => {
    const store = await openStore({ dataDir: ':memory:' });
    try {
      await regionContract(store);
    } finally {
      await store.close();
    }
  });
});

describe('migration 017 (SQLite)', () => {
  it('gives the events stored before it the region of their record, and keeps them append-only', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-017-'));
    try {
      // A store as the previous version left it: every migration before 017, two events in two regions.
      const db = databaseBefore(dir, 17);
      const insert = db.prepare("INSERT INTO events (account_id, event_id, event_time, event_name, event_source, read_only, username, access_key_id, resources, record) VALUES (?, ?, ?, 'GetUser', 'iam.amazonaws.com', 'true', 'alice', NULL, ?, ?)");
      const res = JSON.stringify([{ ResourceType: 'AWS::IAM::User', ResourceName: 'alice' }]);
      const one = insert.run(A, 'e-east', T0, res, JSON.stringify({ awsRegion: 'us-east-1', n: 1 })).lastInsertRowid;
      const two = insert.run(A, 'e-eu', T0 + 1000, res, JSON.stringify({ awsRegion: 'eu-west-1', n: 2 })).lastInsertRowid;
      for (const [seq, t] of [[one, T0], [two, T0 + 1000]] as const) db.prepare("INSERT INTO event_resources (seq, account_id, event_time, resource_type, resource_name) VALUES (?, ?, ?, 'AWS::IAM::User', 'alice')").run(seq, A, t);
      db.close();

      const store = await openStore({ dataDir: dir });
      try {
        const ids = async (region: string, attribute?: { key: EventLookupKey; value: string }) =>
          (await store.lookupEvents({ accountId: A, region, ...(attribute ? { attribute } : {}), startMs: 0, endMs: T0 + 60_000, limit: 10 })).map((e) => e.eventId);
        assert.deepEqual(await ids('us-east-1'), ['e-east']);
        assert.deepEqual(await ids('eu-west-1'), ['e-eu']);
        assert.deepEqual(await ids('eu-west-1', { key: 'ResourceName', value: 'alice' }), ['e-eu']);
      } finally {
        await store.close();
      }
      const after17 = new Database(path.join(dir, DB_FILE));
      try {
        // (migration 020 then moved them into event blocks, append-only as well)
        assert.throws(() => after17.prepare("UPDATE event_blocks SET aws_region = 'x'").run(), /append-only/);
        assert.throws(() => after17.prepare("UPDATE event_keys SET aws_region = 'x'").run(), /append-only/);
      } finally {
        after17.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

const got = await clusterOrSkip();
describe('EventStore region filter (PostgreSQL)', { skip: 'skip' in got ? got.skip : false }, () => {
  if ('skip' in got) return;
  const { cluster } = got;
  after(() => cluster.stop());
  it('pages one region\'s events by every lookup attribute', async () => {
    const url = await cluster.createDatabase('regions');
    const store = await openStore({ url, schema: 'rg', masterKey: randomBytes(32) });
    try {
      await regionContract(store);
    } finally {
      await store.close();
    }
  });
});
