/**
 * An event as a flat row of values: the facts its CloudTrail record is rendered from, already in JSON where they are
 * objects. A call's rows are built on the event loop (record.ts). For reads and failures on a SQLite file they cross to
 * the writer thread, which gives each event its ID and stores its facts (`readRows`, encoded into blocks; the record is
 * rendered when read): the event loop only gathers the facts, and cloning what differs from the row above costs it far
 * less than the record text, its event ID and its time text. Changes render their records at once (`eventsFromRows`) in
 * the caller's transaction. One renderer (`renderRecord`) serves every path, so an event reads the same whichever path
 * stored it.
 *
 * Pure: imports no service, store or request code, so a worker thread can load it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
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
  /** responseElements as JSON text: this, then responseElementsRest (elements.ts responseElementsParts). */
  responseElementsJson: string;
  /** The rest of responseElements' text after responseElementsJson ('' when none): a repeated call repeats it. */
  responseElementsRest: string;
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
 * Rows being gathered into one batch, as bytes. Each row is a u32 mask, a u8 of flags (readOnly, fromConsole, shared),
 * the f64 event time, then only the strings that differ from the previous row's (the mask's bit n marks string n as
 * "as above", bit STRINGS the resources), each as a u32 length and its text (putText), then the resources unless all
 * are as above: a u16 count, and each one's type and name, either as above (AS_ABOVE) where the previous row's resource
 * at that place has it. A client's calls repeat most of their facts (account, identity, address, user agent,
 * parameters), so a typical read adds its time, its request ID and what its answer changed.
 *
 * Bytes rather than values: a batch waits up to BATCH_INTERVAL_MS (sink.ts) for the writer thread, long enough for
 * the garbage collector's young generation to copy every value it holds once or twice, and promote it; bytes outside
 * the heap cost it nothing. In memory shared with worker threads (sharedRowBuffer) they are handed to the thread
 * without a copy, and a sink's two batches (one gathering, one being stored) take turns with two buffers, so a batch
 * neither allocates nor grows its buffer once the first few have.
 */
export class EventRowBatch {
  /** How many rows it holds. */
  rows = 0;
  #buf: Buffer;
  #at = 0;
  #prev: Array<string | null> | undefined;
  #prevResources: StoredEvent['resources'] | undefined;

  /**
   * `buf`: where to write the rows (overwriting what it holds: an earlier batch's buffer once its rows are no longer
   * read), else a new buffer. The batch grows into a larger buffer of the same kind (shared or not) when it fills.
   */
  constructor(buf?: Buffer) {
    this.#buf = buf ?? Buffer.allocUnsafeSlow(FIRST_BYTES);
  }

