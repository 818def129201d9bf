/** SigV4 verification for kamen: parse the auth a request carries, then verify it (pure functions, no I/O). */
import type { SigV4Auth, SignedRequest } from './types.js';
import { parseAuthorizationHeader } from './parse-authorization.js';
import { hasPresignedAuth, parsePresignedQuery } from './parse-presigned.js';
import type { ScopeRules } from './check-scope.js';

export type { SignedRequest, SigV4Auth, SigningKeyCache } from './types.js';
export { ALGORITHM, TERMINATOR } from './types.js';
export { createSigningKeyCache, deriveSigningKey } from './signing-key.js';
export { verifySigV4, checkRequestTime, computeSignature, MAX_SKEW_MS } from './verify.js';
export { SIGNATURE_MISMATCH_MESSAGE } from './messages.js';
export { payloadHash, SIGNED_PAYLOAD_ONLY, EMPTY_SHA256, type PayloadRules } from './payload-hash.js';
export { checkCredentialScope, type ScopeRules, type ClaimedScope } from './check-scope.js';
export { canonicalRequest, canonicalUri, canonicalQueryString, canonicalHeaders, normalizeHeaderValue } from './canonical-request.js';
export { stringToSign, credentialScope } from './string-to-sign.js';
export { parseAuthorizationHeader } from './parse-authorization.js';
export { parsePresignedQuery, hasPresignedAuth, MAX_EXPIRES_SECONDS } from './parse-presigned.js';
export { parseAmzDate, formatAmzDate } from './time.js';

/**
 * Reads the SigV4 auth a request carries (Authorization header first, else X-Amz-* query parameters);
 * undefined when there is none, KamenError (IncompleteSignature / SignatureDoesNotMatch) when it is malformed or,
 * given the receiving endpoint's `rules`, scoped to another region or service.
 */
export function parseSigV4(req: SignedRequest, rules?: ScopeRules): SigV4Auth | undefined {
  const h = req.headers['authorization'];
  const header = Array.isArray(h) ? h[0] : h;
  if (header !== undefined && header.length > 0) return parseAuthorizationHeader(header, req.headers, rules);
  if (req.query.length > 0 && hasPresignedAuth(req.query)) return parsePresignedQuery(req.query, rules);
  return undefined;
}
export { verifyS3Signature, decodeAwsChunked, S3_PAYLOAD_MARKERS, type S3SignatureSeed } from './s3.js';
