/** Organizations account operations: DescribeOrganization, CreateAccount (+ statuses), List/DescribeAccount, MoveAccount. */
import { KamenError, isKamenError } from '../../errors.js';
import { randomLowerAlnum } from '../../ids.js';
import type { CreateAccountStatus, Store, Tag } from '../../store/store.js';
import type { Operation } from '../types.js';
import { createMemberAccount, emailTaken } from '../accounts/index.js';
import { MSG, storePage, orgShape, accountShape, managementOnly, maxResults, pageArray, parentType, requireMember } from './common.js';
import { RCP, RCP_FULL_AWS_ACCESS_ID, enabledPolicyTypes } from './policy-types.js';
import { checkTagCount, setResourceTags } from './admin.js';

/** Settings key holding the CreateAccount request IDs in request order (the store has no listing for them). */
const CAS_INDEX = 'organizations.createAccountStatusIds';

const casShape = (s: CreateAccountStatus) => ({
  Id: s.id,
  AccountName: s.accountName,
  State: s.state,
  RequestedTimestamp: s.requestedTimestamp,
  ...(s.completedTimestamp ? { CompletedTimestamp: s.completedTimestamp } : {}),
  ...(s.accountId ? { AccountId: s.accountId } : {}),
  ...(s.failureReason ? { FailureReason: s.failureReason } : {}),
});

async function casIds(store: Store): Promise<string[]> {
  const text = await store.getSetting(CAS_INDEX);
  return text ? (JSON.parse(text) as string[]) : [];
}

/** DescribeOrganization: any account of the organization may call it. */
export const describeOrganization = (): Operation => async (ctx) => {
  return { Organization: orgShape(await requireMember(ctx)) };
};

/** CreateAccount: provisions the account at once; the status is SUCCEEDED (or FAILED with EMAIL_ALREADY_EXISTS). */
export const createAccount = (): Operation => managementOnly(async (ctx, input: { Email: string; AccountName: string; RoleName?: string; Tags?: Tag[] }) => {
  checkTagCount(input.Tags);
  const now = new Date(ctx.clock.now());
  const status: CreateAccountStatus = { id: 'car-' + randomLowerAlnum(32), accountName: input.AccountName, state: 'SUCCEEDED', requestedTimestamp: now, completedTimestamp: now };
  if (await emailTaken(ctx.store, input.Email)) {
    status.state = 'FAILED';
    status.failureReason = 'EMAIL_ALREADY_EXISTS';
  } else {
    try {
      const r = await createMemberAccount(ctx.store, ctx.clock, { name: input.AccountName, email: input.Email, roleName: input.RoleName });
      status.accountId = r.account.id;
      await ctx.store.transaction(() => setResourceTags(ctx, r.account.id, input.Tags));
      // A new account gets RCPFullAWSAccess while RCPs are enabled (FullAWSAccess comes with the account itself).
      if ((await enabledPolicyTypes(ctx.store)).includes(RCP) && (await ctx.store.getOrgPolicy(RCP_FULL_AWS_ACCESS_ID))) {
        await ctx.store.attachOrgPolicy(RCP_FULL_AWS_ACCESS_ID, r.account.id);
      }
    } catch (err) {
      if (!isKamenError(err, 'ERR_ENTITY_ALREADY_EXISTS')) throw err;
      status.state = 'FAILED';
      status.failureReason = 'EMAIL_ALREADY_EXISTS';
    }
  }
  await ctx.store.transaction(async () => {
    await ctx.store.putCreateAccountStatus(status);
    const ids = await casIds(ctx.store);
    ids.push(status.id);
    await ctx.store.setSetting(CAS_INDEX, JSON.stringify(ids));
  });
  return { CreateAccountStatus: casShape(status) };
});

/** DescribeCreateAccountStatus. */
export const describeCreateAccountStatus = (): Operation => managementOnly(async (ctx, input: { CreateAccountRequestId: string }) => {
  const s = await ctx.store.getCreateAccountStatus(input.CreateAccountRequestId);
  if (!s) throw new KamenError('ERR_ORG_CREATE_ACCOUNT_STATUS_NOT_FOUND', MSG.casNotFound);
  return { CreateAccountStatus: casShape(s) };
});

/** ListCreateAccountStatus (optionally filtered by States), oldest request first. */
export const listCreateAccountStatus = (): Operation => managementOnly(async (ctx, input: { States?: string[]; NextToken?: string; MaxResults?: number }) => {
  const all: CreateAccountStatus[] = [];
  for (const id of await casIds(ctx.store)) {
    const s = await ctx.store.getCreateAccountStatus(id);
    if (s && (!input.States?.length || input.States.includes(s.state))) all.push(s);
  }
  const page = pageArray(all, input, 'cas');
  return { CreateAccountStatuses: page.items.map(casShape), ...(page.NextToken ? { NextToken: page.NextToken } : {}) };
});

/** ListAccounts, in join order. */
export const listAccounts = (): Operation => managementOnly(async (ctx, input: { NextToken?: string; MaxResults?: number }) => {
  const page = await storePage(() => ctx.store.listAccounts({ marker: input.NextToken, maxItems: maxResults(input) }));
  return { Accounts: page.items.map(accountShape), ...(page.nextMarker ? { NextToken: page.nextMarker } : {}) };
});

/** ListAccountsForParent. */
export const listAccountsForParent = (): Operation => managementOnly(async (ctx, input: { ParentId: string; NextToken?: string; MaxResults?: number }, org) => {
  if (!(await parentType(ctx.store, org, input.ParentId))) throw new KamenError('ERR_ORG_PARENT_NOT_FOUND', MSG.parentNotFound);
  const page = await storePage(() => ctx.store.listAccountsForParent(input.ParentId, { marker: input.NextToken, maxItems: maxResults(input) }));
  return { Accounts: page.items.map(accountShape), ...(page.nextMarker ? { NextToken: page.nextMarker } : {}) };
});

/** DescribeAccount. */
export const describeAccount = (): Operation => managementOnly(async (ctx, input: { AccountId: string }) => {
  const a = await ctx.store.getAccount(input.AccountId);
  if (!a) throw new KamenError('ERR_ORG_ACCOUNT_NOT_FOUND', MSG.accountNotFound);
  return { Account: accountShape(a) };
});

/** MoveAccount between the root and OUs. */
export const moveAccount = (): Operation => managementOnly(async (ctx, input: { AccountId: string; SourceParentId: string; DestinationParentId: string }, org) => {
  // One transaction: the parent checks and the write see the same account row (concurrent moves serialize).
  await ctx.store.transaction(async () => {
    const account = await ctx.store.getAccount(input.AccountId);
    if (!account) throw new KamenError('ERR_ORG_ACCOUNT_NOT_FOUND', MSG.accountNotFound);
    if (!(await parentType(ctx.store, org, input.SourceParentId))) throw new KamenError('ERR_ORG_SOURCE_PARENT_NOT_FOUND', MSG.sourceParentNotFound);
    if (!(await parentType(ctx.store, org, input.DestinationParentId))) {
      throw new KamenError('ERR_ORG_DESTINATION_PARENT_NOT_FOUND', MSG.destinationParentNotFound);
    }
    if (account.parentId === input.DestinationParentId) throw new KamenError('ERR_ORG_DUPLICATE_ACCOUNT', MSG.duplicateAccount);
    if (account.parentId !== input.SourceParentId) throw new KamenError('ERR_ORG_ACCOUNT_NOT_FOUND', MSG.accountNotFound);
    await ctx.store.putAccount({ ...account, parentId: input.DestinationParentId });
  });
  return {};
});