  /** Appends one row. */
  push(r: EventRowFacts): void {
    const strings = stringsOf(r);
    const prev = this.#prev;
    let mask = 0;
    // The bytes the row may take: its mask, flags and time, and what each text it writes may take.
    let bytes = ROW_HEAD;
    // A call's own strings are written without a comparison that would find them new, at a cost (a text built by
    // concatenation is compared by a slow path): its request ID, and the first part of a response split in two.
    const own = r.responseElementsRest === '' ? OWN_STRINGS : OWN_STRINGS | (1 << RESPONSE_HEAD);
    for (let n = 0; n < STRINGS; n++) {
      if (prev !== undefined && (own & (1 << n)) === 0 && strings[n] === prev[n]) mask |= 1 << n;
      else bytes += textBound(strings[n]!);
    }
    const above = this.#prevResources;
    const resourcesAbove = above !== undefined && sameResources(r.resources, above);
    if (resourcesAbove) mask |= 1 << STRINGS;
    else {
      if (r.resources.length > MAX_RESOURCES) throw new RangeError(`an event names ${r.resources.length} resources`);
      bytes += 2;
      for (const x of r.resources) bytes += textBound(x.ResourceType) + textBound(x.ResourceName);
    }
    const buf = this.#reserve(bytes);
    let p = this.#at;
    putU32(buf, p, mask);
    buf[p + 4] = (r.readOnly ? READ_ONLY : 0) | (r.fromConsole ? FROM_CONSOLE : 0) | (r.shared << SHARED_SHIFT);
    if (LITTLE_ENDIAN) {
      TIME[0] = r.eventTimeMs;
      // Byte by byte: set() of a typed array is a native call for eight bytes.
      for (let i = 0; i < 8; i++) buf[p + 5 + i] = TIME_BYTES[i]!;
    } else buf.writeDoubleLE(r.eventTimeMs, p + 5);
    p += ROW_HEAD;
    for (let n = 0; n < STRINGS; n++) if ((mask & (1 << n)) === 0) p = putText(buf, p, strings[n]!);
    if (!resourcesAbove) {
      buf.writeUInt16LE(r.resources.length, p);
      p += 2;
      // Each resource's type and name, AS_ABOVE where the previous row's resource at that place had it.
      for (let n = 0; n < r.resources.length; n++) {
        const x = r.resources[n]!;
        const was = above !== undefined ? above[n] : undefined;
        p = was !== undefined && was.ResourceType === x.ResourceType ? putLength(buf, p, AS_ABOVE) : putText(buf, p, x.ResourceType);
        p = was !== undefined && was.ResourceName === x.ResourceName ? putLength(buf, p, AS_ABOVE) : putText(buf, p, x.ResourceName);
      }
    }
    this.#at = p;
    this.#prev = strings;
    this.#prevResources = r.resources;
    this.rows++;
  }

  /**
   * The rows' bytes: a view of the batch's buffer, not a copy (valid while nothing writes over the buffer; push no
   * more rows once it is taken). Posted to a worker thread, a view of a buffer that is not shared sends all of it.
   */
  bytes(): Uint8Array {
    return this.#buf.subarray(0, this.#at);
  }

  /** The buffer the rows are in: a later batch's (constructor) once they are no longer read. */
  get buffer(): Buffer {
    return this.#buf;
  }

