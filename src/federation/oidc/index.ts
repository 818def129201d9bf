/**
 * Web identity token verification for AssumeRoleWithWebIdentity, as a pipeline read top to bottom:
 *   1. decode      a compact JWS whose header names an algorithm AWS accepts (RS256/384/512, ES256/384/512)
 *   2. provider    the caller passes the IAM OIDC provider found for the token's `iss` (url.ts forms)
 *   3. keys        the issuer's JWKS via discovery, cached, refetched for an unknown `kid` (jwks.ts)
 *   4. signature   verified with jose against those keys only
 *   5. time        `exp` (ExpiredTokenException), `nbf` / `iat` not in the future
 *   6. issuer      `iss` is the provider's URL
 *   7. audience    `aud` names one of the provider's client IDs
 *   8. subject     `sub` present
 */
import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import type { OidcProvider } from '../../store/store.js';
import { badClaims, badSignature, expired, noKey, notJwt, notYetValid, wrongAudience } from './errors.js';
import type { JwksCache } from './jwks.js';
import { issuerOf } from './url.js';

export { createJwksCache, type JwksCache, type JwksCacheOptions } from './jwks.js';
export { issuerOf, normalizeProviderUrl, storedFormOfIssuer, isLoopbackHost } from './url.js';

/** Algorithms AWS accepts for web identity tokens. */
export const ALGORITHMS: readonly string[] = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'];

/** Clock skew allowed for `nbf` and `iat` (seconds). */
const SKEW_S = 300;

/** The verified facts of a token. */
export interface WebIdentityClaims {
  sub: string;
  /** The client ID `aud` matched. */
  audience: string;
  amr?: string[];
  payload: JWTPayload;
}

/** Step 1 without trust: the token's `iss` and `kid` (InvalidIdentityToken when it is not a JWS). */
export function peekToken(token: string): { iss: string; kid: string | undefined; alg: string } {
  try {
    const header = decodeProtectedHeader(token);
    const payload = decodeJwt(token);
    if (typeof payload.iss !== 'string' || typeof header.alg !== 'string') throw notJwt();
    return { iss: payload.iss, kid: typeof header.kid === 'string' ? header.kid : undefined, alg: header.alg };
  } catch {
    throw notJwt();
  }
}

/** Steps 1 and 3–8 for `provider` at `nowMs`. */
export async function verifyWebIdentityToken(token: string, provider: OidcProvider, keys: JwksCache, nowMs: number): Promise<WebIdentityClaims> {
  const peek = peekToken(token);
  if (!ALGORITHMS.includes(peek.alg)) throw badSignature();
  const issuer = issuerOf(provider.url);
  const set = await keys.keys(issuer, peek.kid);
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, set.resolve, { algorithms: [...ALGORITHMS], currentDate: new Date(nowMs), clockTolerance: 0 }));
  } catch (err) {
    if (err instanceof errors.JWTExpired) {
      const exp = Number((err.payload as JWTPayload).exp);
      throw expired(Math.floor(nowMs / 1000), exp);
    }
    if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) throw noKey();
    if (err instanceof errors.JWTClaimValidationFailed && err.claim === 'nbf') {
      if (Number((err.payload as JWTPayload).nbf) > nowMs / 1000 + SKEW_S) throw notYetValid();
      payload = err.payload as JWTPayload; // within the skew AWS allows
    } else if (err instanceof errors.JWTClaimValidationFailed) {
      throw badClaims(err.claim);
    } else {
      throw badSignature();
    }
  }
  if (typeof payload.iat === 'number' && payload.iat > nowMs / 1000 + SKEW_S) throw notYetValid();
  if (typeof payload.exp !== 'number') throw badClaims('exp');
  if (payload.iss !== issuer && payload.iss !== issuer + '/') throw badClaims('iss');
  const auds = typeof payload.aud === 'string' ? [payload.aud] : Array.isArray(payload.aud) ? payload.aud : [];
  const audience = auds.find((a) => provider.clientIds.includes(a));
  if (!audience) throw wrongAudience();
  if (typeof payload.sub !== 'string' || payload.sub.length === 0) throw badClaims('sub');
  const out: WebIdentityClaims = { sub: payload.sub, audience, payload };
  const amr = payload['amr'];
  if (Array.isArray(amr)) out.amr = amr.map(String);
  else if (typeof amr === 'string') out.amr = [amr];
  return out;
}
