/** A small in-memory kamen world for authz/STS tests: an organization, accounts, users, roles, keys, policies. */
import { frozenClock } from '../../src/clock.js';
import { accessKeyId, secretAccessKey, uniqueId } from '../../src/ids.js';
import { openStore } from '../../src/store/open.js';
import type { Store, Tag } from '../../src/store/store.js';
import type { Caller, OperationContext, ServiceDeps } from '../../src/services/types.js';
import { resolveCredentials } from '../../src/authz/authenticate.js';

export const MGMT = '111111111111';
export const T0 = Date.UTC(2026, 0, 15, 10, 0, 0);

export interface World {
  store: Store;
  clock: ReturnType<typeof frozenClock>;
  orgId: string;
  rootId: string;
  close(): Promise<void>;
}

/** An organization whose management account is MGMT (with a root access key). */
export async function newWorld(): Promise<World> {
  const store = await openStore({ dataDir: ':memory:' });
  const clock = frozenClock(T0);
  const orgId = 'o-abcdefghij';
  const rootId = 'r-ab12';
  await store.createOrganization({ id: orgId, arn: `arn:aws:organizations::${MGMT}:organization/${orgId}`, managementAccountId: MGMT, managementAccountEmail: 'mgmt@example.com', rootId, featureSet: 'ALL', createdAt: new Date(T0) });
  const w: World = { store, clock, orgId, rootId, close: () => store.close() };
  await addAccount(w, MGMT, rootId);
  return w;
}

/** Adds an account under `parentId` with a root user; returns the root's access key. */
export async function addAccount(w: World, id: string, parentId = w.rootId): Promise<{ accessKeyId: string; secretAccessKey: string }> {
  await w.store.putAccount({ id, arn: `arn:aws:organizations::${MGMT}:account/${w.orgId}/${id}`, name: `acct-${id}`, email: `${id}@example.com`, status: 'ACTIVE', joinedMethod: 'CREATED', joinedTimestamp: new Date(T0), parentId });
  await w.store.putRootUser({ accountId: id, email: `${id}@example.com`, passwordHash: 'x', createDate: new Date(T0) });
  const key = { accessKeyId: accessKeyId(false), secretAccessKey: secretAccessKey() };
  await w.store.createAccessKey({ ...key, accountId: id, status: 'Active', createDate: new Date(T0) });
  return key;
}

/** Adds an IAM user with an access key; returns the key. */
export async function addUser(w: World, acct: string, name: string, opts: { path?: string; tags?: Tag[]; boundaryArn?: string } = {}): Promise<{ accessKeyId: string; secretAccessKey: string; userId: string; arn: string }> {
  const path = opts.path ?? '/';
  const userId = uniqueId('AIDA');
  const arn = `arn:aws:iam::${acct}:user${path}${name}`;
  await w.store.createUser({ accountId: acct, userId, userName: name, path, arn, createDate: new Date(T0), tags: opts.tags ?? [], ...(opts.boundaryArn ? { permissionsBoundaryArn: opts.boundaryArn } : {}) });
  const key = { accessKeyId: accessKeyId(false), secretAccessKey: secretAccessKey() };
  await w.store.createAccessKey({ ...key, accountId: acct, userName: name, status: 'Active', createDate: new Date(T0) });
  return { ...key, userId, arn };
}

/** Adds a role with a trust policy. */
export async function addRole(w: World, acct: string, name: string, trust: unknown, opts: { maxSessionDuration?: number; path?: string; tags?: Tag[] } = {}): Promise<{ arn: string; roleId: string }> {
  const path = opts.path ?? '/';
  const roleId = uniqueId('AROA');
  const arn = `arn:aws:iam::${acct}:role${path}${name}`;
  await w.store.createRole({ accountId: acct, roleId, roleName: name, path, arn, createDate: new Date(T0), assumeRolePolicyDocument: typeof trust === 'string' ? trust : JSON.stringify(trust), maxSessionDuration: opts.maxSessionDuration ?? 3600, tags: opts.tags ?? [] });
  return { arn, roleId };
}

/** A policy document allowing `actions` on `resource` (optionally with a Condition). */
export function allow(actions: string | string[], resource: string | string[] = '*', condition?: unknown): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: resource, ...(condition ? { Condition: condition } : {}) }] });
}

/** A policy document denying `actions` on `resource` (optionally with a Condition). */
export function deny(actions: string | string[], resource: string | string[] = '*', condition?: unknown): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: actions, Resource: resource, ...(condition ? { Condition: condition } : {}) }] });
}

/** Puts an inline policy on a user/group/role. */
export async function inline(w: World, acct: string, kind: 'user' | 'group' | 'role', name: string, doc: string, policyName = 'p' + Math.random().toString(36).slice(2, 8)): Promise<void> {
  await w.store.putInlinePolicy({ accountId: acct, kind, principalName: name, policyName, document: doc });
}

/** Creates a customer managed policy and returns its ARN. */
export async function managed(w: World, acct: string, name: string, doc: string): Promise<string> {
  const arn = `arn:aws:iam::${acct}:policy/${name}`;
  await w.store.createPolicy(
    { accountId: acct, policyId: uniqueId('ANPA'), policyName: name, path: '/', arn, defaultVersionId: 'v1', createDate: new Date(T0), updateDate: new Date(T0), tags: [] },
    { policyArn: arn, versionId: 'v1', document: doc, isDefaultVersion: true, createDate: new Date(T0) },
  );
  return arn;
}

/** The Caller for an access key (and session token), as the pipeline would resolve it. */
export async function callerFor(w: World, key: { accessKeyId: string }, sessionToken?: string): Promise<Caller> {
  return (await resolveCredentials(w.store, key.accessKeyId, sessionToken, w.clock.now())).caller;
}

/** An OperationContext for `caller`. */
export function opCtx(w: World, caller: Caller, deps: ServiceDeps = {}, extra: Partial<OperationContext> = {}): OperationContext {
  return { requestId: 'req-1', caller, store: w.store, clock: w.clock, region: 'us-east-1', sourceIp: '198.51.100.7', secureTransport: true, deps, ...extra };
}
