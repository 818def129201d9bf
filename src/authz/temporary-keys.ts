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

/**
 * A key ID for sealed (row-less) temporary credentials: ASIA + 16 Base32 characters that encode `accountId` where
 * AWS's key IDs do (GetAccessKeyInfo decodes it, as it decodes AWS's), the other 39 bits random.
 */
export function sealedTemporaryKeyId(accountId: string, random: RandomSource = randomBytes): string {
  const r = random(6);
  // 50 bits (exact in a double): a zero bit, the 40-bit account, 9 random bits; then 30 random bits.
  let head = (Number(accountId) * 128 + (r[0]! & 127)) * 4 + (r[1]! & 3);
  let chars = '';
  for (let i = 0; i < 10; i++) {
    chars = B32[head % 32] + chars;
    head = Math.floor(head / 32);
  }
  const tail = ((r[2]! << 22) | (r[3]! << 14) | (r[4]! << 6) | (r[5]! & 63)) >>> 0;
  for (let i = 0; i < 6; i++) chars += B32[(tail >>> (5 * i)) & 31];
  return 'ASIA' + chars;
}
