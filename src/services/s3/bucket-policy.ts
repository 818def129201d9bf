/**
 * Bucket policies: PutBucketPolicy (validated as a resource-based policy naming this bucket's resources),
 * GetBucketPolicy, DeleteBucketPolicy, GetBucketPolicyStatus. Only identities of the bucket owner's account may manage
 * the policy (others get 405 MethodNotAllowed once authorized, as S3 answers).
 */
import { KamenError } from '../../errors.js';
import { validatePolicy } from '../../policy/index.js';
import { bindTrustPrincipals } from '../iam/principal-binding.js';
import type { S3Context, S3Operation } from './context.js';
import { bucketOf } from './buckets.js';
import { effectivePublicAccessBlock } from './public-access-block.js';
import { isPublicPolicy } from './public-policy.js';

/** The principal-binding policy ID of a bucket's policy (its ARN; role trust policies use the role ID). */
export function bucketPolicyId(bucket: string): string {
  return `arn:aws:s3:::${bucket}`;
}

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

/**
 * PutBucketPolicy: 204. The principals are bound as trust policies bind theirs (a user or role ARN must name an existing
 * identity and is bound to its unique ID; a bare account ID is stored as the account's root ARN), and a public policy
 * is refused while BlockPublicPolicy is on for the bucket or its account.
 */
export const putBucketPolicy: S3Operation = async (ctx, input: { Bucket: string; Policy?: string }) => {
  ownerOnly(ctx);
  if (input.Policy === undefined || input.Policy.trim() === '') throw malformedPolicy("Policies must be valid JSON and the first byte must be '{'");
  checkBucketPolicy(input.Policy, input.Bucket);
  const bucket = bucketOf(ctx);
  await ctx.store.transaction(async () => {
    let bound: Awaited<ReturnType<typeof bindTrustPrincipals>>;
    try {
      bound = await bindTrustPrincipals(ctx.store, input.Policy!);
    } catch (err) {
      if (err instanceof KamenError && err.code === 'ERR_MALFORMED_POLICY_DOCUMENT') throw malformedPolicy(err.message.startsWith('Invalid principal') ? 'Invalid principal in policy' : err.message);
      throw err;
    }
    if (isPublicPolicy(bound.text) && (await effectivePublicAccessBlock(ctx.store, bucket)).BlockPublicPolicy) {
      throw new KamenError('ERR_ACCESS_DENIED', `User: ${ctx.caller.arn} is not authorized to perform: s3:PutBucketPolicy on resource: "arn:aws:s3:::${bucket.name}" because public policies are blocked by the BlockPublicPolicy block public access setting.`);
    }
    if (!(await ctx.store.setS3BucketPolicy(input.Bucket, bound.text))) throw new KamenError('ERR_S3_NO_SUCH_BUCKET', 'The specified bucket does not exist', { BucketName: input.Bucket });
    await ctx.store.setPrincipalBindings(bucketPolicyId(input.Bucket), bound.bindings);
  });
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
  await ctx.store.transaction(async () => {
    await ctx.store.setS3BucketPolicy(input.Bucket, undefined);
    await ctx.store.setPrincipalBindings(bucketPolicyId(input.Bucket), []);
  });
  return undefined;
};

/** GetBucketPolicyStatus: IsPublic (S3's definition of a public policy). */
export const getBucketPolicyStatus: S3Operation = async (ctx) => {
  ownerOnly(ctx);
  const policy = bucketOf(ctx).policy;
  if (policy === undefined) throw new KamenError('ERR_S3_NO_SUCH_BUCKET_POLICY', 'The bucket policy does not exist', { BucketName: bucketOf(ctx).name });
  // The policy's own status, by the same definition BlockPublicPolicy and RestrictPublicBuckets use.
  return { PolicyStatus: { IsPublic: isPublicPolicy(policy) } };
};
