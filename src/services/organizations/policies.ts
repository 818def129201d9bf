/**
 * Service and resource control policies: Create/Describe/Update/Delete/List, Attach/Detach, ListPoliciesForTarget,
 * ListTargetsForPolicy.
 */
import { KamenError } from '../../errors.js';
import { randomLowerAlnum } from '../../ids.js';
import { validatePolicy } from '../../policy/index.js';
import type { Organization, OrgPolicy, Store, Tag } from '../../store/store.js';
import type { Operation } from '../types.js';
import { rootArn } from '../accounts/index.js';
import { MSG, managementOnly, pageArray, policySummary } from './common.js';
import { dropResourceTags, setResourceTags } from './admin.js';
import { checkManagementPolicy } from './effective-policy.js';
import { MANAGEMENT_POLICY_TYPES, RCP, RCP_FULL_AWS_ACCESS_ID, SCP, TYPE_MSG, awsManagedPolicies, enabledPolicyTypes, requireFilterType, requirePolicyType, type OrgPolicyType } from './policy-types.js';

/** SCP and RCP documents may be at most 5,120 characters. */
const MAX_SCP_SIZE = 5120;

function tooBig(): KamenError {
  return new KamenError('ERR_ORG_CONSTRAINT_VIOLATION', 'You attempted to exceed the maximum size of a policy.', { Reason: 'POLICY_CONTENT_LIMIT_EXCEEDED' });
}

/** Checks a document against its type's grammar (RCPs: the RCP syntax, Deny only, Principal "*", supported services; management types: effective-policy.ts). */
function checkContent(content: string, type: OrgPolicyType): void {
  if (MANAGEMENT_POLICY_TYPES.has(type)) return checkManagementPolicy(content);
  if (type === RCP) {
    const { errors } = validatePolicy(content, 'rcp');
    if (errors.some((e) => e.code === 'LimitExceeded')) throw tooBig();
    if (errors.length) throw new KamenError('ERR_ORG_MALFORMED_POLICY', MSG.malformedPolicy);
    return;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(content);
  } catch {
    throw new KamenError('ERR_ORG_MALFORMED_POLICY', MSG.malformedPolicy);
  }
  if (content.length > MAX_SCP_SIZE) throw tooBig();
  const d = doc as { Statement?: unknown };
  if (!d || typeof d !== 'object' || Array.isArray(d) || d.Statement === undefined) throw new KamenError('ERR_ORG_MALFORMED_POLICY', MSG.malformedPolicy);
  const statements = Array.isArray(d.Statement) ? d.Statement : [d.Statement];
  for (const s of statements as Array<Record<string, unknown>>) {
    if (!s || typeof s !== 'object' || (s.Effect !== 'Allow' && s.Effect !== 'Deny') || (s.Action === undefined && s.NotAction === undefined)) {
      throw new KamenError('ERR_ORG_MALFORMED_POLICY', MSG.malformedPolicy);
    }
    if (s.Principal !== undefined || s.NotPrincipal !== undefined) throw new KamenError('ERR_ORG_MALFORMED_POLICY', MSG.malformedPolicy);
  }
}

/** The policy with this ID; the AWS managed ones exist before their type is enabled. */
async function findPolicy(store: Store, id: string): Promise<OrgPolicy | undefined> {
  return (await store.getOrgPolicy(id)) ?? awsManagedPolicies().find((m) => m.id === id);
}

