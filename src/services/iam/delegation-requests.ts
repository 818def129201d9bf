/**
 * IAM temporary delegation: CreateDelegationRequest (partner), Get/ListDelegationRequests, and the customer side's
 * Associate → (Update →) Accept | Reject → SendDelegationToken, each transition one store transaction.
 * States: UNASSIGNED → ASSIGNED (associated) → PENDING_APPROVAL (updated) → ACCEPTED → FINALIZED (token sent);
 * REJECTED from any open state before the token is sent; an open or rejected request expires (EXPIRED).
 */
import { KamenError } from '../../errors.js';
import type { Caller, Operation, OperationContext } from '../types.js';
import {
  DELEGATION_LIFETIME_MS,
  delegationOut,
  effectiveState,
  newDelegationId,
  newTradeInToken,
  noDelegation,
  ownedDelegation,
  readDelegation,
  readableDelegation,
  renderDelegationPolicy,
  writeDelegation,
  wrongState,
  type Approver,
  type Delegation,
  type DelegationData,
  type DelegationState,
} from './delegation-model.js';

type Input = Record<string, unknown>;

/** What SendDelegationToken delivers to the partner's notification channel. */
export interface DelegationTokenNotification {
  notificationChannel: string;
  delegationRequestId: string;
  requestorAccountId: string;
  requestorWorkflowId: string;
  tradeInToken: string;
}

/** Where trade-in tokens go (kamen holds no SNS): `ctx.deps.delegationTokenSink`, a function the server wires. */
export type DelegationTokenSink = (n: DelegationTokenNotification) => void;

/** The identity recorded as the approver (the delegated credentials act as it). */
function approverOf(caller: Caller): Approver {
  const a: Approver = { kind: caller.kind, arn: caller.arn, userId: caller.userId };
  if (caller.userName !== undefined) a.userName = caller.userName;
  const s = caller.session;
  if (caller.kind === 'assumed-role' && s?.roleName) {
    a.roleName = s.roleName;
    if (s.roleId !== undefined) a.roleId = s.roleId;
    a.roleArn = s.sourceArn;
  }
  if (s?.tags && Object.keys(s.tags).length) a.tags = { ...s.tags };
  if (s?.sourceIdentity !== undefined) a.sourceIdentity = s.sourceIdentity;
  return a;
}

/** Runs `change` on the caller's customer-side request `id` in one transaction, if its state is one of `from`. */
function transition(from: readonly DelegationState[], change: (d: Delegation, ctx: OperationContext, input: Input) => void): Operation {
  return async (ctx, input: Input) => {
    const id = input['DelegationRequestId'] as string;
    await ctx.store.transaction(async () => {
      const d = await ownedDelegation(ctx.store, id, ctx.caller);
      const now = ctx.clock.now();
      const state = effectiveState(d, now);
      if (!from.includes(state)) throw wrongState(id, state);
      change(d, ctx, input);
      d.data.updatedTime = now;
      await writeDelegation(ctx.store, d);
    });
    return {};
  };
}

