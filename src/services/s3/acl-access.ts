/**
 * ACL grants as permissions, when a bucket has ACLs enabled (BucketOwnerPreferred / ObjectWriter): each grant that
 * applies to the caller becomes a resource-policy statement of the bucket's owner, per the S3 User Guide's mapping of
 * ACL permissions to actions — AllUsers as everyone, AuthenticatedUsers as any signed caller, a canonical user ID as
 * that account (delegated to its identity policies, as across accounts both sides must allow). IgnorePublicAcls drops
 * the AllUsers and AuthenticatedUsers grants. Grants to the owner's own account add nothing (its identity policies
 * decide). A Deny of the bucket policy still applies: the statements are added to the same document.
 */
import type { S3BucketRecord, S3ObjectRecord } from '../../store/store.js';
import type { Caller } from '../types.js';
import { ALL_USERS, AUTHENTICATED_USERS, parseStoredAcl, type Grant } from './acl-grants.js';
import { canonicalUserId } from './context.js';
import { aclsDisabled } from './ownership.js';
import { OBJECT_ACL_HEADER } from './acl.js';

/** Bucket ACL permission → actions (on the bucket; WRITE on its objects). */
const BUCKET_ACTIONS: Readonly<Record<string, { actions: string[]; objects?: boolean }>> = {
  READ: { actions: ['s3:ListBucket', 's3:ListBucketVersions', 's3:ListBucketMultipartUploads'] },
  WRITE: { actions: ['s3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion'], objects: true },
  READ_ACP: { actions: ['s3:GetBucketAcl'] },
  WRITE_ACP: { actions: ['s3:PutBucketAcl'] },
};

/** Object ACL permission → actions (on the object). */
const OBJECT_ACTIONS: Readonly<Record<string, string[]>> = {
  READ: ['s3:GetObject', 's3:GetObjectVersion'],
  READ_ACP: ['s3:GetObjectAcl', 's3:GetObjectVersionAcl'],
  WRITE_ACP: ['s3:PutObjectAcl', 's3:PutObjectVersionAcl'],
};

/** The principal a grant gives to this caller, or undefined when it does not apply to the caller. */
function principalFor(grantee: Grant['Grantee'], caller: Caller, owner: string, ignorePublic: boolean): unknown {
  if (grantee.URI === ALL_USERS) return ignorePublic ? undefined : '*';
  if (grantee.URI === AUTHENTICATED_USERS) return ignorePublic || caller.kind === 'anonymous' ? undefined : '*';
  if (grantee.ID !== undefined && caller.kind !== 'anonymous' && caller.accountId !== owner && grantee.ID === canonicalUserId(caller.accountId)) {
    return { AWS: `arn:aws:iam::${caller.accountId}:root` };
  }
  return undefined;
}

function permissions(p: string, table: Readonly<Record<string, unknown>>): string[] {
  return p === 'FULL_CONTROL' ? Object.keys(table) : table[p] !== undefined ? [p] : [];
}

/** The statements the bucket's and the object's ACL grant this caller (none when ACLs are disabled). */
export function aclStatements(bucket: S3BucketRecord, object: S3ObjectRecord | undefined, caller: Caller, ignorePublicAcls: boolean): object[] {
  if (aclsDisabled(bucket)) return [];
  const out: object[] = [];
  const arn = `arn:aws:s3:::${bucket.name}`;
  if (bucket.acl !== undefined) {
    for (const g of parseStoredAcl(bucket.acl, bucket.accountId).grants) {
      const principal = principalFor(g.Grantee, caller, bucket.accountId, ignorePublicAcls);
      if (principal === undefined) continue;
      for (const p of permissions(g.Permission, BUCKET_ACTIONS)) {
        const m = BUCKET_ACTIONS[p]!;
        out.push({ Effect: 'Allow', Principal: principal, Action: m.actions, Resource: m.objects ? `${arn}/*` : arn });
      }
    }
  }
  const objectAcl = object?.headers[OBJECT_ACL_HEADER];
  // A key with a wildcard character cannot be named exactly in a Resource: such an object's grants add nothing.
  if (object && objectAcl !== undefined && !/[*?]|\$\{/.test(object.key)) {
    for (const g of parseStoredAcl(objectAcl, bucket.accountId).grants) {
      const principal = principalFor(g.Grantee, caller, bucket.accountId, ignorePublicAcls);
      if (principal === undefined) continue;
      for (const p of permissions(g.Permission, OBJECT_ACTIONS)) out.push({ Effect: 'Allow', Principal: principal, Action: OBJECT_ACTIONS[p]!, Resource: `${arn}/${object.key}` });
    }
  }
  return out;
}

/** A bucket policy (or none) with the ACL statements added. */
export function withAclStatements(policy: string | undefined, statements: object[]): string | undefined {
  if (statements.length === 0) return policy;
  const doc = policy === undefined ? { Version: '2012-10-17', Statement: [] as unknown[] } : (JSON.parse(policy) as { Version?: string; Statement?: unknown });
  const existing = doc.Statement === undefined ? [] : Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  return JSON.stringify({ ...doc, Statement: [...existing, ...statements] });
}
