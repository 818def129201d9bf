/**
 * Bulk load, step one: a get-account-authorization-details answer (the CLI's JSON, documents as objects or URL-encoded
 * text) checked as IAM checks the same entities one call at a time — names, paths, IDs, tags, policy documents, the
 * attachment quota, references to groups and policies — and turned into rows; the first problem refuses the whole file.
 */
import { KamenError } from '../../errors.js';
import { randomBytes } from 'node:crypto';
import type { IdPrefix } from '../../ids.js';
import { assertValidPolicy } from '../../policy/index.js';
import type { Tag } from '../store.js';

/** The rows one file adds, all in one account. */
export interface LoadPlan {
  accountId: string;
  users: Array<{ id: string; name: string; path: string; arn: string; created: number; boundary: string | null; tags: string }>;
  groups: Array<{ id: string; name: string; path: string; arn: string; created: number }>;
  roles: Array<{ id: string; name: string; path: string; arn: string; created: number; trust: string; boundary: string | null; tags: string; lastUsed: number | null; lastRegion: string | null }>;
  policies: Array<{ arn: string; id: string; name: string; path: string; defaultVersion: string; created: number; updated: number; description: string | null; tags: string }>;
  versions: Array<{ arn: string; versionId: string; seq: number; document: string; created: number }>;
  inline: Array<{ kind: 'user' | 'group' | 'role'; principal: string; name: string; document: string }>;
  attachments: Array<{ kind: 'user' | 'group' | 'role'; principal: string; arn: string }>;
  members: Array<{ group: string; user: string }>;
  /** Customer managed policy ARNs and group names referenced but not in the file: they must already be in the store. */
  external: { policies: Set<string>; groups: Set<string> };
}

/** What the plan needs besides the file. */
export interface PlanOptions {
  /** Load into this account (ARNs are rewritten); default: the account the file's ARNs name. */
  accountId?: string;
  /** Whether an AWS managed policy ARN exists (the managed policy catalog). */
  isAwsManaged(arn: string): boolean;
  now: number;
}

const NAME = /^[\w+=,.@-]+$/;
const PATH = /^(\/|\/[\u0021-\u007E]+\/)$/;
const ID = /^[A-Z0-9]{16,128}$/;
const ATTACHED_QUOTA = 10;
const DOC_MAX = 131072;

type Obj = Record<string, unknown>;

function bad(where: string, what: string): KamenError {
  return new KamenError('ERR_VALIDATION', `${where}: ${what}`);
}

function list(o: Obj, key: string, where: string): Obj[] {
  const v = o[key];
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'object' || x === null)) throw bad(where, `${key} must be a list of objects`);
  return v as Obj[];
}

function name(o: Obj, key: string, max: number, where: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v.length < 1 || v.length > max || !NAME.test(v)) {
    throw bad(where, `${key} ${JSON.stringify(v)} must be 1 to ${max} characters of [\\w+=,.@-]`);
  }
  return v;
}

function path(o: Obj, where: string): string {
  const v = o['Path'] ?? '/';
  if (typeof v !== 'string' || v.length > 512 || !PATH.test(v)) throw bad(where, `Path ${JSON.stringify(v)} must begin and end with / and hold printable ASCII`);
  return v;
}

