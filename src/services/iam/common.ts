/** Shared helpers of the IAM operations: ARNs, callers, lookups with AWS's error texts, paging, tags, shapes. */
import { KamenError } from '../../errors.js';
import { assertValidPolicy } from '../../policy/index.js';
import type { Group, InstanceProfile, ListOptions, ManagedPolicy, Page, Role, Tag, User } from '../../store/store.js';
import type { OperationContext } from '../types.js';
import type { ManagedCatalogEntry, ManagedPolicyCatalog } from './managed-catalog.js';

/** What the IAM operations need besides the context. */
export interface IamDeps {
  /** The AWS managed policy catalog (shared with STS and the authorizer). */
  managedPolicies: ManagedPolicyCatalog;
}

export type Input = Record<string, any>;

/** The account every IAM operation acts in. */
export function account(ctx: OperationContext): string {
  return ctx.caller.accountId;
}

/** arn:aws:iam::ACCT:<kind><path><name>. */
export function iamArn(accountId: string, kind: string, path: string, name: string): string {
  return `arn:aws:iam::${accountId}:${kind}${path}${name}`;
}

/** IAM returns policy documents URL-encoded (botocore decodes them). */
export function encodeDoc(doc: string): string {
  return encodeURIComponent(doc);
}

/**
 * Validates an identity / trust policy document (MalformedPolicyDocument on failure). A managed policy's document
 * (CreatePolicy, CreatePolicyVersion) must also say `"Version": "2012-10-17"`: IAM refuses one with no Version or
 * 2008-10-17 ("Policy document must be version 2012-10-17 or greater."), which inline and trust policies may have.
 */
export function validateDoc(doc: string, kind: 'identity' | 'trust', managed = false): void {
  assertValidPolicy(doc, kind, managed ? { requireCurrentVersion: true } : undefined);
}

export function noUser(name: string): KamenError {
  return new KamenError('ERR_NO_SUCH_ENTITY', `The user with name ${name} cannot be found.`);
}
export function noGroup(name: string): KamenError {
  return new KamenError('ERR_NO_SUCH_ENTITY', `The group with name ${name} cannot be found.`);
}
export function noRole(name: string): KamenError {
  return new KamenError('ERR_NO_SUCH_ENTITY', `The role with name ${name} cannot be found.`);
}
export function noPolicy(arn: string): KamenError {
  return new KamenError('ERR_NO_SUCH_ENTITY', `Policy ${arn} was not found.`);
}
export function notAttachable(arn: string): KamenError {
  return new KamenError('ERR_NO_SUCH_ENTITY', `Policy ${arn} does not exist or is not attachable.`);
}

export async function mustUser(ctx: OperationContext, name: string): Promise<User> {
  const u = await ctx.store.getUser(account(ctx), name);
  if (!u) throw noUser(name);
  return u;
}
export async function mustGroup(ctx: OperationContext, name: string): Promise<Group> {
  const g = await ctx.store.getGroup(account(ctx), name);
  if (!g) throw noGroup(name);
  return g;
}
export async function mustRole(ctx: OperationContext, name: string): Promise<Role> {
  const r = await ctx.store.getRole(account(ctx), name);
  if (!r) throw noRole(name);
  return r;
}

export const NON_USER_MESSAGE = 'Must specify userName when calling with non-User credentials';

/**
 * The user an operation with an optional UserName acts on: the given one, else the calling IAM user; `undefined`
 * means the root user (only when `allowRoot`); role/federated sessions must name a user.
 */
export function targetUserName(ctx: OperationContext, input: Input, allowRoot = true): string | undefined {
  const given = input['UserName'];
  if (typeof given === 'string' && given !== '') return given;
  const c = ctx.caller;
  if (c.kind === 'user' && c.userName) return c.userName;
  if (c.kind === 'root' && allowRoot) return undefined;
  throw new KamenError('ERR_VALIDATION', NON_USER_MESSAGE);
}

/** The catalog from deps, else from ctx.deps.managedPolicies. */
export function catalogOf(deps: IamDeps, ctx: OperationContext): ManagedPolicyCatalog {
  return deps.managedPolicies ?? (ctx.deps['managedPolicies'] as ManagedPolicyCatalog);
}

/** True for arn:aws:iam::aws:policy/… */
export function isAwsManagedArn(arn: string): boolean {
  return arn.startsWith('arn:aws:iam::aws:policy/');
}

/** A managed policy this account may attach (AWS managed from the catalog, or its own customer managed one). */
export async function attachablePolicy(
  ctx: OperationContext,
  catalog: ManagedPolicyCatalog,
  arn: string,
): Promise<{ aws?: ManagedCatalogEntry; local?: ManagedPolicy }> {
  if (isAwsManagedArn(arn)) {
    const aws = catalog.get(arn);
    if (!aws) throw notAttachable(arn);
    return { aws };
  }
  const local = await ctx.store.getPolicy(arn);
  if (!local || local.accountId !== account(ctx)) throw notAttachable(arn);
  return { local };
}

