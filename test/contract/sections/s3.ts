/** Contract: S3 metadata (global bucket names, empty-only delete, policy and BPA settings, objects in UTF-8 byte order). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { S3ObjectRecord, Store } from '../../../src/store/store.js';
import { withStore } from '../fixtures.js';

const obj = (bucket: string, key: string, blobId = '0'.repeat(32)): S3ObjectRecord => ({
  bucket,
  key,
  size: key.length,
  etag: '"d41d8cd98f00b204e9800998ecf8427e"',
  lastModified: new Date(1_700_000_000_000),
  blobId,
  metadata: { color: 'blue', 'ü': 'ß' },
  headers: { 'content-type': 'text/plain' },
  checksums: { CRC32: 'AAAAAA==' },
});

/** Registers the S3 contract tests. */
export function s3Contract(makeStore: () => Promise<Store>): void {
  describe('s3', () => {
    it('creates buckets once across accounts, lists per account, deletes only empty buckets', () =>
      withStore(makeStore, async (s) => {
        const b = { name: 'bucket-one', accountId: '111111111111', region: 'us-west-2', createdAt: new Date(1_000_000) };
        assert.equal(await s.createS3Bucket(b), undefined);
        assert.deepEqual(await s.createS3Bucket({ ...b, accountId: '222222222222' }), b);
        assert.deepEqual(await s.getS3Bucket('bucket-one'), b);
        assert.deepEqual(await s.listS3Buckets('111111111111'), [b]);
        assert.deepEqual(await s.listS3Buckets('222222222222'), []);
        assert.equal(await s.setS3BucketPolicy('bucket-one', '{"Version":"2012-10-17"}'), true);
        assert.equal(await s.setS3PublicAccessBlock('bucket-one', '{"BlockPublicPolicy":true}'), true);
        assert.equal((await s.getS3Bucket('bucket-one'))?.policy, '{"Version":"2012-10-17"}');
        assert.equal((await s.getS3Bucket('bucket-one'))?.publicAccessBlock, '{"BlockPublicPolicy":true}');
        assert.equal(await s.setS3BucketPolicy('bucket-one', undefined), true);
        assert.equal((await s.getS3Bucket('bucket-one'))?.policy, undefined);
        assert.equal(await s.setS3BucketPolicy('no-such', 'x'), false);
        await s.putS3Object(obj('bucket-one', 'k'));
        assert.equal(await s.deleteS3Bucket('bucket-one'), 'not-empty');
        assert.ok(await s.getS3Bucket('bucket-one'));
        await s.deleteS3Object('bucket-one', 'k');
        assert.equal(await s.deleteS3Bucket('bucket-one'), 'deleted');
        assert.equal(await s.deleteS3Bucket('bucket-one'), 'missing');
        assert.equal(await s.getS3Bucket('bucket-one'), undefined);
      }));

    it('puts, replaces, gets and deletes objects; lists by prefix after a key in byte order', () =>
      withStore(makeStore, async (s) => {
        await s.createS3Bucket({ name: 'bucket-two', accountId: '111111111111', region: 'us-east-1', createdAt: new Date(1) });
        assert.equal(await s.putS3Object(obj('bucket-two', 'a/1')), undefined);
        const replaced = await s.putS3Object(obj('bucket-two', 'a/1', '1'.repeat(32)));
        assert.deepEqual(replaced, obj('bucket-two', 'a/1'));
        assert.deepEqual(await s.getS3Object('bucket-two', 'a/1'), obj('bucket-two', 'a/1', '1'.repeat(32)));
        for (const k of ['é', 'zz', 'a/2', 'a%', 'b', 'a']) await s.putS3Object(obj('bucket-two', k));
        const keys = async (prefix: string, after: string, limit = 100) => (await s.listS3Objects('bucket-two', { prefix, after, limit })).map((o) => o.key);
        assert.deepEqual(await keys('', ''), ['a', 'a%', 'a/1', 'a/2', 'b', 'zz', 'é']);
        assert.deepEqual(await keys('a', ''), ['a', 'a%', 'a/1', 'a/2']);
        assert.deepEqual(await keys('a/', 'a/1'), ['a/2']);
        assert.deepEqual(await keys('', 'b', 1), ['zz']);
        assert.deepEqual(await keys('é', ''), ['é']);
        assert.deepEqual(await s.deleteS3Object('bucket-two', 'b'), obj('bucket-two', 'b'));
        assert.equal(await s.deleteS3Object('bucket-two', 'b'), undefined);
        assert.equal(await s.getS3Object('bucket-two', 'b'), undefined);
      }));
  });
}

/** Registers the S3 multipart contract tests. */
export function s3MultipartContract(makeStore: () => Promise<Store>): void {
  describe('s3 multipart', () => {
    it('creates uploads, replaces parts, lists both, and deletes an upload with its parts', () =>
      withStore(makeStore, async (s) => {
        const u = { uploadId: 'up-1', bucket: 'bkt', key: 'k/ü', initiated: new Date(5_000), initiatorArn: 'arn:aws:iam::111111111111:root', metadata: { a: 'b' }, headers: { 'content-type': 'x/y' } };
        await s.createS3Upload(u);
        await s.createS3Upload({ ...u, uploadId: 'up-0', key: 'a' });
        assert.deepEqual(await s.getS3Upload('up-1'), u);
        assert.deepEqual((await s.listS3Uploads('bkt')).map((x) => x.uploadId), ['up-0', 'up-1']);
        const part = (n: number, blob: string) => ({ uploadId: 'up-1', partNumber: n, size: n * 10, etag: `"${n}"`, blobId: blob, lastModified: new Date(6_000) });
        assert.equal(await s.putS3Part(part(2, 'b2')), undefined);
        assert.equal(await s.putS3Part(part(1, 'b1')), undefined);
        assert.deepEqual(await s.putS3Part(part(2, 'b2-new')), part(2, 'b2'));
        assert.deepEqual(await s.listS3Parts('up-1'), [part(1, 'b1'), part(2, 'b2-new')]);
        assert.deepEqual(await s.deleteS3Upload('up-1'), [part(1, 'b1'), part(2, 'b2-new')]);
        assert.equal(await s.getS3Upload('up-1'), undefined);
        assert.deepEqual(await s.listS3Parts('up-1'), []);
        assert.deepEqual(await s.deleteS3Upload('up-1'), []);
      }));
  });
}
