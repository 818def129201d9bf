/**
 * Gathers the policies that bound one caller's identity side: identity policies (inline + attached managed, the
 * user's groups' too), the permissions boundary, session policies, and the SCP chain of the caller's account; and
 * the RCP chain of a resource owner's account.
 */
import type { Caller } from '../services/types.js';
import type { Store } from '../store/store.js';
import type { CompiledPolicy, PolicyCompiler } from './engine.js';

/** The AWS managed policy catalog as the authorizer uses it: ARN → policy document (JSON text or object). */
export interface ManagedPolicyCatalog {
  get(arn: string): unknown;
}

/** The identity side of one principal, compiled. */
export interface PrincipalPolicies {
  /** Identity-based policies (root: none; the engine gives the root user full access to its own account). */
  identity: CompiledPolicy[];
  boundary?: CompiledPolicy;
  /** Present when the principal is a session with session policies (an empty list then allows nothing). */
  session?: CompiledPolicy[];
  /** One list per level from the organization root down to the account; undefined when SCPs do not apply. */
  scps?: CompiledPolicy[][];
  /** aws:PrincipalTag/* values. */
  principalTags: Record<string, string>;
  /** aws:PrincipalOrgID when the account is in the organization. */
  orgId?: string;
  /** aws:PrincipalOrgPaths: o-…/r-…/ou-…/ down to the account's parent. */
  orgPath?: string;
}

const ROOT_ALLOW_ALL = '{"Version":"2012-10-17","Statement":[{"Sid":"RootUser","Effect":"Allow","Action":"*","Resource":"*"}]}';

/** Where to find policy documents and how to compile them. */
export interface PolicySources {
  store: Store;
  managedPolicies: ManagedPolicyCatalog;
  compile: PolicyCompiler;
}

function docText(doc: unknown): string | undefined {
  if (doc === undefined || doc === null) return undefined;
  if (typeof doc === 'string') return doc;
  if (typeof doc === 'object' && doc && 'document' in doc) return docText((doc as { document: unknown }).document);
  if (typeof doc === 'object' && doc && 'Document' in doc) return docText((doc as { Document: unknown }).Document);
  return JSON.stringify(doc);
}

/** The default-version document of a managed policy (AWS managed from the catalog, customer managed from the store). */
export async function managedPolicyDocument(src: Pick<PolicySources, 'store' | 'managedPolicies'>, arn: string): Promise<string | undefined> {
  if (arn.startsWith('arn:aws:iam::aws:policy/')) return docText(src.managedPolicies.get(arn));
  const pol = await src.store.getPolicy(arn);
  if (!pol) return undefined;
  return (await src.store.getPolicyVersion(arn, pol.defaultVersionId))?.document;
}

async function managed(src: PolicySources, arns: string[], out: CompiledPolicy[]): Promise<void> {
  for (const arn of arns) {
    const text = await managedPolicyDocument(src, arn);
    if (text !== undefined) out.push(src.compile(text, arn, 'identity'));
  }
}

async function principalPolicies(src: PolicySources, acct: string, kind: 'user' | 'group' | 'role', name: string, out: CompiledPolicy[]): Promise<void> {
  const [inline, attached] = await Promise.all([src.store.listInlinePolicies(acct, kind, name), src.store.listAttachedPolicies(acct, kind, name)]);
  for (const p of inline) out.push(src.compile(p.document, `${kind}/${name}/${p.policyName}`, 'identity'));
  await managed(src, attached, out);
}

/** A user's own and group policies, boundary and tags; none when the name now belongs to another user than `userId`. */
async function userSide(src: PolicySources, acct: string, userName: string, userId?: string): Promise<{ identity: CompiledPolicy[]; boundary?: CompiledPolicy; tags: Record<string, string> }> {
  const identity: CompiledPolicy[] = [];
  const user = await src.store.getUser(acct, userName);
  if (!user || (userId !== undefined && user.userId !== userId)) return { identity, tags: {} };
  await principalPolicies(src, acct, 'user', user.userName, identity);
  let marker: string | undefined;
  do {
    const page = await src.store.listGroupsForUser(acct, user.userName, { marker, maxItems: 1000 });
    for (const g of page.items) await principalPolicies(src, acct, 'group', g.groupName, identity);
    marker = page.nextMarker;
  } while (marker);
  const tags: Record<string, string> = {};
  for (const t of user.tags) tags[t.Key] = t.Value;
  const result: { identity: CompiledPolicy[]; boundary?: CompiledPolicy; tags: Record<string, string> } = { identity, tags };
  if (user.permissionsBoundaryArn) {
    const text = await managedPolicyDocument(src, user.permissionsBoundaryArn);
    if (text !== undefined) result.boundary = src.compile(text, user.permissionsBoundaryArn, 'boundary');
  }
  return result;
}

