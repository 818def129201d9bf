/** Parses query-string (presigned) SigV4 auth: X-Amz-Algorithm, -Credential, -Date, -Expires, -SignedHeaders, -Signature, -Security-Token. */
import { KamenError } from '../errors.js';
import type { SigV4Auth } from './types.js';
import { ALGORITHM } from './types.js';
import { buildAuth } from './scope.js';
import type { ScopeRules } from './check-scope.js';
import { uriDecode } from './encoding.js';

/** The longest validity a presigned SigV4 request may claim (7 days), as AWS documents. */
export const MAX_EXPIRES_SECONDS = 604800;

/** True when the raw query string carries query-string auth (an X-Amz-Algorithm parameter). */
export function hasPresignedAuth(query: string): boolean {
  const i = query.indexOf('X-Amz-Algorithm=');
  return i === 0 || (i > 0 && query.charCodeAt(i - 1) === 38 /* & */);
}

/** Parses presigned auth from the raw query (`rules`: the endpoint's scope); undefined when X-Amz-Algorithm is not AWS4-HMAC-SHA256. */
export function parsePresignedQuery(query: string, rules?: ScopeRules): SigV4Auth | undefined {
  const p: Record<string, string> = {};
  let pos = 0;
  while (pos <= query.length) {
    let amp = query.indexOf('&', pos);
    if (amp === -1) amp = query.length;
    const piece = query.slice(pos, amp);
    const eq = piece.indexOf('=');
    const rawKey = eq === -1 ? piece : piece.slice(0, eq);
    // Keys are compared decoded: a client may percent-encode any char.
    const key = rawKey.indexOf('%') === -1 ? rawKey : uriDecode(rawKey);
    // The first occurrence wins, as AWS does.
    if (key.startsWith('X-Amz-') && p[key] === undefined) p[key] = eq === -1 ? '' : uriDecode(piece.slice(eq + 1));
    pos = amp + 1;
  }
  if (p['X-Amz-Algorithm'] !== ALGORITHM) return undefined;

  let missing = '';
  if (p['X-Amz-Credential'] === undefined) missing += "AWS query-string parameters must include 'X-Amz-Credential'. ";
  if (p['X-Amz-Signature'] === undefined) missing += "AWS query-string parameters must include 'X-Amz-Signature'. ";
  if (p['X-Amz-SignedHeaders'] === undefined) missing += "AWS query-string parameters must include 'X-Amz-SignedHeaders'. ";
  if (p['X-Amz-Date'] === undefined) missing += "AWS query-string parameters must include 'X-Amz-Date'. ";
  if (missing) throw new KamenError('ERR_INCOMPLETE_SIGNATURE', `${missing}Re-examine the query-string parameters.`);

  let expiresSeconds: number | undefined;
  const rawExpires = p['X-Amz-Expires'];
  if (rawExpires !== undefined) {
    if (!/^-?[0-9]+$/.test(rawExpires)) throw new KamenError('ERR_INCOMPLETE_SIGNATURE', 'X-Amz-Expires should be a number');
    expiresSeconds = Number(rawExpires);
    if (expiresSeconds < 0) throw new KamenError('ERR_INCOMPLETE_SIGNATURE', 'X-Amz-Expires must be non-negative');
    if (expiresSeconds > MAX_EXPIRES_SECONDS) {
      throw new KamenError('ERR_INCOMPLETE_SIGNATURE', `X-Amz-Expires must be less than a week (in seconds) that is ${MAX_EXPIRES_SECONDS}`);
    }
  }

  return buildAuth({
    credential: p['X-Amz-Credential']!,
    signedHeaders: p['X-Amz-SignedHeaders']!,
    signature: p['X-Amz-Signature']!,
    amzDate: p['X-Amz-Date'],
    httpDate: undefined,
    presigned: true,
    securityToken: p['X-Amz-Security-Token'],
    expiresSeconds,
  }, rules);
}
