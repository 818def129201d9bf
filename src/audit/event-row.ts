/**
 * An event as a flat row of values: the facts its CloudTrail record is rendered from, already in JSON where they are
 * objects. A call's rows are built on the event loop (record.ts); they are rendered into records and stored rows
 * (`eventsFromRows`) wherever the events are stored: on a SQLite file's writer thread for reads and failures, which
 * leaves the event loop only the facts to gather (cloning a flat array of strings and numbers to a thread costs far
 * less than the record text, its event ID and its time text), and in the caller's transaction for changes. One renderer
 * serves both, so an event reads the same whichever path stored it.
 *
 * Pure: imports no service, store or request code, so a worker thread can load it.
 */
import { randomUUID } from 'node:crypto';
import { isoSeconds } from '../iso-time.js';
import type { StoredEvent } from '../store/store.js';

/** CloudTrail's current record format version. */
export const EVENT_VERSION = '1.11';

/** One record's facts, in the order a row holds them. */
export interface EventRowFacts {
  /** The account whose history holds the record (its recipientAccountId). */
  account: string;
  region: string;
  eventTimeMs: number;
  /** The eventSource host (`iam.amazonaws.com`). */
  eventSource: string;
  eventName: string;
  readOnly: boolean;
  /** The userIdentity element as JSON text. */
  identityJson: string;
  /** The LookupEvents user name. */
  username: string | null;
  accessKeyId: string | null;
  sourceIp: string;
  userAgent: string;
  /** errorCode ('' to leave it out) and errorMessage: both null when the call succeeded. */
  errorCode: string | null;
  errorMessage: string | null;
  requestParametersJson: string;
  responseElementsJson: string;
  additionalEventDataJson: string | null;
  requestId: string;
  /** The record's resources element as JSON text. */
  resourcesJson: string | null;
  eventType: string | null;
  tlsDetailsJson: string | null;
  fromConsole: boolean;
  /** 0: alone; 1: the first of two records joined by a new sharedEventID; 2: the second of those. */
  shared: 0 | 1 | 2;
  /** The LookupEvents resources (type, name). */
  resources: StoredEvent['resources'];
}

/**
 * Rows being gathered into one batch. Each row is a mask, the flags (readOnly, fromConsole, shared), the event time,
 * then only the strings that differ from the previous row's (the mask's bit n marks string n as "as above", bit
 * STRINGS the resources), then the resources unless as above. A client's calls repeat most of their facts (account,
 * identity, address, user agent, parameters), and each value the writer thread is sent costs the event loop a clone:
 * a typical read is four values.
 */
export class EventRowBatch {
  /** The batch's values, for eventsFromRows. */
  readonly cols: unknown[] = [];
  /** How many rows it holds. */
  rows = 0;
  #prev: Array<string | null> | undefined;
  #prevResources: StoredEvent['resources'] | undefined;

  /** Appends one row. */
  push(r: EventRowFacts): void {
    const strings = stringsOf(r);
    const prev = this.#prev;
    let mask = 0;
    if (prev) for (let n = 0; n < STRINGS; n++) if (strings[n] === prev[n]) mask |= 1 << n;
    const sameResources = this.#prevResources !== undefined && sameList(r.resources, this.#prevResources);
    if (sameResources) mask |= 1 << STRINGS;
    this.#prev = strings;
    this.#prevResources = r.resources;
    const cols = this.cols;
    this.rows++;
    cols.push(mask, (r.readOnly ? 1 : 0) | (r.fromConsole ? 2 : 0) | (r.shared << 2), r.eventTimeMs);
    for (let n = 0; n < STRINGS; n++) if ((mask & (1 << n)) === 0) cols.push(strings[n]);
    if (sameResources) return;
    cols.push(r.resources.length);
    for (const x of r.resources) cols.push(x.ResourceType, x.ResourceName);
  }
}

/** A row's strings, in the order the mask's bits name them. */
function stringsOf(r: EventRowFacts): Array<string | null> {
  return [r.account, r.region, r.eventSource, r.eventName, r.identityJson, r.username, r.accessKeyId, r.sourceIp, r.userAgent, r.errorCode, r.errorMessage, r.requestParametersJson, r.responseElementsJson, r.additionalEventDataJson, r.requestId, r.resourcesJson, r.eventType, r.tlsDetailsJson];
}

/** How many strings a row has (stringsOf). */
const STRINGS = 18;

/** Which of a row's strings may be null (errorCode onwards, less the always-present ones). */
const OPTIONAL: ReadonlySet<number> = new Set([5, 6, 9, 10, 13, 15, 16, 17]);

