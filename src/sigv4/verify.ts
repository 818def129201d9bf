/** Verifies a parsed SigV4 request: time window / presigned expiry, payload hash, then a constant-time signature compare. */
import { hmacSha256Hex } from './hash.js';
import { KamenError } from '../errors.js';
import type { SigningKeyCache, SigV4Auth, SignedRequest } from './types.js';
import { canonicalRequest } from './canonical-request.js';
import { credentialScope, stringToSign } from './string-to-sign.js';
import { formatAmzDate } from './time.js';
import { SIGNATURE_MISMATCH_MESSAGE } from './messages.js';
import { payloadHash, SIGNED_PAYLOAD_ONLY, type PayloadRules } from './payload-hash.js';

export { SIGNATURE_MISMATCH_MESSAGE } from './messages.js';
export { payloadHash } from './payload-hash.js';

/** How far the request time may be from the server clock (15 minutes). */
export const MAX_SKEW_MS = 15 * 60 * 1000;

/** Services whose clock-skew error is RequestExpired ("Request has expired.") rather than SignatureDoesNotMatch. */
const REQUEST_EXPIRED_SERVICES = new Set(['ec2']);

/** Throws the service's clock-skew / expiry error when `auth` is outside its validity window at `nowMs`. */
export function checkRequestTime(auth: SigV4Auth, nowMs: number): void {
  const t = auth.requestTime;
  if (auth.presigned && auth.expiresSeconds !== undefined) {
    if (nowMs > t + auth.expiresSeconds * 1000) throw new KamenError('ERR_REQUEST_EXPIRED', 'Request has expired.');
    if (t > nowMs + MAX_SKEW_MS) throw skewError(auth, nowMs, false);
    return;
  }
  if (t < nowMs - MAX_SKEW_MS) throw skewError(auth, nowMs, true);
  if (t > nowMs + MAX_SKEW_MS) throw skewError(auth, nowMs, false);
}

function skewError(auth: SigV4Auth, nowMs: number, expired: boolean): KamenError {
  if (REQUEST_EXPIRED_SERVICES.has(auth.service)) return new KamenError('ERR_REQUEST_EXPIRED', 'Request has expired.');
  const now = formatAmzDate(nowMs);
  return expired
    ? new KamenError(
        'ERR_SIGNATURE_DOES_NOT_MATCH',
        `Signature expired: ${auth.amzDate} is now earlier than ${formatAmzDate(nowMs - MAX_SKEW_MS)} (${now} - 15 min.)`,
      )
    : new KamenError(
        'ERR_SIGNATURE_DOES_NOT_MATCH',
        `Signature not yet current: ${auth.amzDate} is still later than ${formatAmzDate(nowMs + MAX_SKEW_MS)} (${now} + 15 min.)`,
      );
}

/** The hex signature the server computes for `req` under `auth` with `signingKey` (`payload`: the service's payload rules). */
export function computeSignature(req: SignedRequest, auth: SigV4Auth, signingKey: Buffer, payload: PayloadRules = SIGNED_PAYLOAD_ONLY): string {
  const sts = stringToSign(auth.amzDate, credentialScope(auth), canonicalRequest(req, auth, payloadHash(req, payload)));
  return hmacSha256Hex(signingKey, sts);
}

/**
 * Verifies `req` against `auth` and the caller's secret; throws AWS's error on expiry, skew or mismatch. `payload`
 * defaults to the Query/JSON rule: the signature covers the body's real SHA-256.
 */
export function verifySigV4(req: SignedRequest, auth: SigV4Auth, secretAccessKey: string, nowMs: number, cache: SigningKeyCache, payload: PayloadRules = SIGNED_PAYLOAD_ONLY): void {
  checkRequestTime(auth, nowMs);
  const key = cache.get(secretAccessKey, auth.scopeDate, auth.region, auth.service);
  const expected = computeSignature(req, auth, key, payload);
  if (!sameSignature(auth.signature, expected)) throw new KamenError('ERR_SIGNATURE_DOES_NOT_MATCH', SIGNATURE_MISMATCH_MESSAGE);
}

/**
 * Constant-time equality of the provided and the expected signature: every UTF-16 unit is compared whatever differs
 * (only the length leaks, and the expected one's is public); no Buffers to allocate, unlike timingSafeEqual.
 */
export function sameSignature(provided: string, expected: string): boolean {
  if (provided.length !== expected.length) return false;
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff |= provided.charCodeAt(i) ^ expected.charCodeAt(i);
  return diff === 0;
}
