/**
 * Event blocks (SQLite): the audit events of one account and region written together are stored as one row holding
 * their encoded bytes, with one lookup key row per distinct attribute value in the block, instead of one row and five
 * index entries per event. Storing a batch then costs its bytes copied into a few rows; a lookup seeks the blocks
 * whose keys match and reads the events out of them.
 *
 * An event's position (the `seq` of StoredEvent, LookupEvents' tokens and trail delivery) is its block's row ID times
 * POSITIONS_PER_BLOCK plus its index in the block: positions follow commit order as row IDs do.
 *
 * Binary format (FORMAT_BINARY), per event: u32 length of the rest, f64 event time (ms), u8 flags (1 read-only,
 * 2 user name present, 4 access key present), then as `u32 byte length + UTF-8` the event ID, name, source, user name
 * and access key (when present), a u16 resource count with each resource's type and name, and the record's JSON.
 * FORMAT_ROW is one event carried over from the per-event table of earlier versions (migration 020): a JSON array.
 *
 * Facts format (FORMAT_FACTS: the events the writer thread stores, from rows of facts, src/audit/event-row.ts, by
 * encodeRowBlocks), per event: u32 length of the rest, f64 time (ms), u8 flags, u32 mask, the event ID and
 * sharedEventID (`u32 byte length + UTF-8`), then each of the row's strings the mask does not mark "as above" (the same
 * as the block's previous event: bit n for string n) as `u32 byte length + UTF-8` (NULL_STRING for none), then, unless
 * the mask's bit ROW_STRINGS marks them all as above, a u16 resource count with each resource's type and name, each
 * either written or AS_ABOVE (the previous event's resource at that place has it). A row's strings hold
 * responseElements in two, its first member and the rest, so a repeated AssumeRole stores its new credentials, not its
 * session again. The record is rendered from these when read: an event costs its differences from the one before it,
 * not its record text.
 * FORMAT_FACTS_JOINED, written by earlier versions and still read, had responseElements in one string (18 strings a
 * row) and each event's resources all as above or all written.
 *
 * Rows format (FORMAT_ROWS: what the writer thread stores of a segment of rows, src/audit/event-row.ts, whose events
 * are all of one account and region, as a busy client's are): ID_SEED_BYTES random bytes, then the segment's rows
 * exactly as the event loop wrote them. The writer thread copies them without reading their texts but those its keys
 * come from (walkRows); an event's ID is made from the seed and its index in the block whenever it is read
 * (derivedEventId), so none is stored. A segment that names several accounts or regions (a pair of records of a call
 * into another account among them) is stored as FORMAT_FACTS blocks instead.
 */
import type { EventLookupKey, StoredEvent } from '../store.js';
import { randomFillSync } from 'node:crypto';
import { ACCESS_KEY_ID, ACCOUNT, AS_ABOVE, EVENT_ID_LENGTH, EVENT_NAME, EVENT_SOURCE, EventIds, ID_SEED_BYTES, NULL_STRING, READ_ONLY as FACT_READ_ONLY, REGION, RESPONSE_REST, ROW_STRINGS, SEGMENT_BYTES, SEGMENT_ROWS, SEGMENT_SPAN_MS, SHARED_SHIFT, USERNAME, derivedEventId, optionalString, putLength, putShortAscii, readRows, renderRecord, sameResources, storedTime, textBound, walkRows, type EventFacts, type RowView } from '../../audit/event-row.js';
import { eventIdSecond } from '../rows/events.js';
import { KeyIdRanges, isRangedKeyId } from './key-id-ranges.js';

/** Positions per block (the factor between a block's row ID and its events' positions). */
export const POSITIONS_PER_BLOCK = 4096;
/** At most this many events in one block. */
export const BLOCK_EVENTS = 1024;
/** A block's events lie within this span of event time, so a lookup bounded in time reads few blocks it must skip. */
export const BLOCK_SPAN_MS = 60_000;
/** A block closes once its bytes pass this size (one larger event still makes a block of its own). */
const BLOCK_BYTES = 1 << 20;
// A segment of rows (event-row.ts) fits one block.
if (SEGMENT_ROWS > BLOCK_EVENTS || SEGMENT_BYTES > BLOCK_BYTES || SEGMENT_SPAN_MS + 1000 > BLOCK_SPAN_MS) throw new Error('a segment of rows outgrew a block');

