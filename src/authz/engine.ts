/**
 * The one place src/authz touches the policy engine (src/policy): compile with the cache, build the request context,
 * decide, and word the denial. Everything else in src/authz works with these few functions.
 */
import { accessDeniedMessage, assertValidPolicy, authorize, buildRequestContext, type createPolicyCache, type CompiledPolicy, type Decision, type PolicySet, type PolicyType, type PrincipalFacts } from '../policy/index.js';
import type { Caller } from '../services/types.js';
import type { ConditionValues } from './context.js';
import type { PrincipalPolicies } from './policies.js';

export type { CompiledPolicy, Decision } from '../policy/index.js';

/** How a document is used: identity policy, permissions boundary, session policy, SCP, or resource (trust) policy. */
export type PolicyUse = PolicyType;

/** Compiles a policy document (memoized by text). */
export type PolicyCompiler = (text: string, id: string, use: PolicyUse) => CompiledPolicy;

/** The engine's policy cache (createPolicyCache(max)). */
export type PolicyCache = ReturnType<typeof createPolicyCache>;

/** How many documents createCompiler remembers by ID in front of the engine's cache. */
const RECENT_BY_ID = 256;

/**
 * A compiler backed by the engine's policy cache, with the last compiled document of each ID in front of it: a
 * document read again (a role's trust policy on every AssumeRole) is recognised by comparing its text with the one
 * remembered for its ID, instead of building and hashing a key of the whole text. The result is the same object.
 */
export function createCompiler(cache: PolicyCache): PolicyCompiler {
  const recent = new Map<string, { text: string; use: PolicyUse; policy: CompiledPolicy }>();
  return (text, id, type) => {
    const r = recent.get(id);
    if (r !== undefined && r.use === type && r.text === text) return r.policy;
    const policy = cache.get(text, { id, type });
    if (r === undefined && recent.size >= RECENT_BY_ID) recent.delete(recent.keys().next().value as string);
    recent.set(id, { text, use: type, policy });
    return policy;
  };
}

/** The facts of one request the engine decides on. */
export interface RequestFacts {
  principalArn: string;
  principalAccount: string;
  action: string;
  resource: string;
  /** The account owning the resource, when known (cross-account checks). */
  resourceAccount?: string;
  /** Every condition key of the request (they override what the engine would derive); a function runs only if read. */
  conditions: ConditionValues | (() => ConditionValues);
  /** The resource control policies of the resource owner's account (rcpChain), when they apply. */
  rcps?: CompiledPolicy[][];
}

/** The engine's principal facts for a caller (kind, ARN, and for role sessions the role ARN). */
export function principalFacts(caller: Caller): PrincipalFacts {
  const f: PrincipalFacts = { kind: caller.kind, arn: caller.arn, accountId: caller.accountId, userId: caller.userId };
  if (caller.kind === 'assumed-role' && caller.session?.sourceArn) f.roleArn = caller.session.sourceArn;
  if (caller.session?.sessionName) f.sessionName = caller.session.sessionName;
  if (caller.userName && caller.kind === 'user') f.userName = caller.userName;
  return f;
}

/** Decides one (action, resource) for a principal, optionally with a resource-based (trust) policy. */
export function decide(facts: RequestFacts, p: PrincipalPolicies, resourcePolicy?: CompiledPolicy, resourceMustAllow?: boolean, caller?: Caller): Decision {
  return decideReporting(facts, p, resourcePolicy, resourceMustAllow, caller).decision;
}

/**
 * decide(), also saying whether the decision read any request context key; one that did not depends only on the
 * principal's policies, the action and the resource (see createDecisionMemo).
 */
export function decideReporting(facts: RequestFacts, p: PrincipalPolicies, resourcePolicy?: CompiledPolicy, resourceMustAllow?: boolean, caller?: Caller): { decision: Decision; usedContext: boolean } {
  const principal: PrincipalFacts = caller ? principalFacts(caller) : { arn: facts.principalArn, accountId: facts.principalAccount };
  const req: Parameters<typeof buildRequestContext>[0] = { principal, action: facts.action, resource: facts.resource, context: facts.conditions };
  if (facts.resourceAccount !== undefined) req.resourceAccount = facts.resourceAccount;
  const set: PolicySet = { identity: p.identity };
  if (resourcePolicy) set.resource = resourcePolicy;
  if (resourceMustAllow !== undefined) set.resourceMustAllow = resourceMustAllow;
  if (p.scps) set.scps = p.scps;
  if (facts.rcps) set.rcps = facts.rcps;
  if (p.boundary) set.boundary = p.boundary;
  if (p.session) set.session = p.session;
  const ctx = buildRequestContext(req);
  const decision = authorize(ctx, set);
  return { decision, usedContext: ctx.keys !== undefined || ctx.keysRead === true };
}

/** Remembered identity-side decisions of one principal's policies, by action and resource. */
export interface DecisionMemo {
  /** The decision for (action, resource), remembered when it read no context key; p's identity is its generation. */
  decide(facts: RequestFacts, p: PrincipalPolicies, caller: Caller): Decision;
}

/**
 * An exact memo of identity-side decisions: a decision that read no condition key is a function of the principal's
 * policies (one PrincipalPolicies object per generation of the principal cache, so a policy write starts afresh), the
 * action, the resource and the resource's account when given. Only allows are kept (denials are rare and carry the
 * request's keys in their messages).
 */
export function createDecisionMemo(perPrincipal = 256): DecisionMemo {
  const memo = new WeakMap<PrincipalPolicies, Map<string, Decision>>();
  return {
    decide(facts, p, caller) {
      // The resource's account when the caller sets it (a member reading its organization's trail decides as its own).
      const key = facts.resourceAccount === undefined ? facts.action + '\n' + facts.resource : facts.action + '\n' + facts.resource + '\n' + facts.resourceAccount;
      let m = memo.get(p);
      const hit = m?.get(key);
      if (hit) return hit;
      const r = decideReporting(facts, p, undefined, undefined, caller);
      if (r.decision.decision === 'Allow' && !r.usedContext) {
        if (!m) memo.set(p, (m = new Map()));
        if (m.size >= perPrincipal) m.clear();
        m.set(key, r.decision);
      }
      return r.decision;
    },
  };
}

/** AWS's AccessDenied text for a decision (IAM/STS wording). */
export function deniedMessage(decision: Decision, principalArn: string, action: string, resource: string): string {
  return accessDeniedMessage(decision, { principalArn, action, resource });
}

/** Throws MalformedPolicyDocument (or ValidationError for size) when a session policy does not validate. */
export function assertValidSessionPolicy(text: string): void {
  assertValidPolicy(text, 'session');
}