function sameList(a: StoredEvent['resources'], b: StoredEvent['resources']): boolean {
  if (a.length !== b.length) return false;
  for (let n = 0; n < a.length; n++) if (a[n]!.ResourceType !== b[n]!.ResourceType || a[n]!.ResourceName !== b[n]!.ResourceName) return false;
  return true;
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

const q = JSON.stringify;

function bad(): never {
  throw new Error('not a batch of event rows');
}

/**
 * The stored events of the rows pushRow appended to `cols`: each record's JSON text written field by field in
 * CloudTrail's order, with its new eventID (and sharedEventID). Throws on values pushRow did not write.
 */
export function eventsFromRows(cols: readonly unknown[]): StoredEvent[] {
  const out: StoredEvent[] = [];
  let i = 0;
  const next = (): unknown => (i < cols.length ? cols[i++] : bad());
  const int = (): number => {
    const v = next();
    return typeof v === 'number' && Number.isSafeInteger(v) ? v : bad();
  };
  const str = (): string => {
    const v = next();
    return typeof v === 'string' ? v : bad();
  };
  // The previous row's strings and resources, for the values its successor marks "as above".
  let last: Array<string | null> = [];
  let lastResources: StoredEvent['resources'] = [];
  let sharedId = '';
  while (i < cols.length) {
    const mask = int();
    const flags = int();
    const timeMs = int();
    if (out.length === 0 && mask !== 0) bad();
    const strings: Array<string | null> = [];
    for (let n = 0; n < STRINGS; n++) {
      if (mask & (1 << n)) {
        strings.push(last[n]!);
        continue;
      }
      const v = next();
      strings.push(typeof v === 'string' || (v === null && OPTIONAL.has(n)) ? v : bad());
    }
    let resources = lastResources;
    if ((mask & (1 << STRINGS)) === 0) {
      resources = [];
      for (let n = int(); n > 0; n--) resources.push({ ResourceType: str(), ResourceName: str() });
    }
    last = strings;
    lastResources = resources;
    const [account, region, eventSource, eventName, identityJson, username, accessKeyId, sourceIp, userAgent, errorCode, errorMessage, requestParameters, responseElements, additionalEventData, requestId, resourcesJson, eventType, tlsDetails] = strings as [string, string, string, string, string, string | null, string | null, string, string, string | null, string | null, string, string, string | null, string, string | null, string | null, string | null];
    const readOnly = (flags & 1) !== 0;
    const fromConsole = (flags & 2) !== 0;
    const shared = flags >> 2;
    if (shared === 1) sharedId = randomUUID();
    else if (shared === 2 && !sharedId) bad();
    else if (shared > 2) bad();
    const eventId = newEventId(timeMs);
    let s = `{"eventVersion":"${EVENT_VERSION}","userIdentity":${identityJson},"eventTime":"${isoSeconds(timeMs)}","eventSource":${q(eventSource)},"eventName":${q(eventName)},"awsRegion":${q(region)},"sourceIPAddress":${q(sourceIp)},"userAgent":${q(userAgent)}`;
    if (errorMessage !== null) {
      if (errorCode) s += `,"errorCode":${q(errorCode)}`;
      s += `,"errorMessage":${q(errorMessage)}`;
    }
    s += `,"requestParameters":${requestParameters},"responseElements":${responseElements}`;
    if (additionalEventData !== null) s += `,"additionalEventData":${additionalEventData}`;
    s += `,"requestID":${q(requestId)},"eventID":"${eventId}","readOnly":${readOnly}`;
    if (resourcesJson !== null) s += `,"resources":${resourcesJson}`;
    s += `,"eventType":${q(eventType ?? 'AwsApiCall')},"managementEvent":true,"recipientAccountId":${q(account)},"eventCategory":"Management"`;
    if (tlsDetails !== null) s += `,"tlsDetails":${tlsDetails}`;
    if (shared !== 0) s += `,"sharedEventID":"${sharedId}"`;
    if (fromConsole) s += ',"sessionCredentialFromConsole":"true"';
    s += '}';
    const e: StoredEvent = { accountId: account, eventId, eventTime: new Date(timeMs - (timeMs % 1000)), eventName, eventSource, readOnly, resources, record: s, awsRegion: region };
    if (username !== null) e.username = username;
    if (accessKeyId !== null) e.accessKeyId = accessKeyId;
    out.push(e);
    if (shared === 2) sharedId = '';
  }
  return out;
}