/** Every policy of a type, the AWS managed one included. */
async function policiesOfType(store: Store, type: string): Promise<OrgPolicy[]> {
  const stored = await store.listOrgPolicies();
  const missing = awsManagedPolicies().filter((m) => !stored.some((p) => p.id === m.id));
  const key = (p: OrgPolicy) => p.name.toLowerCase() + '\u0000' + p.id;
  return [...stored, ...missing].filter((p) => p.type === type).sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

async function requirePolicy(store: Store, id: string): Promise<OrgPolicy> {
  const p = await findPolicy(store, id);
  if (!p) throw new KamenError('ERR_ORG_POLICY_NOT_FOUND', MSG.policyNotFound);
  return p;
}

interface Target {
  TargetId: string;
  Arn: string;
  Name: string;
  Type: 'ROOT' | 'ORGANIZATIONAL_UNIT' | 'ACCOUNT';
}

/** The root, OU or account a TargetId names, or undefined. */
async function findTarget(store: Store, org: Organization, id: string): Promise<Target | undefined> {
  if (id === org.rootId) return { TargetId: id, Arn: rootArn(org), Name: 'Root', Type: 'ROOT' };
  if (id.startsWith('ou-')) {
    const ou = await store.getOrganizationalUnit(id);
    return ou && { TargetId: id, Arn: ou.arn, Name: ou.name, Type: 'ORGANIZATIONAL_UNIT' };
  }
  if (/^\d{12}$/.test(id)) {
    const a = await store.getAccount(id);
    return a && { TargetId: id, Arn: a.arn, Name: a.name, Type: 'ACCOUNT' };
  }
  return undefined;
}

async function requireTarget(store: Store, org: Organization, id: string): Promise<Target> {
  const t = await findTarget(store, org, id);
  if (!t) throw new KamenError('ERR_ORG_TARGET_NOT_FOUND', MSG.targetNotFound);
  return t;
}

/** CreatePolicy of any type kamen serves (SCP, RCP, the management types); a type need not be enabled to create one. */
export const createPolicy = (): Operation => managementOnly(async (ctx, input: { Content: string; Description: string; Name: string; Type: string; Tags?: Tag[] }, org) => {
  const type = requirePolicyType(input.Type);
  checkContent(input.Content, type);
  return ctx.store.transaction(async () => {
    if ((await ctx.store.listOrgPolicies()).some((p) => p.name === input.Name)) throw new KamenError('ERR_ORG_DUPLICATE_POLICY', MSG.duplicatePolicy);
    const id = 'p-' + randomLowerAlnum(8);
    const policy: OrgPolicy = {
      id,
      arn: `arn:aws:organizations::${org.managementAccountId}:policy/${org.id}/${type.toLowerCase()}/${id}`,
      name: input.Name,
      description: input.Description ?? '',
      type,
      awsManaged: false,
      content: input.Content,
    };
    await ctx.store.putOrgPolicy(policy);
    await setResourceTags(ctx, id, input.Tags);
    return { Policy: { PolicySummary: policySummary(policy), Content: policy.content } };
  });
});

/** DescribePolicy. */
export const describePolicy = (): Operation => managementOnly(async (ctx, input: { PolicyId: string }) => {
  const p = await requirePolicy(ctx.store, input.PolicyId);
  return { Policy: { PolicySummary: policySummary(p), Content: p.content } };
});

/** UpdatePolicy: name, description and content of a customer managed SCP. */
export const updatePolicy = (): Operation => managementOnly(async (ctx, input: { PolicyId: string; Name?: string; Description?: string; Content?: string }) => {
  return ctx.store.transaction(async () => {
    const p = await requirePolicy(ctx.store, input.PolicyId);
    if (p.awsManaged) throw new KamenError('ERR_ORG_ACCESS_DENIED', MSG.accessDenied);
    if (input.Content !== undefined) checkContent(input.Content, p.type);
    if (input.Name !== undefined && input.Name !== p.name && (await ctx.store.listOrgPolicies()).some((o) => o.name === input.Name)) {
      throw new KamenError('ERR_ORG_DUPLICATE_POLICY', MSG.duplicatePolicy);
    }
    const next: OrgPolicy = { ...p, name: input.Name ?? p.name, description: input.Description ?? p.description, content: input.Content ?? p.content };
    await ctx.store.putOrgPolicy(next);
    return { Policy: { PolicySummary: policySummary(next), Content: next.content } };
  });
});

/** DeletePolicy: only a detached customer managed policy. */
export const deletePolicy = (): Operation => managementOnly(async (ctx, input: { PolicyId: string }) => {
  return ctx.store.transaction(async () => {
    const p = await requirePolicy(ctx.store, input.PolicyId);
    if (p.awsManaged) throw new KamenError('ERR_ORG_ACCESS_DENIED', MSG.accessDenied);
    if ((await ctx.store.listOrgPolicyTargets(p.id)).length) throw new KamenError('ERR_ORG_POLICY_IN_USE', MSG.policyInUse);
    await ctx.store.deleteOrgPolicy(p.id);
    await dropResourceTags(ctx, p.id);
    return {};
  });
});

/** ListPolicies of a type. */
export const listPolicies = (): Operation => managementOnly(async (ctx, input: { Filter: string; NextToken?: string; MaxResults?: number }) => {
  const all = await policiesOfType(ctx.store, requireFilterType(input.Filter));
  const page = pageArray(all.map(policySummary), input, 'policies:' + input.Filter);
  return { Policies: page.items, ...(page.NextToken ? { NextToken: page.NextToken } : {}) };
});

/** AttachPolicy to a root, OU or account. */
export const attachPolicy = (): Operation => managementOnly(async (ctx, input: { PolicyId: string; TargetId: string }, org) => {
  return ctx.store.transaction(async () => {
    const p = await requirePolicy(ctx.store, input.PolicyId);
    await requireTarget(ctx.store, org, input.TargetId);
    if (!(await enabledPolicyTypes(ctx.store)).includes(p.type)) throw new KamenError('ERR_ORG_POLICY_TYPE_NOT_ENABLED', TYPE_MSG.notEnabled);
    if (!(await ctx.store.getOrgPolicy(p.id))) await ctx.store.putOrgPolicy(p);
    if ((await ctx.store.listOrgPolicyTargets(p.id)).includes(input.TargetId)) {
      throw new KamenError('ERR_ORG_DUPLICATE_POLICY_ATTACHMENT', MSG.duplicateAttachment);
    }
    await ctx.store.attachOrgPolicy(p.id, input.TargetId);
    return {};
  });
});

/** DetachPolicy; a target keeps at least one SCP (and RCP), as AWS requires, and RCPFullAWSAccess is never detached; management policies have no minimum. */
export const detachPolicy = (): Operation => managementOnly(async (ctx, input: { PolicyId: string; TargetId: string }, org) => {
  return ctx.store.transaction(async () => {
    const p = await requirePolicy(ctx.store, input.PolicyId);
    await requireTarget(ctx.store, org, input.TargetId);
    const attached = await ctx.store.listOrgPoliciesForTarget(input.TargetId);
    if (!attached.some((a) => a.id === p.id)) throw new KamenError('ERR_ORG_POLICY_NOT_ATTACHED', MSG.policyNotAttached);
    if (p.id === RCP_FULL_AWS_ACCESS_ID || ((p.type === SCP || p.type === RCP) && attached.filter((a) => a.type === p.type).length <= 1)) {
      throw new KamenError('ERR_ORG_CONSTRAINT_VIOLATION', MSG.minPolicies, { Reason: 'MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED' });
    }
    await ctx.store.detachOrgPolicy(p.id, input.TargetId);
    return {};
  });
});

/** ListPoliciesForTarget (directly attached policies of a type). */
export const listPoliciesForTarget = (): Operation => managementOnly(async (ctx, input: { TargetId: string; Filter: string; NextToken?: string; MaxResults?: number }, org) => {
  await requireTarget(ctx.store, org, input.TargetId);
  const type = requireFilterType(input.Filter);
  const all = (await ctx.store.listOrgPoliciesForTarget(input.TargetId)).filter((p) => p.type === type);
  const page = pageArray(all.map(policySummary), input, 'pft:' + input.TargetId);
  return { Policies: page.items, ...(page.NextToken ? { NextToken: page.NextToken } : {}) };
});

/** ListTargetsForPolicy. */
export const listTargetsForPolicy = (): Operation => managementOnly(async (ctx, input: { PolicyId: string; NextToken?: string; MaxResults?: number }, org) => {
  const p = await requirePolicy(ctx.store, input.PolicyId);
  const targets: Target[] = [];
  for (const id of await ctx.store.listOrgPolicyTargets(p.id)) {
    const t = await findTarget(ctx.store, org, id);
    if (t) targets.push(t);
  }
  const page = pageArray(targets, input, 'tfp:' + p.id);
  return { Targets: page.items, ...(page.NextToken ? { NextToken: page.NextToken } : {}) };
});
