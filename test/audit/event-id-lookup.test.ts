/**
 * LookupEvents by EventId on both backends: an ID kamen makes (led by its millisecond) is found by seeking the second
 * it names, an earlier kamen's random ID through the partial index kept for them, each among many events of the same
 * second, in its region or every region, and not outside the lookup's time window. On SQLite no full EventId index is
 * written for new events (migration 019).
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { newEventId } from '../../src/audit/record.js';
import { DB_FILE, openStore } from '../../src/store/open.js';
import { eventIdSecond } from '../../src/store/rows/events.js';
import type { Store, StoredEvent } from '../../src/store/store.js';
import { clusterOrSkip } from '../helpers/postgres.js';

const T0 = Date.UTC(2026, 11, 3, 12, 0, 0);
const A = '111111111111';
const REGIONS = ['us-east-1', 'eu-west-1'];

/** Event `i`: ten per second, in two regions; every third one carries a random (version 4) ID as an earlier kamen made. */
function ev(i: number): StoredEvent {
  const ms = T0 + Math.floor(i / 10) * 1000 + (i % 10) * 37;
  const legacy = i % 3 === 0;
  return {
    accountId: A,
    eventId: legacy ? `0000${String(i).padStart(4, '0')}-0000-4000-8000-000000000000` : newEventId(ms),
    eventTime: new Date(ms - (ms % 1000)),
    eventName: 'GetUser',
    eventSource: 'iam.amazonaws.com',
    readOnly: true,
    username: 'alice',
    resources: [],
    record: JSON.stringify({ i }),
    awsRegion: REGIONS[i % 2]!,
  };
}

const EVENTS = Array.from({ length: 60 }, (_, i) => ev(i));

async function check(store: Store): Promise<void> {
  await store.transaction(() => store.appendEvents(EVENTS.slice(0, 30)));
  await store.appendEvents(EVENTS.slice(30));
  const ids = (q: { value: string; region?: string; startMs?: number; endMs?: number }) =>
    store
      .lookupEvents({ accountId: A, attribute: { key: 'EventId', value: q.value }, startMs: q.startMs ?? T0 - 86_400_000, endMs: q.endMs ?? T0 + 86_400_000, limit: 50, ...(q.region ? { region: q.region } : {}) })
      .then((page) => page.map((e) => (JSON.parse(e.record) as { i: number }).i));
  for (const [i, e] of EVENTS.entries()) {
    assert.deepEqual(await ids({ value: e.eventId }), [i], `event ${i} in every region`);
    assert.deepEqual(await ids({ value: e.eventId, region: e.awsRegion! }), [i], `event ${i} in its region`);
    assert.deepEqual(await ids({ value: e.eventId, region: REGIONS.find((r) => r !== e.awsRegion)! }), [], `event ${i} not in the other region`);
    const t = e.eventTime.getTime();
    assert.deepEqual(await ids({ value: e.eventId, startMs: t + 1000 }), [], `event ${i} not after its second`);
    assert.deepEqual(await ids({ value: e.eventId, endMs: t - 1 }), [], `event ${i} not before its second`);
    assert.deepEqual(await ids({ value: e.eventId, startMs: t, endMs: t }), [i], `event ${i} within its own second`);
  }
  // IDs that name no stored event: a time-led one of a second that has events, an uppercase spelling, garbage.
  assert.deepEqual(await ids({ value: newEventId(T0 + 1500) }), []);
  assert.deepEqual(await ids({ value: EVENTS[1]!.eventId.toUpperCase() }), []);
  assert.deepEqual(await ids({ value: 'not-an-id' }), []);
}

describe('eventIdSecond', () => {
  it('reads the second a time-led ID names, and nothing from any other ID', () => {
    const ms = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
    assert.equal(eventIdSecond(newEventId(ms)), ms - 678);
    for (const other of ['00000000-0000-4000-8000-000000000001', newEventId(ms).toUpperCase(), 'x', '', `${newEventId(ms)}0`]) assert.equal(eventIdSecond(other), undefined, other);
  });
});

const dirs: string[] = [];
after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('EventId lookups (SQLite file)', () => {
  it('find each event among its second by a time-led or a legacy ID, per region', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-event-id-'));
    dirs.push(dir);
    const store = await openStore({ dataDir: dir });
    try {
      await check(store);
    } finally {
      await store.close();
    }
    // Only IDs not led by their millisecond have EventId key rows: the events kamen writes now are found by their second.
    const db = new Database(path.join(dir, DB_FILE), { readonly: true });
    try {
      const keyed = db.prepare("SELECT count(*) AS n FROM event_keys WHERE account_id = ? AND attr = 'EventId'").get(A) as { n: number };
      assert.equal(keyed.n, EVENTS.filter((e) => e.accountId === A && eventIdSecond(e.eventId) === undefined).length);
    } finally {
      db.close();
    }
  });

  it('work on an in-memory store too', async () => {
    const store = await openStore({ dataDir: ':memory:' });
    try {
      await check(store);
    } finally {
      await store.close();
    }
  });
});

const got = await clusterOrSkip();
describe('EventId lookups (PostgreSQL)', { skip: 'skip' in got ? got.skip : false }, () => {
  if ('skip' in got) return;
  const { cluster } = got;
  after(() => cluster.stop());
  it('find each event among its second by a time-led or a legacy ID, per region', async () => {
    const url = await cluster.createDatabase('event_ids');
    const store = await openStore({ url, schema: 'evid', masterKey: randomBytes(32) });
    try {
      await check(store);
    } finally {
      await store.close();
    }
  });
});
