/**
 * Version 1 sealed session tokens, which earlier releases issued and which open until they expire (at most 36 hours
 * after their issue): MAGIC | nonce (18 bytes) | GCM tag (16 bytes) | ciphertext. The secret and a one-time
 * AES-256-GCM key are one HMAC-SHA512 of `${accessKeyId}.${nonce}` under the sealing key; the plaintext is the facts'
 * JSON. `sealV1` writes one exactly as those releases did, so the tests can check they still open.
 */
import * as crypto from 'node:crypto';
import { secretKeyText } from '../ids.js';

/** The first bytes of a version 1 token's body. */
export const V1_MAGIC = Buffer.from([0x6b, 0x73, 0x01]);
const NONCE_BYTES = 18;
const TAG_BYTES = 16;
const HEADER_BYTES = V1_MAGIC.length + NONCE_BYTES + TAG_BYTES;
/** Each derived key sealed exactly one token, so a fixed IV never repeated under a key. */
const IV = Buffer.alloc(12);

/** What a version 1 token carries, and its derived secret. */
export interface V1Facts {
  a: string;
  x: number;
  c: number;
  s: Record<string, unknown>;
  secretAccessKey: string;
}

/** The one-time key (the first 32 bytes of one HMAC) and the secret (the next 30: 40 characters) of (key ID, nonce). */
function derive(mac: (message: string) => Buffer, accessKeyId: string, body: Buffer): { secretAccessKey: string; key: Buffer } {
  const out = mac(`${accessKeyId}.${body.toString('base64url', V1_MAGIC.length, V1_MAGIC.length + NONCE_BYTES)}`);
  return { secretAccessKey: secretKeyText(out, 32), key: out.subarray(0, 32) };
}

/** The facts of a version 1 token's body (Base64-decoded) for `accessKeyId`; undefined when it does not open. */
export function openV1(mac: (message: string) => Buffer, accessKeyId: string, body: Buffer): V1Facts | undefined {
  if (body.length <= HEADER_BYTES || !body.subarray(0, V1_MAGIC.length).equals(V1_MAGIC)) return undefined;
  const { secretAccessKey, key } = derive(mac, accessKeyId, body);
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, IV);
    decipher.setAuthTag(body.subarray(V1_MAGIC.length + NONCE_BYTES, HEADER_BYTES));
    const f = JSON.parse(Buffer.concat([decipher.update(body.subarray(HEADER_BYTES)), decipher.final()]).toString('utf8')) as Omit<V1Facts, 'secretAccessKey'>;
    return { ...f, secretAccessKey };
  } catch {
    return undefined;
  }
}

/** A version 1 token's body for these facts (as earlier releases sealed it), and its secret. */
export function sealV1(mac: (message: string) => Buffer, accessKeyId: string, facts: Omit<V1Facts, 'secretAccessKey'>, nonce: Buffer): { body: Buffer; secretAccessKey: string } {
  const text = JSON.stringify(facts);
  const body = Buffer.alloc(HEADER_BYTES + Buffer.byteLength(text, 'utf8'));
  V1_MAGIC.copy(body, 0);
  nonce.copy(body, V1_MAGIC.length, 0, NONCE_BYTES);
  const { secretAccessKey, key } = derive(mac, accessKeyId, body);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, IV);
  cipher.update(text, 'utf8').copy(body, HEADER_BYTES);
  cipher.final();
  cipher.getAuthTag().copy(body, V1_MAGIC.length + NONCE_BYTES);
  return { body, secretAccessKey };
}