/** Session policies recorded in a session (inline text + managed ARNs). */
export async function sessionPolicies(src: PolicySources, policy: string | undefined, arns: string[] | undefined): Promise<CompiledPolicy[]> {
  const out: CompiledPolicy[] = [];
  if (policy) out.push(src.compile(policy, 'session-policy', 'session'));
  for (const arn of arns ?? []) {
    const text = await managedPolicyDocument(src, arn);
    if (text !== undefined) out.push(src.compile(text, arn, 'session'));
  }
  return out;
}

/** The user name inside an IAM user ARN (arn:aws:iam::A:user/path/name → name). */
export function userNameFromArn(arn: string): string | undefined {
  const m = /^arn:aws:iam::\d{12}:user\/(?:.*\/)?([^/]+)$/.exec(arn);
  return m ? m[1] : undefined;
}

/** The SCP chain (root → OUs → account) of a member account (none for the management account) and its org path. */
export async function scpChain(src: PolicySources, accountId: string): Promise<{ scps?: CompiledPolicy[][]; orgId?: string; orgPath?: string }> {
  const org = await src.store.getOrganization();
  if (!org) return {};
  const account = await src.store.getAccount(accountId);
  if (!account) return {};
  const targets: string[] = [accountId];
  let parent = account.parentId;
  for (let guard = 0; parent && guard < 10; guard++) {
    targets.unshift(parent);
    if (parent.startsWith('r-')) break;
    const ou = await src.store.getOrganizationalUnit(parent);
    parent = ou?.parentId ?? '';
  }
  const orgPath = `${org.id}/${targets.slice(0, -1).join('/')}/`;
  if (accountId === org.managementAccountId || org.featureSet !== 'ALL') return { orgId: org.id, orgPath };
  const levels: CompiledPolicy[][] = [];
  for (const t of targets) {
    const pols = (await src.store.listOrgPoliciesForTarget(t)).filter((p) => p.type === 'SERVICE_CONTROL_POLICY');
    // A level with no SCP at all means SCPs are not in force there (AWS keeps at least one attached while enabled).
    if (pols.length === 0) continue;
    levels.push(pols.map((p) => src.compile(p.content, p.arn, 'scp')));
  }
  return levels.length ? { scps: levels, orgId: org.id, orgPath } : { orgId: org.id, orgPath };
}

/**
 * The RCP chain (root → OUs → account) bounding requests to resources of `accountId`: undefined for the management
 * account, accounts outside the organization, and organizations without all features or without RCPs enabled.
 */
export async function rcpChain(store: Store, compile: PolicyCompiler, accountId: string): Promise<CompiledPolicy[][] | undefined> {
  const org = await store.getOrganization();
  if (!org || org.featureSet !== 'ALL' || accountId === org.managementAccountId) return undefined;
  const account = await store.getAccount(accountId);
  if (!account) return undefined;
  const targets: string[] = [accountId];
  let parent = account.parentId;
  for (let guard = 0; parent && guard < 10; guard++) {
    targets.unshift(parent);
    if (parent.startsWith('r-')) break;
    parent = (await store.getOrganizationalUnit(parent))?.parentId ?? '';
  }
  const levels: CompiledPolicy[][] = [];
  for (const t of targets) {
    const pols = (await store.listOrgPoliciesForTarget(t)).filter((p) => p.type === 'RESOURCE_CONTROL_POLICY');
    // While RCPs are enabled every level keeps at least RCPFullAWSAccess; a level with none is not restricted.
    if (pols.length === 0) continue;
    levels.push(pols.map((p) => compile(p.content, p.arn, 'rcp')));
  }
  return levels.length ? levels : undefined;
}

