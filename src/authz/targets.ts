/**
 * The operation → (IAM action, resource ARNs) table, kept as data in src/authz/targets/<service>.json, and the tiny
 * template interpreter that fills it in for one request. Templates are compiled once at load.
 *
 * Tokens: ${Account} ${Region} ${Partition} ${Operation}; ${Input.X} (a string input member) with an optional fallback
 * after `|` (a literal, or Caller.UserName); ${Caller.UserName}; ${UserArn} ${GroupArn} ${RoleArn}
 * ${InstanceProfileArn} ${MfaArn} ${ServerCertificateArn} (the stored ARN of the entity the request names by UserName — else the calling
 * user —, GroupName, RoleName, InstanceProfileName, SerialNumber, ServerCertificateName: IAM looks names up case-insensitively, so the
 * request is authorized on the stored name and path, never on the case the caller typed; when the entity does not
 * exist, the ARN built from the input with path "/"); ${NewUserArn} ${NewGroupArn} (the ARN a rename or move
 * produces: NewPath else the current path, NewUserName / NewGroupName else the current name), ${NewServerCertificateArn}
 * (likewise with NewServerCertificateName); ${Org.Id}
 * ${Org.ManagementAccountId}; ${TrailArn.Input.X} (a CloudTrail trail name → its ARN in the caller's account and region; a trail
 * ARN as given); ${OrgTarget.Input.X} (an r-/ou-/account ID → its Organizations ARN) and
 * ${OrgPolicy.Input.X} (a p- ID → its policy ARN, whose type it holds); ${OrgHandshake.Input.X} (an h- ID → the
 * handshake's stored ARN, `…:handshake/<org>/<type>/<id>`; a handshake kamen does not hold is named with `*` as its
 * type, and the operation then answers HandshakeNotFoundException); ${AccessKeyOwnerArn} (the stored ARN of the
 * user owning the access key AccessKeyId — the account's root ARN for a root key —, else `access key <id>` for a key
 * unknown in the caller's account); ${ServiceLinkedRoleArn} (the role CreateServiceLinkedRole would create, from
 * AWSServiceName and CustomSuffix).
 *
 * Customer managed policy ARNs (${Input.PolicyArn}) and Organizations IDs need no lookup: the store finds them by
 * exact, case-sensitive match, so an ARN or ID that reaches an entity is already its stored one.
 */
import iamTable from './targets/iam.json' with { type: 'json' };
import stsTable from './targets/sts.json' with { type: 'json' };
import orgTable from './targets/organizations.json' with { type: 'json' };
import ec2Table from './targets/ec2.json' with { type: 'json' };
import s3Table from './targets/s3.json' with { type: 'json' };
import cloudtrailTable from './targets/cloudtrail.json' with { type: 'json' };
import { serviceLinkedRoleArn } from '../services/iam/service-linked-role-catalog.js';
import type { Caller } from '../services/types.js';
import { POLICY_RELEVANCE, type CacheRelevance, type GenerationCache } from './cache.js';
import type { Store, Organization } from '../store/store.js';
import { STATE_KEYS, readState, type HandshakeRecord } from '../services/organizations/state.js';

/** How an operation is checked: by the generic authorizer, inside the operation itself, or never. */
export type TargetCheck = 'standard' | 'in-operation' | 'none';

interface TableEntry {
  action: string;
  resources: string[];
  check?: TargetCheck;
  note?: string;
}
interface TableFile {
  service: string;
  default: TableEntry;
  /** Organizations: the operations member accounts may call at all. */
  memberAccountOperations?: { operations: string[] };
  operations: Record<string, TableEntry>;
}

type Part =
  | { t: 'lit'; v: string }
  | { t: 'account' | 'region' | 'partition' | 'operation' | 'callerUser' | 'orgId' | 'orgMgmt' }
  | { t: 'input'; name: string; fallback?: string; fallbackCaller?: boolean }
  | { t: 'trail'; name: string }
  | { t: 'entity'; kind: EntityKind }
  | { t: 'keyOwner' }
  | { t: 'serviceLinkedRole' }
  | { t: 'renamed'; kind: 'user' | 'group' | 'server-certificate' }
  | { t: 'orgTarget' | 'orgPolicy' | 'orgHandshake'; name: string };

type EntityKind = 'user' | 'group' | 'role' | 'instance-profile' | 'mfa' | 'server-certificate';

