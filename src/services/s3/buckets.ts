/** Bucket operations: CreateBucket (name and location rules), HeadBucket, DeleteBucket, ListBuckets, GetBucketLocation. */
import { KamenError } from '../../errors.js';
import { isKnownRegion } from '../ec2/index.js';
import type { S3Context, S3Operation } from './context.js';
import { owner } from './context.js';
import { checkBucketName } from './names.js';
import { applyBucketCreateConfig, bucketCreateConfig } from './acl.js';
import { bucketPolicyId } from './bucket-policy.js';

const US_EAST_1 = 'us-east-1';

/** The region a new bucket goes to, by S3's rules for the endpoint's region and the LocationConstraint given. */
export function bucketRegion(endpointRegion: string, constraint: string | undefined): string {
  if (constraint === undefined || constraint === '') {
    if (endpointRegion === US_EAST_1) return US_EAST_1;
    throw new KamenError('ERR_S3_ILLEGAL_LOCATION_CONSTRAINT', 'The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.');
  }
  const region = constraint === 'EU' ? 'eu-west-1' : constraint;
  if (constraint === US_EAST_1 || !isKnownRegion(region)) throw new KamenError('ERR_S3_INVALID_LOCATION_CONSTRAINT', 'The specified location-constraint is not valid', { LocationConstraint: constraint });
  if (region !== endpointRegion) throw new KamenError('ERR_S3_ILLEGAL_LOCATION_CONSTRAINT', `The ${constraint} location constraint is incompatible for the region specific endpoint this request was sent to.`);
  return region;
}

/** CreateBucket: global names; BucketAlreadyOwnedByYou / BucketAlreadyExists (us-east-1 re-creation by the owner is a no-op). */
export const createBucket: S3Operation = async (ctx, input: { Bucket: string; CreateBucketConfiguration?: { LocationConstraint?: string }; ObjectOwnership?: string }) => {
  checkBucketName(input.Bucket);
  const region = bucketRegion(ctx.region, input.CreateBucketConfiguration?.LocationConstraint);
  // Object Ownership and the ACL (acl.ts), stored with the new bucket in one transaction.
  const config = await bucketCreateConfig(ctx, input);
  const existing = await ctx.store.transaction(async () => {
    const e = await ctx.store.createS3Bucket({ name: input.Bucket, accountId: ctx.caller.accountId, region, createdAt: new Date(ctx.clock.now()) });
    if (!e) await applyBucketCreateConfig(ctx, input.Bucket, config);
    return e;
  });
  if (existing) {
    if (existing.accountId !== ctx.caller.accountId) {
      throw new KamenError('ERR_S3_BUCKET_ALREADY_EXISTS', 'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.', { BucketName: input.Bucket });
    }
    if (!(existing.region === US_EAST_1 && region === US_EAST_1)) {
      throw new KamenError('ERR_S3_BUCKET_ALREADY_OWNED_BY_YOU', 'Your previous request to create the named bucket succeeded and you already own it.', { BucketName: input.Bucket });
    }
  }
  return { Location: `/${input.Bucket}` };
};

/** HeadBucket: the bucket's region (the bucket itself was looked up before authorization). */
export const headBucket: S3Operation = async (ctx) => ({ BucketRegion: bucketOf(ctx).region });

/** DeleteBucket: only an empty bucket (BucketNotEmpty). */
export const deleteBucket: S3Operation = async (ctx, input: { Bucket: string }) => {
  // The bucket policy's principal bindings go with the bucket.
  const r = await ctx.store.transaction(async () => {
    const d = await ctx.store.deleteS3Bucket(input.Bucket);
    if (d === 'deleted') await ctx.store.setPrincipalBindings(bucketPolicyId(input.Bucket), []);
    return d;
  });
  if (r === 'not-empty') throw new KamenError('ERR_S3_BUCKET_NOT_EMPTY', 'The bucket you tried to delete is not empty', { BucketName: input.Bucket });
  if (r === 'missing') throw noSuchBucket(input.Bucket);
  return undefined;
};

/** ListBuckets: the caller's account's buckets, by name. */
export const listBuckets: S3Operation = async (ctx) => {
  const buckets = await ctx.store.listS3Buckets(ctx.caller.accountId);
  return {
    Buckets: buckets.map((b) => ({ Name: b.name, CreationDate: b.createdAt, BucketRegion: b.region })),
    Owner: owner(ctx.caller.accountId),
  };
};

/** GetBucketLocation: the region, empty for us-east-1 (rendered by the front as S3's bare LocationConstraint). */
export const getBucketLocation: S3Operation = async (ctx) => {
  const region = bucketOf(ctx).region;
  return { LocationConstraint: region === US_EAST_1 ? '' : region };
};

/** S3's NoSuchBucket for `name`. */
export function noSuchBucket(name: string): KamenError {
  return new KamenError('ERR_S3_NO_SUCH_BUCKET', 'The specified bucket does not exist', { BucketName: name });
}

/** The bucket the front looked up for this request. */
export function bucketOf(ctx: S3Context): NonNullable<S3Context['bucket']> {
  if (!ctx.bucket) throw new KamenError('ERR_INTERNAL', 'bucket not resolved');
  return ctx.bucket;
}