// ---- paging ----------------------------------------------------------------------------------------------------

/** Store list options from MaxItems / Marker / PathPrefix. */
export function listOpts(input: Input): ListOptions {
  const o: ListOptions = {};
  if (input['Marker'] !== undefined) o.marker = String(input['Marker']);
  if (input['MaxItems'] !== undefined) o.maxItems = Number(input['MaxItems']);
  if (input['PathPrefix'] !== undefined) o.pathPrefix = String(input['PathPrefix']);
  return o;
}

/** IsTruncated + Marker fields from a store page. */
export function pageFields(page: Page<unknown>): { IsTruncated: boolean; Marker?: string } {
  return page.nextMarker ? { IsTruncated: true, Marker: page.nextMarker } : { IsTruncated: false };
}

/** Every item of a paged store listing. */
export async function listAll<T>(fetch: (opts: ListOptions) => Promise<Page<T>>, pathPrefix?: string): Promise<T[]> {
  const out: T[] = [];
  let marker: string | undefined;
  do {
    const page = await fetch({ marker, maxItems: 1000, pathPrefix });
    out.push(...page.items);
    marker = page.nextMarker;
  } while (marker);
  return out;
}

/** Pages an in-memory list with an opaque offset marker; returns the slice plus IsTruncated/Marker. */
export function paginate<T>(items: T[], input: Input): { items: T[]; IsTruncated: boolean; Marker?: string } {
  const max = input['MaxItems'] === undefined ? 100 : Number(input['MaxItems']);
  let start = 0;
  if (input['Marker'] !== undefined) {
    const m = /^o(\d+)$/.exec(Buffer.from(String(input['Marker']), 'base64url').toString('utf8'));
    if (!m) throw new KamenError('ERR_VALIDATION', 'Invalid Marker.');
    start = Number(m[1]);
  }
  const slice = items.slice(start, start + max);
  const next = start + max;
  if (next < items.length) return { items: slice, IsTruncated: true, Marker: Buffer.from(`o${next}`).toString('base64url') };
  return { items: slice, IsTruncated: false };
}

// ---- tags --------------------------------------------------------------------------------------------------------

export const TAG_LIMIT_MESSAGE = 'The number of tags has reached the maximum limit.';

/** An entity holds at most this many tags (IAM's quota; a request also carries at most 50, checked by the model). */
export const TAG_QUOTA = 50;

/**
 * How a kind of IAM resource compares tag keys (IAM User Guide, id_tags.md, "Case sensitivity"): users' and roles' tag
 * keys are not case sensitive (case is preserved; Department and department are one key); customer managed policies',
 * instance profiles', OIDC and SAML providers', server certificates' and virtual MFA devices' are.
 */
export type TagKeyCase = 'insensitive' | 'sensitive';

function tagKey(key: string, keyCase: TagKeyCase): string {
  return keyCase === 'insensitive' ? key.toLowerCase() : key;
}

/** Merges checked tags by key (compared as the kind compares them; a new tag replaces the old one), enforcing the quota. */
export function mergeTags(existing: Tag[], add: Tag[] | undefined, keyCase: TagKeyCase = 'insensitive'): Tag[] {
  const incoming = createTags(add, keyCase);
  const out = existing.map((t) => ({ ...t }));
  for (const t of incoming) {
    const i = out.findIndex((x) => tagKey(x.Key, keyCase) === tagKey(t.Key, keyCase));
    if (i >= 0) out[i] = t;
    else out.push(t);
  }
  if (out.length > TAG_QUOTA) throw new KamenError('ERR_LIMIT_EXCEEDED', TAG_LIMIT_MESSAGE);
  return out;
}

export const DUPLICATE_TAG_MESSAGE = 'Duplicate tag keys found. Please note that Tag keys are case insensitive.';

/** The `aws:` prefix is reserved for AWS (IAM User Guide, "Rules for tagging"); it is matched without case. */
const RESERVED_TAG_PREFIX = 'aws:';

export const RESERVED_TAG_KEY_MESSAGE = "Tag keys starting with 'aws:' are reserved for internal use.";
export const RESERVED_TAG_VALUE_MESSAGE = "Tag values starting with 'aws:' are reserved for internal use.";

function reserved(text: string): boolean {
  return text.length >= RESERVED_TAG_PREFIX.length && text.slice(0, RESERVED_TAG_PREFIX.length).toLowerCase() === RESERVED_TAG_PREFIX;
}

/** Refuses tag keys (given to Untag…) that begin with the reserved `aws:` prefix (InvalidInput). */
export function checkTagKeys(keys: readonly string[] | undefined): void {
  for (const k of keys ?? []) {
    if (reserved(String(k))) throw new KamenError('ERR_INVALID_INPUT', RESERVED_TAG_KEY_MESSAGE);
  }
}

