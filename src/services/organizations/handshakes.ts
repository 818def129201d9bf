/** Handshakes: InviteAccountToOrganization, EnableAllFeatures, Accept/Decline/Cancel/DescribeHandshake and their listings. */
import { KamenError } from '../../errors.js';
import { randomLowerAlnum } from '../../ids.js';
import type { Organization, Store } from '../../store/store.js';
import type { Operation, OperationContext } from '../types.js';
import { FULL_AWS_ACCESS_ID, accountArn, fullAwsAccessPolicy } from '../accounts/index.js';
import { getStandaloneAccount, setStandaloneAccount } from '../accounts/standalone.js';
import { MSG, managementOnly, pageArray, requireOrg } from './common.js';
import { allTargets, attachDefaultPolicies, setEnabledPolicyTypes } from './policy-types.js';
import { STATE_KEYS, readState, writeState, type HandshakeRecord } from './state.js';

/** Handshakes expire 15 days after they are requested (AWS). */
export const HANDSHAKE_LIFETIME_MS = 15 * 24 * 3600 * 1000;

const HS_MSG = {
  notFound: "We can't find a handshake with the HandshakeId that you specified.",
  transition:
    "You can't perform the operation on the handshake in its current state. For example, you can't cancel a handshake that was already accepted or accept a handshake that was already declined.",
  alreadyInState: "The specified handshake is already in the requested state. For example, you can't accept a handshake that was already accepted.",
  constraint: 'The requested operation would violate the constraint identified in the reason code.',
  duplicate: 'A handshake with the same action and target already exists.',
  badTarget: 'You provided a value that does not match the required pattern.',
} as const;

const FINAL = new Set(['ACCEPTED', 'DECLINED', 'CANCELED', 'EXPIRED']);

/** The state a record has now (an open handshake past its expiry is EXPIRED). */
function stateAt(h: HandshakeRecord, nowMs: number): HandshakeRecord['state'] {
  return (h.state === 'OPEN' || h.state === 'REQUESTED') && nowMs >= h.expiresAt ? 'EXPIRED' : h.state;
}

/** AWS's Handshake output shape: parties, nested resources, timestamps. */
function handshakeShape(h: HandshakeRecord, nowMs: number) {
  const orgResource = {
    Type: 'ORGANIZATION',
    Value: h.organizationId,
    Resources: [
      { Type: 'MASTER_EMAIL', Value: h.managementEmail },
      { Type: 'MASTER_NAME', Value: h.managementName },
      { Type: 'ORGANIZATION_FEATURE_SET', Value: h.featureSet === 'ALL' ? 'FULL' : 'CONSOLIDATED_BILLING' },
    ],
  };
  const parties: Array<{ Id: string; Type: string }> = [{ Id: h.organizationId, Type: 'ORGANIZATION' }];
  const resources: Array<Record<string, unknown>> = [orgResource];
  if (h.action !== 'ENABLE_ALL_FEATURES') {
    parties.push({ Id: h.targetValue, Type: h.targetType });
    resources.push({ Type: h.targetType === 'EMAIL' ? 'EMAIL' : 'ACCOUNT', Value: h.targetValue });
  }
  if (h.notes !== undefined) resources.push({ Type: 'NOTES', Value: h.notes });
  return {
    Id: h.id,
    Arn: h.arn,
    Parties: parties,
    State: stateAt(h, nowMs),
    RequestedTimestamp: new Date(h.requestedAt),
    ExpirationTimestamp: new Date(h.expiresAt),
    Action: h.action,
    Resources: resources,
  };
}

async function allHandshakes(store: Store): Promise<HandshakeRecord[]> {
  return readState<HandshakeRecord[]>(store, STATE_KEYS.handshakes, []);
}

/** True when the caller's account is the handshake's receiving party. */
async function isRecipient(ctx: OperationContext, h: HandshakeRecord): Promise<boolean> {
  if (h.targetAccountId === ctx.caller.accountId) return true;
  if (h.targetType !== 'EMAIL') return false;
  const root = await ctx.store.getRootUser(ctx.caller.accountId);
  return root !== undefined && root.email.toLowerCase() === h.targetValue.toLowerCase();
}

/** True when the caller may see the handshake (either party). */
async function isParty(ctx: OperationContext, h: HandshakeRecord): Promise<boolean> {
  return h.managementAccountId === ctx.caller.accountId || (await isRecipient(ctx, h));
}