/** One event migrated from the per-event table: a JSON array [id, time, name, source, readOnly, user, key, resources, record]. */
export const FORMAT_ROW = 1;
/** Events encoded by encodeBlocks. */
export const FORMAT_BINARY = 2;
/** Events' facts as earlier versions encoded them (read only): one string fewer a row, resources all or none. */
export const FORMAT_FACTS_JOINED = 3;
/** Events' facts encoded by encodeRowBlocks from rows of several accounts or regions (rendered into records when read). */
export const FORMAT_FACTS = 4;
/** One segment of rows of one account and region as the event loop wrote it (encodeRowBlocks; rendered when read). */
export const FORMAT_ROWS = 5;

const READ_ONLY = 1;
const HAS_USER = 2;
const HAS_KEY = 4;

/** A finished block: what its row and key rows hold. */
export interface EncodedBlock {
  accountId: string;
  awsRegion: string;
  minTime: number;
  maxTime: number;
  count: number;
  /** FORMAT_BINARY or FORMAT_FACTS. */
  format: number;
  data: Uint8Array;
  /** Each distinct lookup attribute value of the block's events. */
  keys: Array<[EventLookupKey, string]>;
}

/** The indexed attributes of one event in a block, and where its record is. */
export interface BlockEvent {
  index: number;
  time: number;
  readOnly: boolean;
  eventId: string;
  eventName: string;
  eventSource: string;
  username?: string;
  accessKeyId?: string;
  resources: StoredEvent['resources'];
  /** FORMAT_BINARY: the record's byte range in the block's data. */
  recordStart: number;
  recordEnd: number;
  /** FORMAT_ROW: the record itself. */
  record?: string;
  /** FORMAT_FACTS: what the record is rendered from. */
  facts?: EventFacts;
}

/** The block being filled for one account and region. */
class OpenBlock {
  buf: Buffer = Buffer.allocUnsafe(16 * 1024);
  pos = 0;
  minTime = Infinity;
  maxTime = -Infinity;
  count = 0;
  /** The block's lookup keys, gathered as its events are written. */
  readonly keys = new BlockKeys();
  /** FORMAT_FACTS: the last event written, whose strings the next one may repeat "as above". */
  prev: Pick<EventFacts, 'strings' | 'flags' | 'resources'> | undefined;
  readonly accountId: string;
  readonly awsRegion: string;
  readonly format: number;
  constructor(accountId: string, awsRegion: string, format: number) {
    this.accountId = accountId;
    this.awsRegion = awsRegion;
    this.format = format;
  }

  /** True when an event at `time` still fits this block. */
  fits(time: number): boolean {
    if (this.count === 0) return true;
    if (this.count >= BLOCK_EVENTS || this.pos >= BLOCK_BYTES) return false;
    return Math.max(this.maxTime, time) - Math.min(this.minTime, time) <= BLOCK_SPAN_MS;
  }

  /** Makes room for `bytes` more. */
  reserve(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + bytes));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }

  /** Takes in the event just written from `pos` to `end`, at `time`. */
  added(end: number, time: number): void {
    this.buf.writeUInt32LE(end - this.pos - 4, this.pos);
    this.pos = end;
    this.count++;
    if (time < this.minTime) this.minTime = time;
    if (time > this.maxTime) this.maxTime = time;
  }

  finish(): EncodedBlock {
    // A view of exactly its bytes (SQLite binds a view's bytes, not the buffer under it).
    return { accountId: this.accountId, awsRegion: this.awsRegion, minTime: this.minTime, maxTime: this.maxTime, count: this.count, format: this.format, data: this.buf.subarray(0, this.pos), keys: this.keys.rows() };
  }
}

