/** Builders of store records for the contract suite, with AWS-shaped defaults. */
import type {
  AccessKey,
  Account,
  Group,
  InstanceProfile,
  ManagedPolicy,
  MfaDevice,
  PolicyVersion,
  Role,
  Store,
  TemporaryCredentialRecord,
  User,
} from '../../src/store/store.js';

export const A1 = '111111111111';
export const A2 = '222222222222';
/** A fixed instant with milliseconds, so exact date round-trips are visible. */
export const T0 = new Date(Date.UTC(2024, 0, 15, 10, 20, 30, 456));

/** T0 plus `s` seconds. */
export function at(s: number): Date {
  return new Date(T0.getTime() + s * 1000);
}

let counter = 0;
/** A unique suffix for ids. */
export function uid(prefix: string): string {
  counter++;
  return prefix + String(counter).padStart(16, '0');
}

export function user(accountId: string, userName: string, extra: Partial<User> = {}): User {
  const path = extra.path ?? '/';
  return {
    accountId,
    userId: uid('AIDA'),
    userName,
    path,
    arn: `arn:aws:iam::${accountId}:user${path}${userName}`,
    createDate: T0,
    tags: [],
    ...extra,
  };
}

export function group(accountId: string, groupName: string, extra: Partial<Group> = {}): Group {
  const path = extra.path ?? '/';
  return {
    accountId,
    groupId: uid('AGPA'),
    groupName,
    path,
    arn: `arn:aws:iam::${accountId}:group${path}${groupName}`,
    createDate: T0,
    ...extra,
  };
}

export const TRUST = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}';

export function role(accountId: string, roleName: string, extra: Partial<Role> = {}): Role {
  const path = extra.path ?? '/';
  return {
    accountId,
    roleId: uid('AROA'),
    roleName,
    path,
    arn: `arn:aws:iam::${accountId}:role${path}${roleName}`,
    createDate: T0,
    assumeRolePolicyDocument: TRUST,
    maxSessionDuration: 3600,
    tags: [],
    ...extra,
  };
}

export const DOC = (action: string): string =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });

export function policy(accountId: string, policyName: string, extra: Partial<ManagedPolicy> = {}): ManagedPolicy {
  const path = extra.path ?? '/';
  return {
    accountId,
    policyId: uid('ANPA'),
    policyName,
    path,
    arn: `arn:aws:iam::${accountId}:policy${path}${policyName}`,
    defaultVersionId: 'v1',
    createDate: T0,
    updateDate: T0,
    tags: [],
    ...extra,
  };
}

export function version(policyArn: string, versionId: string, extra: Partial<PolicyVersion> = {}): PolicyVersion {
  return { policyArn, versionId, document: DOC('s3:' + versionId), isDefaultVersion: false, createDate: T0, ...extra };
}

export function accessKey(accountId: string, userName: string | undefined, extra: Partial<AccessKey> = {}): AccessKey {
  const k: AccessKey = {
    accessKeyId: uid('AKIA'),
    secretAccessKey: 'secret/' + uid('S') + '+abcdefghijklmnop',
    accountId,
    status: 'Active',
    createDate: T0,
    ...extra,
  };
  if (userName !== undefined) k.userName = userName;
  return k;
}

export function mfa(accountId: string, name: string, extra: Partial<MfaDevice> = {}): MfaDevice {
  return {
    accountId,
    serialNumber: `arn:aws:iam::${accountId}:mfa/${name}`,
    path: '/',
    name,
    seedBase32: 'JBSWY3DPEHPK3PXP' + name.toUpperCase().replace(/[^A-Z2-7]/g, ''),
    tags: [],
    ...extra,
  };
}

export function instanceProfile(accountId: string, name: string, extra: Partial<InstanceProfile> = {}): InstanceProfile {
  const path = extra.path ?? '/';
  return {
    accountId,
    instanceProfileId: uid('AIPA'),
    name,
    path,
    arn: `arn:aws:iam::${accountId}:instance-profile${path}${name}`,
    createDate: T0,
    roleNames: [],
    tags: [],
    ...extra,
  };
}

export function tempCred(accountId: string, expiration: Date, extra: Partial<TemporaryCredentialRecord> = {}): TemporaryCredentialRecord {
  return {
    accessKeyId: uid('ASIA'),
    accountId,
    expiration,
    createDate: T0,
    session: { type: 'assumed-role', roleArn: `arn:aws:iam::${accountId}:role/r`, sessionName: 's1', tags: [{ Key: 'k', Value: 'v' }] },
    ...extra,
  };
}

export function account(id: string, name: string, parentId: string, joined: Date, extra: Partial<Account> = {}): Account {
  return {
    id,
    arn: `arn:aws:organizations::${A1}:account/o-abcdefghij/${id}`,
    name,
    email: `${name}@example.com`,
    status: 'ACTIVE',
    joinedMethod: 'CREATED',
    joinedTimestamp: joined,
    parentId,
    ...extra,
  };
}

/** Drains a paginated listing with the given page size, checking every page but the last is full. */
export async function drain<T>(
  list: (opts: { marker?: string; maxItems?: number; pathPrefix?: string }) => Promise<{ items: T[]; nextMarker?: string }>,
  maxItems: number,
  pathPrefix?: string,
): Promise<{ items: T[]; pages: number; sizes: number[] }> {
  const items: T[] = [];
  const sizes: number[] = [];
  let marker: string | undefined;
  let pages = 0;
  for (;;) {
    const opts: { marker?: string; maxItems?: number; pathPrefix?: string } = { maxItems };
    if (marker !== undefined) opts.marker = marker;
    if (pathPrefix !== undefined) opts.pathPrefix = pathPrefix;
    const page = await list(opts);
    pages++;
    sizes.push(page.items.length);
    items.push(...page.items);
    if (page.nextMarker === undefined) break;
    marker = page.nextMarker;
    if (pages > 1000) throw new Error('pagination does not terminate');
  }
  return { items, pages, sizes };
}

/** Opens a store, runs `fn`, and always closes it. */
export async function withStore(makeStore: () => Promise<Store>, fn: (s: Store) => Promise<void>): Promise<void> {
  const s = await makeStore();
  try {
    await fn(s);
  } finally {
    await s.close();
  }
}