/** A new record for `org` (OPEN; expires in 15 days). */
async function newRecord(ctx: OperationContext, org: Organization, action: HandshakeRecord['action'], target: { accountId: string; type: 'ACCOUNT' | 'EMAIL'; value: string }, notes?: string): Promise<HandshakeRecord> {
  const id = 'h-' + randomLowerAlnum(32);
  const now = ctx.clock.now();
  const mgmt = await ctx.store.getAccount(org.managementAccountId);
  const verb = action === 'INVITE' ? 'invite' : action === 'ENABLE_ALL_FEATURES' ? 'enable_all_features' : 'approve_all_features';
  return {
    id,
    arn: `arn:aws:organizations::${org.managementAccountId}:handshake/${org.id}/${verb}/${id}`,
    action,
    state: 'OPEN',
    requestedAt: now,
    expiresAt: now + HANDSHAKE_LIFETIME_MS,
    targetAccountId: target.accountId,
    targetType: target.type,
    targetValue: target.value,
    ...(notes !== undefined ? { notes } : {}),
    organizationId: org.id,
    managementAccountId: org.managementAccountId,
    managementEmail: org.managementAccountEmail,
    managementName: mgmt?.name ?? 'management',
    featureSet: org.featureSet,
  };
}

/** InviteAccountToOrganization: an OPEN INVITE handshake to an account (by ID or root email). */
export const inviteAccountToOrganization = (): Operation => managementOnly(async (ctx, input: { Target?: { Id?: string; Type?: string }; Notes?: string }, org) => {
  const t = input.Target ?? {};
  if (typeof t.Id !== 'string' || (t.Type !== 'ACCOUNT' && t.Type !== 'EMAIL')) {
    throw new KamenError('ERR_ORG_INVALID_INPUT', HS_MSG.badTarget, { Reason: t.Type === 'ACCOUNT' || t.Type === 'EMAIL' ? 'INVALID_PARTY_TYPE_TARGET' : 'INVALID_ENUM' });
  }
  if (t.Type === 'ACCOUNT' && !/^\d{12}$/.test(t.Id)) throw new KamenError('ERR_ORG_INVALID_INPUT', HS_MSG.badTarget, { Reason: 'INVALID_PARTY_TYPE_TARGET' });
  const rec = await ctx.store.transaction(async () => {
    const accountId = t.Type === 'ACCOUNT' ? t.Id! : ((await ctx.store.getRootUserByEmail(t.Id!))?.accountId ?? '');
    if (accountId && (accountId === org.managementAccountId || (await ctx.store.getAccount(accountId)))) {
      throw new KamenError('ERR_ORG_HANDSHAKE_CONSTRAINT_VIOLATION', HS_MSG.constraint, { Reason: 'ALREADY_IN_AN_ORGANIZATION' });
    }
    const list = await allHandshakes(ctx.store);
    const now = ctx.clock.now();
    if (list.some((h) => h.action === 'INVITE' && stateAt(h, now) === 'OPEN' && ((accountId && h.targetAccountId === accountId) || h.targetValue.toLowerCase() === t.Id!.toLowerCase()))) {
      throw new KamenError('ERR_ORG_DUPLICATE_HANDSHAKE', HS_MSG.duplicate);
    }
    const r = await newRecord(ctx, org, 'INVITE', { accountId, type: t.Type as 'ACCOUNT' | 'EMAIL', value: t.Id! }, input.Notes);
    list.push(r);
    await writeState(ctx.store, STATE_KEYS.handshakes, list);
    return r;
  });
  return { Handshake: handshakeShape(rec, ctx.clock.now()) };
});

/** EnableAllFeatures: an ENABLE_ALL_FEATURES handshake, and an APPROVE_ALL_FEATURES one to each member account. */
export const enableAllFeatures = (): Operation => managementOnly(async (ctx, _input, org) => {
  if (org.featureSet === 'ALL') throw new KamenError('ERR_ORG_HANDSHAKE_CONSTRAINT_VIOLATION', HS_MSG.constraint, { Reason: 'ORGANIZATION_ALREADY_HAS_ALL_FEATURES' });
  const rec = await ctx.store.transaction(async () => {
    const list = await allHandshakes(ctx.store);
    const now = ctx.clock.now();
    if (list.some((h) => h.action === 'ENABLE_ALL_FEATURES' && stateAt(h, now) === 'OPEN')) {
      throw new KamenError('ERR_ORG_HANDSHAKE_CONSTRAINT_VIOLATION', HS_MSG.constraint, { Reason: 'ORGANIZATION_IS_ALREADY_PENDING_ALL_FEATURES_MIGRATION' });
    }
    const main = await newRecord(ctx, org, 'ENABLE_ALL_FEATURES', { accountId: org.managementAccountId, type: 'ACCOUNT', value: org.managementAccountId });
    list.push(main);
    let marker: string | undefined;
    do {
      const page = await ctx.store.listAccounts({ marker, maxItems: 1000 });
      for (const a of page.items) {
        if (a.id !== org.managementAccountId) list.push({ ...(await newRecord(ctx, org, 'APPROVE_ALL_FEATURES', { accountId: a.id, type: 'ACCOUNT', value: a.id })), parentId: main.id });
      }
      marker = page.nextMarker;
    } while (marker);
    await writeState(ctx.store, STATE_KEYS.handshakes, list);
    return main;
  });
  return { Handshake: handshakeShape(rec, ctx.clock.now()) };
});