/** The blocks one encoding fills: one open block per account and region, closed when full and by take(). */
class OpenBlocks {
  readonly #open = new Map<string, OpenBlock>();
  readonly #done: EncodedBlock[] = [];
  /** The block of the previous event: a batch is mostly one account and region. */
  #last: OpenBlock | undefined;
  readonly #format: number;
  constructor(format: number) {
    this.#format = format;
  }

  /** The open block an event of `accountId` and `region` at `time` goes in. */
  for(accountId: string, region: string, time: number): OpenBlock {
    const last = this.#last;
    let b = last !== undefined && last.accountId === accountId && last.awsRegion === region ? last : this.#open.get(blockKey(accountId, region));
    if (b && !b.fits(time)) {
      this.#done.push(b.finish());
      b = undefined;
    }
    if (!b) this.#open.set(blockKey(accountId, region), (b = new OpenBlock(accountId, region, this.#format)));
    return (this.#last = b);
  }

  /** Closes every open block and returns every block. */
  take(): EncodedBlock[] {
    for (const b of this.#open.values()) this.#done.push(b.finish());
    this.#open.clear();
    return this.#done;
  }
}

/** The key of the open block of an account and region (region '' for events that name none). */
function blockKey(accountId: string, region: string): string {
  return region === '' ? accountId : `${accountId}/${region}`;
}

/** Writes `s` at `at` as u32 byte length + UTF-8; returns the offset after it (the caller reserved 4 + 3 × length). */
function putString(buf: Buffer, at: number, s: string): number {
  const n = s.length;
  const p = at + 4;
  if (putShortAscii(buf, p, s)) {
    buf.writeUInt32LE(n, at);
    return p + n;
  }
  const len = buf.write(s, p, 'utf8');
  buf.writeUInt32LE(len, at);
  return p + len;
}

/** Encodes events into FORMAT_BINARY blocks (the in-transaction path), one per account and region. */
export function encodeBlocks(events: readonly StoredEvent[]): EncodedBlock[] {
  const blocks = new OpenBlocks(FORMAT_BINARY);
  for (const e of events) {
    const time = e.eventTime.getTime();
    const record = e.record;
    let bytes = 4 + 8 + 1 + 2 + 6 * 4 + 3 * (e.eventId.length + e.eventName.length + e.eventSource.length + record.length);
    if (e.username !== undefined) bytes += 3 * e.username.length;
    if (e.accessKeyId !== undefined) bytes += 3 * e.accessKeyId.length;
    for (const r of e.resources) bytes += 8 + 3 * (r.ResourceType.length + r.ResourceName.length);
    const b = blocks.for(e.accountId, e.awsRegion ?? '', time);
    b.reserve(bytes);
    const buf = b.buf;
    let p = b.pos + 4;
    buf.writeDoubleLE(time, p);
    p += 8;
    buf[p++] = (e.readOnly ? READ_ONLY : 0) | (e.username !== undefined ? HAS_USER : 0) | (e.accessKeyId !== undefined ? HAS_KEY : 0);
    p = putString(buf, p, e.eventId);
    p = putString(buf, p, e.eventName);
    p = putString(buf, p, e.eventSource);
    if (e.username !== undefined) p = putString(buf, p, e.username);
    if (e.accessKeyId !== undefined) p = putString(buf, p, e.accessKeyId);
    buf.writeUInt16LE(e.resources.length, p);
    p += 2;
    for (const r of e.resources) {
      p = putString(buf, p, r.ResourceType);
      p = putString(buf, p, r.ResourceName);
    }
    p = putString(buf, p, record);
    b.added(p, time);
    b.keys.event(e, false);
  }
  return blocks.take();
}

/** Thrown for a block whose bytes are not what the encoders here write. */
function corrupt(): never {
  throw new Error('corrupt event block');
}

/** Reads the indexed attributes of every event of a block (`data` as stored for `format`). */
export function readBlock(format: number, data: Uint8Array | string): BlockEvent[] {
  if (format === FORMAT_ROW) return [rowEvent(typeof data === 'string' ? data : Buffer.from(data).toString('utf8'))];
  if ((format === FORMAT_FACTS || format === FORMAT_FACTS_JOINED) && typeof data !== 'string') return readFactBlock(Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength), format);
  if (format === FORMAT_ROWS && typeof data !== 'string') return readRowsBlock(data);
  if (format !== FORMAT_BINARY || typeof data === 'string') return corrupt();
  const buf = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const out: BlockEvent[] = [];
  let p = 0;
  const end = buf.length;
  const str = (): string => {
    if (p + 4 > end) corrupt();
    const n = buf.readUInt32LE(p);
    p += 4;
    if (p + n > end) corrupt();
    const s = buf.toString('utf8', p, p + n);
    p += n;
    return s;
  };
  while (p < end) {
    if (p + 4 > end) corrupt();
    const next = p + 4 + buf.readUInt32LE(p);
    if (next > end || p + 4 + 8 + 1 > next) corrupt();
    p += 4;
    const time = buf.readDoubleLE(p);
    p += 8;
    const flags = buf[p++]!;
    const eventId = str();
    const eventName = str();
    const eventSource = str();
    const username = flags & HAS_USER ? str() : undefined;
    const accessKeyId = flags & HAS_KEY ? str() : undefined;
    if (p + 2 > end) corrupt();
    let n = buf.readUInt16LE(p);
    p += 2;
    const resources: StoredEvent['resources'] = [];
    for (; n > 0; n--) resources.push({ ResourceType: str(), ResourceName: str() });
    if (p + 4 > next) corrupt();
    const len = buf.readUInt32LE(p);
    const recordStart = p + 4;
    if (recordStart + len !== next) corrupt();
    const e: BlockEvent = { index: out.length, time, readOnly: (flags & READ_ONLY) !== 0, eventId, eventName, eventSource, resources, recordStart, recordEnd: next };
    if (username !== undefined) e.username = username;
    if (accessKeyId !== undefined) e.accessKeyId = accessKeyId;
    out.push(e);
    p = next;
  }
  return out;
}

/** The event a FORMAT_ROW block holds. */
function rowEvent(text: string): BlockEvent {
  const a = JSON.parse(text) as [string, number, string, string, string, string | null, string | null, StoredEvent['resources'] | string, string];
  if (!Array.isArray(a) || a.length !== 9) corrupt();
  const [eventId, time, eventName, eventSource, readOnly, username, accessKeyId, resources, record] = a;
  const e: BlockEvent = {
    index: 0,
    time: Number(time),
    readOnly: readOnly === 'true',
    eventId,
    eventName,
    eventSource,
    resources: typeof resources === 'string' ? (JSON.parse(resources) as StoredEvent['resources']) : resources,
    recordStart: 0,
    recordEnd: 0,
    record,
  };
  if (username !== null) e.username = username;
  if (accessKeyId !== null) e.accessKeyId = accessKeyId;
  return e;
}

/** True when block event `e` has the value `value` for the lookup attribute `key`. */
export function matches(e: BlockEvent, key: EventLookupKey, value: string): boolean {
  switch (key) {
    case 'EventId':
      return e.eventId === value;
    case 'EventName':
      return e.eventName === value;
    case 'ReadOnly':
      return (e.readOnly ? 'true' : 'false') === value;
    case 'Username':
      return e.username === value;
    case 'EventSource':
      return e.eventSource === value;
    case 'AccessKeyId':
      return e.accessKeyId === value;
    case 'ResourceType':
      return e.resources.some((r) => r.ResourceType === value);
    case 'ResourceName':
      return e.resources.some((r) => r.ResourceName === value);
  }
}

/** The stored event `e` of block `seq` (of `accountId` and `region`, with its bytes `data`), with its position. */
export function storedEvent(seq: number, accountId: string, region: string, data: Uint8Array | string, e: BlockEvent): StoredEvent & { seq: number } {
  const record = e.facts ? renderRecord(e.facts) : e.record ?? Buffer.from((data as Uint8Array).buffer, (data as Uint8Array).byteOffset, (data as Uint8Array).byteLength).toString('utf8', e.recordStart, e.recordEnd);
  const out: StoredEvent & { seq: number } = {
    seq: seq * POSITIONS_PER_BLOCK + e.index,
    accountId,
    eventId: e.eventId,
    eventTime: new Date(e.time),
    eventName: e.eventName,
    eventSource: e.eventSource,
    readOnly: e.readOnly,
    resources: e.resources,
    record,
  };
  if (e.username !== undefined) out.username = e.username;
  if (e.accessKeyId !== undefined) out.accessKeyId = e.accessKeyId;
  if (region) out.awsRegion = region;
  return out;
}

/** What a block's lookup keys are made of: a stored event, or one read back from a block. */
type KeyedEvent = Pick<StoredEvent, 'eventId' | 'eventName' | 'eventSource' | 'username' | 'accessKeyId' | 'resources' | 'readOnly'>;

/**
 * The lookup keys of a block's events, each distinct (attribute, value) once, temporary key IDs as one range per
 * prefix (key-id-ranges.ts): what its key rows hold, when it is stored and when it is deleted. An event ID has a key
 * when a lookup cannot find it by its second: an ID not led by its millisecond, or any ID of an event migration 020
 * carried over (`migrated`).
 */
export function keysOf(events: readonly KeyedEvent[], migrated: boolean): Array<[EventLookupKey, string]> {
  const keys = new BlockKeys();
  for (const e of events) keys.event(e, migrated);
  return keys.rows();
}

/** A block's lookup keys (keysOf), gathered one value or one event at a time. */
class BlockKeys {
  // One set of values per attribute: a block's events mostly repeat the same few values, and nothing is concatenated.
  readonly #values = new Map<EventLookupKey, Set<string>>();
  // Temporary key IDs (a new one in every AssumeRole event) as ranges of those issued together (key-id-ranges.ts;
  // blocks written before ranges have a row per key, which the retention sweep deletes by their prefix all the same).
  readonly #ranges = new KeyIdRanges();

