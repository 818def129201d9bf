/**
 * The credential scope check (`<date>/<region>/<service>/aws4_request`): the region must be one the endpoint serves,
 * the service the one the request is routed to, the terminator `aws4_request` and the date the request's day. AWS
 * reports every failing part in one SignatureDoesNotMatch message, in this order: region, service, terminator, date.
 */
import { KamenError } from '../errors.js';
import { TERMINATOR } from './types.js';

/** What the receiving endpoint accepts in a credential scope; built once per service (and per AWS host region). */
export interface ScopeRules {
  /** The signing name of the service the request is routed to, e.g. `iam`. */
  service: string;
  /** True when the endpoint accepts `region` as the scope's region. */
  regionAllowed(region: string): boolean;
}

/** The scope as the request claims it, with the request time it must agree with. */
export interface ClaimedScope {
  scopeDate: string;
  region: string;
  service: string;
  terminator: string;
  /** The request time in ISO-8601 basic format (YYYYMMDDTHHMMSSZ). */
  amzDate: string;
}

/**
 * Throws AWS's SignatureDoesNotMatch listing every wrong part of the scope; without `rules` (no routed service known)
 * only the terminator and the date are checked.
 */
export function checkCredentialScope(scope: ClaimedScope, rules: ScopeRules | undefined): void {
  let message = '';
  if (rules !== undefined) {
    if (!rules.regionAllowed(scope.region)) message += 'Credential should be scoped to a valid region. ';
    if (scope.service !== rules.service) message += `Credential should be scoped to correct service: '${rules.service}'. `;
  }
  if (scope.terminator !== TERMINATOR) {
    message += `Credential should be scoped with a valid terminator: '${TERMINATOR}', not '${scope.terminator}'. `;
  }
  const day = scope.amzDate.slice(0, 8);
  if (scope.scopeDate !== day) {
    message += `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scope.scopeDate}' != '${day}', from '${scope.amzDate}'.`;
  }
  if (message) throw new KamenError('ERR_SIGNATURE_DOES_NOT_MATCH', message);
}