const DENY_ALL = '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}';

/** An AssumeRoot session's task policies as identity policies; one that cannot be found denies everything. */
async function rootTaskPolicies(src: PolicySources, arns: string[]): Promise<CompiledPolicy[]> {
  const out: CompiledPolicy[] = [];
  for (const arn of arns) {
    const text = await managedPolicyDocument(src, arn);
    out.push(text === undefined ? src.compile(DENY_ALL, `missing ${arn}`, 'identity') : src.compile(text, arn, 'identity'));
  }
  return arns.length ? out : [src.compile(DENY_ALL, 'no task policy', 'identity')];
}

/** Gathers the identity side of `caller` (see PrincipalPolicies). */
export async function gatherPolicies(src: PolicySources, caller: Caller): Promise<PrincipalPolicies> {
  const acct = caller.accountId;
  const info = caller.session;
  const org = await scpChain(src, acct);
  const base = (p: Omit<PrincipalPolicies, 'scps' | 'orgId' | 'orgPath'>): PrincipalPolicies => {
    const r: PrincipalPolicies = { ...p };
    if (org.scps) r.scps = org.scps;
    if (org.orgId) r.orgId = org.orgId;
    if (org.orgPath) r.orgPath = org.orgPath;
    return r;
  };
  switch (caller.kind) {
    case 'root':
      // An AssumeRoot session: the task policy's (Deny-only) statements bound the root user's access.
      if (info?.tokenType === 'assume-root') return base({ identity: await rootTaskPolicies(src, info.sessionPolicyArns ?? []), principalTags: {} });
      return base({ identity: [], principalTags: {} });
    case 'anonymous': // unsigned AssumeRoleWithSAML / AssumeRoleWithWebIdentity: no identity policies
      return base({ identity: [], principalTags: {} });
    case 'user': {
      const u = await userSide(src, acct, caller.userName!, caller.userId);
      return base(u.boundary ? { identity: u.identity, boundary: u.boundary, principalTags: u.tags } : { identity: u.identity, principalTags: u.tags });
    }
    case 'assumed-role': {
      const identity: CompiledPolicy[] = [];
      const tags: Record<string, string> = {};
      const role = info?.roleName ? await src.store.getRole(acct, info.roleName) : undefined;
      const r: Omit<PrincipalPolicies, 'scps' | 'orgId' | 'orgPath'> = { identity, principalTags: tags };
      // A role deleted (or recreated under the same name: new role ID) after the session began grants nothing.
      if (role && (!info?.roleId || info.roleId === role.roleId)) {
        await principalPolicies(src, acct, 'role', role.roleName, identity);
        for (const t of role.tags) tags[t.Key] = t.Value;
        if (role.permissionsBoundaryArn) {
          const text = await managedPolicyDocument(src, role.permissionsBoundaryArn);
          if (text !== undefined) r.boundary = src.compile(text, role.permissionsBoundaryArn, 'boundary');
        }
      }
      Object.assign(tags, info?.tags ?? {});
      if (info?.sessionPolicy || info?.sessionPolicyArns?.length) r.session = await sessionPolicies(src, info.sessionPolicy, info.sessionPolicyArns);
      return base(r);
    }
    case 'federated-user': {
      const issuer = info?.sourceArn ?? '';
      let r: Omit<PrincipalPolicies, 'scps' | 'orgId' | 'orgPath'>;
      if (issuer.endsWith(':root')) r = { identity: [src.compile(ROOT_ALLOW_ALL, 'root', 'identity')], principalTags: {} };
      else {
        const u = await userSide(src, acct, userNameFromArn(issuer) ?? '', info?.sourceId);
        r = u.boundary ? { identity: u.identity, boundary: u.boundary, principalTags: u.tags } : { identity: u.identity, principalTags: u.tags };
      }
      Object.assign(r.principalTags, info?.tags ?? {});
      // GetFederationToken without a session policy: the federated user has no permissions.
      r.session = await sessionPolicies(src, info?.sessionPolicy, info?.sessionPolicyArns);
      return base(r);
    }
  }
}
