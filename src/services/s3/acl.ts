/**
 * Access control lists: Get/PutBucketAcl and Get/PutObjectAcl, and the ACL a PutObject / CreateBucket request sets.
 * With BucketOwnerEnforced (the default) ACLs are disabled: reads answer the bucket owner's FULL_CONTROL and a write is
 * accepted only when it grants exactly that (else AccessControlListNotSupported). With ACLs enabled the grants are kept
 * and answered back; BlockPublicAcls refuses a public one. (Access is decided by policies: stored grants are not
 * evaluated as permissions.)
 */
import { KamenError } from '../../errors.js';
import type { S3BucketRecord, S3ObjectRecord } from '../../store/store.js';
import type { S3Context, S3Operation } from './context.js';
import { bucketOf } from './buckets.js';
import { objectOf } from './objects.js';
import { aclOutput, bodyAcl, cannedAcl, defaultAcl, grantsOutsideOwner, headerGrants, isPublicAcl, parseStoredAcl, type Grant, type StoredAcl } from './acl-grants.js';
import { aclsDisabled, BUCKET_OWNER_ENFORCED, checkOwnership, ownershipRule } from './ownership.js';
import { effectivePublicAccessBlock, parsePublicAccessBlock } from './public-access-block.js';

/** The stored-header name of an object's ACL. */
export const OBJECT_ACL_HEADER = 'x-amz-acl';

/** What an ACL-setting request carries. */
interface AclInput {
  ACL?: string;
  AccessControlPolicy?: { Owner?: { ID?: string }; Grants?: Grant[] };
  [grant: string]: unknown;
}

/** The ACL a request sets (canned, grant headers or body — only one of them), or undefined when it sets none. */
function requestAcl(input: AclInput, ownerAccount: string, bucketOwner: string): StoredAcl | undefined {
  const headers = headerGrants(input, ownerAccount);
  const given = [input.ACL !== undefined, headers !== undefined, input.AccessControlPolicy !== undefined].filter(Boolean).length;
  if (given > 1) {
    throw new KamenError('ERR_S3_INVALID_REQUEST', input.ACL !== undefined && headers ? 'Specifying both Canned ACLs and Header Grants is not allowed' : 'This request does not support content');
  }
  if (input.ACL !== undefined) return cannedAcl(input.ACL, ownerAccount, bucketOwner);
  if (headers) return headers;
  if (input.AccessControlPolicy) return bodyAcl(input.AccessControlPolicy, ownerAccount);
  return undefined;
}

function aclNotSupported(): KamenError {
  return new KamenError('ERR_S3_ACL_NOT_SUPPORTED', 'The bucket does not allow ACLs');
}

/** Throws AccessDenied when `acl` is public and BlockPublicAcls is on for the bucket or its account. */
async function refusePublic(ctx: S3Context, bucket: S3BucketRecord, acl: StoredAcl): Promise<void> {
  if (isPublicAcl(acl) && (await effectivePublicAccessBlock(ctx.store, bucket)).BlockPublicAcls) throw new KamenError('ERR_ACCESS_DENIED', 'Access Denied');
}

/** GetBucketAcl: the stored grants, or the owner's FULL_CONTROL. */
export const getBucketAcl: S3Operation = async (ctx) => {
  const b = bucketOf(ctx);
  return aclOutput(aclsDisabled(b) ? defaultAcl(b.accountId) : parseStoredAcl(b.acl, b.accountId));
};

/** PutBucketAcl: 200 (the ownership rule read and the ACL written in one transaction). */
export const putBucketAcl: S3Operation = async (ctx, input: AclInput) => {
  const name = bucketOf(ctx).name;
  await ctx.store.transaction(async () => {
    const b = await currentBucket(ctx, name);
    const acl = requestAcl(input, b.accountId, b.accountId);
    if (!acl) throw new KamenError('ERR_S3_MALFORMED_ACL', 'The XML you provided was not well-formed or did not validate against our published schema');
    if (aclsDisabled(b)) {
      if (grantsOutsideOwner(acl, b.accountId)) throw aclNotSupported();
      return;
    }
    await refusePublic(ctx, b, acl);
    await ctx.store.setS3BucketAcl(b.name, JSON.stringify(acl));
  });
  return undefined;
};

/** The bucket as stored now (inside a transaction), or NoSuchBucket. */
export async function currentBucket(ctx: S3Context, name: string): Promise<S3BucketRecord> {
  const b = await ctx.store.getS3Bucket(name);
  if (!b) throw new KamenError('ERR_S3_NO_SUCH_BUCKET', 'The specified bucket does not exist', { BucketName: name });
  return b;
}

/** The ACL of a stored object: its own, or the bucket owner's FULL_CONTROL. */
export function objectAcl(bucket: S3BucketRecord, o: S3ObjectRecord): StoredAcl {
  const text = aclsDisabled(bucket) ? undefined : o.headers[OBJECT_ACL_HEADER];
  return parseStoredAcl(text, bucket.accountId);
}

