/**
 * Enforcement on every call of every service: the request's target (action + resources) from the tables, the
 * caller's policies, the request context, the engine's decision, and AWS's denial per service (IAM/STS AccessDenied,
 * EC2 UnauthorizedOperation with an encoded message, Organizations AccessDeniedException).
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import { KamenError } from '../errors.js';
import type { Caller, OperationContext } from '../services/types.js';
import type { Store } from '../store/store.js';
import { buildAuthorizationMessage, decodeAuthorizationMessage, encodeAuthorizationMessage } from './auth-message.js';
import { globalConditionKeys, inputConditionKeys, type ConditionValues } from './context.js';
import { createCompiler, createDecisionMemo, decide, deniedMessage, type CompiledPolicy, type Decision, type PolicyCache, type PolicyCompiler } from './engine.js';
import { createGenerationCache } from './cache.js';
import { readsOrganizationTrail } from './organization-trail.js';
import { gatherPolicies, rcpChain, type ManagedPolicyCatalog, type PolicySources, type PrincipalPolicies } from './policies.js';
import { ENTITY_RELEVANCE, memberAccountMayCall, operationTarget, type EntityFacts, type OperationTarget } from './targets.js';

/** What createAuthorizer needs: the store, the clock, the AWS managed catalog and the engine's policy cache. */
export interface AuthorizerDeps {
  store: Store;
  clock: Clock;
  managedPolicies: ManagedPolicyCatalog;
  /** The engine's policy cache (createPolicyCache(max)). */
  policyCache: PolicyCache;
  /** 32-byte key sealing EC2 authorization messages; random per process when omitted. */
  messageKey?: Buffer;
  /** How many principals' gathered policies to keep (default 10 000; 0 disables the cache). */
  principalCacheSize?: number;
}

/** The account owning a resource and its resource-based policy (text and a stable id for the compile cache). */
export interface ResourceOwner {
  account: string;
  policy?: string;
  policyId: string;
}

/** The request authorizer of one server. */
export interface Authorizer {
  /** The caller's identity side (policies, boundary, session policies, SCPs, tags). */
  gatherPolicies(caller: Caller): Promise<PrincipalPolicies>;
  /** The IAM action and resource ARN(s) an operation is checked against. */
  operationTarget(service: string, operation: string, input: Record<string, unknown>, caller: Caller, region?: string): Promise<OperationTarget>;
  /**
   * Throws AWS's access-denied error for the service when the engine denies the request; the pipeline's step 5.
   * `resource` names the owner and resource-based policy of the resource (S3 buckets): the request is then decided
   * with that policy, cross-account when the owner is another account, and for anonymous callers by it alone.
   */
  authorizeOperation(ctx: OperationContext, service: string, operation: string, input: Record<string, unknown>, resource?: ResourceOwner): Promise<void>;
  /** The condition keys of a request (global + input-derived). */
  conditionKeys(ctx: Pick<OperationContext, 'caller' | 'clock' | 'region' | 'sourceIp' | 'secureTransport'>, p: Pick<PrincipalPolicies, 'principalTags' | 'orgId' | 'orgPath'>, service?: string, operation?: string, input?: Record<string, unknown>): ConditionValues;
  /** Opens an EC2 encoded authorization message (sts:DecodeAuthorizationMessage). */
  decodeMessage(encoded: string): string;
  /**
   * The resource control policies bounding requests to resources of `accountId` (rcpChain), remembered per account
   * until a write that can change them (organization, account placement, policies, attachments).
   */
  resourceControlPolicies(accountId: string): Promise<CompiledPolicy[][] | undefined>;
  /** Forgets every cached principal (only needed after writes that bypass the store object given at creation). */
  invalidate(): void;
  compile: PolicyCompiler;
  sources: PolicySources;
}

