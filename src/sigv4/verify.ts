/** Verifies a parsed SigV4 request: time window / presigned expiry, payload hash, then a constant-time signature compare. */
import { timingSafeEqual } from 'node:crypto';
import { hmacSha256Hex, sha256Hex } from './hash.js';
import { KamenError } from '../errors.js';
import type { SigningKeyCache, SigV4Auth, SignedRequest } from './types.js';
import { canonicalRequest } from './canonical-request.js';
import { credentialScope, stringToSign } from './string-to-sign.js';
import { formatAmzDate } from './time.js';

/** AWS's generic SignatureDoesNotMatch text. */
export const SIGNATURE_MISMATCH_MESSAGE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/** How far the request time may be from the server clock (15 minutes). */
export const MAX_SKEW_MS = 15 * 60 * 1000;

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

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

/** The payload hash the client signed: x-amz-content-sha256 when present (checked against the body), else SHA-256 of the body. */
export function payloadHash(req: SignedRequest): string {
  const raw = req.headers['x-amz-content-sha256'];
  const declared = Array.isArray(raw) ? raw[0] : raw;
  const actual = req.body.length === 0 ? EMPTY_SHA256 : sha256Hex(req.body);
  if (declared === undefined) return actual;
  if (declared === 'UNSIGNED-PAYLOAD' || declared.startsWith('STREAMING-')) return declared;
  if (declared.toLowerCase() !== actual) throw new KamenError('ERR_SIGNATURE_DOES_NOT_MATCH', SIGNATURE_MISMATCH_MESSAGE);
  return declared;
}

/** The hex signature the server computes for `req` under `auth` with `signingKey`. */
export function computeSignature(req: SignedRequest, auth: SigV4Auth, signingKey: Buffer): string {
  const sts = stringToSign(auth.amzDate, credentialScope(auth), canonicalRequest(req, auth, payloadHash(req)));
  return hmacSha256Hex(signingKey, sts);
}

/** Verifies `req` against `auth` and the caller's secret; throws AWS's error on expiry, skew or mismatch. */
export function verifySigV4(req: SignedRequest, auth: SigV4Auth, secretAccessKey: string, nowMs: number, cache: SigningKeyCache): void {
  checkRequestTime(auth, nowMs);
  const key = cache.get(secretAccessKey, auth.scopeDate, auth.region, auth.service);
  const expected = computeSignature(req, auth, key);
  const provided = auth.signature;
  if (provided.length !== expected.length || !timingSafeEqual(Buffer.from(provided, 'latin1'), Buffer.from(expected, 'latin1'))) {
    throw new KamenError('ERR_SIGNATURE_DOES_NOT_MATCH', SIGNATURE_MISMATCH_MESSAGE);
  }
}
