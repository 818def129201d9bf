/** Tags, AWS service access, delegated administrators, the organization's resource policy and DescribeEffectivePolicy. */
import { KamenError } from '../../errors.js';
import { randomLowerAlnum } from '../../ids.js';
import type { Organization, Tag } from '../../store/store.js';
import type { Operation, OperationContext } from '../types.js';
import { MSG, accountShape, managementOnly, orgPathForAccount, pageArray, requireMember } from './common.js';
import { effectivePolicy } from './effective-policy.js';
import { MANAGEMENT_POLICY_TYPES } from './policy-types.js';
import { STATE_KEYS, readState, writeState, type DelegatedAdminRecord } from './state.js';

const ADMIN_MSG = {
  constraint: 'The requested operation would violate the constraint identified in the reason code.',
  badPrincipal: 'You specified an unrecognized service principal.',
  alreadyRegistered: 'The provided account is already a delegated administrator for your organization.',
  notRegistered: 'The specified account is not a delegated administrator for this Amazon Web Services service.',
  resourcePolicyNotFound: "We can't find a resource policy request with the parameter that you specified.",
  effectiveNotFound: "We can't find an effective policy of the specified type.",
  invalidType: 'You specified an invalid policy type.',
} as const;

/** The most tags one resource may carry (AWS). */
const MAX_TAGS = 50;

/** Tags recorded per resource ID. */
type TagTable = Record<string, Tag[]>;

/** True when `id` names this organization's root, an OU, an account of it or a policy. */
async function resourceExists(ctx: OperationContext, org: Organization, id: unknown): Promise<boolean> {
  if (typeof id !== 'string') return false;
  if (id === org.rootId) return true;
  if (id.startsWith('ou-')) return (await ctx.store.getOrganizationalUnit(id)) !== undefined;
  if (id.startsWith('p-')) return (await ctx.store.getOrgPolicy(id)) !== undefined;
  if (/^\d{12}$/.test(id)) return (await ctx.store.getAccount(id)) !== undefined;
  return false;
}

async function requireResource(ctx: OperationContext, org: Organization, id: unknown): Promise<string> {
  if (!(await resourceExists(ctx, org, id))) throw new KamenError('ERR_ORG_TARGET_NOT_FOUND', MSG.targetNotFound);
  return id as string;
}

/** ConstraintViolationException (MAX_TAG_LIMIT_EXCEEDED) for more than 50 tags. */
export function checkTagCount(tags: readonly Tag[] | undefined): void {
  if ((tags?.length ?? 0) > MAX_TAGS) throw new KamenError('ERR_ORG_CONSTRAINT_VIOLATION', ADMIN_MSG.constraint, { Reason: 'MAX_TAG_LIMIT_EXCEEDED' });
}

/** Records the tags a create operation was given (its `Tags`); call inside its transaction. */
export async function setResourceTags(ctx: OperationContext, id: string, tags: Tag[] | undefined): Promise<void> {
  checkTagCount(tags);
  if (!tags?.length) return;
  const table = await readState<TagTable>(ctx.store, STATE_KEYS.tags, {});
  table[id] = tags.map((t) => ({ Key: t.Key, Value: t.Value }));
  await writeState(ctx.store, STATE_KEYS.tags, table);
}

/** Forgets a deleted resource's tags; call inside the deleting transaction. */
export async function dropResourceTags(ctx: OperationContext, id: string): Promise<void> {
  const table = await readState<TagTable>(ctx.store, STATE_KEYS.tags, {});
  if (!(id in table)) return;
  delete table[id];
  await writeState(ctx.store, STATE_KEYS.tags, table);
}

/** TagResource: adds or replaces tags on an account, OU, root or policy. */
export const tagResource = (): Operation => managementOnly(async (ctx, input: { ResourceId: string; Tags: Tag[] }, org) => {
  await ctx.store.transaction(async () => {
    const id = await requireResource(ctx, org, input.ResourceId);
    const table = await readState<TagTable>(ctx.store, STATE_KEYS.tags, {});
    const tags = [...(table[id] ?? [])];
    for (const t of input.Tags ?? []) {
      const i = tags.findIndex((x) => x.Key === t.Key);
      if (i >= 0) tags[i] = { Key: t.Key, Value: t.Value };
      else tags.push({ Key: t.Key, Value: t.Value });
    }
    if (tags.length > MAX_TAGS) throw new KamenError('ERR_ORG_CONSTRAINT_VIOLATION', ADMIN_MSG.constraint, { Reason: 'MAX_TAG_LIMIT_EXCEEDED' });
    table[id] = tags;
    await writeState(ctx.store, STATE_KEYS.tags, table);
  });
  return {};
});

