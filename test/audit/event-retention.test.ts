/**
 * The CloudTrail event retention sweep: `--event-retention-days` parsing, the sweeper over a frozen clock (old events
 * go chunk by chunk, recent ones stay), and kamen's own sweep wired to its clock and its audited calls.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openKamen } from '../../src/app.js';
import { frozenClock } from '../../src/clock.js';
import { openStore } from '../../src/store/open.js';
import type { EventRetentionStore, StoredEvent } from '../../src/store/store.js';
import { DEFAULT_EVENT_RETENTION_DAYS, parseEventRetentionDays, startEventRetentionSweeper, sweepIntervalMs } from '../../src/audit/event-retention.js';
import { call } from './helpers.js';

const T0 = Date.UTC(2026, 11, 3, 12, 0, 0);
const DAY = 86_400_000;
const HOUR = 3_600_000;

function ev(n: number, timeMs: number): StoredEvent {
  return {
    accountId: '111111111111',
    eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    eventTime: new Date(timeMs),
    eventName: 'GetUser',
    eventSource: 'iam.amazonaws.com',
    readOnly: true,
    resources: [],
    record: JSON.stringify({ n }),
    awsRegion: 'us-east-1',
  };
}

test('--event-retention-days takes a decimal number of days > 0; the default is 90 days', () => {
  assert.equal(DEFAULT_EVENT_RETENTION_DAYS, 90);
  assert.equal(parseEventRetentionDays('90'), 90 * DAY);
  assert.equal(parseEventRetentionDays('1.5'), 36 * HOUR);
  assert.equal(parseEventRetentionDays('0.002'), 172_800);
  assert.equal(parseEventRetentionDays('.5'), 12 * HOUR);
  for (const bad of ['', '0', '0.0', '-1', 'abc', '1d', 'NaN', 'Infinity', '1e3', '36501', '0.000000001']) {
    assert.throws(() => parseEventRetentionDays(bad), /--event-retention-days must be a number of days greater than 0/, bad);
  }
});

test('the sweep runs every tenth of the retention, from 1 second to 10 minutes', () => {
  assert.equal(sweepIntervalMs(90 * DAY), 600_000);
  assert.equal(sweepIntervalMs(172_800), 17_280);
  assert.equal(sweepIntervalMs(2000), 1000);
});

test('a retention of 1 day deletes the events stored more than a day ago, in chunks, and keeps the rest', async () => {
  const store = await openStore({});
  const clock = frozenClock(T0);
  const calls: Array<{ before: number; limit: number; n: number }> = [];
  const spy: EventRetentionStore = {
    deleteExpiredEvents: async (before, limit) => {
      const n = await store.deleteExpiredEvents(before, limit);
      calls.push({ before: before.getTime(), limit, n });
      return n;
    },
  };
  const sweeper = startEventRetentionSweeper({ store: spy, clock, retentionMs: DAY, everyMs: 3_600_000, batch: 2 });
  try {
    await sweeper.sweep();
    calls.length = 0;
    // (events more than a minute apart are stored in separate blocks: a block goes once its newest event is old enough)
    const times = [T0 - 3 * DAY, T0 - 2 * DAY, T0 - 2 * DAY + 1, T0 - DAY - 120_000, T0 - DAY + 120_000, T0 - HOUR, T0];
    await store.transaction(() => store.appendEvents(times.map((t, i) => ev(i, t))));
    assert.equal(await sweeper.sweep(), 4);
    // A chunk deletes whole blocks of events (here: [0], [1, 2], [3], …) until it
    // has deleted `limit` or more; one that deletes fewer was the last.
    assert.deepEqual(calls, [
      { before: T0 - DAY, limit: 2, n: 3 },
      { before: T0 - DAY, limit: 2, n: 1 },
    ]);
    const left = (await store.readEventsAfter(0, 100)).map((e) => (JSON.parse(e.record) as { n: number }).n);
    assert.deepEqual(left, [4, 5, 6]);
    clock.advance(121_000);
    assert.equal(await sweeper.sweep(), 1, 'one more is now older than a day');
    clock.advance(2 * DAY);
    assert.equal(await sweeper.sweep(), 1, 'the newest event always stays');
    assert.deepEqual((await store.readEventsAfter(0, 100)).map((e) => (JSON.parse(e.record) as { n: number }).n), [6]);
  } finally {
    await sweeper.stop();
    await store.close();
  }
});

test('a failing sweep is reported to onError and the next one runs again', async () => {
  let fail = true;
  const errors: unknown[] = [];
  const store: EventRetentionStore = {
    deleteExpiredEvents: async () => {
      if (fail) throw new Error('disk I/O error');
      return 0;
    },
  };
  const sweeper = startEventRetentionSweeper({ store, clock: frozenClock(T0), retentionMs: DAY, everyMs: 3_600_000, onError: (e) => errors.push(e) });
  try {
    await assert.rejects(sweeper.sweep(), /disk I\/O error/);
    await new Promise((r) => setImmediate(r));
    assert.ok(errors.length >= 1, 'the first (timer) sweep reported its error');
    fail = false;
    assert.equal(await sweeper.sweep(), 0);
  } finally {
    await sweeper.stop();
  }
});

test('stop() ends a long sweep after its current chunk', async () => {
  let chunks = 0;
  let stop: (() => Promise<void>) | undefined;
  const store: EventRetentionStore = {
    deleteExpiredEvents: async (_before, limit) => {
      chunks++;
      if (chunks === 3) void stop!();
      return limit;
    },
  };
  const sweeper = startEventRetentionSweeper({ store, clock: frozenClock(T0), retentionMs: DAY, everyMs: 3_600_000, batch: 10 });
  stop = () => sweeper.stop();
  assert.equal(await sweeper.sweep(), 30, 'the sweep started at once ends with the chunk during which stop() came');
  assert.equal(chunks, 3);
  await sweeper.stop();
});

test('kamen sweeps its own audited events with the retention it was opened with', async () => {
  const clock = frozenClock(T0);
  const k = await openKamen({ dataDir: ':memory:', clock, withCa: false, eventRetentionMs: DAY, log: () => {} });
  try {
    const root = { accessKeyId: k.bootstrap!.accessKeyId, secretAccessKey: k.bootstrap!.secretAccessKey };
    const account = k.bootstrap!.managementAccountId;
    assert.equal((await call(k, root, 'iam', 'CreateUser', { UserName: 'old' })).status, 200);
    clock.advance(DAY + 1000);
    assert.equal((await call(k, root, 'iam', 'CreateUser', { UserName: 'new' })).status, 200);
    await k.events.flush();
    const names = async (): Promise<string[]> =>
      (await k.store.lookupEvents({ accountId: account, attribute: { key: 'EventName', value: 'CreateUser' }, startMs: 0, endMs: clock.now() + DAY, limit: 10 })).map(
        (e) => (JSON.parse(e.record) as { requestParameters: { userName: string } }).requestParameters.userName,
      );
    assert.deepEqual(await names(), ['new', 'old']);
    assert.ok((await k.sweepExpiredEvents()) >= 1);
    assert.deepEqual(await names(), ['new']);
  } finally {
    await k.close();
  }
});
