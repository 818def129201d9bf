/**
 * Object ownership as new buckets have it (BucketOwnerEnforced: ACLs disabled): GetBucketOwnershipControls names it,
 * GetBucketAcl and GetObjectAcl answer the bucket owner's FULL_CONTROL.
 */
import type { S3Operation } from './context.js';
import { owner } from './context.js';
import { bucketOf } from './buckets.js';
import { objectOf } from './objects.js';

function ownerFullControl(accountId: string): Record<string, unknown> {
  const o = owner(accountId);
  return { Owner: o, Grants: [{ Grantee: { ...o, Type: 'CanonicalUser' }, Permission: 'FULL_CONTROL' }] };
}

/** GetBucketAcl: the owner's FULL_CONTROL. */
export const getBucketAcl: S3Operation = async (ctx) => ownerFullControl(bucketOf(ctx).accountId);

/** GetObjectAcl: the bucket owner's FULL_CONTROL (it owns every object under BucketOwnerEnforced). */
export const getObjectAcl: S3Operation = async (ctx, input: { Key: string }) => {
  await objectOf(ctx, input.Key);
  return ownerFullControl(bucketOf(ctx).accountId);
};

/** GetBucketOwnershipControls: BucketOwnerEnforced. */
export const getBucketOwnershipControls: S3Operation = async () => ({ OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } });
