/**
 * The operation → (IAM action, resource ARNs) table, kept as data in src/authz/targets/<service>.json, and the tiny
 * template interpreter that fills it in for one request. Templates are compiled once at load.
 *
 * Tokens: ${Account} ${Region} ${Partition} ${Operation}; ${Input.X} (a string input member) with an optional fallback
 * after `|` (a literal, or Caller.UserName); ${Caller.UserName}; ${UserPath} ${GroupPath} ${RolePath}
 * ${InstanceProfilePath} (the path of the named entity, looked up, "/" when unknown); ${Org.Id}
 * ${Org.ManagementAccountId}; ${OrgTarget.Input.X} (an r-/ou-/account ID → its Organizations ARN) and
 * ${OrgPolicy.Input.X} (a p- ID → its policy ARN).
 */
import iamTable from './targets/iam.json' with { type: 'json' };
import stsTable from './targets/sts.json' with { type: 'json' };
import orgTable from './targets/organizations.json' with { type: 'json' };
import ec2Table from './targets/ec2.json' with { type: 'json' };
import type { Caller } from '../services/types.js';
import type { GenerationCache } from './cache.js';
import type { Store, Organization } from '../store/store.js';

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
  | { t: 'path'; kind: EntityKind }
  | { t: 'orgTarget' | 'orgPolicy'; name: string };

type EntityKind = 'user' | 'group' | 'role' | 'instance-profile';

interface CompiledEntry {
  action: Part[];
  resources: Part[][];
  check: TargetCheck;
  needsOrg: boolean;
  /** The entities whose paths the templates use (looked up before filling). */
  pathKinds: EntityKind[];
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
    else if (tok === 'UserPath') parts.push({ t: 'path', kind: 'user' });
    else if (tok === 'GroupPath') parts.push({ t: 'path', kind: 'group' });
    else if (tok === 'RolePath') parts.push({ t: 'path', kind: 'role' });
    else if (tok === 'InstanceProfilePath') parts.push({ t: 'path', kind: 'instance-profile' });
    else if (tok.startsWith('OrgTarget.Input.')) parts.push({ t: 'orgTarget', name: tok.slice(16) });
    else if (tok.startsWith('OrgPolicy.Input.')) parts.push({ t: 'orgPolicy', name: tok.slice(16) });
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
  const needsOrg = resources.some((r) => r.some((p) => p.t === 'orgId' || p.t === 'orgMgmt' || p.t === 'orgTarget' || p.t === 'orgPolicy'));
  const pathKinds = [...new Set([action, ...resources].flat().flatMap((p) => (p.t === 'path' ? [p.kind] : [])))];
  return { action, resources, check: e.check ?? 'standard', needsOrg, pathKinds };
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

/** Resolves the IAM action and resource ARNs of one request from the tables. */
/** The path and tags of a named IAM entity, as entityPath finds them. */
export interface EntityFacts {
  path: string;
  tags?: Record<string, string>;
}

export async function operationTarget(store: Store, service: string, operation: string, input: Record<string, unknown>, caller: Caller, region: string, entities?: GenerationCache<EntityFacts>): Promise<OperationTarget> {
  const table = COMPILED.get(service);
  const entry = table?.ops.get(operation) ?? table?.def;
  if (!entry) return { action: `${service}:${operation}`, resources: ['*'], check: 'standard' };
  let org: Organization | undefined | null = null;
  let resourceTags: Record<string, string> | undefined;
  if (entry.needsOrg) org = await store.getOrganization();
  // The entities' paths are the only store reads; looked up first (usually from the cache) so the templates fill synchronously.
  const paths: Partial<Record<EntityKind, EntityFacts>> = {};
  for (const kind of entry.pathKinds) {
    const e = entities ? cachedEntityPath(entities, store, kind, input, caller) : entityPath(store, kind, input, caller);
    paths[kind] = e instanceof Promise ? await e : e;
  }
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
        case 'path': {
          const e = paths[p.kind]!;
          out += e.path;
          if (e.tags) resourceTags = e.tags;
          break;
        }
        case 'orgId': if (!org) return undefined; out += org.id; break;
        case 'orgMgmt': if (!org) return undefined; out += org.managementAccountId; break;
        case 'orgTarget': {
          const id = str(input[p.name]);
          if (!org || !id) return undefined;
          out += orgTargetArn(org, id);
          break;
        }
        case 'orgPolicy': {
          const id = str(input[p.name]);
          if (!org || !id) return undefined;
          out += id === 'p-FullAWSAccess' ? 'arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess' : `arn:aws:organizations::${org.managementAccountId}:policy/${org.id}/service_control_policy/${id}`;
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

/** entityPath through an exact cache (entities that exist only; the cache is invalidated by IAM writes); a hit is synchronous. */
function cachedEntityPath(entities: GenerationCache<EntityFacts>, store: Store, kind: EntityKind, input: Record<string, unknown>, caller: Caller): EntityFacts | Promise<EntityFacts> {
  const field = kind === 'user' ? 'UserName' : kind === 'group' ? 'GroupName' : kind === 'role' ? 'RoleName' : 'InstanceProfileName';
  const name = str(input[field]) ?? (kind === 'user' && caller.kind === 'user' ? caller.userName : undefined);
  if (!name) return entityPath(store, kind, input, caller);
  const key = `${kind}|${caller.accountId}|${name.toLowerCase()}`;
  return entities.get(key) ?? entities.through(key, () => entityPath(store, kind, input, caller));
}

/** The path (and tags) of the IAM entity an operation names; "/" when it does not exist (yet). */
async function entityPath(store: Store, kind: EntityKind, input: Record<string, unknown>, caller: Caller): Promise<{ path: string; tags?: Record<string, string> }> {
  const acct = caller.accountId;
  const found = (e: { path: string; tags?: ReadonlyArray<{ Key: string; Value: string }> } | undefined) => {
    if (!e) return { path: '/' };
    const tags = e.tags ? tagMap(e.tags) : undefined;
    return tags ? { path: e.path, tags } : { path: e.path };
  };
  switch (kind) {
    case 'user': {
      const name = str(input['UserName']);
      if (name) return found(await store.getUser(acct, name));
      if (caller.kind !== 'user' || !caller.userName) return { path: '/' };
      // The caller's own user (GetUser, CreateAccessKey … without UserName).
      const self = await store.getUser(acct, caller.userName);
      return self ? found(self) : { path: pathOfArn(caller.arn) };
    }
    case 'group': {
      const name = str(input['GroupName']);
      return name ? found(await store.getGroup(acct, name)) : { path: '/' };
    }
    case 'role': {
      const name = str(input['RoleName']);
      return name ? found(await store.getRole(acct, name)) : { path: '/' };
    }
    case 'instance-profile': {
      const name = str(input['InstanceProfileName']);
      return name ? found(await store.getInstanceProfile(acct, name)) : { path: '/' };
    }
  }
}
