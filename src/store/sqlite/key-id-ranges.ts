/**
 * Temporary access key IDs in the event lookup keys (SQLite) as ranges. Every AssumeRole event names the key it issued
 * (a ResourceName), so one key row per such key would be one new index entry per event. kamen's temporary key IDs
 * (ASIA + 16 Base32 characters) issued close together share their first sixteen characters (the sealed ones: the
 * account and the 128th of a second they were issued in, src/authz/temporary-keys.ts) and are numbered by their last
 * four (20 bits). A block's key row for such values names each prefix once with the lowest and the highest number
 * its events carry under it: `<prefix><lowest four><highest four>`.
 *
 * A lookup of one key ID seeks the rows of its prefix and reads the blocks whose range holds its number, and the
 * blocks written before ranges, whose rows name the key itself; the events read are then matched exactly, so a range
 * wider than its keys (numbers taken by other accounts' keys, or one that wrapped) costs a read, never a wrong answer.
 * The retention sweep deletes a block's rows of a prefix whatever their shape.
 */
import type { EventLookupKey } from '../store.js';

/** The attributes whose temporary key ID values are kept as ranges. */
const RANGED: ReadonlySet<EventLookupKey> = new Set(['ResourceName', 'AccessKeyId']);
const KEY_ID = /^ASIA[A-Z2-7]{16}$/;
/** The characters the keys of one range share. */
const PREFIX = 16;
/** A key row's value that names one key (20 characters) or a range of them (PREFIX + 8). */
const KEY_LENGTH = 20;
const RANGE_LENGTH = PREFIX + 8;
/** Sorts after every Base32 character: `prefix + END` bounds the values of a prefix. */
const END = '~';

/** The number the last four Base32 characters of `text` from `at` carry (0 … 2^20 - 1), or -1 when they are not Base32. */
function numberAt(text: string, at: number): number {
  let n = 0;
  for (let i = at; i < at + 4; i++) {
    const c = text.charCodeAt(i);
    const d = c >= 65 && c <= 90 ? c - 65 : c >= 50 && c <= 55 ? c - 24 : -1;
    if (d < 0) return -1;
    n = n * 32 + d;
  }
  return n;
}

/** True when the value of `attr` is a temporary key ID kept in a range. */
export function isRangedKeyId(attr: EventLookupKey, value: string): boolean {
  return RANGED.has(attr) && value.length === KEY_LENGTH && KEY_ID.test(value);
}

/** The values of the key rows that may name `keyId`: those from `prefix` (inclusive) to `end` (exclusive). */
export function keyIdBounds(keyId: string): { prefix: string; end: string } {
  const prefix = keyId.slice(0, PREFIX);
  return { prefix, end: prefix + END };
}

/**
 * For a key row keysOf gives a block (attribute and value): the bounds of its prefix when it is a range, for the
 * retention sweep to delete every row of that prefix the block has (a range, or the keys of a block written before).
 */
export function rangeRowBounds(attr: EventLookupKey, value: string): { prefix: string; end: string } | undefined {
  if (!RANGED.has(attr) || value.length !== RANGE_LENGTH || !KEY_ID.test(value.slice(0, KEY_LENGTH)) || numberAt(value, KEY_LENGTH) < 0) return undefined;
  return keyIdBounds(value);
}

/** True when the key row value `value` (found between keyIdBounds(keyId)) names `keyId` or a range holding it. */
export function keyRowHolds(value: string, keyId: string): boolean {
  if (value.length === KEY_LENGTH) return value === keyId;
  if (value.length !== RANGE_LENGTH || !value.startsWith(keyId.slice(0, PREFIX))) return false;
  const n = numberAt(keyId, PREFIX);
  return n >= numberAt(value, PREFIX) && n <= numberAt(value, PREFIX + 4) && n >= 0;
}

/** The keys of one attribute and prefix a block holds: the lowest and highest. */
interface KeyIdRange {
  attr: EventLookupKey;
  prefix: string;
  low: string;
  lowN: number;
  high: string;
  highN: number;
}

/** Gathers the key ID values of one block's attribute into ranges. */
export class KeyIdRanges {
  /** Per attribute and prefix: the lowest and highest key ID under it. */
  readonly #ranges = new Map<string, KeyIdRange>();
  /** The range taken in last: the keys of one block mostly share it. */
  #last: KeyIdRange | undefined;

  /** Takes in the key ID `keyId` (isRangedKeyId) of attribute `attr`. */
  add(attr: EventLookupKey, keyId: string): void {
    const n = numberAt(keyId, PREFIX);
    let r = this.#last;
    if (r === undefined || r.attr !== attr || !keyId.startsWith(r.prefix)) {
      const prefix = keyId.slice(0, PREFIX);
      const at = `${attr} ${prefix}`;
      r = this.#ranges.get(at);
      if (r === undefined) {
        this.#ranges.set(at, (this.#last = { attr, prefix, low: keyId, lowN: n, high: keyId, highN: n }));
        return;
      }
      this.#last = r;
    }
    if (n < r.lowN) {
      r.low = keyId;
      r.lowN = n;
    } else if (n > r.highN) {
      r.high = keyId;
      r.highN = n;
    }
  }

  /** The key rows: each attribute and prefix once, with its range. */
  rows(out: Array<[EventLookupKey, string]>): void {
    for (const r of this.#ranges.values()) out.push([r.attr, r.low + r.high.slice(PREFIX)]);
  }
}
