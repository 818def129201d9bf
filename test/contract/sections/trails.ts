/** Contract: CloudTrail trails (unique per account, region and name), signing keys (private keys round-trip), events by position. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { StoredEvent, Store, TrailRecord, TrailSigningKey } from '../../../src/store/store.js';
import { A1, A2, T0, at, withStore } from '../fixtures.js';

const trail = (accountId: string, homeRegion: string, name: string, extra: Partial<TrailRecord> = {}): TrailRecord => ({
  accountId,
  homeRegion,
  name,
  arn: `arn:aws:cloudtrail:${homeRegion}:${accountId}:trail/${name}`,
  s3BucketName: 'logs',
  includeGlobalServiceEvents: true,
  isMultiRegionTrail: false,
  isOrganizationTrail: false,
  logFileValidationEnabled: false,
  isLogging: false,
  createdAt: T0,
  position: 0,
  delivery: { chains: {} },
  ...extra,
});

const event = (accountId: string, i: number): StoredEvent => ({
  accountId,
  eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  eventTime: at(i),
  eventName: 'GetUser',
  eventSource: 'iam.amazonaws.com',
  readOnly: true,
  resources: [],
  record: `{"n":${i}}`,
});

/** Registers the trails contract tests. */
export function trailsContract(makeStore: () => Promise<Store>): void {
  describe('trails', () => {
    it('creates once per (account, region, name), reads, replaces every field, lists, deletes', () =>
      withStore(makeStore, async (s) => {
        const t = trail(A1, 'us-east-1', 'main', { s3KeyPrefix: 'pre', eventSelectors: '[{"ReadWriteType":"All"}]' });
        await s.createTrail(t);
        await assert.rejects(s.createTrail({ ...t, s3BucketName: 'other' }), (e: any) => e.code === 'ERR_ENTITY_ALREADY_EXISTS');
        await s.createTrail(trail(A1, 'eu-west-1', 'main'));
        await s.createTrail(trail(A2, 'us-east-1', 'main'));
        assert.deepEqual(await s.getTrail(A1, 'us-east-1', 'main'), t);
        assert.equal(await s.getTrail(A1, 'us-east-1', 'MAIN'), undefined);
        const changed: TrailRecord = {
          ...t,
          isLogging: true,
          logFileValidationEnabled: true,
          startLoggingTime: at(5),
          stopLoggingTime: at(6),
          position: 42,
          delivery: {
            lastDeliveryTime: at(7),
            lastDeliveryError: 'AccessDenied',
            lastDigestDeliveryTime: at(8),
            chains: { [`${A1}/us-east-1`]: { bucket: 'logs', key: 'k', signature: 'ab', hash: 'cd', endMs: at(8).getTime() } },
          },
        };
        delete changed.s3KeyPrefix;
        assert.equal(await s.putTrail(changed), true);
        assert.deepEqual(await s.getTrail(A1, 'us-east-1', 'main'), changed);
        assert.equal(await s.putTrail(trail(A1, 'us-east-1', 'ghost')), false);
        assert.deepEqual((await s.listTrails(A1)).map((x) => x.homeRegion), ['eu-west-1', 'us-east-1']);
        assert.deepEqual((await s.listTrails()).map((x) => `${x.accountId}/${x.homeRegion}`), [`${A1}/eu-west-1`, `${A1}/us-east-1`, `${A2}/us-east-1`]);
        assert.equal(await s.deleteTrail(A1, 'eu-west-1', 'main'), true);
        assert.equal(await s.deleteTrail(A1, 'eu-west-1', 'main'), false);
        assert.equal(await s.getTrail(A1, 'eu-west-1', 'main'), undefined);
      }));

    it('keeps signing keys per region, oldest first, private keys decrypted on read', () =>
      withStore(makeStore, async (s) => {
        const key = (fp: string, from: number): TrailSigningKey => ({ region: 'us-east-1', fingerprint: fp, publicKey: 'TUlJQg==', privateKey: `-----BEGIN PRIVATE KEY-----\n${fp}\n-----END PRIVATE KEY-----\n`, validFrom: at(from), validTo: at(from + 100) });
        await s.putTrailSigningKey(key('bb', 10));
        await s.putTrailSigningKey(key('aa', 0));
        await s.putTrailSigningKey({ ...key('cc', 0), region: 'eu-west-1' });
        assert.deepEqual(await s.listTrailSigningKeys('us-east-1'), [key('aa', 0), key('bb', 10)]);
        assert.deepEqual((await s.listTrailSigningKeys('eu-west-1')).map((k) => k.fingerprint), ['cc']);
        assert.deepEqual(await s.listTrailSigningKeys('ap-south-1'), []);
      }));

    it('reads stored events after a position, in position order', () =>
      withStore(makeStore, async (s) => {
        assert.equal(await s.lastEventPosition(), 0);
        assert.deepEqual(await s.readEventsAfter(0, 10), []);
        // one transaction each: positions follow commit order (within one transaction, only each account's order is kept)
        for (const [account, n] of [[A1, 1], [A2, 2], [A1, 3]] as const) await s.transaction(() => s.appendEvents([event(account, n)]));
        const all = await s.readEventsAfter(0, 10);
        assert.deepEqual(all.map((e) => e.record), ['{"n":1}', '{"n":2}', '{"n":3}']);
        assert.deepEqual(all.map((e) => e.accountId), [A1, A2, A1]);
        assert.equal(await s.lastEventPosition(), all[2]!.seq);
        const rest = await s.readEventsAfter(all[0]!.seq, 1);
        assert.deepEqual(rest.map((e) => e.record), ['{"n":2}']);
        assert.deepEqual(await s.readEventsAfter(all[2]!.seq, 10), []);
      }));
  });
}