/** The input member naming each kind of entity. */
const NAME_FIELD: Readonly<Record<EntityKind, string>> = { user: 'UserName', group: 'GroupName', role: 'RoleName', 'instance-profile': 'InstanceProfileName', mfa: 'SerialNumber', 'server-certificate': 'ServerCertificateName' };

const ENTITY_TOKENS: Readonly<Record<string, EntityKind>> = { UserArn: 'user', GroupArn: 'group', RoleArn: 'role', InstanceProfileArn: 'instance-profile', MfaArn: 'mfa', ServerCertificateArn: 'server-certificate' };

interface CompiledEntry {
  action: Part[];
  resources: Part[][];
  check: TargetCheck;
  needsOrg: boolean;
  /** The input member naming an Organizations policy, looked up once for its type (its ARN holds the type). */
  orgPolicyField: string | undefined;
  /** The entities the templates name (each looked up once, before filling). */
  entityKinds: EntityKind[];
  /** Whether a template names the owner of the access key AccessKeyId (looked up once, before filling). */
  keyOwner: boolean;
  /** The input member naming an Organizations handshake, looked up once for its stored ARN (which holds its type). */
  orgHandshakeField: string | undefined;
}

/** The resolved target of one request. */
export interface OperationTarget {
  action: string;
  resources: string[];
  check: TargetCheck;
  /** Tags of the named IAM user / role / instance profile, when the operation names an existing one (aws:ResourceTag). */
  resourceTags?: Record<string, string>;
}

function compileTemplate(tpl: string): Part[] {
  const parts: Part[] = [];
  const re = /\$\{([^}]+)\}/g;
  let last = 0;
  for (let m = re.exec(tpl); m; m = re.exec(tpl)) {
    if (m.index > last) parts.push({ t: 'lit', v: tpl.slice(last, m.index) });
    last = m.index + m[0].length;
    const tok = m[1]!;
    if (tok === 'Account') parts.push({ t: 'account' });
    else if (tok === 'Region') parts.push({ t: 'region' });
    else if (tok === 'Partition') parts.push({ t: 'partition' });
    else if (tok === 'Operation') parts.push({ t: 'operation' });
    else if (tok === 'Caller.UserName') parts.push({ t: 'callerUser' });
    else if (tok === 'Org.Id') parts.push({ t: 'orgId' });
    else if (tok === 'Org.ManagementAccountId') parts.push({ t: 'orgMgmt' });
    else if (ENTITY_TOKENS[tok]) parts.push({ t: 'entity', kind: ENTITY_TOKENS[tok] });
    else if (tok === 'AccessKeyOwnerArn') parts.push({ t: 'keyOwner' });
    else if (tok === 'ServiceLinkedRoleArn') parts.push({ t: 'serviceLinkedRole' });
    else if (tok === 'NewUserArn') parts.push({ t: 'renamed', kind: 'user' });
    else if (tok === 'NewGroupArn') parts.push({ t: 'renamed', kind: 'group' });
    else if (tok === 'NewServerCertificateArn') parts.push({ t: 'renamed', kind: 'server-certificate' });
    else if (tok.startsWith('OrgTarget.Input.')) parts.push({ t: 'orgTarget', name: tok.slice(16) });
    else if (tok.startsWith('OrgPolicy.Input.')) parts.push({ t: 'orgPolicy', name: tok.slice(16) });
    else if (tok.startsWith('OrgHandshake.Input.')) parts.push({ t: 'orgHandshake', name: tok.slice(19) });
    else if (tok.startsWith('TrailArn.Input.')) parts.push({ t: 'trail', name: tok.slice(15) });
    else if (tok.startsWith('Input.')) {
      const [name, fb] = tok.slice(6).split('|') as [string, string | undefined];
      if (fb === 'Caller.UserName') parts.push({ t: 'input', name, fallbackCaller: true });
      else parts.push(fb === undefined ? { t: 'input', name } : { t: 'input', name, fallback: fb });
    } else throw new Error(`unknown target token \${${tok}} in ${tpl}`);
  }
  if (last < tpl.length) parts.push({ t: 'lit', v: tpl.slice(last) });
  return parts;
}

