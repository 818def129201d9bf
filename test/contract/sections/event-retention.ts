/** Contract: CloudTrail event retention — old events go in chunks, recent, undelivered and newest ones stay. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { StoredEvent, Store, TrailRecord } from '../../../src/store/store.js';
import { A1, A2, at, withStore } from '../fixtures.js';

/** Event `n`, stored at T0 + `s` seconds, with one resource row. */
const event = (n: number, s: number, accountId = A1): StoredEvent => ({
  accountId,
  eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  eventTime: at(s),
  eventName: 'CreateUser',
  eventSource: 'iam.amazonaws.com',
  readOnly: false,
  username: 'alice',
  resources: [{ ResourceType: 'AWS::IAM::User', ResourceName: `u${n}` }],
  record: `{"n":${n}}`,
  awsRegion: 'us-east-1',
});

const trail = (name: string, position: number, isLogging: boolean): TrailRecord => ({
  accountId: A1,
  homeRegion: 'us-east-1',
  name,
  arn: `arn:aws:cloudtrail:us-east-1:${A1}:trail/${name}`,
  s3BucketName: 'logs',
  includeGlobalServiceEvents: true,
  isMultiRegionTrail: false,
  isOrganizationTrail: false,
  logFileValidationEnabled: false,
  isLogging,
  createdAt: at(0),
  position,
  delivery: { chains: {} },
});

/** The `n` of every stored event, in position order. */
async function stored(s: Store): Promise<number[]> {
  return (await s.readEventsAfter(0, 1000)).map((e) => (JSON.parse(e.record) as { n: number }).n);
}

/**
 * Events 1..count at T0 + n seconds (event n at second n), appended in order, one transaction each as state-changing
 * calls store theirs (a backend may keep the events of one transaction together: SQLite deletes them as one block).
 */
async function appendRun(s: Store, count: number, from = 1): Promise<void> {
  for (let i = 0; i < count; i++) await s.transaction(() => s.appendEvents([event(from + i, from + i, (from + i) % 2 ? A1 : A2)]));
}

/** Registers the event retention contract tests. */
export function eventRetentionContract(makeStore: () => Promise<Store>): void {
  describe('event retention', () => {
    it('deletes the events older than the cutoff, keeps the younger ones, and their resource lookups still answer', () =>
      withStore(makeStore, async (s) => {
        assert.equal(await s.deleteExpiredEvents(at(100), 100), 0, 'nothing stored');
        await appendRun(s, 10);
        assert.equal(await s.deleteExpiredEvents(at(6), 100), 5);
        assert.deepEqual(await stored(s), [6, 7, 8, 9, 10]);
        assert.equal(await s.deleteExpiredEvents(at(6), 100), 0, 'nothing more is that old');
        const byName = await s.lookupEvents({ accountId: A2, attribute: { key: 'ResourceName', value: 'u8' }, startMs: 0, endMs: at(1000).getTime(), limit: 10 });
        assert.deepEqual(byName.map((e) => e.record), ['{"n":8}']);
        const gone = await s.lookupEvents({ accountId: A2, attribute: { key: 'ResourceName', value: 'u4' }, startMs: 0, endMs: at(1000).getTime(), limit: 10 });
        assert.deepEqual(gone, []);
        const all = await s.lookupEvents({ accountId: A1, startMs: 0, endMs: at(1000).getTime(), limit: 10 });
        assert.deepEqual(all.map((e) => e.record), ['{"n":9}', '{"n":7}']);
      }));

    it('deletes at most `limit` events per call, oldest first', () =>
      withStore(makeStore, async (s) => {
        await appendRun(s, 10);
        await appendRun(s, 1, 50);
        const counts: number[] = [];
        for (let i = 0; i < 5; i++) counts.push(await s.deleteExpiredEvents(at(20), 3));
        assert.deepEqual(counts, [3, 3, 3, 1, 0]);
        assert.deepEqual(await stored(s), [50]);
      }));

    it('always keeps the newest event, so positions are never reused', () =>
      withStore(makeStore, async (s) => {
        await appendRun(s, 4);
        const last = await s.lastEventPosition();
        assert.equal(await s.deleteExpiredEvents(at(1000), 100), 3);
        assert.deepEqual(await stored(s), [4]);
        assert.equal(await s.lastEventPosition(), last);
        await appendRun(s, 1, 5);
        const [, fifth] = await s.readEventsAfter(0, 10);
        assert.ok(fifth!.seq > last, 'the next event gets a new position');
      }));

    it('keeps every event at or after the lowest position of a logging trail; a stopped trail holds nothing back', () =>
      withStore(makeStore, async (s) => {
        await appendRun(s, 10);
        const seqs = (await s.readEventsAfter(0, 100)).map((e) => e.seq);
        await s.createTrail(trail('stopped', seqs[1]!, false));
        await s.createTrail(trail('behind', seqs[4]!, true));
        await s.createTrail(trail('ahead', seqs[8]!, true));
        assert.equal(await s.deleteExpiredEvents(at(1000), 100), 4, 'events 1-4 are delivered by every logging trail');
        assert.deepEqual(await stored(s), [5, 6, 7, 8, 9, 10]);
        const behind = (await s.getTrail(A1, 'us-east-1', 'behind'))!;
        assert.equal(await s.putTrail({ ...behind, position: seqs[7]! }), true);
        assert.equal(await s.deleteExpiredEvents(at(1000), 100), 3);
        assert.deepEqual(await stored(s), [8, 9, 10]);
        assert.equal(await s.putTrail({ ...behind, position: seqs[7]!, isLogging: false }), true);
        assert.equal(await s.deleteExpiredEvents(at(1000), 100), 1, 'now only the trail at event 9 holds back');
        assert.deepEqual(await stored(s), [9, 10]);
      }));

    it('stops at the first event, by position, that is not yet old enough', () =>
      withStore(makeStore, async (s) => {
        await s.transaction(() => s.appendEvents([event(1, 1), event(2, 2), event(3, 500), event(4, 4), event(5, 600)]));
        assert.equal(await s.deleteExpiredEvents(at(100), 100), 2);
        assert.deepEqual(await stored(s), [3, 4, 5]);
      }));
  });
}