/** Builds the authorizer; one per server. */
export function createAuthorizer(deps: AuthorizerDeps): Authorizer {
  const compile = createCompiler(deps.policyCache);
  const sources: PolicySources = { store: deps.store, managedPolicies: deps.managedPolicies, compile };
  const messageKey = deps.messageKey ?? randomBytes(32);
  const cacheSize = deps.principalCacheSize ?? 10_000;
  const cache = cacheSize > 0 ? createGenerationCache<PrincipalPolicies>(deps.store, cacheSize) : undefined;
  /** The stored ARNs and tags of the IAM entities requests name (their resource ARNs and aws:ResourceTag keys). */
  const entities = cacheSize > 0 ? createGenerationCache<EntityFacts>(deps.store, cacheSize, ENTITY_RELEVANCE) : undefined;
  /** Identity-side allows that read no condition key, per gathered policies (exact: see createDecisionMemo). */
  const memo = createDecisionMemo();
  /** Each account's RCP chain (boxed: most accounts have none), so a request need not read the organization again. */
  const rcpCache = cacheSize > 0 ? createGenerationCache<{ rcps: CompiledPolicy[][] | undefined }>(deps.store, cacheSize) : undefined;
  const resourceControlPolicies = async (accountId: string): Promise<CompiledPolicy[][] | undefined> => {
    if (!rcpCache) return rcpChain(deps.store, compile, accountId);
    return (rcpCache.get(accountId) ?? (await rcpCache.through(accountId, async () => ({ rcps: await rcpChain(deps.store, compile, accountId) })))).rcps;
  };
  /**
   * Long-term identities are cached by name; sessions by their access key (their session policies differ). A cache hit
   * is returned as is (no promise), so a request with nothing to read takes no extra turn.
   */
  const gatherNow = (caller: Caller): PrincipalPolicies | Promise<PrincipalPolicies> => {
    if (!cache) return gatherPolicies(sources, caller);
    const key = caller.session ? `s|${caller.accessKeyId}` : caller.kind === 'root' ? `r|${caller.accountId}` : `u|${caller.accountId}|${caller.userName ?? ''}`;
    return cache.get(key) ?? cache.through(key, () => gatherPolicies(sources, caller));
  };
  const gather = async (caller: Caller): Promise<PrincipalPolicies> => gatherNow(caller);

  const conditionKeys: Authorizer['conditionKeys'] = (ctx, p, service, operation, input) => {
    const keys = globalConditionKeys(ctx, p);
    if (service && operation && input) inputConditionKeys(service, operation, input, keys);
    return keys;
  };

  async function authorizeOperation(ctx: OperationContext, service: string, operation: string, input: Record<string, unknown>, owner?: ResourceOwner): Promise<void> {
    const caller = ctx.caller;
    const target = await operationTarget(deps.store, service, operation, input, caller, ctx.region, entities);
    if (target.check !== 'standard') return;
    // Temporary credentials cannot mint federation tokens (the operation's own refusal, before any policy check).
    if (service === 'sts' && operation === 'GetFederationToken' && caller.session) throw new KamenError('ERR_ACCESS_DENIED', 'Cannot call GetFederationToken with session credentials');
    sessionRestrictions(caller, service, operation, target);
    const gathered = caller.kind === 'anonymous' ? { identity: [], principalTags: {} } : gatherNow(caller);
    const p: PrincipalPolicies = gathered instanceof Promise ? await gathered : gathered;
    if (service === 'organizations' && !memberAccountMayCall(operation)) {
      // Only the management account manages the organization (AWS answers members with AccessDeniedException; without
      // an organization the service itself answers AWSOrganizationsNotInUseException).
      // An account outside the organization is not refused here: the service answers it AWSOrganizationsNotInUseException.
      const org = await deps.store.getOrganization();
      if (org && org.managementAccountId !== caller.accountId && (await deps.store.getAccount(caller.accountId))) {
        throw new KamenError('ERR_ORG_ACCESS_DENIED', "You don't have permissions to access this resource.");
      }
    }
    // The root user passes identity checks (an AssumeRoot session's task policy still bounds it); a resource policy's
    // Deny and another account's resource still apply to it.
    // A resource of a member account is also bounded by that account's resource control policies.
    const rcps = owner ? await resourceControlPolicies(owner.account) : undefined;
    if (caller.kind === 'root' && !p.scps && !rcps && p.identity.length === 0 && (!owner || (owner.account === caller.accountId && !owner.policy))) return;
    const resourcePolicy = owner?.policy ? compile(owner.policy, owner.policyId, 'resource') : undefined;
    // The keys are built only when a statement's condition or variable reads them (or for a denial's message).
    let built: ConditionValues | undefined;
    const conditions = (): ConditionValues => {
      if (built) return built;
      built = conditionKeys(ctx, p, service, operation, input);
      for (const [k, v] of Object.entries(target.resourceTags ?? {})) {
        built[`aws:ResourceTag/${k}`] = v;
        built[`iam:ResourceTag/${k}`] = v;
      }
      return built;
    };
    // Organizations names its resources (handshakes, accounts, OUs, policies) in the management account, yet decides a
    // member's call on the caller's identity side alone (the service itself checks the caller is a party): not cross-account.
    // A member account reads its organization's organization trails (named in the management account) the same way.
    const self = service === 'organizations' ? caller.accountId : undefined;
    for (const resource of target.resources) {
      const own = self ?? (service === 'cloudtrail' && (await readsOrganizationTrail(deps.store, operation, resource, caller)) ? caller.accountId : undefined);
      const facts = { principalArn: caller.arn, principalAccount: caller.accountId, action: target.action, resource, conditions, ...(own ? { resourceAccount: own } : {}) };
      const decision = owner ? decide({ ...facts, resourceAccount: owner.account, ...(rcps ? { rcps } : {}) }, p, resourcePolicy, undefined, caller) : memo.decide(facts, p, caller);
      if (decision.decision !== 'Allow') throw denial(service, caller, target.action, resource, decision, conditions());
    }
  }

  function denial(service: string, caller: Caller, action: string, resource: string, decision: Decision, conditions: ConditionValues): KamenError {
    if (service === 'organizations') return new KamenError('ERR_ORG_ACCESS_DENIED', "You don't have permissions to access this resource.");
    const text = deniedMessage(decision, caller.arn, action, resource);
    if (service !== 'ec2') return new KamenError('ERR_ACCESS_DENIED', text);
    const encoded = encodeAuthorizationMessage(
      messageKey,
      buildAuthorizationMessage({
        explicitDeny: decision.decision === 'ExplicitDeny',
        matchedStatements: decision.decision === 'ExplicitDeny' ? decision.matchedStatements.filter((m) => m.effect === 'Deny').map((m) => ({ statementId: m.sid ?? '', effect: 'DENY', principals: { items: [{ value: caller.userId }] }, principalGroups: { items: [] }, actions: { items: [] }, resources: { items: [] }, conditions: { items: [] } })) : [],
        principal: principalForMessage(caller),
        action,
        resource: resource === '*' ? '' : resource,
        conditions: { ...conditions, 'aws:Region': conditions['aws:RequestedRegion'] ?? '', 'aws:Service': 'ec2', 'aws:Account': caller.accountId },
      }),
    );
    return new KamenError('ERR_ACCESS_DENIED', ec2DeniedText(text, resource, encoded), { encodedMessage: encoded });
  }

  return {
    gatherPolicies: gather,
    operationTarget: (service, operation, input, caller, region = 'us-east-1') => operationTarget(deps.store, service, operation, input, caller, region, entities),
    authorizeOperation,
    conditionKeys,
    decodeMessage: (encoded) => decodeAuthorizationMessage(messageKey, encoded),
    resourceControlPolicies,
    invalidate: () => {
      cache?.invalidate();
      entities?.invalidate();
      rcpCache?.invalidate();
    },
    compile,
    sources,
  };
}

