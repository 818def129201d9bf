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

/** The record(s) of one call, each with the row it is stored as. */
export function buildEvents(f: CallFacts): AuditEvent[] {
  const readOnly = isReadOnly(f.service, f.operation);
  const identity = userIdentity(f.caller);
  const base: CloudTrailRecord = {
    eventVersion: EVENT_VERSION,
    userIdentity: identity,
    eventTime: isoSeconds(f.eventTimeMs),
    eventSource: eventSource(f.service),
    eventName: f.operation,
    awsRegion: f.region,
    sourceIPAddress: f.sourceIp,
    userAgent: f.userAgent,
    ...(f.error ? { ...(f.error.code ? { errorCode: f.error.code } : {}), errorMessage: f.error.message } : {}),
    requestParameters: requestParameters(f.input),
    responseElements: f.responseElements ?? (f.error ? null : responseElements(f.output, readOnly)),
    ...(f.additionalEventData ? { additionalEventData: f.additionalEventData } : {}),
    requestID: f.requestId,
    eventID: newEventId(f.eventTimeMs),
    readOnly,
    eventType: f.eventType ?? 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: f.caller.accountId,
    eventCategory: 'Management',
    ...(f.secureTransport ? { tlsDetails: { ...(f.tlsVersion ? { tlsVersion: f.tlsVersion } : {}), ...(f.tlsCipher ? { cipherSuite: f.tlsCipher } : {}), ...(f.tlsHost ? { clientProvidedHostHeader: f.tlsHost } : {}) } } : {}),
  };
  const resources = eventResources(f.input, f.error ? undefined : f.output);
  const other = otherAccount(f);
  if (!other) return [toEvent(base, f, resources)];
  const shared = randomUUID();
  const mine: CloudTrailRecord = { ...base, sharedEventID: shared };
  const theirs: CloudTrailRecord = { ...base, userIdentity: otherAccountIdentity(f.caller), eventID: newEventId(f.eventTimeMs), recipientAccountId: other, sharedEventID: shared };
  return [toEvent(mine, f, resources), toEvent(theirs, f, resources)];
}

function toEvent(record: CloudTrailRecord, f: CallFacts, resources: StoredEvent['resources']): AuditEvent {
  const stored: StoredEvent = {
    accountId: record.recipientAccountId,
    eventId: record.eventID,
    eventTime: new Date(f.eventTimeMs - (f.eventTimeMs % 1000)),
    eventName: record.eventName,
    eventSource: record.eventSource,
    readOnly: record.readOnly,
    resources,
    record: JSON.stringify(record),
  };
  const username = lookupUsername(f.caller);
  if (username !== undefined) stored.username = username;
  if (f.caller.accessKeyId) stored.accessKeyId = f.caller.accessKeyId;
  return { record, stored };
}
