/** The organization's lifecycle: CreateOrganization, DeleteOrganization, LeaveOrganization, RemoveAccountFromOrganization, CloseAccount. */
import { KamenError } from '../../errors.js';
import { randomLowerAlnum } from '../../ids.js';
import type { Account, Organization, Store } from '../../store/store.js';
import type { Operation } from '../types.js';
import { FULL_AWS_ACCESS_ID, MANAGEMENT_ACCOUNT_SETTING, accountArn, fullAwsAccessPolicy } from '../accounts/index.js';
import { getStandaloneAccount, setStandaloneAccount } from '../accounts/standalone.js';
import { MSG, managementOnly, orgShape, requireMember } from './common.js';
import { setEnabledPolicyTypes } from './policy-types.js';
import { STATE_KEYS, clearState, readState, writeState, type DelegatedAdminRecord } from './state.js';

/** Every OU id under `parent`, deepest first (so each can be deleted in order). */
async function ousDeepestFirst(store: Store, parent: string): Promise<string[]> {
  const out: string[] = [];
  let marker: string | undefined;
  do {
    const page = await store.listOrganizationalUnitsForParent(parent, { marker, maxItems: 1000 });
    for (const ou of page.items) out.push(...(await ousDeepestFirst(store, ou.id)), ou.id);
    marker = page.nextMarker;
  } while (marker);
  return out;
}

/** Takes an account out of the organization: its row, attachments, tags and delegated administrator registrations. */
export async function detachAccount(store: Store, account: Account): Promise<void> {
  await store.deleteAccount(account.id);
  await setStandaloneAccount(store, account.id, { id: account.id, name: account.name, email: account.email });
  const admins = await readState<DelegatedAdminRecord[]>(store, STATE_KEYS.delegatedAdmins, []);
  if (admins.some((a) => a.accountId === account.id)) await writeState(store, STATE_KEYS.delegatedAdmins, admins.filter((a) => a.accountId !== account.id));
  const tags = await readState<Record<string, unknown>>(store, STATE_KEYS.tags, {});
  if (account.id in tags) {
    delete tags[account.id];
    await writeState(store, STATE_KEYS.tags, tags);
  }
}

/** CreateOrganization: the caller's account (outside any organization) becomes the management account. */
export const createOrganization = (): Operation => async (ctx, input: { FeatureSet?: string }) => {
  const featureSet = input.FeatureSet ?? 'ALL';
  if (featureSet !== 'ALL' && featureSet !== 'CONSOLIDATED_BILLING') {
    throw new KamenError('ERR_ORG_INVALID_INPUT', 'You provided a value that does not match the required pattern.', { Reason: 'INVALID_ENUM' });
  }
  const mgmt = ctx.caller.accountId;
  const org = await ctx.store.transaction(async () => {
    const existing = await ctx.store.getOrganization();
    if (existing) {
      if (existing.managementAccountId === mgmt || (await ctx.store.getAccount(mgmt))) throw new KamenError('ERR_ORG_ALREADY_IN_ORGANIZATION', MSG.alreadyInOrg);
      throw new KamenError('ERR_ORG_CONSTRAINT_VIOLATION', MSG.oneOrgPerStore, { Reason: 'ACCOUNT_NUMBER_LIMIT_EXCEEDED' });
    }
    const root = await ctx.store.getRootUser(mgmt);
    const standalone = await getStandaloneAccount(ctx.store, mgmt);
    const email = root?.email ?? standalone?.email ?? `root+${mgmt}@kamen.local`;
    const now = new Date(ctx.clock.now());
    const id = 'o-' + randomLowerAlnum(10);
    const created: Organization = {
      id,
      arn: `arn:aws:organizations::${mgmt}:organization/${id}`,
      managementAccountId: mgmt,
      managementAccountEmail: email,
      rootId: 'r-' + randomLowerAlnum(4),
      featureSet: featureSet as Organization['featureSet'],
      createdAt: now,
    };
    await ctx.store.createOrganization(created);
    await ctx.store.putAccount({
      id: mgmt,
      arn: accountArn(created, mgmt),
      name: standalone?.name ?? 'management',
      email,
      status: 'ACTIVE',
      joinedMethod: 'CREATED',
      joinedTimestamp: now,
      parentId: created.rootId,
    });
    await setStandaloneAccount(ctx.store, mgmt, undefined);
    await ctx.store.setSetting(MANAGEMENT_ACCOUNT_SETTING, mgmt);
    await clearState(ctx.store);
    if (featureSet === 'ALL') {
      // As kamen's bootstrap organization: SCPs enabled, FullAWSAccess on the root and the management account.
      await setEnabledPolicyTypes(ctx.store, undefined);
      if (!(await ctx.store.getOrgPolicy(FULL_AWS_ACCESS_ID))) await ctx.store.putOrgPolicy(fullAwsAccessPolicy());
      await ctx.store.attachOrgPolicy(FULL_AWS_ACCESS_ID, created.rootId);
      await ctx.store.attachOrgPolicy(FULL_AWS_ACCESS_ID, mgmt);
    } else {
      await setEnabledPolicyTypes(ctx.store, []);
    }
    return created;
  });
  return { Organization: orgShape(org) };
};

