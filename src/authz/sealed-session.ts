/**
 * Sealed session tokens: the facts of a temporary credential (account, expiry, issue time, session, and its secret)
 * encrypted into its session token, as AWS's own tokens carry them, so issuing writes no row and waits for no disk.
 *
 * A token (version 2) is MAGIC | counter block (16 bytes) | ciphertext | tag (16 bytes): the plaintext encrypted with
 * AES-256-CTR from the counter block, then authenticated with HMAC-SHA256 (truncated to 128 bits, as RFC 4868) over
 * the key ID and every byte before the tag: encrypt-then-MAC, checked before anything is decrypted or parsed, so a
 * token opens only with its own key ID and a changed byte opens nothing. Both keys come from one sealing key derived
 * from the master key (through the store's keyed derivation, the same on both backends and every node). The
 * keystream comes from one long-lived cipher in large chunks (ctr-keystream.ts): a cipher object per token cost more
 * than all the rest of issuing credentials but the signature check.
 *
 * Version 1 tokens (AES-256-GCM under a one-time key per token, sealed-session-v1.ts), issued before, still open until
 * they expire.
 */
import * as crypto from 'node:crypto';
import { createCtrKeystream, type CtrKeystream } from './ctr-keystream.js';
import { SECRET_KEY_BYTES, secretKeyText } from '../ids.js';
import type { RandomSource } from '../random.js';
import { hmacSha256Bytes, hmacSha512Latin1 } from '../sigv4/hash.js';
import type { Store, TemporaryCredential, TemporaryCredentialRecord } from '../store/store.js';
import { openV1, V1_MAGIC } from './sealed-session-v1.js';

/** The opening every kamen session token shares (derived ones too), so sealed tokens look like AWS's. */
const TOKEN_PREFIX = 'IQoJb3JpZ2luX2VjE';
/** The first bytes of a version 2 sealed token's body: tells it from a derived token (whose body is random) before any work. */
const MAGIC = Buffer.from([0x6b, 0x73, 0x02]);
/** MAGIC and V1_MAGIC in Base64, as they follow the prefix (three bytes: four characters of their own). */
const MAGIC_TEXT = MAGIC.toString('base64');
const V1_MAGIC_TEXT = V1_MAGIC.toString('base64');
const COUNTER_BYTES = 16;
const TAG_BYTES = 16;
/** The bytes before the ciphertext. */
const HEAD_BYTES = MAGIC.length + COUNTER_BYTES;
/** The derivation input of the sealing key: never a key ID (it has spaces), so no credential's token reveals it. */
const SEALING_KEY_LABEL = 'kamen sealed session tokens v1';
/** What the sealing key's HMAC derives version 2's two keys from (spaces again: never a version 1 token's input). */
const V2_KEYS_LABEL = 'kamen sealed session tokens v2 keys';
/** The longest sealed session (JSON characters of its facts): longer sessions (large session policies, many tags) keep a row. */
export const MAX_SEALED_PLAINTEXT = 2048;

/** What the sealed plaintext holds (short names keep tokens short). */
interface SealedFacts {
  a: string;
  x: number;
  c: number;
  s: Record<string, unknown>;
  /** The secret access key (version 2; version 1 derives it). */
  k?: string;
}

/** Seals credentials into tokens and opens them again; one per server (it keeps the sealing key once derived). */
export interface SessionSealer {
  /** The credential whole, its session sealed in the token (nothing is stored); undefined when the session is too large for a token. */
  seal(record: TemporaryCredentialRecord, random: RandomSource): Promise<TemporaryCredential | undefined>;
  /** The credential a sealed token carries for `accessKeyId`; undefined when it does not open (another key's, altered, not sealed). */
  open(accessKeyId: string, token: string): Promise<TemporaryCredential | undefined>;
}

/** True when `token` has a sealed token's shape (it may still fail to open). */
export function isSealedToken(token: string): boolean {
  return (token.startsWith(MAGIC_TEXT, TOKEN_PREFIX.length) || token.startsWith(V1_MAGIC_TEXT, TOKEN_PREFIX.length)) && token.startsWith(TOKEN_PREFIX);
}

/** HMAC-SHA512 under one fixed key, of latin1 messages (the sealing key's derivations): pads computed once, then two one-shot hashes. */
export function hmacWith(key: Buffer): (message: string) => Buffer {
  return hmacSha512Latin1(key);
}

/** The sealing key's HMAC: HMAC-SHA512 under the first 32 bytes of the store's derivation of SEALING_KEY_LABEL. */
export async function sealingHmac(store: Store): Promise<(message: string) => Buffer> {
  const d = await store.getDerivedTemporarySecrets(SEALING_KEY_LABEL);
  return hmacWith(Buffer.from(d.sessionToken.slice(TOKEN_PREFIX.length), 'base64').subarray(0, 32));
}

/** What sealing and opening use, derived once per sealer. */
interface SealingKeys {
  /** Version 1's HMAC (its one-time keys and secrets). */
  v1: (message: string) => Buffer;
  /** Version 2's AES-256-CTR key and its keystream. */
  enc: Buffer;
  stream: CtrKeystream;
  /** Version 2's HMAC-SHA256 (full 32 bytes; tokens carry the first 16). */
  mac: (message: Buffer) => Buffer;
}

