/** buildRequestContext(): derives every global condition key AWS supplies from the caller's facts. */
import type { PrincipalInfo, PrincipalKind, RequestContext } from './types.js';
import { isoSeconds } from '../iso-time.js';

/** A context key value as callers pass it. */
export type ContextInput = string | number | boolean | string[];

/** Facts about the principal making the request. */
export interface PrincipalFacts {
  /** Inferred from the ARN when omitted. */
  kind?: PrincipalKind;
  arn?: string;
  accountId?: string;
  userId?: string;
  userName?: string;
  /** Role sessions: the role's ARN, unique ID (AROA…) and session name. */
  roleArn?: string;
  roleId?: string;
  sessionName?: string;
  tags?: Record<string, string>;
  /** True when the credentials are temporary (sessions; GetSessionToken); default true for role and federated sessions. */
  temporary?: boolean;
  mfaPresent?: boolean;
  /** Seconds since MFA authentication, or the MFA time (ms epoch) to compute it. */
  mfaAge?: number;
  mfaAuthenticatedAt?: number;
  /** Session issue time (ms epoch or ISO string). */
  tokenIssueTime?: number | string;
  sourceIdentity?: string;
  orgId?: string;
  orgPaths?: string[];
  /** Service principals: e.g. 'ec2.amazonaws.com'. */
  service?: string;
  /** Web identity / SAML federation provider. */
  federatedProvider?: string;
  canonicalUserId?: string;
}

/** Everything the caller knows about one request. */
export interface RequestFacts {
  principal: PrincipalFacts;
  action: string;
  /** The resource ARN ('*' when the action has no resource), optionally with its owning account. */
  resource?: string | { arn: string; accountId?: string };
  resourceAccount?: string;
  /** Request time in ms (defaults to Date.now()); pass the Clock's now(). */
  now?: number;
  sourceIp?: string;
  secureTransport?: boolean;
  region?: string;
  userAgent?: string;
  referer?: string;
  resourceTags?: Record<string, string>;
  requestTags?: Record<string, string>;
  /**
   * Service-specific or extra keys (sts:ExternalId, s3:prefix, aws:SourceArn …); they override derived keys. A function
   * is called only if some condition or policy variable reads the keys.
   */
  context?: Record<string, ContextInput | undefined> | (() => Record<string, ContextInput | undefined>);
}

const PRINCIPAL_TYPE: Record<PrincipalKind, string> = {
  root: 'Account',
  user: 'User',
  'assumed-role': 'AssumedRole',
  'federated-user': 'FederatedUser',
  anonymous: 'Anonymous',
  service: 'Service',
};

