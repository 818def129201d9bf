/**
 * Builds the CloudTrail record(s) of one call from its facts: one record in the caller's account, and for a call that
 * reaches into another account (AssumeRole of another account's role) a second record in that account, the two joined
 * by a sharedEventID, as AWS writes them.
 */
import type { StoredEvent } from '../store/store.js';
import { EventRowBatch, eventsFromRows, type EventRowFacts } from './event-row.js';
import { requestParametersJson, responseElementsParts, type ElementsMemo } from './elements.js';
import { lookupUsername, otherAccountIdentity, userIdentity } from './identity.js';
import { eventResources } from './resources.js';
import { federatedParts } from './federated.js';
import type { Caller } from '../services/types.js';
import type { AuditEvent, CallFacts, CloudTrailRecord } from './types.js';

export { EVENT_VERSION, newEventId } from './event-row.js';

const READ_PREFIXES = ['Get', 'List', 'Describe', 'Lookup', 'Simulate', 'Search', 'Check'];

/** True when CloudTrail marks the operation read-only (every STS call is: it changes no AWS resource). */
export function isReadOnly(service: string, operation: string): boolean {
  if (service === 'signin') return false;
  if (service === 'sts') return true;
  for (const p of READ_PREFIXES) if (operation.startsWith(p) && operation.length > p.length && operation[p.length]! >= 'A' && operation[p.length]! <= 'Z') return true;
  return false;
}

/** STS operations that store the credentials they issue (read-only in CloudTrail's sense: no AWS resource changes). */
const ISSUING: ReadonlySet<string> = new Set(['AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity', 'GetSessionToken', 'GetFederationToken', 'AssumeRoot']);

/** True when the call may change a resource, so its event is written in the same transaction as the change. */
export function changesState(service: string, operation: string): boolean {
  return !isReadOnly(service, operation);
}

/** True when the call issues temporary credentials: its event is stored before the credentials are answered. */
export function issuesCredentials(service: string, operation: string): boolean {
  return service === 'sts' && ISSUING.has(operation);
}

/** Each service's eventSource text, made once: one string object, so a row compares it with the row above's by identity. */
const EVENT_SOURCES = new Map<string, string>();

/** The host an AWS service's events name as their eventSource. */
export function eventSource(service: string): string {
  let host = EVENT_SOURCES.get(service);
  if (host === undefined) {
    host = `${service}.amazonaws.com`;
    // Bounded: the services are a handful, but the name comes from the caller.
    if (EVENT_SOURCES.size < 64) EVENT_SOURCES.set(service, host);
  }
  return host;
}

/** The account a cross-account call reaches, when it differs from the caller's (AssumeRole's RoleArn). */
function otherAccount(f: CallFacts): string | undefined {
  const arn = f.input?.['RoleArn'];
  if (f.service !== 'sts' || typeof arn !== 'string') return undefined;
  // arn:<partition>:iam::<12 digits>:role/…
  if (!arn.startsWith('arn:')) return undefined;
  const p = arn.indexOf(':', 4);
  if (p <= 4 || !arn.startsWith(':iam::', p)) return undefined;
  // The caller's own account, found without cutting it out (so the account cut out below is another one).
  const own = f.caller.accountId;
  if (own.length === 12 && arn.startsWith(own, p + 6)) return undefined;
  const account = arn.slice(p + 6, p + 18);
  if (!arn.startsWith(':role/', p + 18) || !isAccountId(account)) return undefined;
  return account;
}

