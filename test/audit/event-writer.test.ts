/**
 * Events appended off the event loop (SQLite file: the event writer thread, own connection) and WAL checkpoints on the
 * checkpointer thread: what is appended is read back in order with the events written inside transactions, survives a
 * restart, never collides with the serving connection's writes, and the WAL is copied into the database file without a
 * checkpoint on the serving connection.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BLOCK_EVENTS, BLOCK_SPAN_MS, FORMAT_BINARY, POSITIONS_PER_BLOCK, encodeBlocks, keysOf, readBlock, storedEvent } from '../../src/store/sqlite/event-block.js';
import { openStore, DB_FILE } from '../../src/store/open.js';
import type { Store, StoredEvent } from '../../src/store/store.js';

const T0 = Date.UTC(2026, 11, 3, 12, 0, 0);
const A = '111111111111';
const dirs: string[] = [];
after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});
function newDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-event-writer-'));
  dirs.push(d);
  return d;
}

function ev(i: number, over: Partial<StoredEvent> = {}): StoredEvent {
  return {
    accountId: A,
    eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    eventTime: new Date(T0 + Math.floor(i / 3) * 1000),
    eventName: i % 2 ? 'GetUser' : 'CreateUser',
    eventSource: 'iam.amazonaws.com',
    readOnly: i % 2 === 1,
    username: `user-${i % 4}`,
    accessKeyId: `AKIA${i % 5}`,
    resources: [{ ResourceType: 'AWS::IAM::User', ResourceName: `u${i % 3}` }],
    record: JSON.stringify({ i, note: 'quote " backslash \\ newline \n ünïcødé ✓' }),
    ...over,
  };
}

/** Every event of account A in the hour, oldest first, as the `i` of its record. */
async function all(store: Store, attribute?: { key: 'ResourceName' | 'Username'; value: string }): Promise<number[]> {
  const got: number[] = [];
  let afterPos: { timeMs: number; seq: number } | undefined;
  for (;;) {
    const page = await store.lookupEvents({ accountId: A, startMs: T0, endMs: T0 + 3600_000, limit: 50, ...(attribute ? { attribute } : {}), ...(afterPos ? { after: afterPos } : {}) });
    got.push(...page.map((e) => (JSON.parse(e.record) as { i: number }).i));
    if (page.length < 50) break;
    const last = page[page.length - 1]!;
    afterPos = { timeMs: last.eventTime.getTime(), seq: last.seq };
  }
  return got.reverse();
}

/** The events of encoded blocks, read back as the store reads them. */
function roundTrip(events: readonly StoredEvent[]): StoredEvent[] {
  return encodeBlocks(events).flatMap((b, n) =>
    readBlock(FORMAT_BINARY, b.data).map((e) => {
      const { seq, ...stored } = storedEvent(n + 1, b.accountId, b.awsRegion, b.data, e);
      assert.equal(seq, (n + 1) * POSITIONS_PER_BLOCK + e.index);
      return stored;
    }),
  );
}

describe('event blocks', () => {
  it('read back what they encode: attributes, optional ones, resources and records with any JSON text', () => {
    const events = [ev(1), ev(2, { username: undefined, accessKeyId: undefined, resources: [] }), ev(3, { record: '{"userAgent":"a\\u0000b"}' })];
    for (const e of events) {
      if (e.username === undefined) delete e.username;
      if (e.accessKeyId === undefined) delete e.accessKeyId;
    }
    assert.deepEqual(roundTrip(events), events);
    assert.deepEqual(roundTrip([]), []);
  });

  it('carry any text as it is: control characters, non-ASCII, long strings, regions, negative times', () => {
    const odd = 'a:1:~\u0000\u0001\n 12:x ✓ ü';
    const long = `${'é'.repeat(70)}${'x'.repeat(5000)}`;
    const events = [
      ev(4, { record: `raw ${odd}`, username: odd, accessKeyId: '', awsRegion: 'eu-west-1', resources: [{ ResourceType: odd, ResourceName: '' }, { ResourceType: '~', ResourceName: long }] }),
      ev(5, { eventTime: new Date(-1234), record: long, eventName: long }),
    ];
    assert.deepEqual(roundTrip(events), events);
  });

  it('hold one account and region each, within a span of time and a number of events, with each distinct key once', () => {
    const B = '222222222222';
    const events = [ev(0), ev(1, { accountId: B }), ev(2, { awsRegion: 'eu-west-1' }), ev(3), ev(4, { eventTime: new Date(T0 + BLOCK_SPAN_MS + 5000) })];
    const blocks = encodeBlocks(events);
    assert.deepEqual(
      blocks.map((b) => [b.accountId, b.awsRegion, b.count]),
      [[A, '', 2], [A, '', 1], [B, '', 1], [A, 'eu-west-1', 1]],
    );
    const first = blocks[0]!;
    assert.equal(first.minTime, T0);
    assert.equal(first.maxTime, T0 + 1000);
    assert.deepEqual(
      [...first.keys].sort(),
      [['AccessKeyId', 'AKIA0'], ['AccessKeyId', 'AKIA3'], ['EventName', 'CreateUser'], ['EventName', 'GetUser'], ['EventSource', 'iam.amazonaws.com'], ['ReadOnly', 'false'], ['ReadOnly', 'true'], ['ResourceName', 'u0'], ['ResourceType', 'AWS::IAM::User'], ['Username', 'user-0'], ['Username', 'user-3'], ['EventId', ev(0).eventId], ['EventId', ev(3).eventId]].sort(),
    );
    assert.deepEqual(keysOf(readBlock(FORMAT_BINARY, first.data), false).sort(), [...first.keys].sort());
    const many = encodeBlocks(Array.from({ length: BLOCK_EVENTS + 5 }, (_, i) => ev(i, { eventTime: new Date(T0) })));
    assert.deepEqual(many.map((b) => b.count), [BLOCK_EVENTS, 5]);
  });

  it('refuse bytes that are not a block, so a damaged block is never read as other events', () => {
    const data = Buffer.from(encodeBlocks([ev(1), ev(2)])[0]!.data);
    const broken = [data.subarray(0, data.length - 1), Buffer.concat([data, Buffer.from([1])]), Buffer.concat([Buffer.from([0xff, 0xff, 0xff, 0x7f]), data])];
    const bumped = Buffer.from(data);
    bumped.writeUInt32LE(bumped.readUInt32LE(0) + 1, 0);
    broken.push(bumped);
    for (const b of broken) assert.throws(() => readBlock(FORMAT_BINARY, b), /corrupt event block/);
    assert.throws(() => readBlock(7, data), /corrupt event block/);
  });
});

