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
 * Rows come in segments: a segment's first row (flag SEGMENT_START; a batch's first row starts one) has nothing "as
 * above", so a segment reads on its own. A new one starts every SEGMENT_ROWS rows or SEGMENT_BYTES and before a
 * segment would span more than SEGMENT_SPAN_MS (never between the two rows of a pair), so a segment of one account
 * and region is stored as it is, as one block (src/store/sqlite/event-block.ts, FORMAT_ROWS).
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
  /** Where the current segment starts, its rows, and its earliest and latest event time (ms). */
  #segmentAt = 0;
  #segmentRows = 0;
  #segmentMin = 0;
  #segmentMax = 0;

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
    const t = r.eventTimeMs;
    let prev = this.#prev;
    let above = this.#prevResources;
    // A row starts a new segment, written whole as a batch's first row is, once the segment holds SEGMENT_ROWS rows or
    // SEGMENT_BYTES, or would span more than SEGMENT_SPAN_MS; never between the two rows of a pair.
    let start = prev === undefined;
    if (!start && r.shared !== 2 && (this.#segmentRows + (r.shared === 1 ? 2 : 1) > SEGMENT_ROWS || this.#at - this.#segmentAt >= SEGMENT_BYTES || Math.max(this.#segmentMax, t) - Math.min(this.#segmentMin, t) > SEGMENT_SPAN_MS)) {
      start = true;
      prev = undefined;
      above = undefined;
    }
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
    const resourcesAbove = above !== undefined && sameResources(r.resources, above);
    if (resourcesAbove) mask |= 1 << STRINGS;
    else {
      if (r.resources.length > MAX_RESOURCES) throw new RangeError(`an event names ${r.resources.length} resources`);
      bytes += 2;
      for (const x of r.resources) bytes += textBound(x.ResourceType) + textBound(x.ResourceName);
    }
    const buf = this.#reserve(bytes);
    let p = this.#at;
    if (start) this.#segmentAt = p;
    putU32(buf, p, mask);
    buf[p + 4] = (r.readOnly ? READ_ONLY : 0) | (r.fromConsole ? FROM_CONSOLE : 0) | (r.shared << SHARED_SHIFT) | (start ? SEGMENT_START : 0);
    if (LITTLE_ENDIAN) {
      TIME[0] = t;
      // Byte by byte: set() of a typed array is a native call for eight bytes.
      for (let i = 0; i < 8; i++) buf[p + 5 + i] = TIME_BYTES[i]!;
    } else buf.writeDoubleLE(t, p + 5);
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
    if (start) {
      this.#segmentRows = 1;
      this.#segmentMin = this.#segmentMax = t;
    } else {
      this.#segmentRows++;
      if (t < this.#segmentMin) this.#segmentMin = t;
      if (t > this.#segmentMax) this.#segmentMax = t;
    }
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
/** At most this many rows in one segment (a block's events at most: event-block.ts BLOCK_EVENTS). */
export const SEGMENT_ROWS = 1024;
/** A segment closes once its bytes reach this size (a block's, event-block.ts BLOCK_BYTES; one larger row still fits). */
export const SEGMENT_BYTES = 1 << 20;
/**
 * The event times (ms) of one segment lie within this span, so the seconds they are stored under lie within a block's
 * BLOCK_SPAN_MS (event-block.ts) of each other.
 */
export const SEGMENT_SPAN_MS = 59_000;
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

/**
 * String.prototype.charCodeAt, called as `charCodeAt.call(s, i)` where putShortAscii copies a text character by
 * character: `s.charCodeAt(i)` looks the method up on `s` first, and a server's texts come in so many string
 * representations (flat, joined, sliced, internalized) that the lookup's cache gives up (megamorphic) and each
 * character costs a generic lookup and call; called through the function itself, the compiler reads the character
 * directly. Measured over HTTP (samples of recording AssumeRole, four runs each, same build otherwise): 2.80 against
 * 2.58 µs a call. Not where a text is read first (flat): the generic call flattens a joined text, the compiler's
 * read walks it, and there it measured slower.
 */
const charCodeAt = String.prototype.charCodeAt;

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
    const c = charCodeAt.call(s, i);
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
  // Looked up on `s`, not charCodeAt.call: the generic call flattens.
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
    const i = this.#at;
    this.#at += ID_BYTES;
    formatEventId(buf, at, timeMs, this.#bytes, i);
  }
}

/** The random bytes the event IDs of a block of rows (event-block.ts, FORMAT_ROWS) are made from. */
export const ID_SEED_BYTES = ID_BYTES;

/** Where derivedEventId adds an event's index to its block's random bytes, and writes the ID, before reading it back. */
const DERIVED = Buffer.alloc(ID_BYTES);
const DERIVED_ID = Buffer.alloc(EVENT_ID_LENGTH);

/**
 * The event ID of the `index`th event (at `timeMs`) of a block of rows whose IDs are made from the random bytes `seed`
 * (ID_SEED_BYTES): newEventId's layout, its last 48 bits the seed's plus the index. The IDs of one block differ in
 * those bits (as UUID version 7 lets IDs made together count up in their random bits), those of two blocks by their
 * random seeds; none is stored: a block's are made again whenever it is read.
 */
export function derivedEventId(seed: Uint8Array, index: number, timeMs: number): string {
  DERIVED.set(seed.subarray(0, ID_BYTES));
  let carry = index;
  for (let k = ID_BYTES - 1; k >= ID_BYTES - 6; k--) {
    const v = DERIVED[k]! + (carry % 256);
    DERIVED[k] = v & 0xff;
    carry = Math.floor(carry / 256) + (v >> 8);
  }
  formatEventId(DERIVED_ID, 0, timeMs, DERIVED, 0);
  return DERIVED_ID.toString('latin1');
}

/** Writes the event ID of an event at `timeMs` with the random bytes `b` from `i` (ID_BYTES) into `buf` at `at`. */
function formatEventId(buf: Buffer, at: number, timeMs: number, b: Uint8Array, i: number): void {
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
/** A row's flag (never an event's): the row starts a segment (EventRowBatch). */
const SEGMENT_START = 16;
/** Every flag a row may carry. */
const ROW_FLAGS = READ_ONLY | FROM_CONSOLE | (3 << SHARED_SHIFT) | SEGMENT_START;

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
  /** READ_ONLY | FROM_CONSOLE | shared << SHARED_SHIFT. */
  flags: number;
  timeMs: number;
  /** The sharedEventID, or '' when the event is alone. */
  sharedId: string;
  resources: StoredEvent['resources'];
  /** True for the first row of a segment (EventRowBatch). */
  segmentStart: boolean;
}

/** One resource as a row writes it: its type and name, each undefined where it is the previous row's ("as above"). */
export interface WrittenResource {
  type: string | undefined;
  name: string | undefined;
}

/** What walkRows hands over of one row: valid during the visit only (its `texts` array is the next row's too). */
export interface RowView {
  /** Where the row starts in the bytes. */
  start: number;
  /** True for the first row of a segment: it writes every string and resource (nothing is "as above"). */
  segmentStart: boolean;
  /** READ_ONLY | FROM_CONSOLE | shared << SHARED_SHIFT. */
  flags: number;
  timeMs: number;
  /**
   * For each string place asked for: the text the row writes (null for none), or undefined where the row has the
   * previous row's. Undefined for every place not asked for.
   */
  texts: Array<string | null | undefined>;
  /** The resources the row writes, or undefined when they are all the previous row's. */
  resources: WrittenResource[] | undefined;
}

/**
 * Walks the rows of an EventRowBatch's bytes, checking each as readRows does, and hands over each row's flags, time
 * and resources, and the texts of the string places `wanted` (a mask: bit n for place n) it writes; the other texts
 * are skipped, not read. Throws on bytes EventRowBatch did not write.
 */
export function walkRows(bytes: Uint8Array, wanted: number, visit: (row: RowView) => void): void {
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
  /** Reads (or, when `read` is false, skips) a text of length `l` as putText wrote it. */
  const text = (l: number, read: boolean): string | undefined => {
    // The callers have taken NULL_STRING and AS_ABOVE (which have the top bit too) out.
    const utf16 = l >= UTF16;
    const n = utf16 ? l - UTF16 : l;
    need(n);
    if (utf16 && n % 2 !== 0) bad();
    const s = read ? buf.toString(utf16 ? 'utf16le' : 'utf8', p, p + n) : undefined;
    p += n;
    return s;
  };
  const texts: Array<string | null | undefined> = new Array(STRINGS);
  const row: RowView = { start: 0, segmentStart: false, flags: 0, timeMs: 0, texts, resources: undefined };
  // Whether a row came before this one in its segment, how many resources it had, and whether a pair is open.
  let first = true;
  let lastResources = 0;
  let pairOpen = false;
  while (p < end) {
    row.start = p;
    need(ROW_HEAD);
    const mask = buf.readUInt32LE(p);
    const flags = buf[p + 4]!;
    const timeMs = buf.readDoubleLE(p + 5);
    p += ROW_HEAD;
    const shared = (flags >> SHARED_SHIFT) & 3;
    const segmentStart = first || (flags & SEGMENT_START) !== 0;
    if (!Number.isFinite(timeMs) || (flags & ~ROW_FLAGS) !== 0 || shared === 3) bad();
    // A segment's first row writes everything, and never comes between the two rows of a pair.
    if ((segmentStart && (mask !== 0 || shared === 2)) || mask >>> (STRINGS + 1) !== 0) bad();
    if (segmentStart) lastResources = 0;
    if (shared === 2 ? !pairOpen : pairOpen) bad();
    pairOpen = shared === 1;
    for (let n = 0; n < STRINGS; n++) {
      const read = (wanted & (1 << n)) !== 0;
      if (mask & (1 << n)) {
        texts[n] = undefined;
        continue;
      }
      const l = len();
      if (l === NULL_STRING) {
        if (!OPTIONAL.has(n)) bad();
        texts[n] = read ? null : undefined;
      } else if (l === AS_ABOVE) bad();
      else texts[n] = text(l, read);
    }
    let resources: WrittenResource[] | undefined;
    if ((mask & (1 << STRINGS)) === 0) {
      resources = [];
      need(2);
      const count = buf.readUInt16LE(p);
      p += 2;
      for (let n = 0; n < count; n++) {
        const type = len();
        const t = type === AS_ABOVE ? (n < lastResources ? undefined : bad()) : type === NULL_STRING ? bad() : text(type, true);
        const name = len();
        const v = name === AS_ABOVE ? (n < lastResources ? undefined : bad()) : name === NULL_STRING ? bad() : text(name, true);
        resources.push({ type: t, name: v });
      }
      lastResources = count;
    }
    row.segmentStart = segmentStart;
    row.flags = flags & ~SEGMENT_START;
    row.timeMs = timeMs;
    row.resources = resources;
    visit(row);
    first = false;
  }
  if (pairOpen) bad();
}

/** Every string place of a row. */
const ALL_STRINGS = (1 << STRINGS) - 1;

/**
 * Reads the rows of an EventRowBatch's bytes, one at a time, giving each pair one new sharedEventID. Throws on bytes
 * EventRowBatch did not write.
 */
export function readRows(bytes: Uint8Array, visit: (row: RowFacts) => void): void {
  // The previous row's strings and resources, for the values its successor marks "as above".
  let last: Array<string | null> = [];
  let lastResources: StoredEvent['resources'] = [];
  let sharedId = '';
  walkRows(bytes, ALL_STRINGS, (v) => {
    const strings: Array<string | null> = new Array(STRINGS);
    for (let n = 0; n < STRINGS; n++) {
      const t = v.texts[n];
      strings[n] = t === undefined ? last[n]! : t;
    }
    let resources = lastResources;
    if (v.resources !== undefined) {
      resources = [];
      for (let n = 0; n < v.resources.length; n++) {
        const w = v.resources[n]!;
        const was = lastResources[n];
        resources.push({ ResourceType: w.type ?? was!.ResourceType, ResourceName: w.name ?? was!.ResourceName });
      }
    }
    last = strings;
    lastResources = resources;
    const shared = v.flags >> SHARED_SHIFT;
    if (shared === 1) sharedId = randomUUID();
    visit({ strings, flags: v.flags, timeMs: v.timeMs, sharedId: shared === 0 ? '' : sharedId, resources, segmentStart: v.segmentStart });
  });
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
