/** Account provisioning shared by the CLI and Organizations: the bootstrap organization and member accounts. */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../clock.js';
import { KamenError } from '../../errors.js';
import { accessKeyId as newAccessKeyId, accountId as randomAccountId, randomLowerAlnum, secretAccessKey as newSecret, uniqueId } from '../../ids.js';
import { hashPassword } from '../../store/passwords.js';
import type { Account, Organization, OrgPolicy, Store } from '../../store/store.js';

/** What bootstrapOrganization hands back (and the CLI writes to bootstrap.json). */
export interface BootstrapInfo {
  organizationId: string;
  managementAccountId: string;
  rootEmail: string;
  rootPassword: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface MemberAccountOptions {
  name: string;
  email?: string;
  accountId?: string;
  parentId?: string;
  /** The role Organizations creates in the account (default OrganizationAccountAccessRole). */
  roleName?: string;
}

export interface MemberAccountResult {
  account: Account;
  accessKeyId: string;
  secretAccessKey: string;
}

/** The setting that remembers the management (bootstrap) account. */
export const MANAGEMENT_ACCOUNT_SETTING = 'bootstrap.account';
/** The management root user's email unless one is given. */
export const DEFAULT_ROOT_EMAIL = 'admin@kamen.local';
/** The role Organizations creates in each new member account. */
export const ORG_ACCESS_ROLE = 'OrganizationAccountAccessRole';
/** The AWS managed policy attached to that role. */
export const ADMINISTRATOR_ACCESS_ARN = 'arn:aws:iam::aws:policy/AdministratorAccess';
/** The AWS managed FullAWSAccess SCP: ID, ARN and content. */
export const FULL_AWS_ACCESS_ID = 'p-FullAWSAccess';
export const FULL_AWS_ACCESS_ARN = 'arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess';
export const FULL_AWS_ACCESS_CONTENT = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }, null, 2);

/** The AWS managed FullAWSAccess SCP as AWS lists it. */
export function fullAwsAccessPolicy(): OrgPolicy {
  return {
    id: FULL_AWS_ACCESS_ID,
    arn: FULL_AWS_ACCESS_ARN,
    name: 'FullAWSAccess',
    description: 'Allows access to every operation',
    type: 'SERVICE_CONTROL_POLICY',
    awsManaged: true,
    content: FULL_AWS_ACCESS_CONTENT,
  };
}

/** The ARN AWS gives an account in an organization. */
export function accountArn(org: Organization, id: string): string {
  return `arn:aws:organizations::${org.managementAccountId}:account/${org.id}/${id}`;
}

/** The ARN AWS gives the organization's root. */
export function rootArn(org: Organization): string {
  return `arn:aws:organizations::${org.managementAccountId}:root/${org.id}/${org.rootId}`;
}