/** Checks tags given to a Create… or Tag… call (no duplicate keys as the kind compares them, no reserved `aws:` key or value, at most 50). */
export function createTags(tags: Tag[] | undefined, keyCase: TagKeyCase = 'insensitive'): Tag[] {
  const list = (tags ?? []).map((t) => ({ Key: t.Key, Value: t.Value ?? '' }));
  const keys = new Set<string>();
  for (const t of list) {
    const key = tagKey(t.Key, keyCase);
    if (keys.has(key)) throw new KamenError('ERR_INVALID_INPUT', DUPLICATE_TAG_MESSAGE);
    keys.add(key);
    if (reserved(t.Key)) throw new KamenError('ERR_INVALID_INPUT', RESERVED_TAG_KEY_MESSAGE);
    if (reserved(t.Value)) throw new KamenError('ERR_INVALID_INPUT', RESERVED_TAG_VALUE_MESSAGE);
  }
  if (list.length > TAG_QUOTA) throw new KamenError('ERR_LIMIT_EXCEEDED', TAG_LIMIT_MESSAGE);
  return list;
}

/** The tags left once `keys` are removed (keys compared as the kind compares them). */
export function removeTags(existing: Tag[], keys: string[] | undefined, keyCase: TagKeyCase = 'insensitive'): Tag[] {
  const drop = new Set((keys ?? []).map((k) => tagKey(k, keyCase)));
  return existing.filter((t) => !drop.has(tagKey(t.Key, keyCase)));
}

function withTags<T extends object>(obj: T, tags: Tag[] | undefined): T {
  if (tags && tags.length > 0) (obj as Input)['Tags'] = tags.map((t) => ({ Key: t.Key, Value: t.Value }));
  return obj;
}

function boundary(arn: string | undefined): Input | undefined {
  return arn ? { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: arn } : undefined;
}

// ---- output shapes -------------------------------------------------------------------------------------------------

/** The User shape; `full` adds Tags and PermissionsBoundary (GetUser / CreateUser). */
export function userOut(u: User, full = true): Input {
  const o: Input = { Path: u.path, UserName: u.userName, UserId: u.userId, Arn: u.arn, CreateDate: u.createDate };
  if (u.passwordLastUsed) o['PasswordLastUsed'] = u.passwordLastUsed;
  if (full) {
    const b = boundary(u.permissionsBoundaryArn);
    if (b) o['PermissionsBoundary'] = b;
    withTags(o, u.tags);
  }
  return o;
}

export function groupOut(g: Group): Input {
  return { Path: g.path, GroupName: g.groupName, GroupId: g.groupId, Arn: g.arn, CreateDate: g.createDate };
}

/** The Role shape; `full` adds Tags, PermissionsBoundary and RoleLastUsed (GetRole / CreateRole). */
export function roleOut(r: Role, full = true): Input {
  const o: Input = {
    Path: r.path,
    RoleName: r.roleName,
    RoleId: r.roleId,
    Arn: r.arn,
    CreateDate: r.createDate,
    AssumeRolePolicyDocument: encodeDoc(r.assumeRolePolicyDocument),
  };
  if (r.description !== undefined) o['Description'] = r.description;
  o['MaxSessionDuration'] = r.maxSessionDuration;
  if (full) {
    const b = boundary(r.permissionsBoundaryArn);
    if (b) o['PermissionsBoundary'] = b;
    withTags(o, r.tags);
    o['RoleLastUsed'] = r.lastUsed ? { LastUsedDate: r.lastUsed.date, Region: r.lastUsed.region } : {};
  }
  return o;
}

/** A role as an instance profile lists it: without Description, MaxSessionDuration, Tags and RoleLastUsed. */
function profileRoleOut(r: Role): Input {
  const o = roleOut(r, false);
  delete o['Description'];
  delete o['MaxSessionDuration'];
  return o;
}

export function instanceProfileOut(p: InstanceProfile, roles: Role[], withTagsToo = true): Input {
  const o: Input = {
    Path: p.path,
    InstanceProfileName: p.name,
    InstanceProfileId: p.instanceProfileId,
    Arn: p.arn,
    CreateDate: p.createDate,
    Roles: roles.map(profileRoleOut),
  };
  return withTagsToo ? withTags(o, p.tags) : o;
}

/** The roles of an instance profile, skipping any that vanished. */
export async function profileRoles(ctx: OperationContext, p: InstanceProfile): Promise<Role[]> {
  const out: Role[] = [];
  for (const n of p.roleNames) {
    const r = await ctx.store.getRole(p.accountId, n);
    if (r) out.push(r);
  }
  return out;
}

/** The default path '/' when none was given. */
export function pathOf(input: Input, key = 'Path'): string {
  const p = input[key];
  return typeof p === 'string' && p !== '' ? p : '/';
}