/** Finds a handshake the caller is a party to (HandshakeNotFoundException otherwise) and runs `fn` on it in one transaction. */
async function withHandshake<T>(ctx: OperationContext, id: unknown, fn: (h: HandshakeRecord, list: HandshakeRecord[], org: Organization | undefined) => Promise<T>): Promise<T> {
  return ctx.store.transaction(async () => {
    const list = await allHandshakes(ctx.store);
    const h = typeof id === 'string' ? list.find((x) => x.id === id) : undefined;
    if (!h || !(await isParty(ctx, h))) throw new KamenError('ERR_ORG_HANDSHAKE_NOT_FOUND', HS_MSG.notFound);
    return fn(h, list, await ctx.store.getOrganization());
  });
}

/** Moves an OPEN handshake to `to`; a handshake already there or closed refuses as AWS does. */
function transition(h: HandshakeRecord, to: HandshakeRecord['state'], nowMs: number): void {
  const now = stateAt(h, nowMs);
  if (now === to) throw new KamenError('ERR_ORG_HANDSHAKE_ALREADY_IN_STATE', HS_MSG.alreadyInState);
  if (FINAL.has(now)) throw new KamenError('ERR_ORG_INVALID_HANDSHAKE_TRANSITION', HS_MSG.transition);
  h.state = to;
}

/** AcceptHandshake: the invited account joins; an approval is recorded; ENABLE_ALL_FEATURES completes the migration. */
export const acceptHandshake = (): Operation => async (ctx, input: { HandshakeId: string }) => {
  const out = await withHandshake(ctx, input.HandshakeId, async (h, list, org) => {
    const now = ctx.clock.now();
    if (h.action === 'ENABLE_ALL_FEATURES') {
      if (ctx.caller.accountId !== h.managementAccountId) throw new KamenError('ERR_ORG_HANDSHAKE_NOT_FOUND', HS_MSG.notFound);
      const pending = list.some((x) => x.action === 'APPROVE_ALL_FEATURES' && x.organizationId === h.organizationId && stateAt(x, now) !== 'ACCEPTED' && x.parentId === h.id);
      if (pending && stateAt(h, now) === 'OPEN') throw new KamenError('ERR_ORG_HANDSHAKE_CONSTRAINT_VIOLATION', HS_MSG.constraint, { Reason: 'ORGANIZATION_IS_ALREADY_PENDING_ALL_FEATURES_MIGRATION' });
      transition(h, 'ACCEPTED', now);
      if (org) await enableAllFeaturesNow(ctx.store, org);
    } else {
      if (!(await isRecipient(ctx, h))) throw new KamenError('ERR_ORG_HANDSHAKE_NOT_FOUND', HS_MSG.notFound);
      if (h.action === 'INVITE') {
        if (stateAt(h, now) === 'OPEN' && (!org || org.id !== h.organizationId)) throw new KamenError('ERR_ORG_INVALID_HANDSHAKE_TRANSITION', HS_MSG.transition);
        if (stateAt(h, now) === 'OPEN' && (org!.managementAccountId === ctx.caller.accountId || (await ctx.store.getAccount(ctx.caller.accountId)))) {
          throw new KamenError('ERR_ORG_HANDSHAKE_CONSTRAINT_VIOLATION', HS_MSG.constraint, { Reason: 'ALREADY_IN_AN_ORGANIZATION' });
        }
        transition(h, 'ACCEPTED', now);
        await joinOrganization(ctx, org!);
      } else {
        transition(h, 'ACCEPTED', now);
      }
    }
    await writeState(ctx.store, STATE_KEYS.handshakes, list);
    return h;
  });
  return { Handshake: handshakeShape(out, ctx.clock.now()) };
};