/** GetObjectAcl: the object's grants. */
export const getObjectAcl: S3Operation = async (ctx, input: { Key: string }) => {
  const o = await objectOf(ctx, input.Key);
  return aclOutput(objectAcl(bucketOf(ctx), o));
};

/** PutObjectAcl: 200 (NoSuchKey for a missing object). */
export const putObjectAcl: S3Operation = async (ctx, input: AclInput & { Key: string }) => {
  const name = bucketOf(ctx).name;
  await ctx.store.transaction(async () => {
    const b = await currentBucket(ctx, name);
    const o = await objectOf(ctx, input.Key);
    const acl = requestAcl(input, objectAcl(b, o).owner, b.accountId);
    if (!acl) throw new KamenError('ERR_S3_MALFORMED_ACL', 'The XML you provided was not well-formed or did not validate against our published schema');
    if (aclsDisabled(b)) {
      if (grantsOutsideOwner(acl, b.accountId)) throw aclNotSupported();
      return;
    }
    await refusePublic(ctx, b, acl);
    if (!(await ctx.store.setS3ObjectHeader(b.name, input.Key, OBJECT_ACL_HEADER, JSON.stringify(acl)))) {
      throw new KamenError('ERR_S3_NO_SUCH_KEY', 'The specified key does not exist.', { Key: input.Key });
    }
  });
  return {};
};

/**
 * The ACL a write (PutObject, CreateMultipartUpload) gives the new object, as its stored header value: undefined for
 * the bucket owner's FULL_CONTROL. The writer owns the object under ObjectWriter, and under BucketOwnerPreferred unless
 * it grants the bucket owner full control (bucket-owner-full-control).
 */
export async function objectAclOnWrite(ctx: S3Context, input: AclInput): Promise<string | undefined> {
  const b = bucketOf(ctx);
  const rule = ownershipRule(b);
  const writer = ctx.caller.accountId === '' ? b.accountId : ctx.caller.accountId;
  if (rule === BUCKET_OWNER_ENFORCED) {
    const acl = requestAcl(input, b.accountId, b.accountId);
    if (acl && grantsOutsideOwner(acl, b.accountId)) throw aclNotSupported();
    return undefined;
  }
  const ownerAccount = rule === 'BucketOwnerPreferred' && input.ACL === 'bucket-owner-full-control' ? b.accountId : writer;
  const acl = requestAcl(input, ownerAccount, b.accountId) ?? defaultAcl(ownerAccount);
  await refusePublic(ctx, b, acl);
  return ownerAccount === b.accountId && !grantsOutsideOwner(acl, b.accountId) ? undefined : JSON.stringify(acl);
}

/**
 * The ObjectOwnership and ACL a CreateBucket request sets, checked before the bucket exists: with BucketOwnerEnforced
 * (the default) only the owner's FULL_CONTROL is allowed (InvalidBucketAclWithObjectOwnership).
 */
function bucketAclOnCreate(input: AclInput & { Bucket: string }, accountId: string, ownership: string): string | undefined {
  const acl = requestAcl(input, accountId, accountId);
  if (!acl || !grantsOutsideOwner(acl, accountId)) return undefined;
  if (ownership === BUCKET_OWNER_ENFORCED) {
    throw new KamenError('ERR_S3_INVALID_BUCKET_ACL_WITH_OWNERSHIP', "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting", { BucketName: input.Bucket });
  }
  return JSON.stringify(acl);
}

/** What a CreateBucket request configures besides the bucket itself. */
export interface BucketCreateConfig {
  ownership?: string;
  acl?: string;
}

/**
 * The ObjectOwnership (`x-amz-object-ownership`, BucketOwnerEnforced by default) and ACL a CreateBucket request sets,
 * checked before the bucket exists: a public ACL is refused while the account blocks public ACLs.
 */
export async function bucketCreateConfig(ctx: S3Context, input: AclInput & { Bucket: string; ObjectOwnership?: string }): Promise<BucketCreateConfig> {
  const ownership = input.ObjectOwnership !== undefined ? checkOwnership(input.ObjectOwnership) : BUCKET_OWNER_ENFORCED;
  const acl = bucketAclOnCreate(input, ctx.caller.accountId, ownership);
  if (acl && isPublicAcl(JSON.parse(acl) as StoredAcl) && parsePublicAccessBlock(await ctx.store.getS3AccountPublicAccessBlock(ctx.caller.accountId)).BlockPublicAcls) {
    throw new KamenError('ERR_ACCESS_DENIED', 'Access Denied');
  }
  return { ...(ownership !== BUCKET_OWNER_ENFORCED ? { ownership } : {}), ...(acl ? { acl } : {}) };
}

/** Stores what bucketCreateConfig returned on the new bucket (inside the creating transaction). */
export async function applyBucketCreateConfig(ctx: S3Context, name: string, config: BucketCreateConfig): Promise<void> {
  if (config.ownership !== undefined) await ctx.store.setS3BucketOwnership(name, config.ownership);
  if (config.acl !== undefined) await ctx.store.setS3BucketAcl(name, config.acl);
}
