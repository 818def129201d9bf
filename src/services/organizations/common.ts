/** Shared Organizations helpers: caller checks, AWS's error texts, output shapes, parents and paging. */
import { KamenError, isKamenError } from '../../errors.js';
import type { Account, Organization, OrganizationalUnit, OrgPolicy, Store } from '../../store/store.js';
import type { Operation, OperationContext } from '../types.js';

/** AWS's message texts for the Organizations exceptions kamen raises. */
export const MSG = {
  notInUse: 'Your account is not a member of an organization.',
  accessDenied: "You don't have permissions to access this resource.",
  accountNotFound: "You specified an account that doesn't exist.",
  parentNotFound: "You specified a parent that doesn't exist.",
  sourceParentNotFound: "You specified a source parent that doesn't exist.",
  destinationParentNotFound: "You specified a destination parent that doesn't exist.",
  duplicateAccount: 'That account is already present in the specified destination.',
  duplicateOu: 'An OU with the same name already exists.',
  ouNotFound: "You specified an OU that doesn't exist.",
  ouNotEmpty: 'The specified OU is not empty. Move all accounts to another root or to other OUs, remove all child OUs, and try the operation again.',
  childNotFound: "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.",
  casNotFound: "We can't find an create account request with the CreateAccountRequestId that you specified.",
  policyNotFound: "We can't find a policy with the PolicyId that you specified.",
  targetNotFound: "We can't find a root, OU, account, or email that you specified.",
  duplicatePolicy: 'A policy with the same name already exists.',
  duplicateAttachment: 'The selected policy is already attached to the specified target.',
  policyNotAttached: "The policy isn't attached to the specified target in the specified root.",
  policyInUse: 'The policy is attached to one or more entities. You must detach it from all roots, OUs, and accounts before performing this operation.',
  malformedPolicy: "The provided policy document doesn't meet the requirements of the specified policy type.",
  invalidNextToken: 'You specified an invalid value for nextToken.',
  ouDepth: 'You attempted to create an OU tree that is too many levels deep.',
  alreadyInOrg: 'This account is already a member of an organization. An account can belong to only one organization at a time.',
  orgNotEmpty: 'The organization isn\'t empty. To delete an organization, you must first remove all accounts except the management account.',
  masterCannotLeave:
    "You can't remove a management account from an organization. If you want the management account to become a member account in another organization, you must first delete the current organization of the management account.",
  accountAlreadyClosed: 'You attempted to close an account that is already closed.',
  cannotCloseManagement: "You can't close the management account with the CloseAccount operation.",
  oneOrgPerStore: 'kamen holds one organization per store, and this store already has one.',
  minPolicies: 'You attempted to detach a policy from an entity that would cause the entity to have fewer than the minimum number of policies of a certain type required.',
} as const;

/** The organization, or AWSOrganizationsNotInUseException. */
export async function requireOrg(store: Store): Promise<Organization> {
  const org = await store.getOrganization();
  if (!org) throw new KamenError('ERR_ORG_NOT_IN_USE', MSG.notInUse);
  return org;
}

/** The organization when the caller's account belongs to it (management or member). */
export async function requireMember(ctx: OperationContext): Promise<Organization> {
  const org = await requireOrg(ctx.store);
  if (ctx.caller.accountId !== org.managementAccountId && !(await ctx.store.getAccount(ctx.caller.accountId))) {
    throw new KamenError('ERR_ORG_NOT_IN_USE', MSG.notInUse);
  }
  return org;
}

/** The organization when the caller is the management account; members get AccessDeniedException. */
export async function requireManagement(ctx: OperationContext): Promise<Organization> {
  const org = await requireMember(ctx);
  if (ctx.caller.accountId !== org.managementAccountId) throw new KamenError('ERR_ORG_ACCESS_DENIED', MSG.accessDenied);
  return org;
}

/** Wraps an operation body so only the management account may run it. */
export function managementOnly<I, O>(fn: (ctx: OperationContext, input: I, org: Organization) => Promise<O>): Operation<I, O> {
  return async (ctx, input) => fn(ctx, input, await requireManagement(ctx));
}

