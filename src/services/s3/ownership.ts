/**
 * S3 Object Ownership (S3 User Guide, "Controlling ownership of objects and disabling ACLs"): Get/Put/Delete
 * BucketOwnershipControls. New buckets are BucketOwnerEnforced (ACLs disabled); BucketOwnerPreferred and ObjectWriter
 * enable ACLs; a bucket whose controls were deleted behaves as ObjectWriter.
 */
import { KamenError } from '../../errors.js';
import { malformed } from '../../protocol/rest-xml/index.js';
import type { S3BucketRecord } from '../../store/store.js';
import type { S3Operation } from './context.js';
import { bucketOf } from './buckets.js';
import { grantsOutsideOwner, parseStoredAcl } from './acl-grants.js';

export const BUCKET_OWNER_ENFORCED = 'BucketOwnerEnforced';
const RULES: ReadonlySet<string> = new Set(['BucketOwnerPreferred', 'ObjectWriter', BUCKET_OWNER_ENFORCED]);
/** The stored value of a bucket whose ownership controls were deleted. */
const NO_CONTROLS = '';

/** The bucket's ObjectOwnership rule; undefined when its controls were deleted (ObjectWriter behaviour). */
export function ownershipRule(bucket: S3BucketRecord): string | undefined {
  if (bucket.ownership === undefined) return BUCKET_OWNER_ENFORCED;
  return bucket.ownership === NO_CONTROLS ? undefined : bucket.ownership;
}

/** True when ACLs are disabled for the bucket (BucketOwnerEnforced). */
export function aclsDisabled(bucket: S3BucketRecord): boolean {
  return ownershipRule(bucket) === BUCKET_OWNER_ENFORCED;
}

/** An ObjectOwnership value of a request, checked (InvalidArgument for an unknown one). */
export function checkOwnership(value: string): string {
  if (!RULES.has(value)) throw new KamenError('ERR_S3_INVALID_ARGUMENT', 'Invalid x-amz-object-ownership header', { ArgumentName: 'x-amz-object-ownership', ArgumentValue: value });
  return value;
}

/** GetBucketOwnershipControls: the rule; OwnershipControlsNotFoundError once the controls were deleted. */
export const getBucketOwnershipControls: S3Operation = async (ctx) => {
  const b = bucketOf(ctx);
  const rule = ownershipRule(b);
  if (rule === undefined) throw new KamenError('ERR_S3_OWNERSHIP_CONTROLS_NOT_FOUND', 'The bucket ownership controls were not found', { BucketName: b.name });
  return { OwnershipControls: { Rules: [{ ObjectOwnership: rule }] } };
};

/**
 * PutBucketOwnershipControls: exactly one rule with a known ObjectOwnership (else MalformedXML). BucketOwnerEnforced
 * is refused while the bucket ACL grants access to anyone but the owner (InvalidBucketAclWithObjectOwnership).
 */
export const putBucketOwnershipControls: S3Operation = async (ctx, input: { OwnershipControls?: { Rules?: Array<{ ObjectOwnership?: string }> } }) => {
  const rules = input.OwnershipControls?.Rules;
  if (!rules || rules.length !== 1 || !RULES.has(rules[0]!.ObjectOwnership ?? '')) throw malformed();
  const name = bucketOf(ctx).name;
  const rule = rules[0]!.ObjectOwnership!;
  // The ACL read and the rule written in one transaction.
  await ctx.store.transaction(async () => {
    const b = await ctx.store.getS3Bucket(name);
    if (!b) throw new KamenError('ERR_S3_NO_SUCH_BUCKET', 'The specified bucket does not exist', { BucketName: name });
    if (rule === BUCKET_OWNER_ENFORCED && grantsOutsideOwner(parseStoredAcl(b.acl, b.accountId), b.accountId)) {
      throw new KamenError('ERR_S3_INVALID_BUCKET_ACL_WITH_OWNERSHIP', "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting", { BucketName: b.name });
    }
    await ctx.store.setS3BucketOwnership(b.name, rule === BUCKET_OWNER_ENFORCED ? undefined : rule);
  });
  return undefined;
};

/** DeleteBucketOwnershipControls: 204; the bucket then behaves as ObjectWriter (ACLs enabled). */
export const deleteBucketOwnershipControls: S3Operation = async (ctx) => {
  await ctx.store.setS3BucketOwnership(bucketOf(ctx).name, NO_CONTROLS);
  return undefined;
};
