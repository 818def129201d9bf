/** sts:GetFederationToken: a federated user whose permissions are the issuer's intersected with the session policies. */
import { KamenError } from '../../errors.js';
import { assertValidSessionPolicy } from '../../authz/engine.js';
import type { Operation, SessionInfo } from '../types.js';
import { checkName, durationSeconds, isoSeconds, issueCredentials, packedPolicySize, policyArns, sessionTags } from './common.js';

/** AWS's text when GetFederationToken is called with temporary credentials. */
export const FEDERATION_SESSION_REFUSED = 'Cannot call GetFederationToken with session credentials';

/** Builds the GetFederationToken operation (sts:GetFederationToken is checked by the authorizer first). */
export function getFederationToken(): Operation {
  return async (ctx, input: Record<string, unknown>) => {
    const caller = ctx.caller;
    if (caller.session || (caller.kind !== 'user' && caller.kind !== 'root')) throw new KamenError('ERR_ACCESS_DENIED', FEDERATION_SESSION_REFUSED);
    const name = checkName(input['Name'], 'name', 2, 32);
    const requested = durationSeconds(input, 900, 129600, 43200);
    const seconds = caller.kind === 'root' ? Math.min(requested, 3600) : requested;
    const policy = typeof input['Policy'] === 'string' ? (input['Policy'] as string) : undefined;
    if (policy !== undefined) assertValidSessionPolicy(policy);
    const arns = policyArns(input);
    const tags = sessionTags(input);
    const packed = packedPolicySize(policy, arns, tags);
    const now = ctx.clock.now();
    const arn = `arn:aws:sts::${caller.accountId}:federated-user/${name}`;
    const userId = `${caller.accountId}:${name}`;
    const info: SessionInfo = { sourceArn: caller.arn, sourceId: caller.userId, sessionName: name, issuedAt: isoSeconds(now), mfaAuthenticated: false, tokenType: 'federation-token' };
    if (policy !== undefined) info.sessionPolicy = policy;
    if (arns) info.sessionPolicyArns = arns;
    if (tags) info.tags = tags;
    const Credentials = await issueCredentials(ctx, caller.accountId, { kind: 'federated-user', arn, userId, userName: name }, info, seconds);
    return { Credentials, FederatedUser: { FederatedUserId: userId, Arn: arn }, PackedPolicySize: packed };
  };
}
