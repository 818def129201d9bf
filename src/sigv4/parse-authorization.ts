/** Parses `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` with AWS's IncompleteSignature texts. */
import { KamenError } from '../errors.js';
import type { SigV4Auth } from './types.js';
import { ALGORITHM } from './types.js';
import { buildAuth } from './scope.js';
import type { ScopeRules } from './check-scope.js';

function firstValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** Parses an Authorization header; `headers` supplies x-amz-date / date / x-amz-security-token; `rules` the endpoint's scope. */
export function parseAuthorizationHeader(header: string, headers: Record<string, string | string[] | undefined>, rules?: ScopeRules): SigV4Auth {
  let start = 0;
  while (start < header.length && (header.charCodeAt(start) === 32 || header.charCodeAt(start) === 9)) start++;
  let sp = header.indexOf(' ', start);
  if (sp === -1) sp = header.length;
  const algorithm = header.slice(start, sp);
  if (algorithm !== ALGORITHM && algorithm.startsWith('AWS')) {
    throw new KamenError('ERR_INCOMPLETE_SIGNATURE', `Unsupported AWS 'algorithm': '${algorithm}'.`);
  }

  let credential: string | undefined;
  let signedHeaders: string | undefined;
  let signature: string | undefined;
  if (algorithm === ALGORITHM) {
    const rest = header.slice(sp + 1);
    let pos = 0;
    while (pos <= rest.length) {
      let comma = rest.indexOf(',', pos);
      if (comma === -1) comma = rest.length;
      const piece = rest.slice(pos, comma).trim();
      pos = comma + 1;
      if (piece.length === 0) continue;
      const eq = piece.indexOf('=');
      if (eq === -1) {
        throw new KamenError(
          'ERR_INCOMPLETE_SIGNATURE',
          `'${piece}' not a valid key=value pair (missing equal-sign) in Authorization header: '${header}'`,
        );
      }
      const key = piece.slice(0, eq).trim();
      const value = piece.slice(eq + 1).trim();
      if (key === 'Credential') credential = value;
      else if (key === 'SignedHeaders') signedHeaders = value;
      else if (key === 'Signature') signature = value;
    }
  }

  const amzDate = firstValue(headers['x-amz-date']);
  const httpDate = amzDate === undefined ? firstValue(headers['date']) : undefined;
  let missing = '';
  if (credential === undefined) missing += "Authorization header requires 'Credential' parameter. ";
  if (signature === undefined) missing += "Authorization header requires 'Signature' parameter. ";
  if (signedHeaders === undefined) missing += "Authorization header requires 'SignedHeaders' parameter. ";
  if (amzDate === undefined && httpDate === undefined) {
    missing += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
  }
  if (missing) throw new KamenError('ERR_INCOMPLETE_SIGNATURE', `${missing}Authorization=${algorithm}`);

  return buildAuth({
    credential: credential!,
    signedHeaders: signedHeaders!,
    signature: signature!,
    amzDate,
    httpDate,
    presigned: false,
    securityToken: firstValue(headers['x-amz-security-token']),
    expiresSeconds: undefined,
  }, rules);
}
