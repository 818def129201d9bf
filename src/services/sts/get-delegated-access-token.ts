/**
 * sts:GetDelegatedAccessToken: the partner trades a finalized delegation request's trade-in token (once) for temporary
 * credentials that act as the identity that accepted the request, bounded by the request's rendered policy (a session
 * policy), for the request's SessionDuration. The session is named `dr-<partner account>-<request ID prefix>`.
 */
import { KamenError } from '../../errors.js';
import type { Operation, SessionInfo } from '../types.js';
import { effectiveState, hashTradeInToken, writeDelegation, type Delegation, type DelegationData } from '../iam/delegation-model.js';
import { isoSeconds, issueCredentials } from './common.js';

/** AWS's text for a trade-in token that is unknown, already used, or past its validity. */
export const EXPIRED_TRADE_IN_TOKEN = 'The trade-in token provided in the request has expired or is invalid.';

/** Builds the GetDelegatedAccessToken operation (sts:GetDelegatedAccessToken is checked by the authorizer first). */
export function getDelegatedAccessToken(): Operation {
  return async (ctx, input: Record<string, unknown>) => {
    const token = typeof input['TradeInToken'] === 'string' ? (input['TradeInToken'] as string) : '';
    const hash = hashTradeInToken(token);
    const now = ctx.clock.now();
    // The token is spent in the same transaction that reads it: two exchanges of one token cannot both succeed.
    const d = await ctx.store.transaction(async (): Promise<Delegation> => {
      const row = await ctx.store.getDelegationRequestByTokenHash(hash);
      const found: Delegation | undefined = row ? { row, data: JSON.parse(row.data) as DelegationData } : undefined;
      const usable = found && found.row.requestorAccountId === ctx.caller.accountId && effectiveState(found, now) === 'FINALIZED' && !found.data.tokenUsed && now < found.data.expirationTime && found.data.approver;
      if (!usable) throw new KamenError('ERR_EXPIRED_TRADE_IN_TOKEN', EXPIRED_TRADE_IN_TOKEN);
      found.data.tokenUsed = true;
      found.data.updatedTime = now;
      await writeDelegation(ctx.store, found);
      return found;
    });
    const a = d.data.approver!;
    const account = d.row.ownerAccountId!;
    const sessionName = `dr-${d.row.requestorAccountId}-${d.row.id.replace(/-/g, '').slice(0, 8)}`;
    const base: SessionInfo = { sourceArn: a.arn, sourceId: a.userId, sessionName, issuedAt: isoSeconds(now), mfaAuthenticated: false, sessionPolicy: d.data.permissionPolicy };
    if (a.tags) base.tags = a.tags;
    if (a.sourceIdentity !== undefined) base.sourceIdentity = a.sourceIdentity;
    let principal: { kind: 'assumed-role' | 'federated-user'; arn: string; userId: string; userName?: string };
    let info: SessionInfo;
    if (a.kind === 'assumed-role') {
      principal = { kind: 'assumed-role', arn: `arn:aws:sts::${account}:assumed-role/${a.roleName}/${sessionName}`, userId: `${a.roleId}:${sessionName}` };
      info = { ...base, sourceArn: a.roleArn!, roleName: a.roleName!, roleId: a.roleId!, tokenType: 'assume-role' };
      delete info.sourceId;
    } else {
      // An IAM user or the root user: a federated session under that identity (as GetFederationToken makes).
      principal = { kind: 'federated-user', arn: `arn:aws:sts::${account}:federated-user/${sessionName}`, userId: `${account}:${sessionName}`, userName: sessionName };
      info = { ...base, tokenType: 'federation-token' };
    }
    const Credentials = await issueCredentials(ctx, account, principal, info, d.data.sessionDuration);
    return { Credentials, AssumedPrincipal: principal.arn };
  };
}