  /** Takes in the value `v` of attribute `k`. */
  add(k: EventLookupKey, v: string): void {
    if (isRangedKeyId(k, v)) {
      this.#ranges.add(k, v);
      return;
    }
    let set = this.#values.get(k);
    if (set === undefined) this.#values.set(k, (set = new Set()));
    set.add(v);
  }

  /** Takes in every value of event `e` (its event ID when a lookup cannot find it by its second, or `migrated`). */
  event(e: KeyedEvent, migrated: boolean): void {
    this.add('EventName', e.eventName);
    this.add('EventSource', e.eventSource);
    if (e.username !== undefined) this.add('Username', e.username);
    if (e.accessKeyId !== undefined) this.add('AccessKeyId', e.accessKeyId);
    for (const r of e.resources) {
      this.add('ResourceType', r.ResourceType);
      this.add('ResourceName', r.ResourceName);
    }
    this.add('ReadOnly', e.readOnly ? 'true' : 'false');
    if (migrated || eventIdSecond(e.eventId) === undefined) this.add('EventId', e.eventId);
  }

  /** Each distinct (attribute, value) once, and each key ID range. */
  rows(): Array<[EventLookupKey, string]> {
    const out: Array<[EventLookupKey, string]> = [];
    for (const [k, set] of this.#values) for (const v of set) out.push([k, v]);
    this.#ranges.rows(out);
    return out;
  }
}

/** A stored block's row as the readers of every event (trail delivery, the copy to PostgreSQL) read it. */
export interface StoredBlockRow {
  seq: number;
  account_id: string;
  aws_region: string;
  format: number;
  data: Uint8Array | string;
}

/** Every event of a stored block, with its position. */
export function blockEvents(b: StoredBlockRow): Array<StoredEvent & { seq: number }> {
  return readBlock(b.format, b.data).map((e) => storedEvent(b.seq, b.account_id, b.aws_region, b.data, e));
}

/** What a detached append stores: stored events (FORMAT_BINARY) or rows of facts (FORMAT_FACTS, src/audit/event-row.ts). */
export type DetachedBatch = { events: readonly StoredEvent[] } | { rows: Uint8Array };

/** The blocks of a detached batch, wherever it is stored (the writer thread, or the serving connection without one). */
export function encodeDetached(batch: DetachedBatch): EncodedBlock[] {
  return 'events' in batch ? encodeBlocks(batch.events) : encodeRowBlocks(batch.rows);
}

/** The lookup attribute of each of a row's strings that is one (by its place in the row). */
const KEYED_STRINGS: ReadonlyMap<number, EventLookupKey> = new Map([
  [EVENT_NAME, 'EventName'],
  [EVENT_SOURCE, 'EventSource'],
  [USERNAME, 'Username'],
  [ACCESS_KEY_ID, 'AccessKeyId'],
]);

/** The string places of a row whose texts the writer thread reads: its account and region, and those keys are made of. */
const KEY_STRINGS = [...KEYED_STRINGS.keys()].reduce((mask, n) => mask | (1 << n), (1 << ACCOUNT) | (1 << REGION));

/**
 * Encodes the rows of an EventRowBatch's bytes (the writer thread's batches) into blocks, segment by segment: a
 * segment whose events are all of one account and region becomes one FORMAT_ROWS block, its bytes copied as they are
 * (only the texts its keys come from are read); any other segment becomes FORMAT_FACTS blocks (encodeFactBlocks).
 */
export function encodeRowBlocks(rows: Uint8Array): EncodedBlock[] {
  const out: EncodedBlock[] = [];
  let segment: RowSegment | undefined;
  const close = (end: number): void => {
    if (segment) for (const b of segment.finish(rows, end)) out.push(b);
  };
  walkRows(rows, KEY_STRINGS, (row) => {
    if (row.segmentStart) {
      close(row.start);
      segment = new RowSegment(row.start);
    }
    segment!.take(row);
  });
  close(rows.length);
  return out;
}

/** A segment of rows being walked: its account and region while it has one, its events' span and its lookup keys. */
class RowSegment {
  readonly #start: number;
  #account: string | null | undefined;
  #region: string | null | undefined;
  /** True once the segment names a second account or region (or a pair of records, which names two accounts). */
  #mixed = false;
  #count = 0;
  #minTime = Infinity;
  #maxTime = -Infinity;
  #readOnly = -1;
  readonly #keys = new BlockKeys();
  constructor(start: number) {
    this.#start = start;
  }

