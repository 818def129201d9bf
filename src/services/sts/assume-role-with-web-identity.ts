/**
 * sts:AssumeRoleWithWebIdentity (unsigned): the token's issuer names the IAM OIDC provider of the role's account; the
 * token is verified against the issuer's keys (src/federation/oidc); the role's trust policy decides with the
 * `<provider url>:aud|sub|amr` keys; session tags come from the `https://aws.amazon.com/tags` claim.
 */
import { KamenError } from '../../errors.js';
import { assertValidSessionPolicy } from '../../authz/engine.js';
import { createJwksCache, peekToken, storedFormOfIssuer, verifyWebIdentityToken, type JwksCache } from '../../federation/oidc/index.js';
import { noProvider } from '../../federation/oidc/errors.js';
import type { Operation, OperationContext, SessionInfo } from '../types.js';
import { MAX_SESSION_EXCEEDED } from './assume-role.js';
import { checkName, durationSeconds, isoSeconds, issueCredentials, packedPolicySize, policyArns, validationError, type AuthorizerSource } from './common.js';
import { checkFederatedTrust, notAuthorized } from './federated-trust.js';

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\u0021-\u007E]*\/)?([\w+=,.@-]{1,64})$/;
const ACTION = 'sts:AssumeRoleWithWebIdentity' as const;

/** The session tags a token carries in AWS's claim, as {tags, transitive keys}. */
function tokenTags(payload: Record<string, unknown>): { tags?: Record<string, string>; transitive: string[] } {
  const claim = payload['https://aws.amazon.com/tags'] as { principal_tags?: Record<string, unknown>; transitive_tag_keys?: unknown } | undefined;
  if (!claim || typeof claim !== 'object') return { transitive: [] };
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(claim.principal_tags ?? {})) {
    const value = Array.isArray(v) ? v[0] : v;
    if (typeof value === 'string') tags[k] = value;
  }
  const transitive = Array.isArray(claim.transitive_tag_keys) ? claim.transitive_tag_keys.filter((k): k is string => typeof k === 'string' && k in tags) : [];
  return Object.keys(tags).length ? { tags, transitive } : { transitive };
}

/** Builds the AssumeRoleWithWebIdentity operation; `keys` is the server's JWKS cache (one is made per service otherwise). */
export function assumeRoleWithWebIdentity(authorizerFor: AuthorizerSource, keys?: JwksCache): Operation {
  let own: JwksCache | undefined;
  const cacheFor = (ctx: OperationContext): JwksCache => keys ?? (ctx.deps['oidcKeys'] as JwksCache | undefined) ?? (own ??= createJwksCache({ clock: ctx.clock }));
  return async (ctx: OperationContext, input: Record<string, unknown>) => {
    const roleArn = String(input['RoleArn'] ?? '');
    const sessionName = checkName(input['RoleSessionName'], 'roleSessionName', 2, 64);
    const token = input['WebIdentityToken'];
    if (typeof token !== 'string') throw new KamenError('ERR_VALIDATION', "1 validation error detected: Value null at 'webIdentityToken' failed to satisfy constraint: Member must not be null");
    const m = ROLE_ARN.exec(roleArn);
    if (!m) throw validationError(roleArn, 'roleArn', 'Member must satisfy the pattern of an IAM role ARN');
    const requested = durationSeconds(input, 900, 43200, 3600);
    const policy = typeof input['Policy'] === 'string' ? (input['Policy'] as string) : undefined;
    if (policy !== undefined) assertValidSessionPolicy(policy);
    const arns = policyArns(input);

    const { iss } = peekToken(token);
    const url = storedFormOfIssuer(iss);
    const providerArn = url ? `arn:aws:iam::${m[1]}:oidc-provider/${url}` : undefined;
    const provider = providerArn ? await ctx.store.getOidcProvider(providerArn) : undefined;
    if (!provider || !url) throw noProvider(iss);
    const claims = await verifyWebIdentityToken(token, provider, cacheFor(ctx), ctx.clock.now());

    const role = await ctx.store.getRole(m[1]!, m[2]!);
    if (!role || role.arn !== roleArn) throw notAuthorized(ACTION);
    // From here a failure is recorded in CloudTrail as the web identity user's, in the role's account.
    ctx.noteFederatedUser?.({ type: 'WebIdentityUser', qualifier: url, identityProvider: url, subject: claims.sub, audience: claims.audience, account: role.accountId });
    const { tags, transitive } = tokenTags(claims.payload as Record<string, unknown>);
    const keys: Record<string, string | string[]> = { [`${url}:aud`]: claims.audience, [`${url}:sub`]: claims.sub };
    if (claims.amr) keys[`${url}:amr`] = claims.amr;
    const req: Parameters<typeof checkFederatedTrust>[2] = { action: ACTION, provider: provider.arn, role, keys, roleSessionName: sessionName };
    if (tags) req.tags = tags;
    if (transitive.length) req.transitiveTagKeys = transitive;
    await checkFederatedTrust(ctx, authorizerFor, req);
    if (requested > role.maxSessionDuration) throw new KamenError('ERR_VALIDATION', MAX_SESSION_EXCEEDED);
    const packed = policy !== undefined || arns !== undefined || tags ? packedPolicySize(policy, arns, tags) : undefined;

    const now = ctx.clock.now();
    const info: SessionInfo = { sourceArn: role.arn, roleName: role.roleName, roleId: role.roleId, sessionName, issuedAt: isoSeconds(now), mfaAuthenticated: false, tokenType: 'assume-role' };
    if (policy !== undefined) info.sessionPolicy = policy;
    if (arns) info.sessionPolicyArns = arns;
    if (tags) info.tags = tags;
    if (transitive.length) info.transitiveTagKeys = transitive;
    const assumedArn = `arn:aws:sts::${role.accountId}:assumed-role/${role.roleName}/${sessionName}`;
    const assumedId = `${role.roleId}:${sessionName}`;
    const issuer: OperationContext = { ...ctx, caller: { ...ctx.caller, arn: `${provider.arn}/${claims.sub}` } };
    const Credentials = await issueCredentials(issuer, role.accountId, { kind: 'assumed-role', arn: assumedArn, userId: assumedId }, info, requested);
    const out: Record<string, unknown> = {
      Credentials,
      SubjectFromWebIdentityToken: claims.sub,
      AssumedRoleUser: { AssumedRoleId: assumedId, Arn: assumedArn },
      Provider: url,
      Audience: claims.audience,
    };
    if (packed !== undefined) out['PackedPolicySize'] = packed;
    return out;
  };
}