  /** The buffer, with room for `bytes` more. */
  #reserve(bytes: number): Buffer {
    if (this.#at + bytes <= this.#buf.length) return this.#buf;
    const size = Math.max(this.#buf.length * 2, this.#at + bytes);
    const grown = this.#buf.buffer instanceof SharedArrayBuffer ? sharedRowBuffer(size) : Buffer.allocUnsafeSlow(size);
    this.#buf.copy(grown, 0, 0, this.#at);
    return (this.#buf = grown);
  }
}

/** A batch's first buffer when it is given none (it doubles as rows come): room for a call's row or two. */
const FIRST_BYTES = 4 * 1024;

/**
 * A buffer for a batch's rows (the EventRowBatch constructor) in memory shared with worker threads: a view of it is
 * posted to a thread without a copy, so whoever posts it must not write over it until the thread is done with it.
 */
export function sharedRowBuffer(bytes = 64 * 1024): Buffer {
  return Buffer.from(new SharedArrayBuffer(bytes));
}
/** A row's u32 mask, u8 flags and f64 time. */
const ROW_HEAD = 13;
/** A row's resource count is a u16. */
const MAX_RESOURCES = 0xffff;
/** The length a batch (and a facts block, event-block.ts) writes for a string that is not there. */
export const NULL_STRING = 0xffffffff;
/** The length a batch (and a facts block) writes for a resource type or name the same as the previous one's there. */
export const AS_ABOVE = 0xfffffffe;
/** The length's top bit: the text is UTF-16 (a string UTF-8 cannot hold: one with a lone surrogate). */
const UTF16 = 0x80000000;

/** A UTF-16 code unit of a surrogate pair without its other half (UTF-8 cannot hold it). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The bytes putText (or a facts block's putString) may write for `s`: its length, at most three bytes a UTF-16 unit. */
export function textBound(s: string | null): number {
  return s === null ? 4 : 4 + 3 * s.length;
}

/** Where a row's time is turned into its eight bytes on a little-endian machine (as readDoubleLE reads them). */
const TIME = new Float64Array(1);
const TIME_BYTES = new Uint8Array(TIME.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Writes `v` (0 to 2^32 - 1) as a little-endian u32 at `at` (Buffer's writeUInt32LE checks its arguments first: a row writes a few). */
function putU32(buf: Buffer, at: number, v: number): void {
  buf[at] = v & 0xff;
  buf[at + 1] = (v >>> 8) & 0xff;
  buf[at + 2] = (v >>> 16) & 0xff;
  buf[at + 3] = v >>> 24;
}

/** Writes a length that stands for no text (NULL_STRING, AS_ABOVE) at `at`; returns the offset after it. */
export function putLength(buf: Buffer, at: number, marker: number): number {
  putU32(buf, at, marker);
  return at + 4;
}

/**
 * Copies `s` into `buf` at `at` when it is short (at most 64 UTF-16 units) and all ASCII, as IDs and names almost
 * always are: by hand, without a native call. False otherwise (having written part of it, which the caller overwrites).
 */
export function putShortAscii(buf: Buffer, at: number, s: string): boolean {
  const n = s.length;
  if (n > 64) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return false;
    buf[at + i] = c;
  }
  return true;
}

/**
 * `s`, its text made one piece: a string built by concatenation (a response's text) is a tree of pieces, which the
 * native write flattens at about three times what reading a character here costs, which flattens it in place (V8;
 * measured on a repeated AssumeRole's credentials: 0.33 µs less a row). A flat string is only read.
 */
function flat(s: string): string {
  s.charCodeAt(0);
  return s;
}

/**
 * Writes `s` at `at` as u32 byte length + UTF-8 (or, for a string with a lone surrogate, the length with UTF16 set and
 * UTF-16 text, so it reads back the same), NULL_STRING for null; returns the offset after it. The caller reserved
 * textBound(s).
 */
function putText(buf: Buffer, at: number, s: string | null): number {
  if (s === null) return putLength(buf, at, NULL_STRING);
  const n = s.length;
  const p = at + 4;
  if (putShortAscii(buf, p, s)) {
    putU32(buf, at, n);
    return p + n;
  }
  let len = buf.write(flat(s), p, 'utf8');
  // As many bytes as UTF-16 units: all ASCII. Otherwise a lone surrogate would have been written as U+FFFD.
  if (len !== n && LONE_SURROGATE.test(s)) {
    len = buf.write(s, p, 'utf16le');
    putU32(buf, at, len + UTF16);
    return p + len;
  }
  putU32(buf, at, len);
  return p + len;
}

/** A row's strings, in the order the mask's bits name them. */
function stringsOf(r: EventRowFacts): Array<string | null> {
  return [r.account, r.region, r.eventSource, r.eventName, r.identityJson, r.username, r.accessKeyId, r.sourceIp, r.userAgent, r.errorCode, r.errorMessage, r.requestParametersJson, r.responseElementsJson, r.additionalEventDataJson, r.requestId, r.resourcesJson, r.eventType, r.tlsDetailsJson, r.responseElementsRest];
}

/** How many strings a row has (stringsOf). */
const STRINGS = 19;
/** Where the rest of a row's responseElements is (elements.ts responseElementsParts; its first part is RESPONSE_HEAD). */
export const RESPONSE_REST = 18;
/** Where the first part of a row's responseElements is: the new credentials of an issuing call split in two. */
const RESPONSE_HEAD = 12;
/** Where a row's request ID is. */
const REQUEST_ID = 14;
/** The strings every call has its own of (the request ID), as mask bits. */
const OWN_STRINGS = 1 << REQUEST_ID;

/** Which of a row's strings may be null (errorCode onwards, less the always-present ones). */
const OPTIONAL: ReadonlySet<number> = new Set([5, 6, 9, 10, 13, 15, 16, 17]);

/** True when two events name the same resources, in the same order. */
export function sameResources(a: StoredEvent['resources'], b: StoredEvent['resources']): boolean {
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
  return new EventIds(1).next(timeMs);
}

/** The ASCII codes of the hex digits. */
const HEX_DIGITS = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
/** Random bytes an event ID takes (74 random bits: 12 after the version, 62 after the variant). */
const ID_BYTES = 10;
/** How many characters an event ID has. */
export const EVENT_ID_LENGTH = 36;

/**
 * New event IDs (newEventId's layout) for a batch of events: random bytes drawn for `perDraw` IDs at a time, each ID
 * written as ASCII where it is stored (`write`) or made into a string (`next`).
 */
export class EventIds {
  readonly #perDraw: number;
  #bytes: Buffer = Buffer.alloc(0);
  #at = 0;
  /** Where next() writes an ID before it reads it back as a string. */
  readonly #scratch = Buffer.allocUnsafe(EVENT_ID_LENGTH);
  constructor(perDraw = 256) {
    this.#perDraw = perDraw;
  }

  /** A new event ID of an event at `timeMs`. */
  next(timeMs: number): string {
    this.write(this.#scratch, 0, timeMs);
    return this.#scratch.toString('latin1', 0, EVENT_ID_LENGTH);
  }

  /** Writes a new event ID of an event at `timeMs` (EVENT_ID_LENGTH ASCII bytes) into `buf` at `at`. */
  write(buf: Buffer, at: number, timeMs: number): void {
    if (this.#at + ID_BYTES > this.#bytes.length) {
      this.#bytes = randomBytes(this.#perDraw * ID_BYTES);
      this.#at = 0;
    }
    const b = this.#bytes;
    const i = this.#at;
    this.#at += ID_BYTES;
    // The millisecond as 12 hex digits (its lowest 48 bits, in two halves of 24), then the version nibble 7, 12 random
    // bits, the variant bits 10 with 14 random bits, and 48 random bits.
    const t = Math.max(0, Math.floor(timeMs));
    let high = Math.floor(t / 2 ** 24) & 0xffffff;
    let low = t & 0xffffff;
    for (let d = 5; d >= 0; d--) {
      buf[at + d] = HEX_DIGITS[high & 15]!;
      high >>= 4;
    }
    for (let d = 12; d >= 9; d--) {
      buf[at + d] = HEX_DIGITS[low & 15]!;
      low >>= 4;
    }
    buf[at + 7] = HEX_DIGITS[low & 15]!;
    buf[at + 6] = HEX_DIGITS[(low >> 4) & 15]!;
    buf[at + 8] = buf[at + 13] = buf[at + 18] = buf[at + 23] = 0x2d;
    buf[at + 14] = 0x37;
    hexByte(buf, at + 15, b[i]!);
    buf[at + 17] = HEX_DIGITS[b[i + 1]! & 15]!;
    hexByte(buf, at + 19, (b[i + 2]! & 0x3f) | 0x80);
    hexByte(buf, at + 21, b[i + 3]!);
    for (let n = 0; n < 6; n++) hexByte(buf, at + 24 + 2 * n, b[i + 4 + n]!);
  }
}

/** Writes byte `v` as two hex digits into `buf` at `at`. */
function hexByte(buf: Buffer, at: number, v: number): void {
  buf[at] = HEX_DIGITS[v >> 4]!;
  buf[at + 1] = HEX_DIGITS[v & 15]!;
}

const q = JSON.stringify;

function bad(): never {
  throw new Error('not a batch of event rows');
}

/** The places of a row's strings (stringsOf) that stored events and lookups read. */
export const ACCOUNT = 0;
export const REGION = 1;
export const EVENT_SOURCE = 2;
export const EVENT_NAME = 3;
export const USERNAME = 5;
export const ACCESS_KEY_ID = 6;

/** Flags of an event's facts: read-only, from the console, and (shifted by SHARED_SHIFT) its place in a shared pair. */
export const READ_ONLY = 1;
export const FROM_CONSOLE = 2;
export const SHARED_SHIFT = 2;

/** The facts of one event as stored (a SQLite block keeps these, not the record text); its record is rendered from them. */
export interface EventFacts {
  /** STRINGS strings, in the order stringsOf gives them (null where a row may have none; responseElements in two). */
  strings: Array<string | null>;
  /** READ_ONLY | FROM_CONSOLE | (0, 1 or 2) << SHARED_SHIFT. */
  flags: number;
  /** The call's time (ms): the record shows its second, the event ID its millisecond. */
  timeMs: number;
  eventId: string;
  /** The sharedEventID, or '' when the event is alone. */
  sharedId: string;
  resources: StoredEvent['resources'];
}

/** How many strings a row holds (for readers of stored facts). */
export const ROW_STRINGS = STRINGS;

/** True when string `n` of a row may be null. */
export function optionalString(n: number): boolean {
  return OPTIONAL.has(n);
}

/** What readRows hands over of one row (its arrays are the row's own: the next row's are new). */
export interface RowFacts {
  /** STRINGS strings (stringsOf's order). */
  strings: Array<string | null>;
  flags: number;
  timeMs: number;
  /** The sharedEventID, or '' when the event is alone. */
  sharedId: string;
  resources: StoredEvent['resources'];
}

/**
 * Reads the rows of an EventRowBatch's bytes, one at a time, giving each pair one new sharedEventID. Throws on bytes
 * EventRowBatch did not write.
 */
export function readRows(bytes: Uint8Array, visit: (row: RowFacts) => void): void {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = buf.length;
  let p = 0;
  const need = (n: number): void => {
    if (p + n > end) bad();
  };
  const len = (): number => {
    need(4);
    const l = buf.readUInt32LE(p);
    p += 4;
    return l;
  };
  const text = (l: number): string => {
    // The callers have taken NULL_STRING and AS_ABOVE (which have the top bit too) out.
    const utf16 = l >= UTF16;
    const n = utf16 ? l - UTF16 : l;
    need(n);
    if (utf16 && n % 2 !== 0) bad();
    const s = buf.toString(utf16 ? 'utf16le' : 'utf8', p, p + n);
    p += n;
    return s;
  };
  // The previous row's strings and resources, for the values its successor marks "as above".
  let last: Array<string | null> | undefined;
  let lastResources: StoredEvent['resources'] = [];
  let sharedId = '';
  while (p < end) {
    need(ROW_HEAD);
    const mask = buf.readUInt32LE(p);
    const flags = buf[p + 4]!;
    const timeMs = buf.readDoubleLE(p + 5);
    p += ROW_HEAD;
    if (!Number.isFinite(timeMs)) bad();
    if ((last === undefined && mask !== 0) || mask >>> (STRINGS + 1) !== 0) bad();
    const strings: Array<string | null> = new Array(STRINGS);
    for (let n = 0; n < STRINGS; n++) {
      if (mask & (1 << n)) {
        strings[n] = last![n]!;
        continue;
      }
      const l = len();
      if (l === NULL_STRING) strings[n] = OPTIONAL.has(n) ? null : bad();
      else if (l === AS_ABOVE) bad();
      else strings[n] = text(l);
    }
    let resources = lastResources;
    if ((mask & (1 << STRINGS)) === 0) {
      resources = [];
      need(2);
      const count = buf.readUInt16LE(p);
      p += 2;
      for (let n = 0; n < count; n++) {
        const was = lastResources[n];
        const type = len();
        const t = type === AS_ABOVE ? (was ?? bad()).ResourceType : type === NULL_STRING ? bad() : text(type);
        const name = len();
        const v = name === AS_ABOVE ? (was ?? bad()).ResourceName : name === NULL_STRING ? bad() : text(name);
        resources.push({ ResourceType: t, ResourceName: v });
      }
    }
    last = strings;
    lastResources = resources;
    const shared = flags >> SHARED_SHIFT;
    if (shared > 2) bad();
    if (shared === 1) sharedId = randomUUID();
    else if (shared === 2 && !sharedId) bad();
    visit({ strings, flags, timeMs, sharedId: shared === 0 ? '' : sharedId, resources });
    if (shared === 2) sharedId = '';
  }
}

/**
 * The facts of the rows of an EventRowBatch's bytes, each with its new eventID (and, for a pair, one sharedEventID).
 * Throws on bytes EventRowBatch did not write.
 */
export function factsFromRows(rows: Uint8Array): EventFacts[] {
  const out: EventFacts[] = [];
  const ids = new EventIds();
  readRows(rows, (r) => out.push({ strings: r.strings, flags: r.flags, timeMs: r.timeMs, eventId: ids.next(r.timeMs), sharedId: r.sharedId, resources: r.resources }));
  return out;
}

/** An event's record as JSON text, field by field in CloudTrail's order. */
export function renderRecord(f: EventFacts): string {
  const [account, region, eventSource, eventName, identityJson, , , sourceIp, userAgent, errorCode, errorMessage, requestParameters, responseElements, additionalEventData, requestId, resourcesJson, eventType, tlsDetails, responseRest] = f.strings as [string, string, string, string, string, string | null, string | null, string, string, string | null, string | null, string, string, string | null, string, string | null, string | null, string | null, string];
  let s = `{"eventVersion":"${EVENT_VERSION}","userIdentity":${identityJson},"eventTime":"${isoSeconds(f.timeMs)}","eventSource":${q(eventSource)},"eventName":${q(eventName)},"awsRegion":${q(region)},"sourceIPAddress":${q(sourceIp)},"userAgent":${q(userAgent)}`;
  if (errorMessage !== null) {
    if (errorCode) s += `,"errorCode":${q(errorCode)}`;
    s += `,"errorMessage":${q(errorMessage)}`;
  }
  s += `,"requestParameters":${requestParameters},"responseElements":${responseElements}${responseRest}`;
  if (additionalEventData !== null) s += `,"additionalEventData":${additionalEventData}`;
  s += `,"requestID":${q(requestId)},"eventID":"${f.eventId}","readOnly":${(f.flags & READ_ONLY) !== 0}`;
  if (resourcesJson !== null) s += `,"resources":${resourcesJson}`;
  s += `,"eventType":${q(eventType ?? 'AwsApiCall')},"managementEvent":true,"recipientAccountId":${q(account)},"eventCategory":"Management"`;
  if (tlsDetails !== null) s += `,"tlsDetails":${tlsDetails}`;
  if (f.sharedId !== '') s += `,"sharedEventID":"${f.sharedId}"`;
  if (f.flags & FROM_CONSOLE) s += ',"sessionCredentialFromConsole":"true"';
  return s + '}';
}

/** The time an event is stored and looked up at: its second. */
export function storedTime(timeMs: number): number {
  return timeMs - (timeMs % 1000);
}

/** An event's stored form with its record rendered. */
export function storedEventOf(f: EventFacts): StoredEvent {
  const st = f.strings;
  const e: StoredEvent = { accountId: st[ACCOUNT]!, eventId: f.eventId, eventTime: new Date(storedTime(f.timeMs)), eventName: st[EVENT_NAME]!, eventSource: st[EVENT_SOURCE]!, readOnly: (f.flags & READ_ONLY) !== 0, resources: f.resources, record: renderRecord(f), awsRegion: st[REGION]! };
  if (st[USERNAME] !== null) e.username = st[USERNAME]!;
  if (st[ACCESS_KEY_ID] !== null) e.accessKeyId = st[ACCESS_KEY_ID]!;
  return e;
}

/** The stored events of the rows of an EventRowBatch's bytes, records rendered. */
export function eventsFromRows(rows: Uint8Array): StoredEvent[] {
  return factsFromRows(rows).map(storedEventOf);
}
