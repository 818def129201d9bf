/** Principal / NotPrincipal: parsing the element, validating entries, and matching a request's principal. */
import type { PrincipalMatch, RequestContext } from './types.js';

/** One classified principal entry. */
export type PrincipalEntry =
  | { kind: 'any' }
  | { kind: 'account'; account: string }
  | { kind: 'user' | 'session' | 'federated-user'; arn: string }
  | { kind: 'role'; arn: string }
  | { kind: 'unique-id'; id: string }
  | { kind: 'service' | 'federated' | 'canonical'; value: string };

const ACCOUNT = /^\d{12}$/;
const ROOT = /^arn:aws[a-z-]*:iam::(\d{12}):root$/;
const USER = /^arn:aws[a-z-]*:iam::\d{12}:user\/[\w+=,.@/-]+$/;
const ROLE = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const SESSION = /^arn:aws[a-z-]*:sts::\d{12}:assumed-role\/[\w+=,.@-]+\/[\w+=,.@-]+$/;
const FEDUSER = /^arn:aws[a-z-]*:sts::\d{12}:federated-user\/[\w+=,.@-]+$/;

/** Classifies one "AWS" principal value; undefined when IAM would reject it. */
export function classifyAwsPrincipal(v: string): PrincipalEntry | undefined {
  if (v === '*') return { kind: 'any' };
  if (ACCOUNT.test(v)) return { kind: 'account', account: v };
  const root = ROOT.exec(v);
  if (root) return { kind: 'account', account: root[1]! };
  if (USER.test(v)) return { kind: 'user', arn: v };
  if (ROLE.test(v)) return { kind: 'role', arn: v };
  if (SESSION.test(v)) return { kind: 'session', arn: v };
  if (FEDUSER.test(v)) return { kind: 'federated-user', arn: v };
  // Unique IDs stand in for deleted (or ARN-resolved) users and roles: AIDA… users, AROA… roles.
  if (/^A(IDA|ROA)[A-Z0-9]{13,}$/.test(v)) return { kind: 'unique-id', id: v };
  return undefined;
}

/** The entries of a Principal element with the offending "Type":"value" for each invalid one. */
export function parsePrincipalElement(el: unknown): { entries: PrincipalEntry[]; invalid: string[]; syntax: boolean } {
  const entries: PrincipalEntry[] = [];
  const invalid: string[] = [];
  if (el === '*') return { entries: [{ kind: 'any' }], invalid, syntax: false };
  if (!el || typeof el !== 'object' || Array.isArray(el)) return { entries, invalid, syntax: true };
  let syntax = false;
  for (const [type, raw] of Object.entries(el as Record<string, unknown>)) {
    const list = Array.isArray(raw) ? raw : [raw];
    for (const v of list) {
      if (typeof v !== 'string') {
        syntax = true;
        continue;
      }
      if (type === 'AWS') {
        const e = classifyAwsPrincipal(v);
        if (e) entries.push(e);
        else invalid.push(`"AWS":"${v}"`);
      } else if (type === 'Service') {
        if (v === '*' || /^[a-z0-9.-]+\.(amazonaws\.com|amazonaws\.com\.cn|aws\.internal|amazon\.com)$/.test(v) || /^[a-z0-9-]+$/.test(v)) entries.push({ kind: 'service', value: v });
        else invalid.push(`"Service":"${v}"`);
      } else if (type === 'Federated') {
        if (v && !v.includes('*')) entries.push({ kind: 'federated', value: v });
        else invalid.push(`"Federated":"${v}"`);
      } else if (type === 'CanonicalUser') {
        if (/^[0-9a-f]{64}$/i.test(v)) entries.push({ kind: 'canonical', value: v });
        else invalid.push(`"CanonicalUser":"${v}"`);
      } else syntax = true;
    }
  }
  return { entries, invalid, syntax };
}

/** A compiled principal test returning the match strength (0 none, 1 account, 2 role, 3 direct). */
export type PrincipalMatcher = (ctx: RequestContext) => PrincipalMatch;

interface Sets {
  any: boolean;
  direct: Set<string>;
  roles: Set<string>;
  accounts: Set<string>;
  services: Set<string>;
  federated: Set<string>;
  canonical: Set<string>;
  uniqueIds: Set<string>;
}

function toSets(entries: PrincipalEntry[]): Sets {
  const s: Sets = { any: false, direct: new Set(), roles: new Set(), accounts: new Set(), services: new Set(), federated: new Set(), canonical: new Set(), uniqueIds: new Set() };
  for (const e of entries) {
    if (e.kind === 'any') s.any = true;
    else if (e.kind === 'account') s.accounts.add(e.account);
    else if (e.kind === 'role') s.roles.add(e.arn);
    else if (e.kind === 'user' || e.kind === 'session' || e.kind === 'federated-user') s.direct.add(e.arn);
    else if (e.kind === 'service') s.services.add(e.value);
    else if (e.kind === 'federated') s.federated.add(e.value);
    else if (e.kind === 'canonical') s.canonical.add(e.value);
    else if (e.kind === 'unique-id') s.uniqueIds.add(e.id);
  }
  return s;
}

function strength(s: Sets, ctx: RequestContext): PrincipalMatch {
  const p = ctx.principal;
  if (s.any) return 3;
  switch (p.kind) {
    case 'anonymous':
      return p.canonicalUserId && s.canonical.has(p.canonicalUserId) ? 3 : 0;
    case 'service':
      return p.service && (s.services.has(p.service) || s.services.has('*')) ? 3 : 0;
    default: {
      if (s.direct.has(p.arn)) return 3;
      if (p.federatedProvider && s.federated.has(p.federatedProvider)) return 3;
      if (p.canonicalUserId && s.canonical.has(p.canonicalUserId)) return 3;
      if (p.userId !== undefined && p.kind === 'user' && s.uniqueIds.has(p.userId)) return 3;
      if (p.roleArn && s.roles.has(p.roleArn)) return 2;
      if (p.roleId !== undefined && s.uniqueIds.has(p.roleId)) return 2;
      if (s.accounts.has(p.accountId)) return p.kind === 'root' ? 3 : 1;
      return 0;
    }
  }
}

/** Compiles a Principal element. */
export function compilePrincipal(el: unknown): PrincipalMatcher {
  const s = toSets(parsePrincipalElement(el).entries);
  if (s.any) return () => 3;
  return (ctx) => strength(s, ctx);
}

/**
 * Compiles a NotPrincipal element. The statement applies when any of the caller's identities (session ARN, role ARN,
 * account; user ARN, account; …) is not listed, which is why AWS asks to list the account, role and session together.
 */
export function compileNotPrincipal(el: unknown): PrincipalMatcher {
  const s = toSets(parsePrincipalElement(el).entries);
  if (s.any) return () => 0;
  return (ctx) => {
    const p = ctx.principal;
    if (p.kind === 'anonymous') return 3;
    if (p.kind === 'service') return p.service && s.services.has(p.service) ? 0 : 3;
    if (p.federatedProvider) return s.federated.has(p.federatedProvider) ? 0 : 3;
    if (p.kind === 'root') return s.accounts.has(p.accountId) ? 0 : 3;
    if (!s.direct.has(p.arn)) return 3;
    if (p.roleArn && !s.roles.has(p.roleArn)) return 3;
    if (!s.accounts.has(p.accountId)) return 3;
    return 0;
  };
}
