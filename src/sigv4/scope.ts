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

/** Splits "a;b;c" into lowercase names, sorted (clients send them sorted; AWS sorts them too). */
export function splitSignedHeaders(s: string): string[] {
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

  const parts = p.credential.split('/');
  if (parts.length !== 5) {
    throw new KamenError(
      'ERR_INCOMPLETE_SIGNATURE',
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${p.credential}'`,
    );
  }
  const [accessKeyId, scopeDate, region, service, terminator] = parts as [string, string, string, string, string];
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
