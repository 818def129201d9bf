/** Organizations policy types: which are enabled on the root, Enable/DisablePolicyType, and the AWS managed defaults. */
import { KamenError } from '../../errors.js';
import type { Organization, OrgPolicy, Store } from '../../store/store.js';
import type { Operation } from '../types.js';
import { FULL_AWS_ACCESS_ID, fullAwsAccessPolicy, rootArn } from '../accounts/index.js';
import { managementOnly } from './common.js';

/** The policy types kamen serves. */
export type OrgPolicyType = OrgPolicy['type'];
export const SCP: OrgPolicyType = 'SERVICE_CONTROL_POLICY';
export const RCP: OrgPolicyType = 'RESOURCE_CONTROL_POLICY';
/** The management policy types: JSON documents with inheritance operators, combined by DescribeEffectivePolicy. */
export const MANAGEMENT_POLICY_TYPES: ReadonlySet<string> = new Set(['TAG_POLICY', 'BACKUP_POLICY', 'AISERVICES_OPT_OUT_POLICY', 'CHATBOT_POLICY', 'DECLARATIVE_POLICY_EC2', 'SECURITYHUB_POLICY']);
const SUPPORTED: ReadonlySet<string> = new Set([SCP, RCP, ...MANAGEMENT_POLICY_TYPES]);
/** The types Enable/DisablePolicyType accept: the authorization policies and the management policy types. */
const ENABLEABLE: ReadonlySet<string> = SUPPORTED;

/** Settings key holding the enabled policy types (absent: SCPs only, as every kamen organization starts). */
const ENABLED_KEY = 'organizations.enabledPolicyTypes';

/** AWS's texts for the policy-type exceptions. */
export const TYPE_MSG = {
  rootNotFound: "We can't find a root with the RootId that you specified.",
  alreadyEnabled: 'The specified policy type is already enabled.',
  notEnabled: 'This operation can be performed only for enabled policy types.',
  notAvailable: "You can't use the specified policy type with the feature set currently enabled for this organization.",
} as const;

/** The AWS managed RCPFullAWSAccess RCP: ID, ARN and content. */
export const RCP_FULL_AWS_ACCESS_ID = 'p-RCPFullAWSAccess';
export const RCP_FULL_AWS_ACCESS_ARN = 'arn:aws:organizations::aws:policy/resource_control_policy/p-RCPFullAWSAccess';
export const RCP_FULL_AWS_ACCESS_CONTENT = JSON.stringify(
  { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }] },
  null,
  2,
);

/** The AWS managed RCPFullAWSAccess as AWS lists it (attached everywhere while RCPs are enabled; it grants nothing). */
export function rcpFullAwsAccessPolicy(): OrgPolicy {
  return {
    id: RCP_FULL_AWS_ACCESS_ID,
    arn: RCP_FULL_AWS_ACCESS_ARN,
    name: 'RCPFullAWSAccess',
    description: 'Allows access to every resource',
    type: RCP,
    awsManaged: true,
    content: RCP_FULL_AWS_ACCESS_CONTENT,
  };
}

/** The AWS managed policies of every type (they exist before their type is enabled). */
export function awsManagedPolicies(): OrgPolicy[] {
  return [fullAwsAccessPolicy(), rcpFullAwsAccessPolicy()];
}

/** The policy type an input names, or InvalidInputException for a type kamen does not serve. */
export function requirePolicyType(t: unknown): OrgPolicyType {
  if (typeof t !== 'string' || !SUPPORTED.has(t)) {
    throw new KamenError('ERR_ORG_INVALID_INPUT', 'You specified an invalid policy type.', { Reason: 'INVALID_ENUM_POLICY_TYPE' });
  }
  return t as OrgPolicyType;
}

/** Every policy type Organizations defines (listing filters accept each; kamen holds policies of SCP and RCP only). */
const AWS_TYPES: ReadonlySet<string> = new Set([
  SCP, RCP, 'TAG_POLICY', 'BACKUP_POLICY', 'AISERVICES_OPT_OUT_POLICY', 'CHATBOT_POLICY', 'DECLARATIVE_POLICY_EC2', 'SECURITYHUB_POLICY',
]);

/** A listing Filter: any policy type AWS defines (those kamen does not serve list nothing). */
export function requireFilterType(t: unknown): string {
  if (typeof t !== 'string' || !AWS_TYPES.has(t)) return requirePolicyType(t);
  return t;
}

/** The policy types enabled on the root. */
export async function enabledPolicyTypes(store: Store): Promise<string[]> {
  const text = await store.getSetting(ENABLED_KEY);
  if (!text) return [SCP];
  const list = JSON.parse(text) as unknown;
  return Array.isArray(list) ? list.filter((t): t is string => typeof t === 'string' && ENABLEABLE.has(t)) : [SCP];
}

/** A type Enable/DisablePolicyType accepts, or InvalidInputException. */
function requireEnableableType(t: unknown): string {
  if (typeof t === 'string' && ENABLEABLE.has(t)) return t;
  return requirePolicyType(t);
}