/** UntagResource: removes the named keys (absent keys are ignored). */
export const untagResource = (): Operation => managementOnly(async (ctx, input: { ResourceId: string; TagKeys: string[] }, org) => {
  await ctx.store.transaction(async () => {
    const id = await requireResource(ctx, org, input.ResourceId);
    const table = await readState<TagTable>(ctx.store, STATE_KEYS.tags, {});
    const drop = new Set(input.TagKeys ?? []);
    table[id] = (table[id] ?? []).filter((t) => !drop.has(t.Key));
    await writeState(ctx.store, STATE_KEYS.tags, table);
  });
  return {};
});

/** ListTagsForResource. */
export const listTagsForResource = (): Operation => managementOnly(async (ctx, input: { ResourceId: string; NextToken?: string }, org) => {
  const id = await requireResource(ctx, org, input.ResourceId);
  const table = await readState<TagTable>(ctx.store, STATE_KEYS.tags, {});
  const page = pageArray(table[id] ?? [], { ...input, MaxResults: 20 }, 'tags');
  return { Tags: page.items, ...(page.NextToken ? { NextToken: page.NextToken } : {}) };
});

/** A service principal AWS would recognize (<name>.amazonaws.com), or InvalidInputException. */
function requirePrincipal(p: unknown): string {
  if (typeof p !== 'string' || !/^[a-z0-9][a-z0-9.-]*\.amazonaws\.com(\.cn)?$/.test(p)) {
    throw new KamenError('ERR_ORG_INVALID_INPUT', ADMIN_MSG.badPrincipal, { Reason: 'UNRECOGNIZED_SERVICE_PRINCIPAL' });
  }
  return p;
}

type AccessRecord = Array<{ ServicePrincipal: string; DateEnabled: number }>;

/** EnableAWSServiceAccess: trusted access for a service (idempotent). */
export const enableAwsServiceAccess = (): Operation => managementOnly(async (ctx, input: { ServicePrincipal: string }, org) => {
  const p = requirePrincipal(input.ServicePrincipal);
  if (org.featureSet !== 'ALL') throw new KamenError('ERR_ORG_CONSTRAINT_VIOLATION', ADMIN_MSG.constraint, { Reason: 'ENABLED_ALL_FEATURES_REQUIRED' });
  await ctx.store.transaction(async () => {
    const list = await readState<AccessRecord>(ctx.store, STATE_KEYS.serviceAccess, []);
    if (!list.some((x) => x.ServicePrincipal === p)) list.push({ ServicePrincipal: p, DateEnabled: ctx.clock.now() });
    await writeState(ctx.store, STATE_KEYS.serviceAccess, list);
  });
  return {};
});

/** DisableAWSServiceAccess (idempotent). */
export const disableAwsServiceAccess = (): Operation => managementOnly(async (ctx, input: { ServicePrincipal: string }) => {
  const p = requirePrincipal(input.ServicePrincipal);
  await ctx.store.transaction(async () => {
    const list = await readState<AccessRecord>(ctx.store, STATE_KEYS.serviceAccess, []);
    await writeState(ctx.store, STATE_KEYS.serviceAccess, list.filter((x) => x.ServicePrincipal !== p));
  });
  return {};
});

/** ListAWSServiceAccessForOrganization. */
export const listAwsServiceAccessForOrganization = (): Operation => managementOnly(async (ctx, input: { NextToken?: string; MaxResults?: number }) => {
  const list = await readState<AccessRecord>(ctx.store, STATE_KEYS.serviceAccess, []);
  const page = pageArray(list, input, 'svc-access');
  return {
    EnabledServicePrincipals: page.items.map((x) => ({ ServicePrincipal: x.ServicePrincipal, DateEnabled: new Date(x.DateEnabled) })),
    ...(page.NextToken ? { NextToken: page.NextToken } : {}),
  };
});

