/** Contract: S3 configuration (migration 011) — bucket ownership, tags and ACL, object headers, account Block Public Access. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../../src/store/store.js';
import { withStore } from '../fixtures.js';

/** Registers the S3 configuration contract tests. */
export function s3ConfigContract(makeStore: () => Promise<Store>): void {
  describe('s3 configuration', () => {
    it('keeps ownership, tags and ACL on the bucket row, removes them, and reports a missing bucket', () =>
      withStore(makeStore, async (s) => {
        const b = { name: 'config-bucket', accountId: '111111111111', region: 'us-east-1', createdAt: new Date(1_000_000) };
        assert.equal(await s.createS3Bucket(b), undefined);
        assert.equal(await s.setS3BucketOwnership(b.name, 'ObjectWriter'), true);
        assert.equal(await s.setS3BucketTags(b.name, [{ Key: 'team', Value: 'blue' }, { Key: 'ü', Value: '' }]), true);
        assert.equal(await s.setS3BucketAcl(b.name, '{"owner":"111111111111","grants":[]}'), true);
        const got = await s.getS3Bucket(b.name);
        assert.equal(got?.ownership, 'ObjectWriter');
        assert.deepEqual(got?.tags, [{ Key: 'team', Value: 'blue' }, { Key: 'ü', Value: '' }]);
        assert.equal(got?.acl, '{"owner":"111111111111","grants":[]}');
        assert.deepEqual((await s.listS3Buckets(b.accountId))[0]?.tags, [{ Key: 'team', Value: 'blue' }, { Key: 'ü', Value: '' }]);
        // '' is a stored value of its own (ownership controls deleted), distinct from absent.
        assert.equal(await s.setS3BucketOwnership(b.name, ''), true);
        assert.equal((await s.getS3Bucket(b.name))?.ownership, '');
        assert.equal(await s.setS3BucketOwnership(b.name, undefined), true);
        assert.equal(await s.setS3BucketTags(b.name, undefined), true);
        assert.equal(await s.setS3BucketAcl(b.name, undefined), true);
        assert.deepEqual(await s.getS3Bucket(b.name), b);
        assert.equal(await s.setS3BucketOwnership('no-such-bucket', 'ObjectWriter'), false);
        assert.equal(await s.setS3BucketTags('no-such-bucket', []), false);
        assert.equal(await s.setS3BucketAcl('no-such-bucket', '{}'), false);
      }));

    it("sets and removes one stored header of an object, leaving the others; a missing object is false", () =>
      withStore(makeStore, async (s) => {
        await s.createS3Bucket({ name: 'hdr-bucket', accountId: '111111111111', region: 'us-east-1', createdAt: new Date(1_000_000) });
        await s.putS3Object({
          bucket: 'hdr-bucket',
          key: 'k',
          size: 1,
          etag: '"x"',
          lastModified: new Date(1_700_000_000_000),
          blobId: '0'.repeat(32),
          metadata: {},
          headers: { 'content-type': 'text/plain' },
          checksums: {},
        });
        assert.equal(await s.setS3ObjectHeader('hdr-bucket', 'k', 'x-amz-tagging', 'a=1&b=%C3%BC'), true);
        assert.deepEqual((await s.getS3Object('hdr-bucket', 'k'))?.headers, { 'content-type': 'text/plain', 'x-amz-tagging': 'a=1&b=%C3%BC' });
        assert.equal(await s.setS3ObjectHeader('hdr-bucket', 'k', 'x-amz-acl', '{"owner":"1"}'), true);
        assert.equal(await s.setS3ObjectHeader('hdr-bucket', 'k', 'x-amz-tagging', undefined), true);
        assert.deepEqual((await s.getS3Object('hdr-bucket', 'k'))?.headers, { 'content-type': 'text/plain', 'x-amz-acl': '{"owner":"1"}' });
        assert.equal(await s.setS3ObjectHeader('hdr-bucket', 'missing', 'x-amz-tagging', 'a=1'), false);
        assert.equal(await s.getS3Object('hdr-bucket', 'missing'), undefined);
      }));

    it('keeps one Block Public Access configuration per account', () =>
      withStore(makeStore, async (s) => {
        assert.equal(await s.getS3AccountPublicAccessBlock('111111111111'), undefined);
        await s.setS3AccountPublicAccessBlock('111111111111', '{"BlockPublicPolicy":true}');
        await s.setS3AccountPublicAccessBlock('111111111111', '{"RestrictPublicBuckets":true}');
        assert.equal(await s.getS3AccountPublicAccessBlock('111111111111'), '{"RestrictPublicBuckets":true}');
        assert.equal(await s.getS3AccountPublicAccessBlock('222222222222'), undefined);
        await s.setS3AccountPublicAccessBlock('111111111111', undefined);
        assert.equal(await s.getS3AccountPublicAccessBlock('111111111111'), undefined);
        await s.setS3AccountPublicAccessBlock('111111111111', undefined);
      }));
  });
}