/** The trust policy AWS writes on OrganizationAccountAccessRole: the management account may assume it. */
export function orgAccessTrustPolicy(managementAccountId: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${managementAccountId}:root` }, Action: 'sts:AssumeRole' }],
  });
}

/** A console password with upper, lower, digit and symbol characters (20 characters). */
export function generatePassword(): string {
  const sets = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz', '23456789', '!@#%^*-_+='];
  const all = sets.join('');
  const bytes = randomBytes(20);
  const chars = sets.map((s, i) => s[bytes[i]! % s.length]!);
  for (let i = sets.length; i < 20; i++) chars.push(all[bytes[i]! % all.length]!);
  // shuffle so the class order is not fixed
  const shuffle = randomBytes(chars.length);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = shuffle[i]! % (i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}

/** Creates the organization, management account, its root user and root access key on an empty store; undefined when one exists. */
export async function bootstrapOrganization(
  store: Store,
  clock: Clock,
  opts: { email?: string; accountId?: string; password?: string } = {},
): Promise<BootstrapInfo | undefined> {
  if (await store.getOrganization()) return undefined;
  const mgmt = opts.accountId ?? randomAccountId();
  if (!/^[1-9]\d{11}$/.test(mgmt)) throw new KamenError('ERR_ORG_INVALID_INPUT', 'The account ID must be 12 digits and must not start with 0.');
  const email = opts.email ?? DEFAULT_ROOT_EMAIL;
  const password = opts.password ?? generatePassword();
  const passwordHash = await hashPassword(password);
  const now = new Date(clock.now());
  const orgId = 'o-' + randomLowerAlnum(10);
  const org: Organization = {
    id: orgId,
    arn: `arn:aws:organizations::${mgmt}:organization/${orgId}`,
    managementAccountId: mgmt,
    managementAccountEmail: email,
    rootId: 'r-' + randomLowerAlnum(4),
    featureSet: 'ALL',
    createdAt: now,
  };
  const key = { accessKeyId: newAccessKeyId(false), secretAccessKey: newSecret() };
  const created = await store.transaction(async () => {
    if (await store.getOrganization()) return false; // another process won the race
    await store.createOrganization(org);
    await store.putAccount({
      id: mgmt,
      arn: accountArn(org, mgmt),
      name: 'management',
      email,
      status: 'ACTIVE',
      joinedMethod: 'CREATED',
      joinedTimestamp: now,
      parentId: org.rootId,
    });
    await store.putRootUser({ accountId: mgmt, email, passwordHash, createDate: now });
    await store.createAccessKey({ ...key, accountId: mgmt, status: 'Active', createDate: now });
    if (!(await store.getOrgPolicy(FULL_AWS_ACCESS_ID))) await store.putOrgPolicy(fullAwsAccessPolicy());
    await store.attachOrgPolicy(FULL_AWS_ACCESS_ID, org.rootId);
    await store.attachOrgPolicy(FULL_AWS_ACCESS_ID, mgmt);
    await store.setSetting(MANAGEMENT_ACCOUNT_SETTING, mgmt);
    return true;
  });
  if (!created) return undefined;
  return { organizationId: orgId, managementAccountId: mgmt, rootEmail: email, rootPassword: password, ...key };
}

/**
 * Creates a member account under the root (or `parentId`): the account, its root user and root access key, and the
 * OrganizationAccountAccessRole trusting the management account with AdministratorAccess attached, in one transaction.
 * A taken account ID or email throws ERR_ENTITY_ALREADY_EXISTS; no organization throws ERR_ORG_NOT_IN_USE.
 */
export async function createMemberAccount(store: Store, clock: Clock, opts: MemberAccountOptions): Promise<MemberAccountResult> {
  const org = await store.getOrganization();
  if (!org) throw new KamenError('ERR_ORG_NOT_IN_USE', 'Your account is not a member of an organization.');
  if (opts.accountId !== undefined && !/^[1-9]\d{11}$/.test(opts.accountId)) {
    throw new KamenError('ERR_ORG_INVALID_INPUT', 'The account ID must be 12 digits and must not start with 0.');
  }
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  const now = new Date(clock.now());
  const key = { accessKeyId: newAccessKeyId(false), secretAccessKey: newSecret() };
  const roleName = opts.roleName ?? ORG_ACCESS_ROLE;
  const account = await store.transaction(async () => {
    let id = opts.accountId;
    if (id !== undefined) {
      if ((await store.getAccount(id)) || (await store.getRootUser(id))) {
        throw new KamenError('ERR_ENTITY_ALREADY_EXISTS', `An account with ID ${id} already exists.`);
      }
    } else {
      do id = randomAccountId();
      while ((await store.getAccount(id)) || (await store.getRootUser(id)));
    }
    const email = opts.email ?? `root+${id}@kamen.local`;
    if (await emailTaken(store, email)) throw new KamenError('ERR_ENTITY_ALREADY_EXISTS', `An account with email ${email} already exists.`);
    const parentId = opts.parentId ?? org.rootId;
    if (parentId !== org.rootId && !(await store.getOrganizationalUnit(parentId))) {
      throw new KamenError('ERR_ORG_PARENT_NOT_FOUND', "You specified a parent that doesn't exist.");
    }
    const acct: Account = {
      id,
      arn: accountArn(org, id),
      name: opts.name,
      email,
      status: 'ACTIVE',
      joinedMethod: 'CREATED',
      joinedTimestamp: now,
      parentId,
    };
    await store.putAccount(acct);
    await store.putRootUser({ accountId: id, email, passwordHash, createDate: now });
    await store.createAccessKey({ ...key, accountId: id, status: 'Active', createDate: now });
    await store.createRole({
      accountId: id,
      roleId: uniqueId('AROA'),
      roleName,
      path: '/',
      arn: `arn:aws:iam::${id}:role/${roleName}`,
      createDate: now,
      assumeRolePolicyDocument: orgAccessTrustPolicy(org.managementAccountId),
      maxSessionDuration: 3600,
      tags: [],
    });
    await store.attachPolicy({ accountId: id, kind: 'role', principalName: roleName, policyArn: ADMINISTRATOR_ACCESS_ARN });
    // With SCPs enabled, AWS attaches FullAWSAccess directly to every new account.
    if (await store.getOrgPolicy(FULL_AWS_ACCESS_ID)) await store.attachOrgPolicy(FULL_AWS_ACCESS_ID, id);
    return acct;
  });
  return { account, ...key };
}

/** True when an organization account or any root user already uses `email` (case-insensitive). */
export async function emailTaken(store: Store, email: string): Promise<boolean> {
  if (await store.getRootUserByEmail(email)) return true;
  const lower = email.toLowerCase();
  let marker: string | undefined;
  do {
    const page = await store.listAccounts({ marker, maxItems: 1000 });
    if (page.items.some((a) => a.email.toLowerCase() === lower)) return true;
    marker = page.nextMarker;
  } while (marker);
  return false;
}

/** The management account ID (from the organization, falling back to the bootstrap setting). */
export async function managementAccountId(store: Store): Promise<string | undefined> {
  return (await store.getOrganization())?.managementAccountId ?? (await store.getSetting(MANAGEMENT_ACCOUNT_SETTING));
}