/** True for twelve decimal digits. */
function isAccountId(s: string): boolean {
  if (s.length !== 12) return false;
  for (let i = 0; i < 12; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** The identity parts of a record, computed once per caller object (the credential cache hands out the same one). */
export interface IdentityCache {
  get(caller: Caller): { json: string; username: string | undefined };
}

/** A cache of each caller's userIdentity JSON and LookupEvents user name, held by the auditor (weakly, per caller). */
export function createIdentityCache(): IdentityCache {
  const cache = new WeakMap<Caller, { json: string; username: string | undefined }>();
  return {
    get(caller) {
      let hit = cache.get(caller);
      if (!hit) cache.set(caller, (hit = identityParts(caller)));
      return hit;
    },
  };
}

function identityParts(caller: Caller): { json: string; username: string | undefined } {
  return { json: JSON.stringify(userIdentity(caller)), username: lookupUsername(caller) };
}

const q = JSON.stringify;

/**
 * Appends the row(s) of one call's record(s) to `batch` (event-row.ts): one, or two for a call into another account,
 * joined by a sharedEventID; none for an unsigned call while nothing names its user (a token that did not verify, a
 * role that does not exist). The caller's userIdentity JSON is cached per caller when `identities` is given, and the
 * parameters' and response's text reused from the operation's last call when `elements` is. Every value is worked out
 * before the first row is pushed, so a failure leaves the batch as it was.
 */
export function pushEventRows(batch: EventRowBatch, f: CallFacts, identities?: IdentityCache, elements?: ElementsMemo): void {
  const readOnly = isReadOnly(f.service, f.operation);
  // An unsigned call (AssumeRoleWithSAML / WithWebIdentity) is the federated user's, in the role's account.
  let identity: { json: string; username: string | undefined };
  let account = f.caller.accountId;
  if (f.caller.kind === 'anonymous') {
    const fed = federatedParts(f);
    if (!fed) return;
    identity = { json: q(fed.identity), username: fed.username };
    account = fed.account;
  } else identity = identities ? identities.get(f.caller) : identityParts(f.caller);
  const response: [string, string] = f.responseElements ? [q(f.responseElements), ''] : f.error ? ['null', ''] : elements ? elements.responseParts(f.operation, f.output, readOnly) : responseElementsParts(f.output, readOnly);
  const row: EventRowFacts = {
    account,
    region: f.region,
    eventTimeMs: f.eventTimeMs,
    eventSource: eventSource(f.service),
    eventName: f.operation,
    readOnly,
    identityJson: identity.json,
    username: identity.username ?? null,
    accessKeyId: f.caller.accessKeyId ?? null,
    sourceIp: f.sourceIp,
    userAgent: f.userAgent,
    errorCode: f.error ? f.error.code : null,
    errorMessage: f.error ? f.error.message : null,
    requestParametersJson: f.requestParameters ? q(f.requestParameters) : elements ? elements.requestParameters(f.operation, f.input) : requestParametersJson(f.input),
    responseElementsJson: response[0],
    responseElementsRest: response[1],
    additionalEventDataJson: f.additionalEventData ? q(f.additionalEventData) : null,
    requestId: f.requestId,
    resourcesJson: f.resources ? q(f.resources) : null,
    eventType: f.eventType ?? null,
    tlsDetailsJson: f.secureTransport ? tlsDetails(f) : null,
    fromConsole: f.fromConsole === true,
    shared: 0,
    resources: eventResources(f.input, f.error ? undefined : f.output),
  };
  const other = f.caller.kind === 'anonymous' ? undefined : otherAccount(f);
  if (!other) return batch.push(row);
  const theirs: EventRowFacts = { ...row, account: other, identityJson: q(otherAccountIdentity(f.caller)), shared: 2 };
  batch.push({ ...row, shared: 1 });
  batch.push(theirs);
}

/** The tlsDetails element as JSON text. */
function tlsDetails(f: CallFacts): string {
  return q({ ...(f.tlsVersion ? { tlsVersion: f.tlsVersion } : {}), ...(f.tlsCipher ? { cipherSuite: f.tlsCipher } : {}), ...(f.tlsHost ? { clientProvidedHostHeader: f.tlsHost } : {}) });
}

/** The record(s) of one call (pushEventRows), rendered as they are stored; the record object is parsed only when read. */
export function buildEvents(f: CallFacts, identities?: IdentityCache): AuditEvent[] {
  const batch = new EventRowBatch();
  pushEventRows(batch, f, identities);
  return eventsFromRows(batch.bytes()).map((e) => new RecordedEvent(e));
}

/**
 * An event whose record object is parsed from its stored JSON text on first read (most events are only stored). A
 * class: an object literal with a getter costs a fresh hidden class per event, which made it the costliest step.
 */
class RecordedEvent implements AuditEvent {
  readonly stored: StoredEvent;
  #record: CloudTrailRecord | undefined;
  constructor(stored: StoredEvent) {
    this.stored = stored;
  }
  get record(): CloudTrailRecord {
    return (this.#record ??= JSON.parse(this.stored.record) as CloudTrailRecord);
  }
}