/** Records the enabled policy types (undefined: back to SCPs only, as a new organization with all features starts). */
export async function setEnabledPolicyTypes(store: Store, types: string[] | undefined): Promise<void> {
  await store.setSetting(ENABLED_KEY, types ? JSON.stringify(types) : '');
}

/** The Root's PolicyTypes output shape. */
export function policyTypesShape(types: readonly string[]): Array<{ Type: string; Status: 'ENABLED' }> {
  return types.map((Type) => ({ Type, Status: 'ENABLED' }));
}

/** The Root output shape with its enabled policy types. */
export function rootWithTypes(org: Organization, types: readonly string[]) {
  return { Id: org.rootId, Arn: rootArn(org), Name: 'Root', PolicyTypes: policyTypesShape(types) };
}

/** Attaches the AWS managed full-access policy of every enabled type to a new OU or account, as AWS does. */
export async function attachDefaultPolicies(store: Store, targetId: string): Promise<void> {
  const types = await enabledPolicyTypes(store);
  if (types.includes(SCP) && (await store.getOrgPolicy(FULL_AWS_ACCESS_ID))) await store.attachOrgPolicy(FULL_AWS_ACCESS_ID, targetId);
  if (types.includes(RCP) && (await store.getOrgPolicy(RCP_FULL_AWS_ACCESS_ID))) await store.attachOrgPolicy(RCP_FULL_AWS_ACCESS_ID, targetId);
}

/** Every OU (depth first) and every account of the organization. */
export async function allTargets(store: Store, org: Organization): Promise<string[]> {
  const out: string[] = [];
  const walk = async (parent: string): Promise<void> => {
    let marker: string | undefined;
    do {
      const page = await store.listOrganizationalUnitsForParent(parent, { marker, maxItems: 1000 });
      for (const ou of page.items) {
        out.push(ou.id);
        await walk(ou.id);
      }
      marker = page.nextMarker;
    } while (marker);
  };
  await walk(org.rootId);
  let marker: string | undefined;
  do {
    const page = await store.listAccounts({ marker, maxItems: 1000 });
    for (const a of page.items) out.push(a.id);
    marker = page.nextMarker;
  } while (marker);
  return out;
}

function requireRoot(org: Organization, rootId: unknown): void {
  if (rootId !== org.rootId) throw new KamenError('ERR_ORG_ROOT_NOT_FOUND', TYPE_MSG.rootNotFound);
}

/** EnablePolicyType: turns a type on for the root and attaches its AWS managed full-access policy everywhere. */
export const enablePolicyType = (): Operation => managementOnly(async (ctx, input: { RootId: string; PolicyType: string }, org) => {
  requireRoot(org, input.RootId);
  const type = requireEnableableType(input.PolicyType);
  if (org.featureSet !== 'ALL') throw new KamenError('ERR_ORG_POLICY_TYPE_NOT_AVAILABLE', TYPE_MSG.notAvailable);
  return ctx.store.transaction(async () => {
    const types = await enabledPolicyTypes(ctx.store);
    if (types.includes(type)) throw new KamenError('ERR_ORG_POLICY_TYPE_ALREADY_ENABLED', TYPE_MSG.alreadyEnabled);
    // SCPs and RCPs come with an AWS managed full-access policy attached everywhere; the management policy types have none.
    const managed = type === SCP ? fullAwsAccessPolicy() : type === RCP ? rcpFullAwsAccessPolicy() : undefined;
    if (managed) {
      if (!(await ctx.store.getOrgPolicy(managed.id))) await ctx.store.putOrgPolicy(managed);
      for (const t of [org.rootId, ...(await allTargets(ctx.store, org))]) await ctx.store.attachOrgPolicy(managed.id, t);
    }
    const next = [...types, type];
    await ctx.store.setSetting(ENABLED_KEY, JSON.stringify(next));
    return { Root: rootWithTypes(org, next) };
  });
});

/** DisablePolicyType: turns a type off and detaches every policy of that type from every root, OU and account. */
export const disablePolicyType = (): Operation => managementOnly(async (ctx, input: { RootId: string; PolicyType: string }, org) => {
  requireRoot(org, input.RootId);
  const type = requireEnableableType(input.PolicyType);
  return ctx.store.transaction(async () => {
    const types = await enabledPolicyTypes(ctx.store);
    if (!types.includes(type)) throw new KamenError('ERR_ORG_POLICY_TYPE_NOT_ENABLED', TYPE_MSG.notEnabled);
    for (const p of (await ctx.store.listOrgPolicies()).filter((x) => x.type === type)) {
      for (const t of await ctx.store.listOrgPolicyTargets(p.id)) await ctx.store.detachOrgPolicy(p.id, t);
    }
    const next = types.filter((t) => t !== type);
    await ctx.store.setSetting(ENABLED_KEY, JSON.stringify(next));
    return { Root: rootWithTypes(org, next) };
  });
});