function compileEntry(e: TableEntry): CompiledEntry {
  const resources = e.resources.map(compileTemplate);
  const action = compileTemplate(e.action);
  const needsOrg = resources.some((r) => r.some((p) => p.t === 'orgId' || p.t === 'orgMgmt' || p.t === 'orgTarget' || p.t === 'orgPolicy' || p.t === 'orgHandshake'));
  const entityKinds = [...new Set([action, ...resources].flat().flatMap((p) => (p.t === 'entity' || p.t === 'renamed' ? [p.kind] : [])))];
  const orgPolicy = resources.flat().find((p) => p.t === 'orgPolicy');
  const orgHandshake = resources.flat().find((p) => p.t === 'orgHandshake');
  return {
    action, resources, check: e.check ?? 'standard', needsOrg,
    orgPolicyField: orgPolicy?.t === 'orgPolicy' ? orgPolicy.name : undefined,
    entityKinds,
    keyOwner: resources.flat().some((p) => p.t === 'keyOwner'),
    orgHandshakeField: orgHandshake?.t === 'orgHandshake' ? orgHandshake.name : undefined,
  };
}

interface CompiledTable {
  def: CompiledEntry;
  ops: Map<string, CompiledEntry>;
}

function compileTable(file: TableFile): CompiledTable {
  const ops = new Map<string, CompiledEntry>();
  for (const [op, e] of Object.entries(file.operations)) ops.set(op, compileEntry(e));
  return { def: compileEntry(file.default), ops };
}

/** The raw tables, by service name (for tests and documentation). */
export const TARGET_TABLES: Readonly<Record<string, TableFile>> = {
  iam: iamTable as TableFile,
  sts: stsTable as TableFile,
  organizations: orgTable as TableFile,
  ec2: ec2Table as TableFile,
  s3: s3Table as TableFile,
  cloudtrail: cloudtrailTable as TableFile,
};

const COMPILED: ReadonlyMap<string, CompiledTable> = new Map(Object.entries(TARGET_TABLES).map(([k, v]) => [k, compileTable(v)]));

const MEMBER_ORG_OPS: ReadonlySet<string> = new Set((orgTable as TableFile).memberAccountOperations?.operations ?? []);

/** True when a principal of a member account may call this Organizations operation at all. */
export function memberAccountMayCall(operation: string): boolean {
  return MEMBER_ORG_OPS.has(operation);
}

/** True when the table names the operation explicitly. */
export function hasTarget(service: string, operation: string): boolean {
  return COMPILED.get(service)?.ops.has(operation) === true;
}