/** RegisterDelegatedAdministrator: a member account administers a service for the organization. */
export const registerDelegatedAdministrator = (): Operation => managementOnly(async (ctx, input: { AccountId: string; ServicePrincipal: string }, org) => {
  const p = requirePrincipal(input.ServicePrincipal);
  await ctx.store.transaction(async () => {
    if (!(await ctx.store.getAccount(input.AccountId))) throw new KamenError('ERR_ORG_ACCOUNT_NOT_FOUND', MSG.accountNotFound);
    if (input.AccountId === org.managementAccountId) {
      throw new KamenError('ERR_ORG_CONSTRAINT_VIOLATION', ADMIN_MSG.constraint, { Reason: 'CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR' });
    }
    const list = await readState<DelegatedAdminRecord[]>(ctx.store, STATE_KEYS.delegatedAdmins, []);
    if (list.some((x) => x.accountId === input.AccountId && x.servicePrincipal === p)) throw new KamenError('ERR_ORG_ACCOUNT_ALREADY_REGISTERED', ADMIN_MSG.alreadyRegistered);
    list.push({ accountId: input.AccountId, servicePrincipal: p, delegationEnabledAt: ctx.clock.now() });
    await writeState(ctx.store, STATE_KEYS.delegatedAdmins, list);
  });
  return {};
});

/** DeregisterDelegatedAdministrator. */
export const deregisterDelegatedAdministrator = (): Operation => managementOnly(async (ctx, input: { AccountId: string; ServicePrincipal: string }) => {
  const p = requirePrincipal(input.ServicePrincipal);
  await ctx.store.transaction(async () => {
    if (!(await ctx.store.getAccount(input.AccountId))) throw new KamenError('ERR_ORG_ACCOUNT_NOT_FOUND', MSG.accountNotFound);
    const list = await readState<DelegatedAdminRecord[]>(ctx.store, STATE_KEYS.delegatedAdmins, []);
    const rest = list.filter((x) => !(x.accountId === input.AccountId && x.servicePrincipal === p));
    if (rest.length === list.length) throw new KamenError('ERR_ORG_ACCOUNT_NOT_REGISTERED', ADMIN_MSG.notRegistered);
    await writeState(ctx.store, STATE_KEYS.delegatedAdmins, rest);
  });
  return {};
});

/** ListDelegatedAdministrators (optionally for one service): the accounts, with when their first delegation began. */
export const listDelegatedAdministrators = (): Operation => managementOnly(async (ctx, input: { ServicePrincipal?: string; NextToken?: string; MaxResults?: number }) => {
  const p = input.ServicePrincipal === undefined ? undefined : requirePrincipal(input.ServicePrincipal);
  const list = (await readState<DelegatedAdminRecord[]>(ctx.store, STATE_KEYS.delegatedAdmins, [])).filter((x) => p === undefined || x.servicePrincipal === p);
  const first = new Map<string, number>();
  for (const x of list) first.set(x.accountId, Math.min(first.get(x.accountId) ?? Infinity, x.delegationEnabledAt));
  const out = [];
  for (const [id, at] of first) {
    const a = await ctx.store.getAccount(id);
    if (a) out.push({ ...accountShape(a), DelegationEnabledDate: new Date(at) });
  }
  const page = pageArray(out, input, 'delegated-admins');
  return { DelegatedAdministrators: page.items, ...(page.NextToken ? { NextToken: page.NextToken } : {}) };
});

/** ListDelegatedServicesForAccount. */
export const listDelegatedServicesForAccount = (): Operation => managementOnly(async (ctx, input: { AccountId: string; NextToken?: string; MaxResults?: number }) => {
  if (!(await ctx.store.getAccount(input.AccountId))) throw new KamenError('ERR_ORG_ACCOUNT_NOT_FOUND', MSG.accountNotFound);
  const list = (await readState<DelegatedAdminRecord[]>(ctx.store, STATE_KEYS.delegatedAdmins, [])).filter((x) => x.accountId === input.AccountId);
  if (list.length === 0) throw new KamenError('ERR_ORG_ACCOUNT_NOT_REGISTERED', ADMIN_MSG.notRegistered);
  const page = pageArray(list.map((x) => ({ ServicePrincipal: x.servicePrincipal, DelegationEnabledDate: new Date(x.delegationEnabledAt) })), input, 'delegated-services');
  return { DelegatedServices: page.items, ...(page.NextToken ? { NextToken: page.NextToken } : {}) };
});

