/**
 * The bucket configuration the front door applies before an operation runs: the resource side of authorization (the
 * bucket policy, withheld from callers outside the owner's account while RestrictPublicBuckets covers a public
 * policy) and the condition keys read from stored tags.
 */
import type { ResourceOwner } from '../../authz/authorizer.js';
import { S3_RESOLVED_CONDITION_KEYS } from '../../authz/context.js';
import type { S3BucketRecord, S3ObjectRecord, Store } from '../../store/store.js';
import type { Caller } from '../types.js';
import { effectivePublicAccessBlock } from './public-access-block.js';
import { isPublicPolicy } from './public-policy.js';
import { EXISTING_TAG_OPERATIONS, tagConditionKeys } from './tagging.js';
import { aclStatements, withAclStatements } from './acl-access.js';
import { OBJECT_ACL_HEADER } from './acl.js';
import { aclsDisabled } from './ownership.js';

/**
 * The bucket's owner and policy as the resource side of a request. RestrictPublicBuckets ("only AWS service principals
 * and authorized users within the bucket owner's account") leaves a caller of another account, or an anonymous one,
 * with no bucket policy at all when that policy is public: nothing grants it access. With ACLs enabled, the grants of
 * the bucket's and the object's ACL that apply to the caller are added as statements (acl-access.ts; IgnorePublicAcls
 * drops the public ones).
 */
export async function bucketResourceOwner(store: Store, b: S3BucketRecord, caller: Caller, object?: S3ObjectRecord): Promise<ResourceOwner> {
  const owner: ResourceOwner = { account: b.accountId, policyId: `s3-bucket-policy:${b.name}` };
  let policy = b.policy;
  if (policy !== undefined && caller.accountId !== b.accountId && isPublicPolicy(policy) && (await effectivePublicAccessBlock(store, b)).RestrictPublicBuckets) policy = undefined;
  if (!aclsDisabled(b) && (b.acl !== undefined || object?.headers[OBJECT_ACL_HEADER] !== undefined)) {
    const ignorePublic = (await effectivePublicAccessBlock(store, b)).IgnorePublicAcls;
    policy = withAclStatements(policy, aclStatements(b, object, caller, ignorePublic));
  }
  if (policy !== undefined) owner.policy = policy;
  return owner;
}

/**
 * The input with the tag condition keys of the request resolved from the store (the input itself when there are
 * none), and the current object read for s3:ExistingObjectTag (the operation reuses it).
 */
export async function withTagConditionKeys(store: Store, bucket: S3BucketRecord | undefined, operation: string, input: Record<string, unknown>): Promise<{ input: Record<string, unknown>; existing?: S3ObjectRecord }> {
  const key = input['Key'];
  // A request naming a version is decided on that version's tags (versioning.ts), not the current object's.
  const versionId = input['VersionId'];
  const existing = bucket && typeof key === 'string' && EXISTING_TAG_OPERATIONS.has(operation)
    ? typeof versionId === 'string' ? await store.getS3ObjectVersion(bucket.name, key, versionId) : await store.getS3Object(bucket.name, key)
    : undefined;
  const keys = tagConditionKeys(operation, input, existing, bucket?.tags);
  return { input: Object.keys(keys).length > 0 ? { ...input, [S3_RESOLVED_CONDITION_KEYS]: keys } : input, ...(existing ? { existing } : {}) };
}