function date(v: unknown, now: number, where: string): number {
  if (v === undefined) return now;
  const t = typeof v === 'string' ? Date.parse(v) : NaN;
  if (!Number.isFinite(t)) throw bad(where, `date ${JSON.stringify(v)} is not ISO 8601`);
  return t;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * New unique IDs for one load: the prefix, 9 random Base32 characters drawn once per load, and an 8-character counter,
 * 21 characters like AWS's. Consecutive IDs keep the primary key indexes' inserts sequential (random IDs scattered them
 * and cost the load a third of its speed); the stores' unique indexes still refuse a collision.
 */
function idSource(): (prefix: IdPrefix) => string {
  const bytes = randomBytes(9);
  let head = '';
  for (const b of bytes) head += BASE32[b & 31];
  let n = 0;
  return (prefix) => {
    let k = n++;
    let tail = '';
    for (let i = 0; i < 8; i++, k = Math.floor(k / 32)) tail = BASE32[k % 32]! + tail;
    return prefix + head + tail;
  };
}

function id(o: Obj, key: string, prefix: IdPrefix, seen: Set<string>, where: string, next: (prefix: IdPrefix) => string): string {
  const v = o[key];
  if (v === undefined) return next(prefix);
  if (typeof v !== 'string' || !ID.test(v)) throw bad(where, `${key} ${JSON.stringify(v)} is not an IAM unique ID`);
  if (seen.has(v)) throw bad(where, `${key} ${v} appears twice`);
  seen.add(v);
  return v;
}

function tags(o: Obj, where: string): string {
  const t = list(o, 'Tags', where);
  if (t.length > 50) throw bad(where, 'at most 50 tags');
  const keys = new Set<string>();
  const out: Tag[] = [];
  for (const x of t) {
    const k = x['Key'];
    const v = x['Value'] ?? '';
    if (typeof k !== 'string' || k.length < 1 || k.length > 128 || typeof v !== 'string' || v.length > 256) throw bad(where, 'a tag key is 1 to 128 characters, a value at most 256');
    if (k.toLowerCase().startsWith('aws:')) throw bad(where, 'tag keys may not start with aws:');
    if (keys.has(k.toLowerCase())) throw bad(where, `tag key ${k} appears twice`);
    keys.add(k.toLowerCase());
    out.push({ Key: k, Value: v });
  }
  return JSON.stringify(out);
}

/** Checks documents once per distinct text (bulk files repeat trust and permission policies). */
function documentChecker(): (v: unknown, kind: 'identity' | 'trust', managed: boolean, where: string) => string {
  const valid = new Set<string>();
  return (v, kind, managed, where) => {
    let text: string;
    if (typeof v === 'string') text = v.startsWith('%7B') || v.startsWith('%7b') ? decodeURIComponent(v) : v;
    else if (typeof v === 'object' && v !== null) text = JSON.stringify(v);
    else throw bad(where, 'a policy document is missing');
    if (text.length > DOC_MAX) throw bad(where, 'a policy document is longer than 131072 characters');
    const key = `${kind}${managed ? 'm' : ''}:${text}`;
    if (!valid.has(key)) {
      try {
        assertValidPolicy(text, kind, managed ? { requireCurrentVersion: true } : undefined);
      } catch (err) {
        throw bad(where, err instanceof Error ? err.message : String(err));
      }
      valid.add(key);
    }
    return text;
  };
}

/** Turns a parsed file into a checked plan; throws KamenError('ERR_VALIDATION', '<where>: <what>') on the first problem. */
export function planLoad(file: unknown, opts: PlanOptions): LoadPlan {
  if (typeof file !== 'object' || file === null || Array.isArray(file)) throw bad('file', 'not a get-account-authorization-details JSON object');
  const f = file as Obj;
  let account = opts.accountId;
  if (account !== undefined && !/^\d{12}$/.test(account)) throw bad('--account', `${account} is not a 12-digit account ID`);
  const arnAccount = (arn: unknown, where: string): void => {
    if (opts.accountId !== undefined || typeof arn !== 'string') return;
    const m = /^arn:aws:iam::(\d{12}):/.exec(arn);
    if (!m) throw bad(where, `Arn ${JSON.stringify(arn)} names no account`);
    if (account === undefined) account = m[1]!;
    else if (account !== m[1]) throw bad(where, `Arn names account ${m[1]}, the file is for ${account}`);
  };
  // The account comes first: every ARN is rebuilt from it.
  for (const [k, key] of [['UserDetailList', 'Arn'], ['GroupDetailList', 'Arn'], ['RoleDetailList', 'Arn'], ['Policies', 'Arn']] as const) {
    for (const o of list(f, k, k)) arnAccount(o[key], k);
  }
  if (account === undefined) account = '000000000000';
  const acct = account;
  const arn = (kind: string, p: string, n: string): string => `arn:aws:iam::${acct}:${kind}${p}${n}`;
  const doc = documentChecker();
  const ids = new Set<string>();
  const nextId = idSource();
  const plan: LoadPlan = { accountId: acct, users: [], groups: [], roles: [], policies: [], versions: [], inline: [], attachments: [], members: [], external: { policies: new Set(), groups: new Set() } };
  const localPolicies = new Map<string, string>(); // ARN as the file wrote it, and rebuilt → rebuilt ARN
  const names = { user: new Set<string>(), group: new Set<string>(), role: new Set<string>(), policy: new Set<string>() };
  const unique = (kind: keyof typeof names, n: string, where: string): void => {
    const k = n.toLowerCase();
    if (names[kind].has(k)) throw bad(where, `a ${kind} called ${n} appears twice (names are case-insensitive)`);
    names[kind].add(k);
  };

  for (const [i, p] of list(f, 'Policies', 'Policies').entries()) {
    const where = `Policies[${i}]`;
    const n = name(p, 'PolicyName', 128, where);
    unique('policy', n, where);
    const pth = path(p, where);
    const a = arn('policy', pth, n);
    if (typeof p['Arn'] === 'string') localPolicies.set(p['Arn'], a);
    localPolicies.set(a, a);
    const versions = list(p, 'PolicyVersionList', where);
    if (versions.length < 1 || versions.length > 5) throw bad(where, 'a policy has 1 to 5 versions (PolicyVersionList)');
    const defaults = versions.filter((v) => v['IsDefaultVersion'] === true);
    if (defaults.length !== 1) throw bad(where, 'exactly one version is the default');
    const created = date(p['CreateDate'], opts.now, where);
    const seen = new Set<string>();
    for (const v of versions) {
      const vid = v['VersionId'];
      if (typeof vid !== 'string' || !/^v[1-9]\d{0,8}$/.test(vid) || seen.has(vid)) throw bad(where, `VersionId ${JSON.stringify(vid)} is not v1, v2, … or appears twice`);
      seen.add(vid);
      plan.versions.push({ arn: a, versionId: vid, seq: Number(vid.slice(1)), document: doc(v['Document'], 'identity', true, `${where} ${vid}`), created: date(v['CreateDate'], created, where) });
    }
    const description = p['Description'];
    if (description !== undefined && (typeof description !== 'string' || description.length > 1000)) throw bad(where, 'Description is at most 1000 characters');
    plan.policies.push({ arn: a, id: id(p, 'PolicyId', 'ANPA', ids, where, nextId), name: n, path: pth, defaultVersion: defaults[0]!['VersionId'] as string, created, updated: date(p['UpdateDate'], created, where), description: (description as string | undefined) ?? null, tags: tags(p, where) });
  }

  /** A managed policy ARN a principal uses: AWS managed (in the catalog), in the file, or to be found in the store. */
  const policyRef = (v: unknown, where: string): string => {
    if (typeof v !== 'string') throw bad(where, 'a policy ARN is missing');
    if (v.startsWith('arn:aws:iam::aws:policy/')) {
      if (!opts.isAwsManaged(v)) throw bad(where, `Policy ${v} does not exist or is not attachable.`);
      return v;
    }
    const local = localPolicies.get(v);
    if (local) return local;
    const m = /^arn:aws:iam::(\d{12}):policy(\/.*)$/.exec(v);
    if (!m) throw bad(where, `${v} is not a managed policy ARN`);
    const rebuilt = `arn:aws:iam::${acct}:policy${m[2]}`;
    plan.external.policies.add(rebuilt);
    return rebuilt;
  };
  const principalPolicies = (o: Obj, kind: 'user' | 'group' | 'role', principal: string, inlineKey: string, where: string): void => {
    const attached = list(o, 'AttachedManagedPolicies', where);
    if (attached.length > ATTACHED_QUOTA) throw bad(where, `Cannot exceed quota for PoliciesPer${kind[0]!.toUpperCase()}${kind.slice(1)}: ${ATTACHED_QUOTA}`);
    const arns = new Set<string>();
    for (const a of attached) arns.add(policyRef(a['PolicyArn'], where));
    for (const a of arns) plan.attachments.push({ kind, principal, arn: a });
    const inlineNames = new Set<string>();
    for (const p of list(o, inlineKey, where)) {
      const n = name(p, 'PolicyName', 128, where);
      if (inlineNames.has(n)) throw bad(where, `inline policy ${n} appears twice`);
      inlineNames.add(n);
      plan.inline.push({ kind, principal, name: n, document: doc(p['PolicyDocument'], 'identity', false, `${where} ${n}`) });
    }
  };
  const boundary = (o: Obj, where: string): string | null => {
    const b = o['PermissionsBoundary'] as Obj | undefined;
    if (b === undefined) return null;
    return policyRef(b['PermissionsBoundaryArn'], where);
  };

  for (const [i, g] of list(f, 'GroupDetailList', 'GroupDetailList').entries()) {
    const where = `GroupDetailList[${i}]`;
    const n = name(g, 'GroupName', 128, where);
    unique('group', n, where);
    const pth = path(g, where);
    plan.groups.push({ id: id(g, 'GroupId', 'AGPA', ids, where, nextId), name: n, path: pth, arn: arn('group', pth, n), created: date(g['CreateDate'], opts.now, where) });
    principalPolicies(g, 'group', n, 'GroupPolicyList', where);
  }
  for (const [i, u] of list(f, 'UserDetailList', 'UserDetailList').entries()) {
    const where = `UserDetailList[${i}]`;
    const n = name(u, 'UserName', 64, where);
    unique('user', n, where);
    const pth = path(u, where);
    plan.users.push({ id: id(u, 'UserId', 'AIDA', ids, where, nextId), name: n, path: pth, arn: arn('user', pth, n), created: date(u['CreateDate'], opts.now, where), boundary: boundary(u, where), tags: tags(u, where) });
    principalPolicies(u, 'user', n, 'UserPolicyList', where);
    const groups = u['GroupList'] ?? [];
    if (!Array.isArray(groups) || groups.length > 10) throw bad(where, 'GroupList is a list of at most 10 group names');
    for (const g of groups) {
      if (typeof g !== 'string' || !NAME.test(g)) throw bad(where, `group ${JSON.stringify(g)} is not a group name`);
      plan.members.push({ group: g, user: n });
    }
  }
  for (const m of plan.members) if (!names.group.has(m.group.toLowerCase())) plan.external.groups.add(m.group);
  for (const [i, r] of list(f, 'RoleDetailList', 'RoleDetailList').entries()) {
    const where = `RoleDetailList[${i}]`;
    const n = name(r, 'RoleName', 64, where);
    unique('role', n, where);
    const pth = path(r, where);
    const last = r['RoleLastUsed'] as Obj | undefined;
    const lastDate = last?.['LastUsedDate'];
    plan.roles.push({
      id: id(r, 'RoleId', 'AROA', ids, where, nextId),
      name: n,
      path: pth,
      arn: arn('role', pth, n),
      created: date(r['CreateDate'], opts.now, where),
      trust: doc(r['AssumeRolePolicyDocument'], 'trust', false, where),
      boundary: boundary(r, where),
      tags: tags(r, where),
      lastUsed: lastDate === undefined ? null : date(lastDate, opts.now, where),
      lastRegion: typeof last?.['Region'] === 'string' ? (last['Region'] as string) : null,
    });
    principalPolicies(r, 'role', n, 'RolePolicyList', where);
  }
  return plan;
}
