/**
 * Bucket policies: PutBucketPolicy (validated as a resource-based policy naming this bucket's resources),
 * GetBucketPolicy, DeleteBucketPolicy, GetBucketPolicyStatus. Only identities of the bucket owner's account may manage
 * the policy (others get 405 MethodNotAllowed once authorized, as S3 answers).
 */
import { KamenError } from '../../errors.js';
import { validatePolicy } from '../../policy/index.js';
import type { S3Context, S3Operation } from './context.js';
import { bucketOf } from './buckets.js';

/** Throws MethodNotAllowed unless the caller belongs to the bucket owner's account. */
function ownerOnly(ctx: S3Context): void {
  if (ctx.caller.accountId !== bucketOf(ctx).accountId) {
    throw new KamenError('ERR_S3_METHOD_NOT_ALLOWED', 'The specified method is not allowed against this resource.', { Method: 'PUT', ResourceType: 'BUCKETPOLICY' });
  }
}

function malformedPolicy(message: string): KamenError {
  return new KamenError('ERR_S3_MALFORMED_POLICY', message);
}

/** The Resource strings of a parsed policy's statements. */
function resourcesOf(doc: unknown): string[] {
  const statements = (doc as { Statement?: unknown }).Statement;
  const list = Array.isArray(statements) ? statements : [statements];
  const out: string[] = [];
  for (const st of list) {
    const r = (st as { Resource?: unknown; NotResource?: unknown } | undefined)?.Resource ?? (st as { NotResource?: unknown } | undefined)?.NotResource;
    for (const v of Array.isArray(r) ? r : [r]) if (typeof v === 'string') out.push(v);
  }
  return out;
}

/** True when a resource pattern of the policy names this bucket or objects in it. */
function namesBucket(resource: string, bucket: string): boolean {
  const arn = `arn:aws:s3:::${bucket}`;
  return resource === arn || resource.startsWith(`${arn}/`);
}

/** Validates `text` as this bucket's policy; throws MalformedPolicy with S3's texts. */
export function checkBucketPolicy(text: string, bucket: string): void {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw malformedPolicy("Policies must be valid JSON and the first byte must be '{'");
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw malformedPolicy("Policies must be valid JSON and the first byte must be '{'");
  const { errors } = validatePolicy(text, 'resource');
  if (errors.length > 0) throw malformedPolicy(errors[0]!.message);
  for (const r of resourcesOf(doc)) if (!namesBucket(r, bucket)) throw malformedPolicy('Policy has invalid resource');
}

/** PutBucketPolicy: 204. */
export const putBucketPolicy: S3Operation = async (ctx, input: { Bucket: string; Policy?: string }) => {
  ownerOnly(ctx);
  if (input.Policy === undefined || input.Policy.trim() === '') throw malformedPolicy("Policies must be valid JSON and the first byte must be '{'");
  checkBucketPolicy(input.Policy, input.Bucket);
  if (!(await ctx.store.setS3BucketPolicy(input.Bucket, input.Policy))) throw new KamenError('ERR_S3_NO_SUCH_BUCKET', 'The specified bucket does not exist', { BucketName: input.Bucket });
  return { StatusCode: 204 };
};

/** GetBucketPolicy: the policy text as stored; NoSuchBucketPolicy when none is set. */
export const getBucketPolicy: S3Operation = async (ctx) => {
  ownerOnly(ctx);
  const policy = bucketOf(ctx).policy;
  if (policy === undefined) throw new KamenError('ERR_S3_NO_SUCH_BUCKET_POLICY', 'The bucket policy does not exist', { BucketName: bucketOf(ctx).name });
  return { Policy: policy };
};

/** DeleteBucketPolicy: 204 whether or not a policy was set. */
export const deleteBucketPolicy: S3Operation = async (ctx, input: { Bucket: string }) => {
  ownerOnly(ctx);
  await ctx.store.setS3BucketPolicy(input.Bucket, undefined);
  return undefined;
};

/** True when a statement allows everyone without a condition (S3's "public" test, simplified to unconditional grants). */
export function isPublicPolicy(text: string): boolean {
  const doc = JSON.parse(text) as { Statement?: unknown };
  const list = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  return list.some((st) => {
    const s = st as { Effect?: string; Principal?: unknown; Condition?: unknown };
    if (s.Effect !== 'Allow' || s.Condition !== undefined) return false;
    const p = s.Principal;
    if (p === '*') return true;
    const aws = (p as { AWS?: unknown } | undefined)?.AWS;
    return aws === '*' || (Array.isArray(aws) && aws.includes('*'));
  });
}

/** GetBucketPolicyStatus: IsPublic. */
export const getBucketPolicyStatus: S3Operation = async (ctx) => {
  ownerOnly(ctx);
  const policy = bucketOf(ctx).policy;
  if (policy === undefined) throw new KamenError('ERR_S3_NO_SUCH_BUCKET_POLICY', 'The bucket policy does not exist', { BucketName: bucketOf(ctx).name });
  return { PolicyStatus: { IsPublic: isPublicPolicy(policy) } };
};
