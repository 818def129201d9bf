/**
 * S3 access control lists as data: canned ACLs and `x-amz-grant-*` headers expanded to grants, an
 * AccessControlPolicy body read, the stored form (owner account + grants, JSON), and the tests Block Public Access and
 * Object Ownership need (public grants, grants to anyone but the owner).
 */
import { KamenError } from '../../errors.js';
import { canonicalUserId, owner } from './context.js';

/** One grantee as S3 shows it. */
export interface Grantee {
  Type: string;
  ID?: string;
  DisplayName?: string;
  URI?: string;
  EmailAddress?: string;
}

/** One grant. */
export interface Grant {
  Grantee: Grantee;
  Permission: string;
}

/** An ACL as stored: the resource owner's account and the grants. */
export interface StoredAcl {
  owner: string;
  grants: Grant[];
}

export const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
export const AUTHENTICATED_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';
const LOG_DELIVERY = 'http://acs.amazonaws.com/groups/s3/LogDelivery';
const GROUPS: ReadonlySet<string> = new Set([ALL_USERS, AUTHENTICATED_USERS, LOG_DELIVERY]);
const PERMISSIONS: ReadonlySet<string> = new Set(['FULL_CONTROL', 'WRITE', 'WRITE_ACP', 'READ', 'READ_ACP']);

/** The grant headers of a request and the permission each gives. */
const GRANT_MEMBERS: ReadonlyArray<[string, string]> = [
  ['GrantFullControl', 'FULL_CONTROL'],
  ['GrantRead', 'READ'],
  ['GrantReadACP', 'READ_ACP'],
  ['GrantWrite', 'WRITE'],
  ['GrantWriteACP', 'WRITE_ACP'],
];

function accountGrant(accountId: string, permission: string): Grant {
  return { Grantee: { ...owner(accountId), Type: 'CanonicalUser' }, Permission: permission };
}

const group = (uri: string, permission: string): Grant => ({ Grantee: { Type: 'Group', URI: uri }, Permission: permission });

/** The owner's FULL_CONTROL alone: the default ACL. */
export function defaultAcl(ownerAccount: string): StoredAcl {
  return { owner: ownerAccount, grants: [accountGrant(ownerAccount, 'FULL_CONTROL')] };
}

/** A canned ACL's grants (InvalidArgument for an unknown name). */
export function cannedAcl(name: string, ownerAccount: string, bucketOwner: string): StoredAcl {
  const acl = defaultAcl(ownerAccount);
  switch (name) {
    case 'private':
    case 'aws-exec-read':
      break;
    case 'public-read':
      acl.grants.push(group(ALL_USERS, 'READ'));
      break;
    case 'public-read-write':
      acl.grants.push(group(ALL_USERS, 'READ'), group(ALL_USERS, 'WRITE'));
      break;
    case 'authenticated-read':
      acl.grants.push(group(AUTHENTICATED_USERS, 'READ'));
      break;
    case 'log-delivery-write':
      acl.grants.push(group(LOG_DELIVERY, 'WRITE'), group(LOG_DELIVERY, 'READ_ACP'));
      break;
    case 'bucket-owner-read':
      if (bucketOwner !== ownerAccount) acl.grants.push(accountGrant(bucketOwner, 'READ'));
      break;
    case 'bucket-owner-full-control':
      if (bucketOwner !== ownerAccount) acl.grants.push(accountGrant(bucketOwner, 'FULL_CONTROL'));
      break;
    default:
      throw new KamenError('ERR_S3_INVALID_ARGUMENT', '', { ArgumentName: 'x-amz-acl', ArgumentValue: name });
  }
  return acl;
}