describe('detached appends on a SQLite file', () => {
  it('are read back in order, interleaved with events appended in transactions, by every attribute, and after a restart', async () => {
    const dir = newDir();
    let store = await openStore({ dataDir: dir });
    assert.equal(typeof store.appendEventsDetached, 'function');
    const expected: number[] = [];
    const pending: Array<Promise<void>> = [];
    for (let i = 0; i < 300; i += 3) {
      // a detached batch and a transactional one in flight together, as the sink and a state-changing call are
      pending.push(store.appendEventsDetached!([ev(i), ev(i + 1)]));
      pending.push(store.transaction(() => store.appendEvents([ev(i + 2)])));
      expected.push(i, i + 1, i + 2);
    }
    await Promise.all(pending);
    const got = await all(store);
    assert.deepEqual([...got].sort((a, b) => a - b), expected, 'every event is stored exactly once');
    // newest first by time, then by position: within one second the order is the order of the commits
    for (let k = 1; k < got.length; k++) assert.ok(Math.floor(got[k - 1]! / 3) <= Math.floor(got[k]! / 3), 'oldest first by second');
    assert.deepEqual(await all(store, { key: 'ResourceName', value: 'u1' }), got.filter((i) => i % 3 === 1));
    assert.deepEqual(await all(store, { key: 'Username', value: 'user-2' }), got.filter((i) => i % 4 === 2));
    await store.close();
    store = await openStore({ dataDir: dir });
    try {
      assert.deepEqual(await all(store), got, 'the same events, in the same order, after a restart');
    } finally {
      await store.close();
    }
  });

  it('never collide with the serving connection: concurrent transactions and detached appends all commit', async () => {
    const store = await openStore({ dataDir: newDir() });
    try {
      const work: Array<Promise<unknown>> = [];
      for (let i = 0; i < 40; i++) {
        work.push(store.appendEventsDetached!([ev(i)]));
        work.push(store.transaction(() => store.setSetting(`k${i}`, String(i))));
      }
      await Promise.all(work);
      assert.equal((await all(store)).length, 40);
      for (let i = 0; i < 40; i++) assert.equal(await store.getSetting(`k${i}`), String(i));
    } finally {
      await store.close();
    }
  });

  it('work on an in-memory store too (on the serving connection)', async () => {
    const store = await openStore({ dataDir: ':memory:' });
    try {
      await store.appendEventsDetached!([ev(0), ev(1)]);
      assert.deepEqual(await all(store), [0, 1]);
    } finally {
      await store.close();
    }
  });
});

describe('WAL checkpoints', () => {
  it('copy committed pages into the database file while the store is open, well before the WAL reaches 1000 pages', async () => {
    const dir = newDir();
    const store = await openStore({ dataDir: dir });
    try {
      const file = path.join(dir, DB_FILE);
      const before = fs.statSync(file).size;
      // about 200 pages of events: SQLite's own automatic checkpoint would wait for 1000
      const big = 'x'.repeat(3000);
      for (let i = 0; i < 250; i += 25) await store.transaction(() => store.appendEvents(Array.from({ length: 25 }, (_, j) => ev(i + j, { record: JSON.stringify({ i: i + j, big }) }))));
      const deadline = Date.now() + 20_000;
      while (fs.statSync(file).size <= before + 500_000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.ok(fs.statSync(file).size > before + 500_000, 'the database file grew: the checkpointer copied the WAL into it');
    } finally {
      await store.close();
    }
  });
});