/** EC2's UnauthorizedOperation text: the IAM sentence without "on resource: *", a period, and the encoded message. */
export function ec2DeniedText(iamText: string, resource: string, encoded: string): string {
  let t = resource === '*' ? iamText.replace(' on resource: *', '') : iamText;
  if (!t.endsWith('.')) t += '.';
  return `You are not authorized to perform this operation. ${t} Encoded authorization failure message: ${encoded}`;
}

function principalForMessage(c: Caller): { id: string; name?: string; arn: string } {
  if (c.kind === 'user') return { id: c.userId, name: c.userName ?? '', arn: c.arn };
  if (c.kind === 'assumed-role') return { id: c.userId, name: c.session?.sessionName ?? '', arn: c.arn };
  if (c.kind === 'federated-user') return { id: c.userId, name: c.userName ?? '', arn: c.arn };
  return { id: c.accountId, arn: c.arn };
}

/**
 * What temporary credentials may not do regardless of policy (IAM User Guide, "Compare AWS STS credentials"):
 * GetSessionToken credentials call IAM only with MFA and STS only for AssumeRole/GetCallerIdentity; federation-token
 * credentials call no IAM and, of STS, only GetCallerIdentity.
 */
export function sessionRestrictions(caller: Caller, service: string, operation: string, target: OperationTarget): void {
  const type = caller.session?.tokenType;
  if (type !== 'session-token' && type !== 'federation-token') return;
  const refuse = () => new KamenError('ERR_ACCESS_DENIED', `User: ${caller.arn} is not authorized to perform: ${target.action} on resource: ${target.resources[0] ?? '*'}`);
  if (service === 'iam' && (type === 'federation-token' || !caller.session!.mfaAuthenticated)) throw refuse();
  if (service === 'sts' && operation !== 'GetCallerIdentity' && !(type === 'session-token' && operation === 'AssumeRole')) throw refuse();
}