/** The caller's account joins `org` under the root (JoinedMethod INVITED) with the enabled types' default policies. */
async function joinOrganization(ctx: OperationContext, org: Organization): Promise<void> {
  const id = ctx.caller.accountId;
  const root = await ctx.store.getRootUser(id);
  const standalone = await getStandaloneAccount(ctx.store, id);
  await ctx.store.putAccount({
    id,
    arn: accountArn(org, id),
    name: standalone?.name ?? id,
    email: root?.email ?? standalone?.email ?? `root+${id}@kamen.local`,
    status: 'ACTIVE',
    joinedMethod: 'INVITED',
    joinedTimestamp: new Date(ctx.clock.now()),
    parentId: org.rootId,
  });
  await setStandaloneAccount(ctx.store, id, undefined);
  await attachDefaultPolicies(ctx.store, id);
}

/** Switches the organization to all features: SCPs enabled with FullAWSAccess on the root, every OU and account. */
async function enableAllFeaturesNow(store: Store, org: Organization): Promise<void> {
  await store.deleteOrganization();
  await store.createOrganization({ ...org, featureSet: 'ALL' });
  await setEnabledPolicyTypes(store, undefined);
  if (!(await store.getOrgPolicy(FULL_AWS_ACCESS_ID))) await store.putOrgPolicy(fullAwsAccessPolicy());
  const targets = [org.rootId, ...(await allTargets(store, org))];
  const attached = new Set(await store.listOrgPolicyTargets(FULL_AWS_ACCESS_ID));
  for (const t of targets) if (!attached.has(t)) await store.attachOrgPolicy(FULL_AWS_ACCESS_ID, t);
}

/** DeclineHandshake: the receiving account declines. */
export const declineHandshake = (): Operation => async (ctx, input: { HandshakeId: string }) => {
  const out = await withHandshake(ctx, input.HandshakeId, async (h, list) => {
    if (!(await isRecipient(ctx, h)) || h.action === 'ENABLE_ALL_FEATURES') throw new KamenError('ERR_ORG_HANDSHAKE_NOT_FOUND', HS_MSG.notFound);
    transition(h, 'DECLINED', ctx.clock.now());
    await writeState(ctx.store, STATE_KEYS.handshakes, list);
    return h;
  });
  return { Handshake: handshakeShape(out, ctx.clock.now()) };
};

/** CancelHandshake: the originating (management) account cancels. */
export const cancelHandshake = (): Operation => async (ctx, input: { HandshakeId: string }) => {
  await requireOrg(ctx.store);
  const out = await withHandshake(ctx, input.HandshakeId, async (h, list) => {
    if (h.managementAccountId !== ctx.caller.accountId) throw new KamenError('ERR_ORG_ACCESS_DENIED', MSG.accessDenied);
    transition(h, 'CANCELED', ctx.clock.now());
    await writeState(ctx.store, STATE_KEYS.handshakes, list);
    return h;
  });
  return { Handshake: handshakeShape(out, ctx.clock.now()) };
};

/** DescribeHandshake: either party. */
export const describeHandshake = (): Operation => async (ctx, input: { HandshakeId: string }) => {
  const h = await withHandshake(ctx, input.HandshakeId, async (x) => x);
  return { Handshake: handshakeShape(h, ctx.clock.now()) };
};

type ListInput = { Filter?: { ActionType?: string }; NextToken?: string; MaxResults?: number };

function filtered(list: HandshakeRecord[], input: ListInput): HandshakeRecord[] {
  const action = input.Filter?.ActionType;
  return action ? list.filter((h) => h.action === action) : list;
}

/** ListHandshakesForAccount: the handshakes the caller's account receives (any account may call it). */
export const listHandshakesForAccount = (): Operation => async (ctx, input: ListInput) => {
  const mine: HandshakeRecord[] = [];
  for (const h of await allHandshakes(ctx.store)) if (await isRecipient(ctx, h)) mine.push(h);
  const page = pageArray(filtered(mine, input), input, 'hs-account');
  const now = ctx.clock.now();
  return { Handshakes: page.items.map((h) => handshakeShape(h, now)), ...(page.NextToken ? { NextToken: page.NextToken } : {}) };
};

/** ListHandshakesForOrganization: every handshake the organization sent (management account). */
export const listHandshakesForOrganization = (): Operation => managementOnly(async (ctx, input: ListInput, org) => {
  const sent = (await allHandshakes(ctx.store)).filter((h) => h.organizationId === org.id);
  const page = pageArray(filtered(sent, input), input, 'hs-org');
  const now = ctx.clock.now();
  return { Handshakes: page.items.map((h) => handshakeShape(h, now)), ...(page.NextToken ? { NextToken: page.NextToken } : {}) };
});
