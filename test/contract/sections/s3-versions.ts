/** Contract: S3 versioning (current / noncurrent versions, delete markers, promotion, listing order) and the sweep's queries. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { S3ObjectRecord, Store } from '../../../src/store/store.js';
import { withStore } from '../fixtures.js';

const blob = (n: number): string => n.toString(16).padStart(32, '0');
const rec = (key: string, n: number): S3ObjectRecord => ({
  bucket: 'vbucket',
  key,
  size: n,
  etag: `"${'e'.repeat(31)}${n}"`,
  lastModified: new Date(1_700_000_000_000 + n),
  blobId: blob(n),
  metadata: { n: String(n) },
  headers: { 'content-type': 'text/plain' },
  checksums: {},
});
const marker = (key: string, versionId: string) => ({ ...rec(key, 0), size: 0, etag: '', blobId: '', metadata: {}, headers: {}, versionId, deleteMarker: true });

/** Registers the S3 versioning contract tests. */
export function s3VersionsContract(makeStore: () => Promise<Store>): void {
  describe('s3 versions', () => {
    it('keeps noncurrent versions and delete markers; the null version is replaced; removal promotes the next newest', () =>
      withStore(makeStore, async (s) => {
        await s.createS3Bucket({ name: 'vbucket', accountId: '111111111111', region: 'us-east-1', createdAt: new Date(1) });
        // a null version written before versioning, then two versions
        await s.putS3Object(rec('k', 1));
        assert.equal(await s.setS3BucketVersioning('vbucket', 'Enabled'), true);
        assert.equal((await s.getS3Bucket('vbucket'))?.versioning, 'Enabled');
        assert.equal(await s.setS3BucketVersioning('no-such', 'Enabled'), false);
        assert.deepEqual(await s.putS3ObjectVersion({ ...rec('k', 2), versionId: 'v2', deleteMarker: false }), []);
        assert.deepEqual(await s.putS3ObjectVersion({ ...rec('k', 3), versionId: 'v3', deleteMarker: false }), []);
        assert.deepEqual(await s.getS3Object('vbucket', 'k'), { ...rec('k', 3), versionId: 'v3' });
        assert.deepEqual(await s.getS3ObjectVersion('vbucket', 'k', 'null'), { ...rec('k', 1), versionId: 'null', deleteMarker: false, isLatest: false });
        assert.equal((await s.getS3ObjectVersion('vbucket', 'k', 'v3'))?.isLatest, true);
        assert.equal(await s.getS3ObjectVersion('vbucket', 'k', 'nope'), undefined);
        // a delete marker hides the key; versions stay
        assert.deepEqual(await s.putS3ObjectVersion(marker('k', 'd4')), []);
        assert.equal(await s.getS3Object('vbucket', 'k'), undefined);
        const latest = await s.getS3LatestVersion('vbucket', 'k');
        assert.equal(latest?.versionId, 'd4');
        assert.equal(latest?.deleteMarker, true);
        assert.equal(latest?.blobId, '', 'a delete marker names no blob');
        assert.equal(await s.deleteS3Bucket('vbucket'), 'not-empty');
        const order = async () => (await s.listS3ObjectVersions('vbucket', { prefix: '', afterKey: '', afterSeq: -1, limit: 100 })).map((v) => `${v.key}:${v.versionId}:${v.isLatest ? 'L' : '-'}${v.deleteMarker ? 'D' : ''}`);
        assert.deepEqual(await order(), ['k:d4:LD', 'k:v3:-', 'k:v2:-', 'k:null:-']);
        // paging from a version marker
        const seq = await s.getS3VersionSeq('vbucket', 'k', 'v3');
        assert.equal(typeof seq, 'number');
        assert.deepEqual((await s.listS3ObjectVersions('vbucket', { prefix: '', afterKey: 'k', afterSeq: seq!, limit: 100 })).map((v) => v.versionId), ['v2', 'null']);
        assert.deepEqual(await s.listS3ObjectVersions('vbucket', { prefix: '', afterKey: 'k', afterSeq: -1, limit: 100 }), []);
        // removing the marker promotes v3
        assert.equal((await s.deleteS3ObjectVersion('vbucket', 'k', 'd4'))?.deleteMarker, true);
        assert.deepEqual(await s.getS3Object('vbucket', 'k'), { ...rec('k', 3), versionId: 'v3' });
        // removing the current version promotes v2
        assert.deepEqual(await s.deleteS3ObjectVersion('vbucket', 'k', 'v3'), { ...rec('k', 3), versionId: 'v3', deleteMarker: false, isLatest: true });
        assert.equal((await s.getS3Object('vbucket', 'k'))?.versionId, 'v2');
        assert.equal(await s.deleteS3ObjectVersion('vbucket', 'k', 'v3'), undefined);
        // suspended: a null write replaces the null version (freed) and keeps v2 as noncurrent
        assert.deepEqual(await s.putS3ObjectVersion({ ...rec('k', 5), versionId: 'null', deleteMarker: false }), [rec('k', 1)]);
        assert.deepEqual(await order(), ['k:null:L', 'k:v2:-']);
        assert.deepEqual(await s.putS3ObjectVersion({ ...rec('k', 6), versionId: 'null', deleteMarker: false }), [rec('k', 5)]);
        assert.deepEqual(await s.putS3ObjectVersion(marker('k', 'null')), [rec('k', 6)]);
        assert.deepEqual(await order(), ['k:null:LD', 'k:v2:-']);
        assert.deepEqual(await s.findS3BlobReferences([blob(2), blob(6), blob(9)]), [blob(2)]);
        await s.deleteS3ObjectVersion('vbucket', 'k', 'null');
        assert.equal((await s.getS3Object('vbucket', 'k'))?.versionId, 'v2');
        await s.deleteS3ObjectVersion('vbucket', 'k', 'v2');
        assert.deepEqual(await order(), []);
        assert.equal(await s.deleteS3Bucket('vbucket'), 'deleted');
      }));

    it('putS3Object (writers outside the S3 service) respects the bucket\'s versioning', () =>
      withStore(makeStore, async (s) => {
        await s.createS3Bucket({ name: 'vbucket', accountId: '111111111111', region: 'us-east-1', createdAt: new Date(1) });
        assert.equal(await s.putS3Object(rec('k', 1)), undefined);
        assert.deepEqual(await s.putS3Object(rec('k', 2)), rec('k', 1), 'unversioned: the replaced record (its blob is freed)');
        await s.setS3BucketVersioning('vbucket', 'Enabled');
        assert.equal(await s.putS3Object(rec('k', 3)), undefined, 'enabled: nothing is replaced');
        const current = await s.getS3Object('vbucket', 'k');
        assert.match(current?.versionId ?? '', /^[A-Za-z0-9_-]{32}$/);
        assert.equal((await s.getS3ObjectVersion('vbucket', 'k', 'null'))?.blobId, blob(2), 'the null version stays as a noncurrent version');
        await s.setS3BucketVersioning('vbucket', 'Suspended');
        assert.deepEqual(await s.putS3Object(rec('k', 4)), rec('k', 2), 'suspended: the (noncurrent) null version is replaced');
        assert.deepEqual(await s.putS3Object(rec('k', 5)), rec('k', 4));
        assert.equal((await s.listS3ObjectVersions('vbucket', { prefix: '', afterKey: '', afterSeq: -1, limit: 10 })).length, 2);
      }));

    it('lists versions by key in byte order under a prefix; finds old uploads and the blobs parts reference', () =>
      withStore(makeStore, async (s) => {
        await s.createS3Bucket({ name: 'vbucket', accountId: '111111111111', region: 'us-east-1', createdAt: new Date(1) });
        for (const [i, k] of ['b', 'a/1', 'é', 'a/2'].entries()) await s.putS3ObjectVersion({ ...rec(k, i + 1), versionId: `v${i}`, deleteMarker: false });
        const keys = async (prefix: string, limit = 100) => (await s.listS3ObjectVersions('vbucket', { prefix, afterKey: '', afterSeq: -1, limit })).map((v) => v.key);
        assert.deepEqual(await keys(''), ['a/1', 'a/2', 'b', 'é']);
        assert.deepEqual(await keys('a/'), ['a/1', 'a/2']);
        assert.deepEqual(await keys('', 2), ['a/1', 'a/2']);
        await s.createS3Upload({ uploadId: 'old', bucket: 'vbucket', key: 'x', initiated: new Date(1_000), initiatorArn: 'arn', metadata: {}, headers: {} });
        await s.createS3Upload({ uploadId: 'new', bucket: 'vbucket', key: 'x', initiated: new Date(9_000), initiatorArn: 'arn', metadata: {}, headers: {} });
        await s.putS3Part({ uploadId: 'old', partNumber: 1, size: 1, etag: '"x"', blobId: blob(77), lastModified: new Date(1_000) });
        assert.deepEqual((await s.listS3UploadsInitiatedBefore(new Date(5_000), 10)).map((u) => u.uploadId), ['old']);
        assert.deepEqual((await s.listS3UploadsInitiatedBefore(new Date(10_000), 1)).map((u) => u.uploadId), ['old']);
        assert.deepEqual(await s.findS3BlobReferences([blob(77), blob(1), blob(99)]), [blob(77), blob(1)]);
        assert.deepEqual(await s.findS3BlobReferences([]), []);
      }));
  });
}
