/** Checks shared by header and query-string auth: signed headers, the request date and the credential scope. */
import { KamenError } from '../errors.js';
import type { SigV4Auth } from './types.js';
import { checkCredentialScope, type ScopeRules } from './check-scope.js';
import { formatAmzDate, parseAmzDate } from './time.js';

/** The raw pieces either auth style carries, before validation. */
export interface RawAuthParts {
  credential: string;
  signedHeaders: string;
  signature: string;
  /** x-amz-date header / X-Amz-Date parameter value, if any. */
  amzDate: string | undefined;
  /** The HTTP Date header, used only when there is no x-amz-date. */
  httpDate: string | undefined;
  presigned: boolean;
  securityToken: string | undefined;
  expiresSeconds: number | undefined;
}

const HOST_NOT_SIGNED = "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.";

/** How many distinct SignedHeaders values are remembered (a client sends one or a few; the table empties when full). */
const SIGNED_HEADERS_MEMO = 256;
/** The longest SignedHeaders value remembered (longer ones are split every time, so the table stays small). */
const SIGNED_HEADERS_MEMO_CHARS = 512;
/**
 * SignedHeaders values seen → their names. A pure function's answers, shared by every request: splitting a client's
 * list (lowercasing it, a new string per name) cost 400 ns a request, finding it again 40-100 ns. Frozen, so no
 * caller can change what another is given.
 */
const signedHeaderNames = new Map<string, readonly string[]>();
/** The value found last, and its names. */
let last: { text: string; names: readonly string[] } = { text: '', names: Object.freeze(['']) };

/** Splits "a;b;c" into lowercase names, sorted (clients send them sorted; AWS sorts them too). */
export function splitSignedHeaders(s: string): readonly string[] {
  // The last value first: comparing a request's fresh string with it costs less than hashing it for the table.
  if (s === last.text) return last.names;
  let names = signedHeaderNames.get(s);
  if (names === undefined) {
    names = Object.freeze(sortedNames(s));
    if (s.length > SIGNED_HEADERS_MEMO_CHARS) return names;
    if (signedHeaderNames.size >= SIGNED_HEADERS_MEMO) signedHeaderNames.clear();
    signedHeaderNames.set(s, names);
  }
  last = { text: s, names };
  return names;
}

/** The names of a SignedHeaders value, lowercase and sorted. */
function sortedNames(s: string): string[] {
  const names = s.toLowerCase().split(';');
  let sorted = true;
  for (let i = 1; i < names.length; i++) {
    if (names[i - 1]! > names[i]!) {
      sorted = false;
      break;
    }
  }
  if (!sorted) names.sort();
  return names;
}

/**
 * The five slash-delimited elements of a Credential (keyid/date/region/service/term), or undefined when it has more or
 * fewer. Found by indexOf: String.prototype.split took 250 ns of every request.
 */
export function credentialParts(credential: string): [string, string, string, string, string] | undefined {
  const a = credential.indexOf('/');
  if (a < 0) return undefined;
  const b = credential.indexOf('/', a + 1);
  if (b < 0) return undefined;
  const c = credential.indexOf('/', b + 1);
  if (c < 0) return undefined;
  const d = credential.indexOf('/', c + 1);
  if (d < 0 || credential.indexOf('/', d + 1) >= 0) return undefined;
  return [credential.slice(0, a), credential.slice(a + 1, b), credential.slice(b + 1, c), credential.slice(c + 1, d), credential.slice(d + 1)];
}

/**
 * Validates the raw parts (AWS's order: host signed, date format, credential shape, scope) into a SigV4Auth; `rules`
 * (the receiving endpoint's region and service) adds the region and service to the scope check.
 */
export function buildAuth(p: RawAuthParts, rules?: ScopeRules): SigV4Auth {
  const signedHeaders = splitSignedHeaders(p.signedHeaders);
  if (!signedHeaders.includes('host')) throw new KamenError('ERR_SIGNATURE_DOES_NOT_MATCH', HOST_NOT_SIGNED);

  let amzDate: string;
  let requestTime: number;
  if (p.amzDate !== undefined) {
    requestTime = parseAmzDate(p.amzDate);
    if (Number.isNaN(requestTime)) {
      throw new KamenError(
        'ERR_INCOMPLETE_SIGNATURE',
        `Date must be in ISO-8601 'basic format'. Got '${p.amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`,
      );
    }
    amzDate = p.amzDate;
  } else {
    requestTime = Date.parse(p.httpDate ?? '');
    if (Number.isNaN(requestTime)) {
      throw new KamenError(
        'ERR_INCOMPLETE_SIGNATURE',
        `Date must be in ISO-8601 'basic format'. Got '${p.httpDate ?? ''}'. See http://en.wikipedia.org/wiki/ISO_8601`,
      );
    }
    amzDate = formatAmzDate(requestTime);
  }

  const parts = credentialParts(p.credential);
  if (parts === undefined) {
    throw new KamenError(
      'ERR_INCOMPLETE_SIGNATURE',
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${p.credential}'`,
    );
  }
  const [accessKeyId, scopeDate, region, service, terminator] = parts;
  checkCredentialScope({ scopeDate, region, service, terminator, amzDate }, rules);

  const auth: SigV4Auth = {
    accessKeyId,
    scopeDate,
    region,
    service,
    signedHeaders,
    signature: p.signature,
    amzDate,
    requestTime,
    presigned: p.presigned,
  };
  if (p.securityToken !== undefined) auth.securityToken = p.securityToken;
  if (p.expiresSeconds !== undefined) auth.expiresSeconds = p.expiresSeconds;
  return auth;
}