/** The facts of a version 2 plaintext when each has its type; undefined otherwise. */
function checkedFacts(text: string): (SealedFacts & { k: string }) | undefined {
  let f: SealedFacts;
  try {
    f = JSON.parse(text) as SealedFacts;
  } catch {
    return undefined;
  }
  if (typeof f !== 'object' || f === null || typeof f.a !== 'string' || typeof f.x !== 'number' || typeof f.c !== 'number' || typeof f.k !== 'string') return undefined;
  if (typeof f.s !== 'object' || f.s === null) return undefined;
  return f as SealedFacts & { k: string };
}

/** Builds the sealer over `store`'s keyed derivation (the master key never leaves the store). */
export function createSessionSealer(store: Store): SessionSealer {
  let keys: Promise<SealingKeys> | undefined;
  /** The keys once derived (each call then skips a wait on the settled derivation). */
  let ready: SealingKeys | undefined;
  const sealingKeys = (): Promise<SealingKeys> =>
    (keys ??= sealingHmac(store).then(
      (v1) => {
        const both = v1(V2_KEYS_LABEL);
        const enc = Buffer.from(both.subarray(0, 32));
        return (ready = { v1, enc, stream: createCtrKeystream(enc, crypto.randomBytes), mac: hmacSha256Bytes(Buffer.from(both.subarray(32, 64))) });
      },
      (err: unknown) => {
        keys = undefined; // a failed derivation (a closed store) is tried again next time
        throw err;
      },
    ));

  return {
    async seal(record, random) {
      const facts: SealedFacts = { a: record.accountId, x: record.expiration.getTime(), c: record.createDate.getTime(), s: record.session };
      const text = JSON.stringify(facts);
      if (text.length > MAX_SEALED_PLAINTEXT) return undefined;
      const k = ready ?? (await sealingKeys());
      const secretAccessKey = secretKeyText(random(SECRET_KEY_BYTES));
      const plain = `${text.slice(0, -1)},"k":"${secretAccessKey}"}`;
      // One buffer: the key ID (MAC'd, not sent), then the token's body; the body is what follows the key ID.
      const id = Buffer.byteLength(record.accessKeyId, 'utf8');
      const plainBytes = Buffer.byteLength(plain, 'utf8');
      const m = Buffer.allocUnsafe(id + HEAD_BYTES + plainBytes + TAG_BYTES);
      m.write(record.accessKeyId, 0, 'utf8');
      MAGIC.copy(m, id);
      m.write(plain, id + HEAD_BYTES, 'utf8');
      k.stream.xorInto(m, id + HEAD_BYTES, id + HEAD_BYTES + plainBytes).copy(m, id + MAGIC.length);
      k.mac(m.subarray(0, m.length - TAG_BYTES)).copy(m, m.length - TAG_BYTES, 0, TAG_BYTES);
      // Fields named one by one: a spread of the record costs more than the rest of this function but the cipher.
      const { accessKeyId, accountId, expiration, createDate, session } = record;
      return { accessKeyId, accountId, expiration, createDate, session, secretAccessKey, sessionToken: TOKEN_PREFIX + m.toString('base64', id) };
    },

    async open(accessKeyId, token) {
      if (!isSealedToken(token)) return undefined;
      const text = token.slice(TOKEN_PREFIX.length);
      const body = Buffer.from(text, 'base64');
      // Node's decoder skips what is not Base64: only the canonical spelling of the bytes is the token.
      if (body.toString('base64') !== text) return undefined;
      const k = ready ?? (await sealingKeys());
      if (token.startsWith(V1_MAGIC_TEXT, TOKEN_PREFIX.length)) {
        const v1 = openV1(k.v1, accessKeyId, body);
        return v1 && { accessKeyId, accountId: v1.a, expiration: new Date(v1.x), createDate: new Date(v1.c), session: v1.s, secretAccessKey: v1.secretAccessKey, sessionToken: token };
      }
      if (body.length <= HEAD_BYTES + TAG_BYTES) return undefined;
      const id = Buffer.byteLength(accessKeyId, 'utf8');
      const m = Buffer.allocUnsafe(id + body.length);
      m.write(accessKeyId, 0, 'utf8');
      body.copy(m, id);
      // The tag first: nothing unauthenticated is decrypted or parsed.
      const tag = k.mac(m.subarray(0, m.length - TAG_BYTES)).subarray(0, TAG_BYTES);
      if (!crypto.timingSafeEqual(tag, body.subarray(body.length - TAG_BYTES))) return undefined;
      const decipher = crypto.createDecipheriv('aes-256-ctr', k.enc, body.subarray(MAGIC.length, HEAD_BYTES));
      const plain = Buffer.concat([decipher.update(body.subarray(HEAD_BYTES, body.length - TAG_BYTES)), decipher.final()]);
      const facts = checkedFacts(plain.toString('utf8'));
      if (!facts) return undefined;
      return { accessKeyId, accountId: facts.a, expiration: new Date(facts.x), createDate: new Date(facts.c), session: facts.s, secretAccessKey: facts.k, sessionToken: token };
    },
  };
}