  /** Takes in the next row of the segment. */
  take(row: RowView): void {
    const t = row.texts;
    if (this.#count === 0) {
      this.#account = t[ACCOUNT];
      this.#region = t[REGION];
    } else if ((t[ACCOUNT] !== undefined && t[ACCOUNT] !== this.#account) || (t[REGION] !== undefined && t[REGION] !== this.#region)) this.#mixed = true;
    if (row.flags >> SHARED_SHIFT !== 0) this.#mixed = true;
    this.#count++;
    const time = storedTime(row.timeMs);
    if (time < this.#minTime) this.#minTime = time;
    if (time > this.#maxTime) this.#maxTime = time;
    if (this.#mixed) return;
    // Each key from the row that writes its value: a row "as above" has the value of one before it in the segment.
    const keys = this.#keys;
    for (const [n, attr] of KEYED_STRINGS) {
      const v = t[n];
      if (typeof v === 'string') keys.add(attr, v);
    }
    const readOnly = row.flags & FACT_READ_ONLY;
    if (readOnly !== this.#readOnly) keys.add('ReadOnly', readOnly ? 'true' : 'false');
    this.#readOnly = readOnly;
    if (row.resources)
      for (const r of row.resources) {
        if (r.type !== undefined) keys.add('ResourceType', r.type);
        if (r.name !== undefined) keys.add('ResourceName', r.name);
      }
  }

  /** The segment's block(s), its rows being `rows` from its start to `end`. */
  finish(rows: Uint8Array, end: number): EncodedBlock[] {
    const account = this.#account;
    const region = this.#region;
    if (this.#mixed || typeof account !== 'string' || typeof region !== 'string' || this.#count > BLOCK_EVENTS || this.#maxTime - this.#minTime > BLOCK_SPAN_MS) return encodeFactBlocks(rows.subarray(this.#start, end));
    const data = Buffer.allocUnsafe(ID_SEED_BYTES + end - this.#start);
    randomFillSync(data, 0, ID_SEED_BYTES);
    data.set(rows.subarray(this.#start, end), ID_SEED_BYTES);
    return [{ accountId: account, awsRegion: region, minTime: this.#minTime, maxTime: this.#maxTime, count: this.#count, format: FORMAT_ROWS, data, keys: this.#keys.rows() }];
  }
}

/**
 * Encodes the rows of an EventRowBatch's bytes into FORMAT_FACTS blocks, one per account and region, each event with a
 * new event ID (led by its millisecond, so it needs no EventId key) written straight into its block. Each lookup key is
 * taken in from the first event that has it: a value the event before it in the block also had is already there.
 */
export function encodeFactBlocks(rows: Uint8Array): EncodedBlock[] {
  const blocks = new OpenBlocks(FORMAT_FACTS);
  const ids = new EventIds();
  readRows(rows, (f) => {
    const st = f.strings;
    const time = storedTime(f.timeMs);
    const b = blocks.for(st[ACCOUNT]!, st[REGION]!, time);
    const prev = b.prev;
    let mask = 0;
    let bytes = 4 + 8 + 1 + 4 + 4 + EVENT_ID_LENGTH + textBound(f.sharedId) + 2;
    for (let n = 0; n < ROW_STRINGS; n++) {
      if (prev !== undefined && st[n] === prev.strings[n]) mask |= 1 << n;
      else bytes += textBound(st[n] ?? null);
    }
    const resourcesAbove = prev !== undefined && sameResources(f.resources, prev.resources);
    if (resourcesAbove) mask |= 1 << ROW_STRINGS;
    else for (const r of f.resources) bytes += textBound(r.ResourceType) + textBound(r.ResourceName);
    b.reserve(bytes);
    const buf = b.buf;
    const keys = b.keys;
    let p = b.pos + 4;
    buf.writeDoubleLE(f.timeMs, p);
    p += 8;
    buf[p++] = f.flags;
    buf.writeUInt32LE(mask >>> 0, p);
    p += 4;
    buf.writeUInt32LE(EVENT_ID_LENGTH, p);
    ids.write(buf, p + 4, f.timeMs);
    p += 4 + EVENT_ID_LENGTH;
    p = putString(buf, p, f.sharedId);
    for (let n = 0; n < ROW_STRINGS; n++) {
      if (mask & (1 << n)) continue;
      const v = st[n] ?? null;
      if (v === null) {
        p = putLength(buf, p, NULL_STRING);
        continue;
      }
      p = putString(buf, p, v);
      const attr = KEYED_STRINGS.get(n);
      if (attr !== undefined) keys.add(attr, v);
    }
    if (prev === undefined || ((f.flags ^ prev.flags) & FACT_READ_ONLY) !== 0) keys.add('ReadOnly', f.flags & FACT_READ_ONLY ? 'true' : 'false');
    if (!resourcesAbove) {
      buf.writeUInt16LE(f.resources.length, p);
      p += 2;
      const above = prev?.resources;
      for (let n = 0; n < f.resources.length; n++) {
        const r = f.resources[n]!;
        const was = above?.[n];
        if (was !== undefined && was.ResourceType === r.ResourceType) p = putLength(buf, p, AS_ABOVE);
        else {
          p = putString(buf, p, r.ResourceType);
          keys.add('ResourceType', r.ResourceType);
        }
        if (was !== undefined && was.ResourceName === r.ResourceName) p = putLength(buf, p, AS_ABOVE);
        else {
          p = putString(buf, p, r.ResourceName);
          keys.add('ResourceName', r.ResourceName);
        }
      }
    }
    b.added(p, time);
    b.prev = f;
  });
  return blocks.take();
}

/**
 * Reads a FORMAT_FACTS (or FORMAT_FACTS_JOINED) block: each event's facts (strings "as above" taken from the event
 * before it; a joined block's responseElements whole, with no rest).
 */
function readFactBlock(buf: Buffer, format: number): BlockEvent[] {
  const joined = format === FORMAT_FACTS_JOINED;
  const strings = joined ? RESPONSE_REST : ROW_STRINGS;
  const out: BlockEvent[] = [];
  let p = 0;
  const end = buf.length;
  let next = 0;
  const len = (): number => {
    if (p + 4 > next) corrupt();
    const n = buf.readUInt32LE(p);
    p += 4;
    return n;
  };
  const text = (n: number): string => {
    if (p + n > next) corrupt();
    const s = buf.toString('utf8', p, p + n);
    p += n;
    return s;
  };
  let prev: EventFacts | undefined;
  while (p < end) {
    if (p + 4 > end) corrupt();
    next = p + 4 + buf.readUInt32LE(p);
    if (next > end || p + 4 + 8 + 1 + 4 > next) corrupt();
    p += 4;
    const timeMs = buf.readDoubleLE(p);
    p += 8;
    const flags = buf[p++]!;
    const mask = buf.readUInt32LE(p);
    p += 4;
    if ((!prev && mask !== 0) || mask >>> (strings + 1) !== 0 || flags >> SHARED_SHIFT > 2 || !Number.isFinite(timeMs)) corrupt();
    const eventId = text(len());
    const sharedId = text(len());
    const values: Array<string | null> = [];
    for (let n = 0; n < strings; n++) {
      if (mask & (1 << n)) {
        values.push(prev!.strings[n]!);
        continue;
      }
      const l = len();
      if (l === NULL_STRING) {
        if (!optionalString(n)) corrupt();
        values.push(null);
      } else values.push(text(l));
    }
    if (joined) values.push('');
    let resources: StoredEvent['resources'];
    if (mask & (1 << strings)) resources = prev!.resources;
    else {
      if (p + 2 > next) corrupt();
      const count = buf.readUInt16LE(p);
      p += 2;
      resources = [];
      for (let n = 0; n < count; n++) {
        const was = prev?.resources[n];
        const type = len();
        const t = type === AS_ABOVE && !joined ? (was ?? corrupt()).ResourceType : text(type);
        const name = len();
        resources.push({ ResourceType: t, ResourceName: name === AS_ABOVE && !joined ? (was ?? corrupt()).ResourceName : text(name) });
      }
    }
    if (p !== next) corrupt();
    const facts: EventFacts = { strings: values, flags, timeMs, eventId, sharedId, resources };
    prev = facts;
    out.push(factsEvent(out.length, facts));
  }
  return out;
}

/** Reads a FORMAT_ROWS block: its rows' facts, each event with the ID its index makes from the block's seed. */
function readRowsBlock(data: Uint8Array): BlockEvent[] {
  if (data.length <= ID_SEED_BYTES) corrupt();
  const seed = data.subarray(0, ID_SEED_BYTES);
  const out: BlockEvent[] = [];
  try {
    readRows(data.subarray(ID_SEED_BYTES), (f) => {
      // One segment, of single events (a pair names two accounts), and no more events than positions.
      if (f.segmentStart !== (out.length === 0) || f.sharedId !== '' || out.length >= POSITIONS_PER_BLOCK) corrupt();
      const eventId = derivedEventId(seed, out.length, f.timeMs);
      out.push(factsEvent(out.length, { strings: f.strings, flags: f.flags, timeMs: f.timeMs, eventId, sharedId: '', resources: f.resources }));
    });
  } catch {
    corrupt();
  }
  return out;
}

/** The block event `index` of a facts or rows block, with its facts (its record is rendered from them when read). */
function factsEvent(index: number, facts: EventFacts): BlockEvent {
  const st = facts.strings;
  const e: BlockEvent = { index, time: storedTime(facts.timeMs), readOnly: (facts.flags & FACT_READ_ONLY) !== 0, eventId: facts.eventId, eventName: st[EVENT_NAME]!, eventSource: st[EVENT_SOURCE]!, resources: facts.resources, recordStart: 0, recordEnd: 0, facts };
  if (st[USERNAME] !== null) e.username = st[USERNAME]!;
  if (st[ACCESS_KEY_ID] !== null) e.accessKeyId = st[ACCESS_KEY_ID]!;
  return e;
}
