/** The SigV4 string to sign: algorithm, request date, credential scope, hash of the canonical request. */
import { sha256Hex } from './hash.js';
import type { SigV4Auth } from './types.js';
import { ALGORITHM, TERMINATOR } from './types.js';

/** "YYYYMMDD/region/service/aws4_request" */
export function credentialScope(auth: Pick<SigV4Auth, 'scopeDate' | 'region' | 'service'>): string {
  return auth.scopeDate + '/' + auth.region + '/' + auth.service + '/' + TERMINATOR;
}

/** Builds the string to sign from the request date, scope and canonical request. */
export function stringToSign(amzDate: string, scope: string, canonicalRequest: string): string {
  return ALGORITHM + '\n' + amzDate + '\n' + scope + '\n' + sha256Hex(canonicalRequest);
}
