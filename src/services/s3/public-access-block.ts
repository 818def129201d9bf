/**
 * Block Public Access (S3 User Guide, "Blocking public access to your Amazon S3 storage"): the bucket's settings
 * (Put/Get/DeletePublicAccessBlock), the account's (S3 Control, see s3-control.ts), and the effective setting — each
 * flag on when either the bucket or its owner's account sets it.
 */
import { KamenError } from '../../errors.js';
import type { S3BucketRecord, Store } from '../../store/store.js';
import type { S3Operation } from './context.js';
import { bucketOf } from './buckets.js';
import { malformed } from '../../protocol/rest-xml/index.js';

/** The four settings. */
export interface PublicAccessBlock {
  BlockPublicAcls: boolean;
  IgnorePublicAcls: boolean;
  BlockPublicPolicy: boolean;
  RestrictPublicBuckets: boolean;
}

const FLAGS = ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const;

/** Every flag off: no settings at either level. */
export const NO_BLOCK: Readonly<PublicAccessBlock> = { BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false };

/** A stored configuration (JSON) as the four flags, absent members false. */
export function parsePublicAccessBlock(text: string | undefined): PublicAccessBlock {
  if (text === undefined) return { ...NO_BLOCK };
  const v = JSON.parse(text) as Partial<PublicAccessBlock>;
  return { BlockPublicAcls: v.BlockPublicAcls === true, IgnorePublicAcls: v.IgnorePublicAcls === true, BlockPublicPolicy: v.BlockPublicPolicy === true, RestrictPublicBuckets: v.RestrictPublicBuckets === true };
}

/** The configuration of a request body as stored (MalformedXML without one). */
export function publicAccessBlockText(config: Partial<Record<string, unknown>> | undefined): string {
  if (!config) throw malformed();
  const out: Record<string, boolean> = {};
  for (const f of FLAGS) out[f] = config[f] === true;
  return JSON.stringify(out);
}

/** The effective settings for a bucket: the bucket's OR its owner's account's, flag by flag. */
export async function effectivePublicAccessBlock(store: Store, bucket: S3BucketRecord): Promise<PublicAccessBlock> {
  const b = parsePublicAccessBlock(bucket.publicAccessBlock);
  const a = parsePublicAccessBlock(await store.getS3AccountPublicAccessBlock(bucket.accountId));
  return { BlockPublicAcls: b.BlockPublicAcls || a.BlockPublicAcls, IgnorePublicAcls: b.IgnorePublicAcls || a.IgnorePublicAcls, BlockPublicPolicy: b.BlockPublicPolicy || a.BlockPublicPolicy, RestrictPublicBuckets: b.RestrictPublicBuckets || a.RestrictPublicBuckets };
}

/** PutPublicAccessBlock: 200, the bucket's settings replaced. */
export const putPublicAccessBlock: S3Operation = async (ctx, input: { Bucket: string; PublicAccessBlockConfiguration?: Record<string, unknown> }) => {
  const text = publicAccessBlockText(input.PublicAccessBlockConfiguration);
  if (!(await ctx.store.setS3PublicAccessBlock(bucketOf(ctx).name, text))) throw noSuchBucketGone(input.Bucket);
  return undefined;
};

/** GetPublicAccessBlock: the bucket's own settings (not the account's); NoSuchPublicAccessBlockConfiguration when none. */
export const getPublicAccessBlock: S3Operation = async (ctx) => {
  const b = bucketOf(ctx);
  if (b.publicAccessBlock === undefined) throw noSuchConfiguration(b.name);
  return { PublicAccessBlockConfiguration: parsePublicAccessBlock(b.publicAccessBlock) };
};

/** DeletePublicAccessBlock: 204 whether or not settings were set. */
export const deletePublicAccessBlock: S3Operation = async (ctx) => {
  await ctx.store.setS3PublicAccessBlock(bucketOf(ctx).name, undefined);
  return undefined;
};

/** S3's NoSuchPublicAccessBlockConfiguration for a bucket. */
export function noSuchConfiguration(bucket: string): KamenError {
  return new KamenError('ERR_S3_NO_SUCH_PUBLIC_ACCESS_BLOCK', 'The public access block configuration was not found', { BucketName: bucket });
}

function noSuchBucketGone(name: string): KamenError {
  return new KamenError('ERR_S3_NO_SUCH_BUCKET', 'The specified bucket does not exist', { BucketName: name });
}
