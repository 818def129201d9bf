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
import { decodeEvents, encodeEvents } from '../../src/store/sqlite/event-writer.js';
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

describe('event batches sent to the writer thread', () => {
  it('decode what they encode: columns, optional columns, resources and records with any JSON text', () => {
    const events = [ev(1), ev(2, { username: undefined, accessKeyId: undefined, resources: [] }), ev(3, { record: '{"userAgent":"a\\u0000b"}' })];
    for (const e of events) {
      if (e.username === undefined) delete e.username;
      if (e.accessKeyId === undefined) delete e.accessKeyId;
    }
    assert.deepEqual(decodeEvents(encodeEvents(events)), events);
    assert.deepEqual(decodeEvents(encodeEvents([])), []);
  });

  it('carry any text as it is: separators, control characters, digits and colons, lone surrogates, negative times', () => {
    const odd = 'a:1:~\u0000\u0001\n\ud800 12:x ✓';
    const events = [ev(4, { record: `raw ${odd}`, username: odd, accessKeyId: '', awsRegion: odd, resources: [{ ResourceType: odd, ResourceName: '' }, { ResourceType: '~', ResourceName: '3:abc' }] }), ev(5, { eventTime: new Date(-1234), record: '' })];
    assert.deepEqual(decodeEvents(encodeEvents(events)), events);
  });

  it('refuse a text that is not an encoded batch, so such a batch is written by the serving connection', () => {
    const text = encodeEvents([ev(1)]);
    for (const broken of [text.slice(0, -1), `x${text}`, text.replace(/^12:/, '12;'), `${text}7:`]) assert.throws(() => decodeEvents(broken), broken.slice(0, 20));
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
