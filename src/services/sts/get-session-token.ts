/** sts:GetSessionToken: temporary credentials acting as the IAM user (or root), optionally MFA-authenticated. */
import { KamenError } from '../../errors.js';
import type { Operation, SessionInfo } from '../types.js';
import { durationSeconds, isoSeconds, issueCredentials } from './common.js';
import { verifyCallerMfa } from './mfa.js';

/** AWS's text when GetSessionToken is called with temporary credentials. */
export const SESSION_CREDENTIALS_REFUSED = 'Cannot call GetSessionToken with session credentials';

/** Builds the GetSessionToken operation. */
export function getSessionToken(): Operation {
  return async (ctx, input: Record<string, unknown>) => {
    const caller = ctx.caller;
    if (caller.session || (caller.kind !== 'user' && caller.kind !== 'root')) throw new KamenError('ERR_ACCESS_DENIED', SESSION_CREDENTIALS_REFUSED);
    const requested = durationSeconds(input, 900, 129600, caller.kind === 'root' ? 3600 : 43200);
    // Root sessions last at most one hour.
    const seconds = caller.kind === 'root' ? Math.min(requested, 3600) : requested;
    const mfa = await verifyCallerMfa(ctx, caller, input);
    const now = ctx.clock.now();
    const info: SessionInfo = { sourceArn: caller.arn, sourceId: caller.userId, issuedAt: isoSeconds(now), mfaAuthenticated: mfa, tokenType: 'session-token' };
    if (mfa) info.mfaAuthenticatedAt = isoSeconds(now);
    const principal = caller.userName !== undefined ? { kind: caller.kind, arn: caller.arn, userId: caller.userId, userName: caller.userName } : { kind: caller.kind, arn: caller.arn, userId: caller.userId };
    return { Credentials: await issueCredentials(ctx, caller.accountId, principal, info, seconds) };
  };
}
