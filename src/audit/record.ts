/**
 * Builds the CloudTrail record(s) of one call from its facts: one record in the caller's account, and for a call that
 * reaches into another account (AssumeRole of another account's role) a second record in that account, the two joined
 * by a sharedEventID, as AWS writes them.
 */
import { randomUUID } from 'node:crypto';
import { isoSeconds } from '../iso-time.js';
import type { StoredEvent } from '../store/store.js';
import { requestParameters, responseElements } from './elements.js';
import { lookupUsername, otherAccountIdentity, userIdentity } from './identity.js';
import { eventResources } from './resources.js';
import { federatedParts } from './federated.js';
import type { Caller } from '../services/types.js';
import type { AuditEvent, CallFacts, CloudTrailRecord } from './types.js';

/** CloudTrail's current record format version. */
export const EVENT_VERSION = '1.11';

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

/** The host an AWS service's events name as their eventSource. */
export function eventSource(service: string): string {
  return `${service}.amazonaws.com`;
}

/**
 * A new eventID: a random GUID whose first 48 bits are the event's millisecond (the UUID version 7 layout), so the
 * events of an account are appended at the end of the EventId lookup index instead of at a random page of it: a
 * random key dirties one index page per event, which made that index the costliest write of every audited call.
 */
export function newEventId(timeMs: number): string {
  const r = randomUUID();
  const t = Math.max(0, Math.floor(timeMs)).toString(16).padStart(12, '0').slice(-12);
  return `${t.slice(0, 8)}-${t.slice(8)}-7${r.slice(15)}`;
}

/** The account a cross-account call reaches, when it differs from the caller's (AssumeRole's RoleArn). */
function otherAccount(f: CallFacts): string | undefined {
  const arn = f.input?.['RoleArn'];
  if (f.service !== 'sts' || typeof arn !== 'string') return undefined;
  const m = /^arn:[^:]+:iam::(\d{12}):role\//.exec(arn);
  const account = m?.[1];
  return account && account !== f.caller.accountId ? account : undefined;
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

/** One record's JSON text, written field by field in CloudTrail's order (what JSON.stringify of the record object gives). */
function recordJson(f: CallFacts, identityJson: string, r: { eventTime: string; eventSource: string; readOnly: boolean; requestParameters: unknown; responseElements: unknown; eventId: string; account: string; sharedEventId?: string }): string {
  let s = `{"eventVersion":"${EVENT_VERSION}","userIdentity":${identityJson},"eventTime":"${r.eventTime}","eventSource":${q(r.eventSource)},"eventName":${q(f.operation)},"awsRegion":${q(f.region)},"sourceIPAddress":${q(f.sourceIp)},"userAgent":${q(f.userAgent)}`;
  if (f.error) {
    if (f.error.code) s += `,"errorCode":${q(f.error.code)}`;
    s += `,"errorMessage":${q(f.error.message)}`;
  }
  s += `,"requestParameters":${q(r.requestParameters)},"responseElements":${q(r.responseElements)}`;
  if (f.additionalEventData) s += `,"additionalEventData":${q(f.additionalEventData)}`;
  s += `,"requestID":${q(f.requestId)},"eventID":"${r.eventId}","readOnly":${r.readOnly}`;
  if (f.resources) s += `,"resources":${q(f.resources)}`;
  s += `,"eventType":${q(f.eventType ?? 'AwsApiCall')},"managementEvent":true,"recipientAccountId":${q(r.account)},"eventCategory":"Management"`;
  if (f.secureTransport) s += `,"tlsDetails":${q({ ...(f.tlsVersion ? { tlsVersion: f.tlsVersion } : {}), ...(f.tlsCipher ? { cipherSuite: f.tlsCipher } : {}), ...(f.tlsHost ? { clientProvidedHostHeader: f.tlsHost } : {}) })}`;
  if (r.sharedEventId !== undefined) s += `,"sharedEventID":"${r.sharedEventId}"`;
  if (f.fromConsole) s += ',"sessionCredentialFromConsole":"true"';
  return s + '}';
}

/**
 * The record(s) of one call, each with the row it is stored as. The row's JSON text is written directly (the identity
 * part cached per caller when `identities` is given); the record object is parsed from it only when someone reads it.
 */
export function buildEvents(f: CallFacts, identities?: IdentityCache): AuditEvent[] {
  const readOnly = isReadOnly(f.service, f.operation);
  // An unsigned call (AssumeRoleWithSAML / WithWebIdentity) is the federated user's, in the role's account; none is
  // recorded while nothing names the user (a token that did not verify, a role that does not exist).
  let identity: { json: string; username: string | undefined };
  let account = f.caller.accountId;
  if (f.caller.kind === 'anonymous') {
    const fed = federatedParts(f);
    if (!fed) return [];
    identity = { json: q(fed.identity), username: fed.username };
    account = fed.account;
  } else identity = identities ? identities.get(f.caller) : identityParts(f.caller);
  const parts = {
    eventTime: isoSeconds(f.eventTimeMs),
    eventSource: eventSource(f.service),
    readOnly,
    requestParameters: f.requestParameters ?? requestParameters(f.input),
    responseElements: f.responseElements ?? (f.error ? null : responseElements(f.output, readOnly)),
    eventId: newEventId(f.eventTimeMs),
    account,
  };
  const resources = eventResources(f.input, f.error ? undefined : f.output);
  const other = f.caller.kind === 'anonymous' ? undefined : otherAccount(f);
  if (!other) return [toEvent(recordJson(f, identity.json, parts), parts, f, resources, identity.username)];
  const shared = randomUUID();
  const mine = { ...parts, sharedEventId: shared };
  const theirs = { ...parts, eventId: newEventId(f.eventTimeMs), account: other, sharedEventId: shared };
  return [toEvent(recordJson(f, identity.json, mine), mine, f, resources, identity.username), toEvent(recordJson(f, q(otherAccountIdentity(f.caller)), theirs), theirs, f, resources, identity.username)];
}

function toEvent(json: string, r: { eventId: string; eventSource: string; readOnly: boolean; account: string }, f: CallFacts, resources: StoredEvent['resources'], username: string | undefined): AuditEvent {
  const stored: StoredEvent = {
    accountId: r.account,
    eventId: r.eventId,
    eventTime: new Date(f.eventTimeMs - (f.eventTimeMs % 1000)),
    eventName: f.operation,
    eventSource: r.eventSource,
    readOnly: r.readOnly,
    resources,
    record: json,
    awsRegion: f.region,
  };
  if (username !== undefined) stored.username = username;
  if (f.caller.accessKeyId) stored.accessKeyId = f.caller.accessKeyId;
  return new RecordedEvent(stored);
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
