/** AWS-shaped identifiers: unique IDs with AWS's prefixes, access key IDs, secrets, request IDs. */
import { randomBytes, randomUUID } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Prefixes AWS uses for unique IDs (IAM "Unique identifiers" table). */
export type IdPrefix =
  | 'AIDA' // IAM user
  | 'AGPA' // group
  | 'AROA' // role
  | 'ANPA' // managed policy
  | 'ANVA' // version in a managed policy
  | 'AIPA' // instance profile
  | 'AKIA' // access key
  | 'ASIA' // temporary access key
  | 'APKA' // public key
  | 'ASCA'; // certificate

/** A 21-character unique ID such as AIDAJQABLZS4A3QDU576Q: the prefix and 17 Base32 characters. */
export function uniqueId(prefix: IdPrefix): string {
  return prefix + randomBase32(prefix === 'AKIA' || prefix === 'ASIA' ? 16 : 17);
}

/** An access key ID: 20 characters, AKIA… for long-term keys and ASIA… for temporary ones. */
export function accessKeyId(temporary: boolean): string {
  return (temporary ? 'ASIA' : 'AKIA') + randomBase32(16);
}

/** Bytes of a secret access key: 40 Base64 characters, as AWS's. */
export const SECRET_KEY_BYTES = 30;

/** A 40-character secret access key. */
export function secretAccessKey(): string {
  return secretKeyText(randomBytes(SECRET_KEY_BYTES));
}

/** Base64's alphabet with + and / spelled A and B (a secret access key's characters), as ASCII codes. */
const SECRET_ALPHABET = Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789AB', 'latin1');
/** Where secretKeyText spells a key (written and read in one synchronous call). */
const secretScratch = Buffer.alloc((SECRET_KEY_BYTES / 3) * 4);

/**
 * The secret access key spelled by SECRET_KEY_BYTES bytes of `bytes` from `start`: Base64 with + and / as A and B,
 * three bytes to four characters from a table (a third of the cost of encoding, then replacing twice).
 */
export function secretKeyText(bytes: Buffer, start = 0): string {
  if (start < 0 || bytes.length < start + SECRET_KEY_BYTES) throw new RangeError(`a secret access key takes ${SECRET_KEY_BYTES} bytes`);
  let o = 0;
  for (let i = start; i < start + SECRET_KEY_BYTES; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    secretScratch[o++] = SECRET_ALPHABET[n >>> 18]!;
    secretScratch[o++] = SECRET_ALPHABET[(n >>> 12) & 63]!;
    secretScratch[o++] = SECRET_ALPHABET[(n >>> 6) & 63]!;
    secretScratch[o++] = SECRET_ALPHABET[n & 63]!;
  }
  return secretScratch.toString('latin1', 0, o);
}

/** A request ID in AWS's UUID form. */
export function requestId(): string {
  return randomUUID();
}

/** `n` random characters from AWS's ID alphabet (A–Z, 2–7). */
export function randomBase32(n: number): string {
  const bytes = randomBytes(n);
  let out = '';
  for (let i = 0; i < n; i++) out += BASE32[bytes[i]! & 31];
  return out;
}

/** `n` random lowercase letters and digits (Organizations IDs: o-…, ou-…, r-…). */
export function randomLowerAlnum(n: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(n);
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet[bytes[i]! % alphabet.length];
  return out;
}

/** A random 12-digit AWS account ID that does not start with 0. */
export function accountId(): string {
  const bytes = randomBytes(12);
  let out = String(1 + (bytes[0]! % 9));
  for (let i = 1; i < 12; i++) out += String(bytes[i]! % 10);
  return out;
}
