/**
 * sts:GetWebIdentityToken: a short-lived JWT naming the calling identity, signed with its account's outbound federation
 * key (RS256 or ES384) and verifiable through the issuer's JWKS (src/services/iam/outbound-federation.ts). Standard
 * claims (iss, aud, sub, iat, nbf, exp, jti) plus AWS's claims under "https://sts.amazonaws.com/": the account, the
 * principal's ARN, the organization, the region, the session's principal tags and the request's tags. A token from
 * temporary credentials never outlives their session (SessionDurationEscalationException).
 */
import { randomUUID } from 'node:crypto';
import { SignJWT, importJWK } from 'jose';
import { KamenError } from '../../errors.js';
import { OUTBOUND_ALGORITHMS, issuerUrl, readOutboundFederation, type OutboundAlgorithm } from '../iam/outbound-federation.js';
import type { Caller, Operation } from '../types.js';
import { durationSeconds, sessionTags, validationError } from './common.js';

/** The namespace of AWS's own claims (IAM User Guide, "Understanding token claims"). */
export const AWS_CLAIMS_NAMESPACE = 'https://sts.amazonaws.com/';

const DISABLED = 'Outbound web identity federation is disabled for this account.';
/** STS API reference, SessionDurationEscalationException. */
const ESCALATION = 'The requested token duration would extend the session beyond its original expiration time.';

/** The ARN a token names: a role session's role, otherwise the caller's own ARN. */
function principalArn(caller: Caller): string {
  if (caller.kind === 'assumed-role' && caller.session?.sourceArn) return caller.session.sourceArn;
  return caller.arn;
}

/** Builds the GetWebIdentityToken operation. */
export function getWebIdentityToken(): Operation {
  return async (ctx, input: Record<string, unknown>) => {
    const caller = ctx.caller;
    const alg = input['SigningAlgorithm'];
    if (!OUTBOUND_ALGORITHMS.includes(alg as OutboundAlgorithm)) throw validationError(alg, 'signingAlgorithm', `Member must satisfy enum value set: [${OUTBOUND_ALGORITHMS.join(', ')}]`);
    const seconds = durationSeconds(input, 60, 3600, 300);
    const audience = (input['Audience'] as string[] | undefined) ?? [];
    const requestTags = sessionTags(input);
    const rec = await readOutboundFederation(ctx.store, caller.accountId);
    if (!rec?.enabled) throw new KamenError('ERR_OUTBOUND_FEDERATION_DISABLED', DISABLED);
    const key = rec.keys.find((k) => k.alg === alg)!;
    const org = await ctx.store.getOrganization();
    const member = org && (org.managementAccountId === caller.accountId || (await ctx.store.getAccount(caller.accountId)));
    const arn = principalArn(caller);
    const aws: Record<string, unknown> = { aws_account: caller.accountId, principal_id: arn, source_region: ctx.region };
    if (member && org) aws['org_id'] = org.id;
    if (caller.session?.tags && Object.keys(caller.session.tags).length) aws['principal_tags'] = caller.session.tags;
    if (requestTags) aws['request_tags'] = requestTags;
    const nowS = Math.floor(ctx.clock.now() / 1000);
    // Temporary credentials: the token may not outlive the session it comes from.
    if (caller.session) {
      // Sealed sessions have no row: their expiry came with the caller (the row's for stored ones).
      const expiresAt = caller.sessionExpiresAt ?? (await ctx.store.getTemporaryCredential(caller.accessKeyId))?.expiration.getTime();
      if (expiresAt !== undefined && (nowS + seconds) * 1000 > expiresAt) throw new KamenError('ERR_SESSION_DURATION_ESCALATION', ESCALATION);
    }
    const token = await new SignJWT({ [AWS_CLAIMS_NAMESPACE]: aws })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
      .setIssuer(issuerUrl(rec.issuerId))
      .setAudience(audience.length === 1 ? audience[0]! : audience)
      .setSubject(arn)
      .setIssuedAt(nowS)
      .setNotBefore(nowS)
      .setExpirationTime(nowS + seconds)
      .setJti(randomUUID())
      .sign(await importJWK(key.jwk, key.alg));
    return { WebIdentityToken: token, Expiration: new Date((nowS + seconds) * 1000) };
  };
}