/** The IAM delegation request operations. */
export function delegationRequestOperations(): Record<string, Operation> {
  return {
    CreateDelegationRequest: async (ctx, input: Input) => {
      const caller = ctx.caller;
      const permissions = (input['Permissions'] ?? {}) as DelegationData['permissions'];
      const permissionPolicy = await renderDelegationPolicy(ctx.store, caller.accountId, permissions);
      const now = ctx.clock.now();
      const data: DelegationData = {
        description: input['Description'] as string,
        permissions,
        permissionPolicy,
        requestorWorkflowId: input['RequestorWorkflowId'] as string,
        notificationChannel: input['NotificationChannel'] as string,
        sessionDuration: Number(input['SessionDuration']),
        onlySendByOwner: input['OnlySendByOwner'] === true,
        expirationTime: now + DELEGATION_LIFETIME_MS,
        updatedTime: now,
      };
      if (typeof input['RequestMessage'] === 'string') data.requestMessage = input['RequestMessage'];
      if (typeof input['RedirectUrl'] === 'string') data.redirectUrl = input['RedirectUrl'];
      const id = newDelegationId();
      const owner = input['OwnerAccountId'] as string | undefined;
      await ctx.store.createDelegationRequest({
        id,
        requestorAccountId: caller.accountId,
        ...(owner !== undefined ? { ownerAccountId: owner } : {}),
        state: 'UNASSIGNED',
        createdAt: new Date(now),
        data: JSON.stringify(data),
      });
      return { DelegationRequestId: id, ConsoleDeepLink: `https://console.aws.amazon.com/iam/home#/delegation-requests/${id}` };
    },

    GetDelegationRequest: async (ctx, input: Input) => {
      const d = await readableDelegation(ctx, 'GetDelegationRequest', input, input['DelegationRequestId'] as string, ['iam:GetDelegationRequest']);
      return { DelegationRequest: delegationOut(d, ctx.clock.now()) };
    },

    ListDelegationRequests: async (ctx, input: Input) => {
      const ownerId = input['OwnerId'] as string | undefined;
      const limit = input['MaxItems'] === undefined ? 100 : Number(input['MaxItems']);
      const scope = ['delegation-requests', ctx.caller.accountId, ownerId ?? ''].join('\0');
      let afterId: string | undefined;
      const marker = input['Marker'] as string | undefined;
      if (marker !== undefined) {
        const key = ctx.store.markers.decode(scope, marker);
        if (!key || key.length !== 1 || typeof key[0] !== 'string') throw new KamenError('ERR_VALIDATION', 'Invalid Marker.');
        afterId = key[0];
      }
      const rows = await ctx.store.listDelegationRequests({ accountId: ctx.caller.accountId, ...(ownerId !== undefined ? { ownerId } : {}), ...(afterId !== undefined ? { afterId } : {}), limit: limit + 1 });
      const shown = rows.slice(0, limit);
      const now = ctx.clock.now();
      const out: Record<string, unknown> = {
        DelegationRequests: shown.map((row) => delegationOut({ row, data: JSON.parse(row.data) as DelegationData }, now)),
        isTruncated: rows.length > limit,
      };
      if (rows.length > limit) out['Marker'] = ctx.store.markers.encode(scope, [shown[shown.length - 1]!.id]);
      return out;
    },

    AssociateDelegationRequest: async (ctx, input: Input) => {
      const id = input['DelegationRequestId'] as string;
      const caller = ctx.caller;
      await ctx.store.transaction(async () => {
        const d = await readDelegation(ctx.store, id);
        // Targeted at another account: as if it did not exist for this caller.
        if (!d || (d.row.ownerAccountId !== undefined && d.row.ownerAccountId !== caller.accountId)) throw noDelegation(id);
        const now = ctx.clock.now();
        const state = effectiveState(d, now);
        if (state !== 'UNASSIGNED') throw wrongState(id, state);
        d.row.ownerAccountId = caller.accountId;
        d.row.ownerId = caller.arn;
        d.row.state = 'ASSIGNED';
        d.data.updatedTime = now;
        await writeDelegation(ctx.store, d);
      });
      return {};
    },

    UpdateDelegationRequest: transition(['ASSIGNED', 'PENDING_APPROVAL'], (d, _ctx, input) => {
      d.row.state = 'PENDING_APPROVAL';
      if (typeof input['Notes'] === 'string') d.data.notes = input['Notes'];
    }),

    AcceptDelegationRequest: transition(['ASSIGNED', 'PENDING_APPROVAL'], (d, ctx) => {
      // The delegated credentials act as the approver bounded by the request's policy alone, so an approver whose own
      // session is narrowed (session policies, a federation token, an AssumeRoot task) could widen it: refused.
      const c = ctx.caller;
      const s = c.session;
      if (c.kind === 'federated-user' || c.kind === 'anonymous' || s?.sessionPolicy !== undefined || (s?.sessionPolicyArns?.length ?? 0) > 0 || s?.tokenType === 'assume-root') {
        throw new KamenError('ERR_INVALID_INPUT', 'A delegation request can be accepted only by an IAM user, an IAM role session without session policies or the root user.');
      }
      d.row.state = 'ACCEPTED';
      d.data.approver = approverOf(ctx.caller);
    }),

    RejectDelegationRequest: transition(['ASSIGNED', 'PENDING_APPROVAL', 'ACCEPTED'], (d, ctx, input) => {
      d.row.state = 'REJECTED';
      if (typeof input['Notes'] === 'string') d.data.rejectionReason = input['Notes'];
      d.data.expirationTime = ctx.clock.now() + DELEGATION_LIFETIME_MS;
    }),

    SendDelegationToken: async (ctx, input: Input) => {
      const id = input['DelegationRequestId'] as string;
      const sent = await ctx.store.transaction(async () => {
        const d = await ownedDelegation(ctx.store, id, ctx.caller);
        const now = ctx.clock.now();
        const state = effectiveState(d, now);
        if (state !== 'ACCEPTED') throw wrongState(id, state);
        if (d.data.onlySendByOwner && ctx.caller.arn !== d.row.ownerId) {
          throw new KamenError('ERR_ACCESS_DENIED', `Only the owner of delegation request ${id} can send its token.`);
        }
        const { token, hash } = newTradeInToken();
        d.row.state = 'FINALIZED';
        d.row.tokenHash = hash;
        d.data.updatedTime = now;
        await writeDelegation(ctx.store, d);
        return { d, token };
      });
      const sink = ctx.deps['delegationTokenSink'] as DelegationTokenSink | undefined;
      sink?.({
        notificationChannel: sent.d.data.notificationChannel,
        delegationRequestId: id,
        requestorAccountId: sent.d.row.requestorAccountId,
        requestorWorkflowId: sent.d.data.requestorWorkflowId,
        tradeInToken: sent.token,
      });
      return {};
    },
  };
}