/** One grantee as a request names it (a canonical ID of 64 hex digits or a known group URI; InvalidArgument otherwise). */
function checkedGrantee(g: Grantee, ownerAccount: string): Grantee {
  if (g.URI !== undefined) {
    if (!GROUPS.has(g.URI)) throw new KamenError('ERR_S3_INVALID_ARGUMENT', 'Invalid group uri', { ArgumentName: 'uri', ArgumentValue: g.URI });
    return { Type: 'Group', URI: g.URI };
  }
  if (g.ID !== undefined) {
    if (!/^[0-9a-f]{64}$/.test(g.ID)) throw new KamenError('ERR_S3_INVALID_ARGUMENT', 'Invalid id', { ArgumentName: 'CanonicalUser/ID', ArgumentValue: g.ID });
    return g.ID === canonicalUserId(ownerAccount) ? { ...owner(ownerAccount), Type: 'CanonicalUser' } : { Type: 'CanonicalUser', ID: g.ID };
  }
  if (g.EmailAddress !== undefined) throw new KamenError('ERR_S3_INVALID_ARGUMENT', 'Invalid id', { ArgumentName: 'EmailAddress', ArgumentValue: g.EmailAddress });
  throw new KamenError('ERR_S3_MALFORMED_ACL', 'The XML you provided was not well-formed or did not validate against our published schema');
}

/** The grants of `x-amz-grant-*` headers (`id="…", uri="…"`), or undefined when the request has none. */
export function headerGrants(input: Record<string, unknown>, ownerAccount: string): StoredAcl | undefined {
  const grants: Grant[] = [];
  let any = false;
  for (const [member, permission] of GRANT_MEMBERS) {
    const v = input[member];
    if (typeof v !== 'string') continue;
    any = true;
    for (const part of v.split(',')) {
      const m = /^\s*(id|uri|emailAddress)\s*=\s*"?([^"]*)"?\s*$/.exec(part);
      if (!m) throw new KamenError('ERR_S3_INVALID_ARGUMENT', '', { ArgumentName: member, ArgumentValue: v });
      const grantee: Grantee = m[1] === 'id' ? { Type: 'CanonicalUser', ID: m[2]! } : m[1] === 'uri' ? { Type: 'Group', URI: m[2]! } : { Type: 'AmazonCustomerByEmail', EmailAddress: m[2]! };
      grants.push({ Grantee: checkedGrantee(grantee, ownerAccount), Permission: permission });
    }
  }
  return any ? { owner: ownerAccount, grants } : undefined;
}

/** An AccessControlPolicy body's grants (its Owner must be the resource owner, as S3 requires). */
export function bodyAcl(body: { Owner?: { ID?: string }; Grants?: Grant[] }, ownerAccount: string): StoredAcl {
  if (!body.Owner?.ID) throw new KamenError('ERR_S3_MALFORMED_ACL', 'The XML you provided was not well-formed or did not validate against our published schema');
  if (body.Owner.ID !== canonicalUserId(ownerAccount)) throw new KamenError('ERR_ACCESS_DENIED', 'Access Denied');
  const grants = (body.Grants ?? []).map((g) => {
    if (!PERMISSIONS.has(g.Permission)) throw new KamenError('ERR_S3_MALFORMED_ACL', 'The XML you provided was not well-formed or did not validate against our published schema');
    return { Grantee: checkedGrantee(g.Grantee ?? { Type: '' }, ownerAccount), Permission: g.Permission };
  });
  return { owner: ownerAccount, grants };
}

/** A stored ACL (JSON), or the owner's default when none is stored. */
export function parseStoredAcl(text: string | undefined, defaultOwner: string): StoredAcl {
  return text === undefined ? defaultAcl(defaultOwner) : (JSON.parse(text) as StoredAcl);
}

/** True when a grant goes to everyone or every AWS account (S3's "public" ACL). */
export function isPublicAcl(acl: StoredAcl): boolean {
  return acl.grants.some((g) => g.Grantee.URI === ALL_USERS || g.Grantee.URI === AUTHENTICATED_USERS);
}

/** True when a grant goes to anyone but `accountId` (what BucketOwnerEnforced does not allow). */
export function grantsOutsideOwner(acl: StoredAcl, accountId: string): boolean {
  const id = canonicalUserId(accountId);
  return acl.owner !== accountId || acl.grants.some((g) => g.Grantee.ID !== id);
}

/** The ACL as GetBucketAcl / GetObjectAcl answer it. */
export function aclOutput(acl: StoredAcl): Record<string, unknown> {
  return { Owner: owner(acl.owner), Grants: acl.grants };
}
