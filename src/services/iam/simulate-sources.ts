/**
 * The policies a simulation evaluates, each with where it came from (SourcePolicyId / SourcePolicyType) and its text:
 * an IAM user's, group's or role's inline and attached policies (a user's groups' too), its permissions boundary, the
 * SCP chain of its account, and the documents passed in the request — gathered as src/authz/policies.ts gathers them
 * for enforcement, compiled by the same compiler.
 */
import type { Authorizer } from '../../authz/authorizer.js';
import { createCompiler, type PolicyCompiler } from '../../authz/engine.js';
import { managedPolicyDocument, scpChain, type PolicySources } from '../../authz/policies.js';
import { KamenError } from '../../errors.js';
import { createPolicyCache, type CompiledPolicy, type PolicyType } from '../../policy/index.js';
import type { OperationContext } from '../types.js';
import { isAwsManagedArn, type IamDeps } from './common.js';
import { policyNameOfArn } from './attachments.js';

/** One policy in a simulation. */
export interface SimulationSource {
  /** SourcePolicyId: the policy's name, or PolicyInputList.N / PermissionsBoundaryPolicyInputList.N / ResourcePolicy. */
  sourceId: string;
  /** SourcePolicyType: user, group, role, aws-managed, user-managed, resource, or "IAM Policy" for passed documents. */
  sourceType: string;
  text: string;
  compiled: CompiledPolicy;
}

/** The identity side of a simulation, as sources. */
export interface SimulationPolicies {
  identity: SimulationSource[];
  boundary?: SimulationSource;
  scps?: CompiledPolicy[][];
  orgId?: string;
}

/** The entity a PolicySourceArn names. */
export interface SourceEntity {
  kind: 'user' | 'group' | 'role';
  accountId: string;
  name: string;
  arn: string;
}

/** The authorizer's policy sources when the server has one; otherwise sources over the store with a private cache. */
export function simulationSources(ctx: OperationContext, deps: IamDeps): PolicySources {
  const authz = ctx.deps['authorizer'] as Authorizer | undefined;
  if (authz?.sources) return authz.sources;
  const compile: PolicyCompiler = createCompiler(createPolicyCache(200));
  return { store: ctx.store, managedPolicies: { get: (arn) => deps.managedPolicies.get(arn)?.document }, compile };
}

/** Compiles a simulation document under an ID naming where it came from (statements map back to their source). */
export function source(src: PolicySources, sourceId: string, sourceType: string, text: string, use: PolicyType, tag: string): SimulationSource {
  return { sourceId, sourceType, text, compiled: src.compile(text, `sim:${tag}:${sourceId}`, use) };
}

/** Parses a user, group or role ARN of the calling account (NoSuchEntity for one kamen does not hold). */
export async function sourceEntity(ctx: OperationContext, arn: string): Promise<SourceEntity> {
  const m = /^arn:aws:iam::(\d{12}):(user|group|role)\/(?:.*\/)?([^/]+)$/.exec(arn);
  if (!m) throw new KamenError('ERR_INVALID_INPUT', `Invalid ARN: ${arn}`);
  const [, accountId, kind, name] = m as unknown as [string, string, SourceEntity['kind'], string];
  const found =
    kind === 'user' ? await ctx.store.getUser(accountId, name) : kind === 'group' ? await ctx.store.getGroup(accountId, name) : await ctx.store.getRole(accountId, name);
  const stored = found as { arn?: string } | undefined;
  if (!found || accountId !== ctx.caller.accountId || (stored?.arn !== undefined && stored.arn !== arn))
    throw new KamenError('ERR_NO_SUCH_ENTITY', `The ${kind} with name ${name} cannot be found.`);
  return { kind, accountId, name, arn };
}

async function ownPolicies(src: PolicySources, acct: string, kind: 'user' | 'group' | 'role', name: string, tag: string, out: SimulationSource[]): Promise<void> {
  const [inline, attached] = await Promise.all([src.store.listInlinePolicies(acct, kind, name), src.store.listAttachedPolicies(acct, kind, name)]);
  for (const p of inline) out.push(source(src, p.policyName, kind, p.document, 'identity', `${tag}:${kind}/${name}`));
  for (const arn of attached) {
    const text = await managedPolicyDocument(src, arn);
    if (text !== undefined) out.push(source(src, policyNameOfArn(arn).name, isAwsManagedArn(arn) ? 'aws-managed' : 'user-managed', text, 'identity', `${tag}:${arn}`));
  }
}

/** The entity's identity policies (a user's groups' too), its permissions boundary, and its account's SCP chain. */
export async function entityPolicies(src: PolicySources, entity: SourceEntity, tag: string): Promise<SimulationPolicies> {
  const identity: SimulationSource[] = [];
  const acct = entity.accountId;
  await ownPolicies(src, acct, entity.kind, entity.name, tag, identity);
  let boundaryArn: string | undefined;
  if (entity.kind === 'user') {
    let marker: string | undefined;
    do {
      const page = await src.store.listGroupsForUser(acct, entity.name, { marker, maxItems: 1000 });
      for (const g of page.items) await ownPolicies(src, acct, 'group', g.groupName, tag, identity);
      marker = page.nextMarker;
    } while (marker);
    boundaryArn = (await src.store.getUser(acct, entity.name))?.permissionsBoundaryArn;
  } else if (entity.kind === 'role') boundaryArn = (await src.store.getRole(acct, entity.name))?.permissionsBoundaryArn;
  const out: SimulationPolicies = { identity };
  if (boundaryArn) {
    const text = await managedPolicyDocument(src, boundaryArn);
    if (text !== undefined) out.boundary = source(src, policyNameOfArn(boundaryArn).name, isAwsManagedArn(boundaryArn) ? 'aws-managed' : 'user-managed', text, 'boundary', `${tag}:boundary`);
  }
  const org = await scpChain(src, acct);
  if (org.scps) out.scps = org.scps;
  if (org.orgId) out.orgId = org.orgId;
  return out;
}
