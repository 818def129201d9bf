/** Accounts outside any organization: the standalone first account (`serve --no-organization`) and `account create --standalone`. */
import type { Clock } from '../../clock.js';
import { KamenError } from '../../errors.js';
import { accessKeyId as newAccessKeyId, accountId as randomAccountId, secretAccessKey as newSecret } from '../../ids.js';
import { hashPassword } from '../../store/passwords.js';
import type { Store } from '../../store/store.js';
import { DEFAULT_ROOT_EMAIL, MANAGEMENT_ACCOUNT_SETTING, emailTaken, generatePassword, type BootstrapInfo } from './index.js';

/** The setting prefix holding a standalone account's name and email (an organization account keeps them in its row). */
const STANDALONE_PREFIX = 'account.standalone.';

export interface StandaloneAccount {
  id: string;
  name: string;
  email: string;
}

export interface StandaloneAccountResult {
  account: StandaloneAccount;
  accessKeyId: string;
  secretAccessKey: string;
  rootPassword: string;
}

/** The name and email of an account that exists outside any organization (undefined when none is recorded). */
export async function getStandaloneAccount(store: Store, id: string): Promise<StandaloneAccount | undefined> {
  const text = await store.getSetting(STANDALONE_PREFIX + id);
  return text ? (JSON.parse(text) as StandaloneAccount) : undefined;
}

/** Records (or, with undefined, forgets) a standalone account's name and email; call inside the caller's transaction. */
export async function setStandaloneAccount(store: Store, id: string, account: StandaloneAccount | undefined): Promise<void> {
  await store.setSetting(STANDALONE_PREFIX + id, account ? JSON.stringify(account) : '');
}

/** True once the store was bootstrapped (with or without an organization). */
export async function isBootstrapped(store: Store): Promise<boolean> {
  return Boolean((await store.getOrganization()) || (await store.getSetting(MANAGEMENT_ACCOUNT_SETTING)));
}

/**
 * Creates an account outside any organization: its root user and root access key, in one transaction. A taken
 * account ID or email throws ERR_ENTITY_ALREADY_EXISTS.
 */
export async function createStandaloneAccount(store: Store, clock: Clock, opts: { name: string; email?: string; accountId?: string; password?: string }): Promise<StandaloneAccountResult> {
  if (opts.accountId !== undefined && !/^[1-9]\d{11}$/.test(opts.accountId)) {
    throw new KamenError('ERR_ORG_INVALID_INPUT', 'The account ID must be 12 digits and must not start with 0.');
  }
  const password = opts.password ?? generatePassword();
  const passwordHash = await hashPassword(password);
  const now = new Date(clock.now());
  const key = { accessKeyId: newAccessKeyId(false), secretAccessKey: newSecret() };
  const account = await store.transaction(async () => {
    let id = opts.accountId;
    if (id !== undefined) {
      if ((await store.getAccount(id)) || (await store.getRootUser(id))) throw new KamenError('ERR_ENTITY_ALREADY_EXISTS', `An account with ID ${id} already exists.`);
    } else {
      do id = randomAccountId();
      while ((await store.getAccount(id)) || (await store.getRootUser(id)));
    }
    const email = opts.email ?? `root+${id}@kamen.local`;
    if (await emailTaken(store, email)) throw new KamenError('ERR_ENTITY_ALREADY_EXISTS', `An account with email ${email} already exists.`);
    await store.putRootUser({ accountId: id, email, passwordHash, createDate: now });
    await store.createAccessKey({ ...key, accountId: id, status: 'Active', createDate: now });
    const acct = { id, name: opts.name, email };
    await setStandaloneAccount(store, id, acct);
    return acct;
  });
  return { account, ...key, rootPassword: password };
}

/** The first start without an organization (`serve --no-organization`): one standalone account; undefined when bootstrapped. */
export async function bootstrapStandalone(store: Store, clock: Clock, opts: { email?: string; accountId?: string } = {}): Promise<BootstrapInfo | undefined> {
  if (await isBootstrapped(store)) return undefined;
  const email = opts.email ?? DEFAULT_ROOT_EMAIL;
  const r = await createStandaloneAccount(store, clock, { name: 'management', email, ...(opts.accountId ? { accountId: opts.accountId } : {}) });
  await store.setSetting(MANAGEMENT_ACCOUNT_SETTING, r.account.id);
  return { organizationId: '', managementAccountId: r.account.id, rootEmail: email, rootPassword: r.rootPassword, accessKeyId: r.accessKeyId, secretAccessKey: r.secretAccessKey };
}
