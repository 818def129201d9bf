/**
 * Temporary access key IDs: ASIA + 16 Base32 characters whose first six are the issue second, so a key ID tells when
 * it was issued (which answers ExpiredToken for credentials whose rows were swept) and later ones sort after earlier.
 */
import { randomBytes } from 'node:crypto';
import type { RandomSource } from '../random.js';

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** Seconds since 2024-01-01 are the first six characters of a temporary key ID (32^6 s ≈ 34 years). */
const KEY_EPOCH_MS = Date.UTC(2024, 0, 1);
/** The Base32 characters in ASCII order, so the time stamp and sequence sort as they count. */
const B32_SORTED = '234567ABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** Key IDs one source numbers within a second (three sorted Base32 characters). */
const SEQUENCE_SPAN = 32 ** 3;
const KEY_ID = /^ASIA[2-7A-Z]{16}$/;

/** The longest any temporary credentials live: GetSessionToken and GetFederationToken allow 36 hours. */
export const MAX_TEMPORARY_LIFETIME_SECONDS = 129_600;

/** Draws temporary key IDs for one server: later ones sort after earlier ones. */
export type TemporaryKeyIds = (nowMs: number) => string;

/**
 * ASIA + 16 Base32 characters: six of the issue time, three of a sequence within that second, seven random (35 bits).
 * Increasing IDs land at the end of the store's index, where SQLite appends, instead of splitting pages in the middle
 * (whose page swaps cost it a scan of the whole page cache at every commit). Key IDs are identifiers, not secrets
 * (AWS's encode the account); a restart within the same second relies on the random part, and the store refuses a
 * duplicate, which the issuer draws again.
 */
export function createTemporaryKeyIds(random: RandomSource = randomBytes): TemporaryKeyIds {
  let second = -1;
  let seq = 0;
  return (nowMs) => {
    const t0 = Math.max(0, Math.floor((nowMs - KEY_EPOCH_MS) / 1000));
    if (t0 !== second) {
      second = t0;
      seq = 0;
    }
    const r = random(10);
    // past the span within one second the order is given up, never uniqueness
    let n = seq < SEQUENCE_SPAN ? seq++ : (r[7]! << 7) | (r[8]! & 127);
    let t = t0;
    let stamp = '';
    for (let i = 0; i < 6; i++) {
      stamp = B32_SORTED[t & 31] + stamp;
      t = Math.floor(t / 32);
    }
    let sequence = '';
    for (let i = 0; i < 3; i++) {
      sequence = B32_SORTED[n & 31] + sequence;
      n >>= 5;
    }
    let id = 'ASIA' + stamp + sequence;
    for (let i = 0; i < 7; i++) id += B32[r[i]! & 31];
    return id;
  };
}

/** The issue second (ms since the epoch) a temporary key ID carries, or undefined when it is not one kamen's shape. */
export function temporaryKeyIssuedAt(accessKeyId: string): number | undefined {
  if (!KEY_ID.test(accessKeyId)) return undefined;
  let t = 0;
  for (let i = 4; i < 10; i++) t = t * 32 + B32_SORTED.indexOf(accessKeyId[i]!);
  return KEY_EPOCH_MS + t * 1000;
}

/** The issue seconds a sealed key ID carries wrap around after this many (about 68 minutes). */
const SEALED_TIME_SPAN = 4096;
/** A sealed key ID carries its issue time in 128ths of a second (7 bits after the second). */
const SEALED_SLOTS_PER_SECOND = 128;

/** The 128th of a second (modulo 4096 s) a sealed key ID issued at `nowMs` carries. */
function sealedSlot(nowMs: number): number {
  return Math.floor((nowMs * SEALED_SLOTS_PER_SECOND) / 1000) % (SEALED_TIME_SPAN * SEALED_SLOTS_PER_SECOND);
}

/** Twenty random bits from three random bytes. */
function twentyBits(r: Buffer): number {
  return (r[0]! << 12) | (r[1]! << 4) | (r[2]! & 15);
}

/**
 * A key ID for sealed (row-less) temporary credentials: ASIA + 16 Base32 characters that encode `accountId` where
 * AWS's key IDs do (GetAccessKeyInfo decodes it, as it decodes AWS's), then 39 bits: the issue time modulo 4096 s in
 * 128ths of a second (`slot`, 19 bits) and 20 bits `n`. The time comes first so that the keys one account is issued
 * within a 128th of a second share their first sixteen characters: CloudTrail's lookup rows for the keys one batch of
 * events names (each AssumeRole event names its new key) land together at one or two places of the store's index
 * instead of dirtying a page of it per event.
 */
function sealedKeyIdText(accountId: string, slot: number, n: number): string {
  const t = slot >> 7;
  // 50 bits (exact in a double): a zero bit, the 40-bit account, the issue second's high 9 bits; then 30 bits: its low
  // 3 bits, the 128th of the second (7 bits) and n, most significant first.
  let head = Number(accountId) * 512 + (t >> 3);
  let chars = '';
  for (let i = 0; i < 10; i++) {
    chars = B32[head % 32] + chars;
    head = Math.floor(head / 32);
  }
  const tail = (((t & 7) << 27) | ((slot & 127) << 20) | n) >>> 0;
  for (let i = 5; i >= 0; i--) chars += B32[(tail >>> (5 * i)) & 31];
  return 'ASIA' + chars;
}

/** Draws sealed key IDs for one server (ServiceDeps.sealedKeyIds). */
export type SealedKeyIds = (accountId: string, nowMs: number) => string;

/**
 * Sealed key IDs numbered within each 128th of a second from a random start: one server never issues the same ID
 * twice in a slot (nor in 68 minutes below 2^20 keys a slot), the keys of one slot are neighbours in the lookup index,
 * and two servers issuing in the same slot meet as often as with 20 random bits a key. Two IDs that do meet are each
 * valid with their own token.
 */
export function createSealedKeyIds(random: RandomSource = randomBytes): SealedKeyIds {
  let slot = -1;
  let next = 0;
  return (accountId, nowMs) => {
    const s = sealedSlot(nowMs);
    if (s !== slot) {
      slot = s;
      next = twentyBits(random(3));
    }
    const n = next;
    next = (next + 1) & 0xfffff;
    return sealedKeyIdText(accountId, s, n);
  };
}

/** One sealed key ID with 20 random bits (no server's numbering). */
export function sealedTemporaryKeyId(accountId: string, random: RandomSource = randomBytes, nowMs: number = Date.now()): string {
  return sealedKeyIdText(accountId, sealedSlot(nowMs), twentyBits(random(3)));
}
