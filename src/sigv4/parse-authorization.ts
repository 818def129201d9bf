/** Parses `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` with AWS's IncompleteSignature texts. */
import { KamenError } from '../errors.js';
import type { SigV4Auth } from './types.js';
import { ALGORITHM } from './types.js';
import { buildAuth } from './scope.js';
import type { ScopeRules } from './check-scope.js';

/** True for what String.prototype.trim removes (JavaScript's white space and line terminators, as `\s` matches). */
function isSpace(c: number): boolean {
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return /\s/.test(String.fromCharCode(c));
}

function firstValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** The values of an Authorization header's Credential, SignedHeaders and Signature pairs. */
export interface AuthorizationPairs {
  credential?: string;
  signedHeaders?: string;
  signature?: string;
}

const NO_PAIRS: AuthorizationPairs = Object.freeze({});

/**
 * Reads the comma-separated key=value pairs of `header` from `from`, each trimmed as String.prototype.trim trims (a
 * later pair of the same key wins, empty pairs are skipped, other keys ignored); a pair without '=' is
 * IncompleteSignature. Read in place: only the three values are cut out of the header (and a malformed pair, for its
 * message), where splitting and trimming each pair cost a few hundred nanoseconds of every request.
 */
export function authorizationPairs(header: string, from: number): AuthorizationPairs {
  const out: AuthorizationPairs = {};
  const end = header.length;
  let pos = from;
  while (pos <= end) {
    let comma = header.indexOf(',', pos);
    if (comma === -1) comma = end;
    let a = pos;
    let z = comma;
    pos = comma + 1;
    while (a < z && isSpace(header.charCodeAt(a))) a++;
    while (z > a && isSpace(header.charCodeAt(z - 1))) z--;
    if (a === z) continue;
    const eq = header.indexOf('=', a);
    if (eq === -1 || eq >= z) {
      throw new KamenError('ERR_INCOMPLETE_SIGNATURE', `'${header.slice(a, z)}' not a valid key=value pair (missing equal-sign) in Authorization header: '${header}'`);
    }
    let keyEnd = eq;
    while (keyEnd > a && isSpace(header.charCodeAt(keyEnd - 1))) keyEnd--;
    let v = eq + 1;
    while (v < z && isSpace(header.charCodeAt(v))) v++;
    const keyLength = keyEnd - a;
    if (keyLength === 10 && header.startsWith('Credential', a)) out.credential = header.slice(v, z);
    else if (keyLength === 13 && header.startsWith('SignedHeaders', a)) out.signedHeaders = header.slice(v, z);
    else if (keyLength === 9 && header.startsWith('Signature', a)) out.signature = header.slice(v, z);
  }
  return out;
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

  const { credential, signedHeaders, signature } = algorithm === ALGORITHM ? authorizationPairs(header, sp + 1) : NO_PAIRS;

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