/** DeleteOrganization: only with no member accounts; OUs and customer managed policies go with it. */
export const deleteOrganization = (): Operation => managementOnly(async (ctx, _input, org) => {
  await ctx.store.transaction(async () => {
    const page = await ctx.store.listAccounts({ maxItems: 2 });
    if (page.items.some((a) => a.id !== org.managementAccountId)) throw new KamenError('ERR_ORG_NOT_EMPTY', MSG.orgNotEmpty);
    for (const ou of await ousDeepestFirst(ctx.store, org.rootId)) await ctx.store.deleteOrganizationalUnit(ou);
    for (const p of await ctx.store.listOrgPolicies()) {
      if (p.awsManaged) {
        for (const t of await ctx.store.listOrgPolicyTargets(p.id)) await ctx.store.detachOrgPolicy(p.id, t);
      } else {
        await ctx.store.deleteOrgPolicy(p.id);
      }
    }
    const mgmt = await ctx.store.getAccount(org.managementAccountId);
    if (mgmt) await detachAccount(ctx.store, mgmt);
    await ctx.store.deleteOrganization();
    await clearState(ctx.store);
    await setEnabledPolicyTypes(ctx.store, undefined);
  });
  return {};
});

/** LeaveOrganization: a member account leaves; the management account cannot. */
export const leaveOrganization = (): Operation => async (ctx) => {
  const org = await requireMember(ctx);
  if (ctx.caller.accountId === org.managementAccountId) throw new KamenError('ERR_ORG_MASTER_CANNOT_LEAVE', MSG.masterCannotLeave);
  await ctx.store.transaction(async () => {
    const account = await ctx.store.getAccount(ctx.caller.accountId);
    if (!account) throw new KamenError('ERR_ORG_NOT_IN_USE', MSG.notInUse);
    await detachAccount(ctx.store, account);
  });
  return {};
};

/** RemoveAccountFromOrganization: the management account removes a member. */
export const removeAccountFromOrganization = (): Operation => managementOnly(async (ctx, input: { AccountId: string }, org) => {
  if (input.AccountId === org.managementAccountId) throw new KamenError('ERR_ORG_MASTER_CANNOT_LEAVE', MSG.masterCannotLeave);
  await ctx.store.transaction(async () => {
    const account = await ctx.store.getAccount(input.AccountId);
    if (!account) throw new KamenError('ERR_ORG_ACCOUNT_NOT_FOUND', MSG.accountNotFound);
    await detachAccount(ctx.store, account);
  });
  return {};
});

/** CloseAccount: a member account is closed at once (SUSPENDED; kamen keeps the row rather than removing it after 90 days). */
export const closeAccount = (): Operation => managementOnly(async (ctx, input: { AccountId: string }, org) => {
  await ctx.store.transaction(async () => {
    const account = await ctx.store.getAccount(input.AccountId);
    if (!account) throw new KamenError('ERR_ORG_ACCOUNT_NOT_FOUND', MSG.accountNotFound);
    if (account.id === org.managementAccountId) throw new KamenError('ERR_ORG_CONSTRAINT_VIOLATION', MSG.cannotCloseManagement, { Reason: 'CANNOT_CLOSE_MANAGEMENT_ACCOUNT' });
    if (account.status !== 'ACTIVE') throw new KamenError('ERR_ORG_ACCOUNT_ALREADY_CLOSED', MSG.accountAlreadyClosed);
    await ctx.store.putAccount({ ...account, status: 'SUSPENDED' });
  });
  return {};
});
