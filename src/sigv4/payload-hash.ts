/**
 * The payload hash a request's signature covers. Query and JSON APIs (IAM, STS, Organizations, EC2) sign the SHA-256
 * of the body they received: an `x-amz-content-sha256` that is anything else (UNSIGNED-PAYLOAD, a STREAMING-* marker,
 * another hash, the hash in upper case) is refused with SignatureDoesNotMatch, so the body is always signed. Only a
 * service that allows it (S3) takes UNSIGNED-PAYLOAD or a streaming marker from the header.
 */
import { KamenError } from '../errors.js';
import { sha256Hex } from './hash.js';
import type { SignedRequest } from './types.js';
import { SIGNATURE_MISMATCH_MESSAGE } from './messages.js';

/** SHA-256 of the empty body. */
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** How a service treats `x-amz-content-sha256`. */
export interface PayloadRules {
  /** True for services that accept UNSIGNED-PAYLOAD and STREAMING-* (S3); false for Query/JSON APIs. */
  unsignedPayload: boolean;
}

/** The strict rules of Query/JSON APIs: the body is always signed. */
export const SIGNED_PAYLOAD_ONLY: PayloadRules = { unsignedPayload: false };

/** The payload hash to build the canonical request with; throws SignatureDoesNotMatch when the header disagrees. */
export function payloadHash(req: SignedRequest, rules: PayloadRules = SIGNED_PAYLOAD_ONLY): string {
  const raw = req.headers['x-amz-content-sha256'];
  const declared = Array.isArray(raw) ? raw[0] : raw;
  if (declared !== undefined && rules.unsignedPayload && (declared === 'UNSIGNED-PAYLOAD' || declared.startsWith('STREAMING-'))) return declared;
  const actual = req.body.length === 0 ? EMPTY_SHA256 : sha256Hex(req.body);
  if (declared === undefined) return actual;
  if (rules.unsignedPayload ? declared.toLowerCase() !== actual : declared !== actual) {
    throw new KamenError('ERR_SIGNATURE_DOES_NOT_MATCH', SIGNATURE_MISMATCH_MESSAGE);
  }
  return declared;
}