/** The path inside an IAM ARN: arn:aws:iam::A:user/a/b/bob → "/a/b/". */
function pathOfArn(arn: string): string {
  const res = arn.slice(arn.indexOf(':', arn.indexOf('::') + 2) + 1);
  const first = res.indexOf('/');
  return first < 0 ? '/' : res.slice(first, res.lastIndexOf('/') + 1);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** What the authorizer knows of an entity a request names: its stored ARN, name, path and tags (ARN and name only when it exists). */
export interface EntityFacts {
  path: string;
  arn?: string;
  name?: string;
  tags?: Record<string, string>;
}

/**
 * What keeps cached EntityFacts exact: every write that can change an entity's name, path or tags invalidates. Unlike
 * gathered policies, MFA device writes count (devices are entities here), except enabling, deactivating and using one.
 */
export const ENTITY_RELEVANCE: CacheRelevance = {
  neutralWrites: new Set([...POLICY_RELEVANCE.neutralWrites].filter((n) => !/Mfa/.test(n))),
  neutralPatchKeys: { ...POLICY_RELEVANCE.neutralPatchKeys, updateMfaDevice: new Set(['userName', 'enableDate', 'lastUsedStep']) },
};

/** Resolves the IAM action and resource ARNs of one request from the tables. */
export async function operationTarget(store: Store, service: string, operation: string, input: Record<string, unknown>, caller: Caller, region: string, entities?: GenerationCache<EntityFacts>): Promise<OperationTarget> {
  const table = COMPILED.get(service);
  const entry = table?.ops.get(operation) ?? table?.def;
  if (!entry) return { action: `${service}:${operation}`, resources: ['*'], check: 'standard' };
  let org: Organization | undefined | null = null;
  let resourceTags: Record<string, string> | undefined;
  if (entry.needsOrg) org = await store.getOrganization();
  const policyId = entry.orgPolicyField === undefined ? undefined : str(input[entry.orgPolicyField]);
  const orgPolicy = policyId === undefined ? undefined : await store.getOrgPolicy(policyId);
  const handshakeId = entry.orgHandshakeField === undefined ? undefined : str(input[entry.orgHandshakeField]);
  const handshake = handshakeId === undefined ? undefined : (await readState<HandshakeRecord[]>(store, STATE_KEYS.handshakes, [])).find((h) => h.id === handshakeId);
  // The named entities are the only store reads; looked up first (usually from the cache) so the templates fill synchronously.
  const facts: Partial<Record<EntityKind, EntityFacts>> = {};
  for (const kind of entry.entityKinds) {
    const e = entityFacts(store, kind, input, caller, entities);
    facts[kind] = e instanceof Promise ? await e : e;
  }
  const keyOwner = entry.keyOwner ? await accessKeyOwner(store, str(input['AccessKeyId']), caller, entities) : undefined;
  const fill = (parts: Part[]): string | undefined => {
    let out = '';
    for (const p of parts) {
      switch (p.t) {
        case 'lit': out += p.v; break;
        case 'account': out += caller.accountId; break;
        case 'region': out += region; break;
        case 'partition': out += 'aws'; break;
        case 'operation': out += operation; break;
        case 'callerUser': out += caller.userName ?? ''; break;
        case 'input': {
          const v = str(input[p.name]);
          out += v ?? (p.fallbackCaller ? caller.userName ?? '' : p.fallback ?? '');
          break;
        }
        case 'entity': {
          const e = facts[p.kind]!;
          if (e.arn) out += e.arn;
          else out += p.kind === 'mfa' ? typedName('mfa', input, caller) : `arn:aws:iam::${caller.accountId}:${p.kind}${e.path}${typedName(p.kind, input, caller)}`;
          if (e.tags) resourceTags = e.tags;
          break;
        }
        case 'serviceLinkedRole': {
          const arn = serviceLinkedRoleArn(caller.accountId, input['AWSServiceName'], input['CustomSuffix']);
          if (!arn) return undefined;
          out += arn;
          break;
        }
        case 'keyOwner': {
          out += keyOwner!.arn;
          if (keyOwner!.tags) resourceTags = keyOwner!.tags;
          break;
        }
        case 'renamed': {
          const e = facts[p.kind]!;
          const path = str(input['NewPath']) ?? e.path;
          const name = str(input[p.kind === 'user' ? 'NewUserName' : p.kind === 'group' ? 'NewGroupName' : 'NewServerCertificateName']) ?? e.name ?? typedName(p.kind, input, caller);
          out += `arn:aws:iam::${caller.accountId}:${p.kind}${path}${name}`;
          if (e.tags) resourceTags = e.tags;
          break;
        }
        case 'orgId': if (!org) return undefined; out += org.id; break;
        case 'orgMgmt': if (!org) return undefined; out += org.managementAccountId; break;
        case 'trail': {
          // CloudTrail's Name members take a trail name or a trail ARN: an ARN is the resource as given.
          const v = str(input[p.name]) ?? '*';
          out += v.startsWith('arn:') ? v : `arn:aws:cloudtrail:${region}:${caller.accountId}:trail/${v}`;
          break;
        }
        case 'orgTarget': {
          const id = str(input[p.name]);
          if (!org || !id) return undefined;
          out += orgTargetArn(org, id);
          break;
        }
        case 'orgPolicy': {
          const id = str(input[p.name]);
          if (!org || !id) return undefined;
          out += orgPolicy?.id === id ? orgPolicy.arn : orgPolicyArn(org, id);
          break;
        }
        case 'orgHandshake': {
          const id = str(input[p.name]);
          if (!org || !id) return undefined;
          out += handshake?.id === id ? handshake.arn : `arn:aws:organizations::${org.managementAccountId}:handshake/${org.id}/*/${id}`;
          break;
        }
      }
    }
    return out;
  };
  const action = fill(entry.action)!;
  const resources: string[] = [];
  for (const r of entry.resources) {
    const v = fill(r);
    if (v !== undefined && !resources.includes(v)) resources.push(v);
  }
  if (resources.length === 0) resources.push('*');
  return resourceTags ? { action, resources, check: entry.check, resourceTags } : { action, resources, check: entry.check };
}

/** The AWS managed Organizations policies and their types (named in their ARNs without an organization). */
const AWS_MANAGED_ORG_POLICY_TYPES: Readonly<Record<string, string>> = { 'p-FullAWSAccess': 'service_control_policy', 'p-RCPFullAWSAccess': 'resource_control_policy' };

/**
 * The ARN of an Organizations policy kamen does not hold (the stored ARN, with its type, is used otherwise): an AWS
 * managed one's, or else a service control policy's, as a policy of unknown type is named.
 */
export function orgPolicyArn(org: Organization, id: string): string {
  const managed = AWS_MANAGED_ORG_POLICY_TYPES[id];
  if (managed) return `arn:aws:organizations::aws:policy/${managed}/${id}`;
  return `arn:aws:organizations::${org.managementAccountId}:policy/${org.id}/service_control_policy/${id}`;
}

/** An Organizations ID (r-…, ou-…, 12-digit account) as its ARN. */
export function orgTargetArn(org: Organization, id: string): string {
  const base = `arn:aws:organizations::${org.managementAccountId}:`;
  if (id.startsWith('r-')) return `${base}root/${org.id}/${id}`;
  if (id.startsWith('ou-')) return `${base}ou/${org.id}/${id}`;
  return `${base}account/${org.id}/${id}`;
}

function tagMap(tags: ReadonlyArray<{ Key: string; Value: string }>): Record<string, string> | undefined {
  if (tags.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const t of tags) out[t.Key] = t.Value;
  return out;
}

const UNKNOWN: EntityFacts = { path: '/' };

/**
 * The resource an access key stands for (iam:GetAccessKeyLastUsed is authorized on the key's owner, resource type
 * user): the owning user's stored ARN and tags, the account's root ARN for a root key, `access key <id>` for a key the
 * caller's account does not hold.
 */
async function accessKeyOwner(store: Store, id: string | undefined, caller: Caller, entities: GenerationCache<EntityFacts> | undefined): Promise<{ arn: string; tags?: Record<string, string> }> {
  const key = id === undefined ? undefined : await store.getAccessKey(id);
  if (!key || key.accountId !== caller.accountId) return { arn: `access key ${id ?? ''}` };
  if (key.userName === undefined) return { arn: `arn:aws:iam::${caller.accountId}:root` };
  const e = entityFacts(store, 'user', { UserName: key.userName }, caller, entities);
  const f = e instanceof Promise ? await e : e;
  const arn = f.arn ?? `arn:aws:iam::${caller.accountId}:user${f.path}${key.userName}`;
  return f.tags ? { arn, tags: f.tags } : { arn };
}

/** The name a request gives an entity (the caller's own for a user, when UserName is absent). */
function typedName(kind: EntityKind, input: Record<string, unknown>, caller: Caller): string {
  return str(input[NAME_FIELD[kind]]) ?? (kind === 'user' ? caller.userName ?? '' : '');
}

/** The facts of the entity a request names, through the exact cache when there is one (a hit is synchronous). */
function entityFacts(store: Store, kind: EntityKind, input: Record<string, unknown>, caller: Caller, entities: GenerationCache<EntityFacts> | undefined): EntityFacts | Promise<EntityFacts> {
  const name = str(input[NAME_FIELD[kind]]) ?? (kind === 'user' && caller.kind === 'user' ? caller.userName : undefined);
  if (!name) return UNKNOWN;
  if (!entities) return loadEntity(store, kind, name, caller);
  const key = `${kind}|${caller.accountId}|${name.toLowerCase()}`;
  return entities.get(key) ?? entities.through(key, () => loadEntity(store, kind, name, caller));
}

/** One store read: the named entity of the caller's account (names and serial numbers match case-insensitively). */
async function loadEntity(store: Store, kind: EntityKind, name: string, caller: Caller): Promise<EntityFacts> {
  const acct = caller.accountId;
  const found = (e: { arn: string; path: string; tags?: ReadonlyArray<{ Key: string; Value: string }> } | undefined, stored: string | undefined): EntityFacts => {
    if (!e) return UNKNOWN;
    const tags = e.tags ? tagMap(e.tags) : undefined;
    return tags ? { path: e.path, arn: e.arn, name: stored!, tags } : { path: e.path, arn: e.arn, name: stored! };
  };
  switch (kind) {
    case 'user': {
      const u = await store.getUser(acct, name);
      // The caller's own user missing from the store (a deleted user's last request): its path from its ARN.
      if (!u) return str(caller.userName) === name && caller.kind === 'user' ? { path: pathOfArn(caller.arn) } : UNKNOWN;
      return found(u, u.userName);
    }
    case 'group': {
      const g = await store.getGroup(acct, name);
      return found(g, g?.groupName);
    }
    case 'role': {
      const r = await store.getRole(acct, name);
      return found(r, r?.roleName);
    }
    case 'instance-profile': {
      const ip = await store.getInstanceProfile(acct, name);
      return found(ip, ip?.name);
    }
    case 'server-certificate': {
      const c = await store.getServerCertificate(acct, name);
      return found(c, c?.name);
    }
    case 'mfa': {
      const d = await store.getMfaDevice(name);
      return d && d.accountId === acct ? found({ arn: d.serialNumber, path: d.path, tags: d.tags }, d.name) : UNKNOWN;
    }
  }
}