/** Infers the principal kind from its ARN. */
export function kindFromArn(arn: string | undefined): PrincipalKind {
  if (!arn) return 'anonymous';
  if (/^arn:[^:]+:iam::\d{12}:root$/.test(arn)) return 'root';
  if (/^arn:[^:]+:iam::\d{12}:user\//.test(arn)) return 'user';
  if (/^arn:[^:]+:sts::\d{12}:assumed-role\//.test(arn)) return 'assumed-role';
  if (/^arn:[^:]+:sts::\d{12}:federated-user\//.test(arn)) return 'federated-user';
  if (/\.amazonaws\.com$/.test(arn)) return 'service';
  return 'user';
}

export { isoSeconds };
const iso = isoSeconds;

/** Derives the principal info and all global keys; caller-supplied `context` keys override derived ones. */
export function buildRequestContext(facts: RequestFacts): RequestContext {
  const f = facts.principal;
  let given: Record<string, ContextInput | undefined> | undefined;
  /** The caller-supplied keys, computed once and only when something needs them. */
  const context = (): Record<string, ContextInput | undefined> => (given ??= typeof facts.context === 'function' ? facts.context() : facts.context ?? {});
  /** The caller-supplied keys outside aws:, by lowercased name (serviceKeys). */
  let givenService: Map<string, string[]> | undefined;
  const kind = f.kind ?? kindFromArn(f.arn);
  const arn = f.arn ?? '';
  const accountId = f.accountId ?? /^arn:[^:]+:[^:]+::(\d{12}):/.exec(arn)?.[1] ?? '';
  let roleArn = f.roleArn;
  let sessionName = f.sessionName;
  if (kind === 'assumed-role') {
    if (!roleArn) {
      const p = context()['aws:PrincipalArn'];
      if (typeof p === 'string' && p.includes(':role/')) roleArn = p;
    }
    const m = /^arn:([^:]+):sts::(\d{12}):assumed-role\/(.+)\/([^/]+)$/.exec(arn);
    if (m) {
      roleArn ??= `arn:${m[1]}:iam::${m[2]}:role/${m[3]}`;
      sessionName ??= m[4];
    }
  }
  const principal: PrincipalInfo = { kind, arn, accountId };
  if (roleArn && kind === 'assumed-role') principal.roleArn = roleArn;
  const contextUserId = f.userId === undefined ? context()['aws:userid'] : undefined;
  const givenUserId = f.userId ?? (typeof contextUserId === 'string' ? contextUserId : undefined);
  if (kind === 'user' && givenUserId) principal.userId = givenUserId;
  const roleId = f.roleId ?? (kind === 'assumed-role' && givenUserId?.includes(':') ? givenUserId.slice(0, givenUserId.indexOf(':')) : undefined);
  if (kind === 'assumed-role' && roleId) principal.roleId = roleId;
  if (f.service ?? (kind === 'service' ? arn : undefined)) principal.service = f.service ?? arn;
  if (f.federatedProvider) principal.federatedProvider = f.federatedProvider;
  if (f.canonicalUserId) principal.canonicalUserId = f.canonicalUserId;

  const res = facts.resource;
  const resource = typeof res === 'string' ? res : res?.arn ?? '*';
  const resourceAccount = facts.resourceAccount ?? (typeof res === 'object' ? res.accountId : undefined) ?? /^arn:[^:]*:[^:]*:[^:]*:(\d{12}):/.exec(resource)?.[1];

  const actionLower = facts.action.toLowerCase();
  // The keys are built on first read (contextKeys): a decision whose statements test no condition and use no variable
  // never needs them. Plain data properties, not a getter: the conditions read them on the hot path.
  const ctx: RequestContext = {
    action: facts.action,
    actionLower,
    service: actionLower.slice(0, Math.max(0, actionLower.indexOf(':'))),
    resource,
    principal,
    keys: undefined,
    buildKeys: conditionKeys,
  };
  if (resourceAccount !== undefined) ctx.resourceAccount = resourceAccount;
  ctx.serviceKeys = serviceKeys;
  return ctx;

  /**
   * The keys outside aws: (a service's own, such as sts:ExternalId): every derived key is an aws: key, so the
   * caller-supplied ones are all that can hold them, set as conditionKeys sets them (later spellings win).
   */
  function serviceKeys(): Map<string, string[]> {
    if (!givenService) {
      givenService = new Map();
      const extra = context();
      for (const k of Object.keys(extra)) {
        const v = extra[k];
        if (v !== undefined && !isAwsKey(k)) givenService.set(k.toLowerCase(), keyValues(v));
      }
    }
    return givenService;
  }

  /** Every global key AWS supplies for this request, then the caller's keys over them. */
  function conditionKeys(): Map<string, string[]> {
    const keys = new Map<string, string[]>();
    /** A key already spelled in lowercase (the derived ones below: no toLowerCase per request). */
    const put = (lower: string, v: ContextInput | undefined) => {
      if (v === undefined) return;
      keys.set(lower, keyValues(v));
    };
    const set = (k: string, v: ContextInput | undefined) => put(k.toLowerCase(), v);
    const now = facts.now ?? Date.now();
    put('aws:currenttime', iso(now));
    put('aws:epochtime', Math.floor(now / 1000));
    put('aws:securetransport', facts.secureTransport ?? true);
    put('aws:sourceip', facts.sourceIp);
    put('aws:requestedregion', facts.region);
    put('aws:useragent', facts.userAgent);
    put('aws:referer', facts.referer);
    put('aws:resourceaccount', resourceAccount);
    put('aws:principaltype', PRINCIPAL_TYPE[kind]);
    put('aws:principalisawsservice', kind === 'service');
    if (kind === 'service') put('aws:principalservicename', principal.service);
    if (kind !== 'anonymous' && kind !== 'service') {
      put('aws:principalaccount', accountId);
      put('aws:principalarn', kind === 'assumed-role' ? roleArn ?? arn : kind === 'root' ? `arn:aws:iam::${accountId}:root` : arn);
      put('aws:viaawsservice', false);
      const userid =
        f.userId ??
        (kind === 'root' ? accountId : kind === 'assumed-role' && f.roleId && sessionName ? `${f.roleId}:${sessionName}` : kind === 'federated-user' ? `${accountId}:${arn.split('/').pop()}` : undefined);
      put('aws:userid', userid);
      if (kind === 'user') put('aws:username', f.userName ?? arn.split('/').pop());
      put('aws:principalorgid', f.orgId);
      put('aws:principalorgpaths', f.orgPaths);
      const tags = f.tags ?? {};
      for (const k of Object.keys(tags)) set(`aws:PrincipalTag/${k}`, tags[k]);
      // MFA keys exist only for temporary credentials; long-term access keys carry neither (AWS's documented behaviour).
      const temporary = f.temporary ?? (kind === 'assumed-role' || kind === 'federated-user');
      if (temporary) {
        put('aws:multifactorauthpresent', f.mfaPresent === true);
        if (f.mfaPresent) {
          const age = f.mfaAge ?? (f.mfaAuthenticatedAt !== undefined ? Math.max(0, Math.floor((now - f.mfaAuthenticatedAt) / 1000)) : undefined);
          put('aws:multifactorauthage', age);
        }
        const t = f.tokenIssueTime;
        put('aws:tokenissuetime', typeof t === 'number' ? iso(t) : t);
      }
      put('aws:sourceidentity', f.sourceIdentity);
      if (f.federatedProvider) put('aws:federatedprovider', f.federatedProvider);
    } else if (kind === 'anonymous') put('aws:userid', 'anonymous');
    const rt = facts.resourceTags ?? {};
    for (const k of Object.keys(rt)) set(`aws:ResourceTag/${k}`, rt[k]);
    const qt = facts.requestTags;
    if (qt) {
      for (const k of Object.keys(qt)) set(`aws:RequestTag/${k}`, qt[k]);
      put('aws:tagkeys', Object.keys(qt));
    }
    const extra = context();
    for (const k of Object.keys(extra)) set(k, extra[k]);
    return keys;
  }
}

/** True when `k` begins with `aws:` in any case (k.toLowerCase().startsWith('aws:'), without the copy). */
function isAwsKey(k: string): boolean {
  return k.length > 3 && k.charCodeAt(3) === 58 && (k.charCodeAt(0) | 32) === 97 && (k.charCodeAt(1) | 32) === 119 && (k.charCodeAt(2) | 32) === 115;
}

/** A context key's values as the context holds them: strings, one per value. */
function keyValues(v: ContextInput): string[] {
  return Array.isArray(v) ? v.map(String) : [String(v)];
}

/** The context's condition keys, built now if this is their first read. */
export function contextKeys(ctx: RequestContext): Map<string, string[]> {
  return ctx.keys ?? (ctx.keys = ctx.buildKeys ? ctx.buildKeys() : new Map());
}

/**
 * One key's values (`lower`: its lowercased name), as contextKeys(ctx).get(lower) would answer; a service's own key
 * (sts:ExternalId, iam:PassedToService, …) is read without building the global keys.
 */
export function contextValue(ctx: RequestContext, lower: string): string[] | undefined {
  if (ctx.keys === undefined && ctx.serviceKeys !== undefined && !lower.startsWith('aws:')) {
    ctx.keysRead = true;
    return ctx.serviceKeys().get(lower);
  }
  return contextKeys(ctx).get(lower);
}

/** Reads one key's values (case-insensitive). */
export function contextValues(ctx: RequestContext, key: string): string[] | undefined {
  return contextValue(ctx, key.toLowerCase());
}

/** The same request context aimed at another resource (for actions over several resources); keys are shared except aws:ResourceAccount. */
export function withResource(ctx: RequestContext, resource: string, resourceAccount?: string): RequestContext {
  const account = resourceAccount ?? /^arn:[^:]*:[^:]*:[^:]*:(\d{12}):/.exec(resource)?.[1];
  const keys = new Map(contextKeys(ctx));
  if (account !== undefined) keys.set('aws:resourceaccount', [account]);
  else keys.delete('aws:resourceaccount');
  const out: RequestContext = { ...ctx, resource, keys };
  if (account !== undefined) out.resourceAccount = account;
  else delete out.resourceAccount;
  return out;
}
