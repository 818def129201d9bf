/** The EventStore on both backends: appended events read back by each lookup attribute, paged newest first; append-only. */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore } from '../../src/store/open.js';
import type { EventLookupKey, Store, StoredEvent } from '../../src/store/store.js';
import { clusterOrSkip } from '../helpers/postgres.js';

const T0 = Date.UTC(2026, 11, 3, 12, 0, 0);
const A = '111111111111';
const B = '222222222222';

function ev(i: number, over: Partial<StoredEvent> = {}): StoredEvent {
  return {
    accountId: A,
    eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    eventTime: new Date(T0 + Math.floor(i / 2) * 1000), // two events per second: ties ordered by insertion
    eventName: i % 3 === 0 ? 'CreateUser' : 'GetUser',
    eventSource: i % 5 === 0 ? 'sts.amazonaws.com' : 'iam.amazonaws.com',
    readOnly: i % 3 !== 0,
    username: i % 2 === 0 ? 'alice' : 'bob',
    accessKeyId: `AKIA${i % 4}`,
    resources: [{ ResourceType: 'AWS::IAM::User', ResourceName: `u${i % 3}` }],
    record: JSON.stringify({ i }),
    ...over,
  };
}

const EVENTS = Array.from({ length: 40 }, (_, i) => ev(i));

/** The expected answer, computed from the appended list: newest first (later index first on a tie). */
function expected(key: EventLookupKey | undefined, value: string): number[] {
  const match = (e: StoredEvent): boolean => {
    switch (key) {
      case undefined:
        return true;
      case 'EventId':
        return e.eventId === value;
      case 'EventName':
        return e.eventName === value;
      case 'ReadOnly':
        return String(e.readOnly) === value;
      case 'Username':
        return e.username === value;
      case 'EventSource':
        return e.eventSource === value;
      case 'AccessKeyId':
        return e.accessKeyId === value;
      case 'ResourceType':
        return e.resources.some((r) => r.ResourceType === value);
      case 'ResourceName':
        return e.resources.some((r) => r.ResourceName === value);
    }
  };
  return EVENTS.map((e, i) => ({ e, i })).filter(({ e }) => match(e)).reverse().map(({ i }) => i);
}

const CASES: Array<[EventLookupKey | undefined, string]> = [
  [undefined, ''],
  ['EventId', EVENTS[7]!.eventId],
  ['EventName', 'CreateUser'],
  ['ReadOnly', 'false'],
  ['Username', 'bob'],
  ['EventSource', 'sts.amazonaws.com'],
  ['AccessKeyId', 'AKIA2'],
  ['ResourceType', 'AWS::IAM::User'],
  ['ResourceName', 'u1'],
];

async function contract(store: Store): Promise<void> {
  await store.transaction(() => store.appendEvents(EVENTS));
  await store.appendEvents([ev(99, { accountId: B })]);
  for (const [key, value] of CASES) {
    const got: number[] = [];
    let after: { timeMs: number; seq: number } | undefined;
    for (;;) {
      const page = await store.lookupEvents({ accountId: A, ...(key ? { attribute: { key, value } } : {}), startMs: T0, endMs: T0 + 3600_000, limit: 7, ...(after ? { after } : {}) });
      got.push(...page.map((e) => (JSON.parse(e.record) as { i: number }).i));
      if (page.length < 7) break;
      const last = page[page.length - 1]!;
      after = { timeMs: last.eventTime.getTime(), seq: last.seq };
    }
    assert.deepEqual(got, expected(key, value), `${key ?? 'no attribute'} = ${value}`);
  }
  const window = await store.lookupEvents({ accountId: A, startMs: T0 + 5000, endMs: T0 + 6000, limit: 50 });
  assert.deepEqual(window.map((e) => (JSON.parse(e.record) as { i: number }).i), [13, 12, 11, 10]);
  const [one] = await store.lookupEvents({ accountId: B, startMs: 0, endMs: T0 + 3600_000, limit: 50 });
  assert.deepEqual({ ...one!, seq: 0 }, { ...ev(99, { accountId: B }), seq: 0 });
}

describe('EventStore (SQLite)', () => {
  it('reads back appended events by every lookup attribute, paged newest first', async () => {
    const store = await openStore({ dataDir: ':memory:' });
    try {
      await contract(store);
    } finally {
      await store.close();
    }
  });
});

const got = await clusterOrSkip();
describe('EventStore (PostgreSQL)', { skip: 'skip' in got ? got.skip : false }, () => {
  if ('skip' in got) return;
  const { cluster } = got;
  after(() => cluster.stop());
  it('reads back appended events by every lookup attribute, paged newest first; refuses UPDATE and DELETE', async () => {
    const url = await cluster.createDatabase('events');
    const store = await openStore({ url, schema: 'ev', masterKey: randomBytes(32) });
    try {
      await contract(store);
    } finally {
      await store.close();
    }
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      await assert.rejects(c.query('UPDATE ev.events SET event_name = $1', ['x']), /append-only/);
      await assert.rejects(c.query('DELETE FROM ev.event_resources'), /append-only/);
    } finally {
      await c.end();
    }
  });
});