/** The Account output shape. */
export const accountShape = (a: Account) => ({
  Id: a.id,
  Arn: a.arn,
  Email: a.email,
  Name: a.name,
  Status: a.status,
  State: a.status, // AWS answers State beside the deprecated Status (same values for these three states)
  JoinedMethod: a.joinedMethod,
  JoinedTimestamp: a.joinedTimestamp,
});

/** The Organization output shape (DescribeOrganization, CreateOrganization). */
export const orgShape = (org: Organization) => ({
  Id: org.id,
  Arn: org.arn,
  FeatureSet: org.featureSet,
  MasterAccountArn: `arn:aws:organizations::${org.managementAccountId}:account/${org.id}/${org.managementAccountId}`,
  MasterAccountId: org.managementAccountId,
  MasterAccountEmail: org.managementAccountEmail,
  AvailablePolicyTypes: org.featureSet === 'ALL' ? SCP_ENABLED : [],
});

/** The OrganizationalUnit output shape. */
export const ouShape = (ou: OrganizationalUnit) => ({ Id: ou.id, Arn: ou.arn, Name: ou.name });

/** DescribeOrganization's AvailablePolicyTypes (deprecated by AWS; it lists SCPs). */
export const SCP_ENABLED = [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }];

/** The PolicySummary output shape. */
export const policySummary = (p: OrgPolicy) => ({
  Id: p.id,
  Arn: p.arn,
  Name: p.name,
  Description: p.description,
  Type: p.type,
  AwsManaged: p.awsManaged,
});

/** 'ROOT' or 'ORGANIZATIONAL_UNIT' when `id` is an existing parent, else undefined. */
export async function parentType(store: Store, org: Organization, id: string): Promise<'ROOT' | 'ORGANIZATIONAL_UNIT' | undefined> {
  if (id === org.rootId) return 'ROOT';
  if (id.startsWith('ou-') && (await store.getOrganizationalUnit(id))) return 'ORGANIZATIONAL_UNIT';
  return undefined;
}

/** Page size for an Organizations listing (MaxResults 1..20; default 20). */
export function maxResults(input: { MaxResults?: number }): number {
  const n = input.MaxResults;
  return n === undefined ? 20 : Math.max(1, Math.min(20, n));
}

/** Runs a store listing, turning a marker the store rejects into InvalidInputException (INVALID_NEXT_TOKEN). */
export async function storePage<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isKamenError(err, 'ERR_ORG_INVALID_INPUT') || isKamenError(err, 'ERR_VALIDATION')) {
      throw new KamenError('ERR_ORG_INVALID_INPUT', MSG.invalidNextToken, { Reason: 'INVALID_NEXT_TOKEN' });
    }
    throw err;
  }
}

/** Pages an in-memory list with an opaque NextToken (base64url of {o: offset, k: kind}). */
export function pageArray<T>(items: T[], input: { NextToken?: string; MaxResults?: number }, kind: string): { items: T[]; NextToken?: string } {
  let offset = 0;
  if (input.NextToken !== undefined) {
    try {
      const t = JSON.parse(Buffer.from(input.NextToken, 'base64url').toString('utf8')) as { o?: unknown; k?: unknown };
      if (t.k !== kind || typeof t.o !== 'number' || !Number.isInteger(t.o) || t.o < 0) throw new Error('bad');
      offset = t.o;
    } catch {
      throw new KamenError('ERR_ORG_INVALID_INPUT', MSG.invalidNextToken, { Reason: 'INVALID_NEXT_TOKEN' });
    }
  }
  const n = maxResults(input);
  const page = items.slice(offset, offset + n);
  const out: { items: T[]; NextToken?: string } = { items: page };
  if (offset + n < items.length) out.NextToken = Buffer.from(JSON.stringify({ o: offset + n, k: kind })).toString('base64url');
  return out;
}

/** The path from the root to an account: [rootId, ouId…, accountId] (empty when the account is not in the organization). */
export async function orgPathForAccount(store: Store, accountId: string): Promise<string[]> {
  const account = await store.getAccount(accountId);
  if (!account) return [];
  const path = [accountId];
  let parent = account.parentId;
  for (let depth = 0; depth < 10 && parent.startsWith('ou-'); depth++) {
    path.unshift(parent);
    const ou = await store.getOrganizationalUnit(parent);
    if (!ou) break;
    parent = ou.parentId;
  }
  if (parent.startsWith('r-')) path.unshift(parent);
  return path;
}