interface ResourcePolicyRecord {
  id: string;
  arn: string;
  content: string;
}

const rpShape = (r: ResourcePolicyRecord) => ({ ResourcePolicy: { ResourcePolicySummary: { Id: r.id, Arn: r.arn }, Content: r.content } });

/** PutResourcePolicy: creates or replaces the organization's resource policy (a JSON document). */
export const putResourcePolicy = (): Operation => managementOnly(async (ctx, input: { Content: string }, org) => {
  let doc: unknown;
  try {
    doc = JSON.parse(input.Content);
  } catch {
    doc = undefined;
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new KamenError('ERR_ORG_MALFORMED_POLICY', MSG.malformedPolicy);
  const rec = await ctx.store.transaction(async () => {
    const prev = await readState<ResourcePolicyRecord | null>(ctx.store, STATE_KEYS.resourcePolicy, null);
    const id = prev?.id ?? 'rp-' + randomLowerAlnum(8);
    const r = { id, arn: `arn:aws:organizations::${org.managementAccountId}:resourcepolicy/${org.id}/${id}`, content: input.Content };
    await writeState(ctx.store, STATE_KEYS.resourcePolicy, r);
    return r;
  });
  return rpShape(rec);
});

/** DescribeResourcePolicy: any account of the organization. */
export const describeResourcePolicy = (): Operation => async (ctx) => {
  await requireMember(ctx);
  const r = await readState<ResourcePolicyRecord | null>(ctx.store, STATE_KEYS.resourcePolicy, null);
  if (!r) throw new KamenError('ERR_ORG_RESOURCE_POLICY_NOT_FOUND', ADMIN_MSG.resourcePolicyNotFound);
  return rpShape(r);
};

/** DeleteResourcePolicy. */
export const deleteResourcePolicy = (): Operation => managementOnly(async (ctx) => {
  await ctx.store.transaction(async () => {
    const r = await readState<ResourcePolicyRecord | null>(ctx.store, STATE_KEYS.resourcePolicy, null);
    if (!r) throw new KamenError('ERR_ORG_RESOURCE_POLICY_NOT_FOUND', ADMIN_MSG.resourcePolicyNotFound);
    await ctx.store.setSetting(STATE_KEYS.resourcePolicy, '');
  });
  return {};
});

/**
 * DescribeEffectivePolicy: a management policy type's effective policy for an account (the caller's own, or any account
 * for the management account), merged from the policies of that type attached to the root, each OU on the account's
 * path and the account (effective-policy.ts); EffectivePolicyNotFoundException when none applies (and for a root or
 * OU, which AWS does not compute); other types are InvalidInputException.
 */
export const describeEffectivePolicy = (): Operation => async (ctx, input: { PolicyType: string; TargetId?: string }) => {
  const org = await requireMember(ctx);
  if (!MANAGEMENT_POLICY_TYPES.has(input.PolicyType)) throw new KamenError('ERR_ORG_INVALID_INPUT', ADMIN_MSG.invalidType, { Reason: 'INVALID_ENUM_POLICY_TYPE' });
  const target = input.TargetId ?? ctx.caller.accountId;
  if (target !== ctx.caller.accountId && ctx.caller.accountId !== org.managementAccountId) throw new KamenError('ERR_ORG_ACCESS_DENIED', MSG.accessDenied);
  if (!(await resourceExists(ctx, org, target)) || target.startsWith('p-')) throw new KamenError('ERR_ORG_TARGET_NOT_FOUND', MSG.targetNotFound);
  const notFound = () => new KamenError('ERR_ORG_EFFECTIVE_POLICY_NOT_FOUND', ADMIN_MSG.effectiveNotFound);
  if (!/^\d{12}$/.test(target)) throw notFound();
  const levels: string[][] = [];
  for (const node of await orgPathForAccount(ctx.store, target)) {
    levels.push((await ctx.store.listOrgPoliciesForTarget(node)).filter((p) => p.type === input.PolicyType).map((p) => p.content));
  }
  const content = levels.some((l) => l.length) ? effectivePolicy(levels) : undefined;
  if (content === undefined) throw notFound();
  return { EffectivePolicy: { PolicyContent: content, TargetId: target, PolicyType: input.PolicyType } };
};
