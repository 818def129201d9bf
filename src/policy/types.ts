/** Shared types of the policy engine: policy kinds, problems, request context, compiled policies, decisions. */

/** What a document is being validated as (trust policies are resource policies with extra rules). */
export type PolicyKind = 'identity' | 'resource' | 'trust' | 'scp' | 'rcp' | 'boundary' | 'session';

/** The role a compiled policy plays in authorization. */
export type PolicyType = 'identity' | 'resource' | 'scp' | 'rcp' | 'boundary' | 'session';

/** One validation problem: a stable code, a JSON path, an optional position, and IAM's message text. */
export interface PolicyProblem {
  code: string;
  path: string;
  line?: number;
  column?: number;
  message: string;
}

/** The kinds of principal a request can come from. */
export type PrincipalKind = 'root' | 'user' | 'assumed-role' | 'federated-user' | 'anonymous' | 'service';

/** The principal of a request as the evaluator sees it (derived by buildRequestContext). */
export interface PrincipalInfo {
  kind: PrincipalKind;
  /** The caller's own ARN (session ARN for role sessions); '' for anonymous. */
  arn: string;
  accountId: string;
  /** For role sessions: the role's ARN and unique ID (AROA…). */
  roleArn?: string;
  roleId?: string;
  /** For IAM users: the unique ID (AIDA…). */
  userId?: string;
  /** For service principals, e.g. ec2.amazonaws.com; for web-identity/SAML federation the provider. */
  service?: string;
  federatedProvider?: string;
  canonicalUserId?: string;
}

/** The evaluator's view of one request: lowercased action, resource, principal and condition keys. */
export interface RequestContext {
  action: string;
  /** Lowercased action, e.g. 's3:getobject'. */
  actionLower: string;
  /** Lowercased service prefix of the action, e.g. 's3'. */
  service: string;
  resource: string;
  resourceAccount?: string;
  principal: PrincipalInfo;
  /**
   * Condition keys, lowercased name → values (single-valued keys hold one value); read them with contextKeys(ctx).
   * Undefined until first read when buildRequestContext made the context: a decision that leaves them undefined read
   * no condition key and no policy variable.
   */
  keys: Map<string, string[]> | undefined;
  /** Builds `keys` on first read (set by buildRequestContext). */
  buildKeys?: () => Map<string, string[]>;
  /**
   * The keys outside aws: of the set buildKeys builds, without the rest (set by buildRequestContext next to it;
   * read through contextValue, which marks `keysRead`). A context that replaces buildKeys removes it.
   */
  serviceKeys?: () => Map<string, string[]>;
  /** True once a key was read through serviceKeys (a decision that read one depends on the request's context). */
  keysRead?: boolean;
}

/** A reference to one statement, precomputed at compile time so decisions allocate nothing per match. */
export interface StatementRef {
  policyId: string;
  policyType: PolicyType;
  sid?: string;
  index: number;
  effect: 'Allow' | 'Deny';
}

/** How a resource policy's Allow named the caller (decides same-account special cases). */
export const PRINCIPAL_MATCH = { none: 0, account: 1, role: 2, direct: 3 } as const;
/** Match strength of a principal against a statement: 0 none, 1 account, 2 role, 3 direct. */
export type PrincipalMatch = 0 | 1 | 2 | 3;

/** One compiled statement. */
export interface CompiledStatement {
  ref: StatementRef;
  deny: boolean;
  /** Lowercased services the Action list can match (absent for NotAction or wildcard services): a cheap pre-filter. */
  services?: ReadonlySet<string>;
  matchAction(actionLower: string): boolean;
  matchResource(ctx: RequestContext): boolean;
  /** PrincipalMatch strength (0 = does not apply); always 3 for policies without Principal. */
  matchPrincipal(ctx: RequestContext): PrincipalMatch;
  matchConditions(ctx: RequestContext): boolean;
}

/** A policy compiled once into matchers. */
export interface CompiledPolicy {
  id: string;
  type: PolicyType;
  statements: CompiledStatement[];
  /** Statements indexed by the lowercased service their Action names; `anyService` holds NotAction and wildcard-service ones. */
  byService: Map<string, CompiledStatement[]>;
  anyService: CompiledStatement[];
}

/** The policies that bear on one request. */
export interface PolicySet {
  identity: CompiledPolicy[];
  resource?: CompiledPolicy;
  /** One array per organization level, root first; undefined = not restricted (management account). */
  scps?: CompiledPolicy[][];
  /**
   * Resource control policies of the resource owner's account, one array per organization level, root first;
   * undefined = not restricted (management account, no organization, RCPs not enabled). They bound only actions of
   * the services RCPs support (RCP_SERVICES) and every principal but service-linked roles.
   */
  rcps?: CompiledPolicy[][];
  boundary?: CompiledPolicy;
  /** Session policies; undefined = none were passed (no restriction), [] = restricts everything. */
  session?: CompiledPolicy[];
  /** The resource policy must allow even within one account (role trust policies, KMS key policies); default: true for sts actions. */
  resourceMustAllow?: boolean;
}

/** The outcome of authorize(), with the reasons. */
export interface Decision {
  decision: 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';
  matchedStatements: StatementRef[];
  /** The policy type of the explicit deny AWS would name. */
  deniedBy?: PolicyType;
  /** Policy types that lacked an Allow, in the order AWS names them (scp, rcp, boundary, session, resource, identity). */
  missingAllow: PolicyType[];
  /** For an Allow: which rule granted it (e.g. 'identity', 'resource-direct', 'resource-role'). */
  grantedBy?: string;
  /** Facts kept for explainDecision. */
  action: string;
  resource: string;
  principalArn: string;
  crossAccount: boolean;
}
