/**
 * Sealed session tokens: the facts of a temporary credential (account, expiry, issue time, session) encrypted into its
 * session token, as AWS's own tokens carry them, so issuing writes no row and waits for no disk. Each token has its
 * own random nonce; its secret and its one-time AES-256-GCM key are one HMAC-SHA512 of the key ID and that nonce under
 * a sealing key derived from the master key (through the store's keyed derivation, the same on both backends and every node),
 * so a token opens only with its own key ID and a changed byte opens nothing.
 */
import * as crypto from 'node:crypto';
import type { RandomSource } from '../random.js';
import { hmacSha512Latin1 } from '../sigv4/hash.js';
import type { Store, TemporaryCredential, TemporaryCredentialRecord } from '../store/store.js';

/** The opening every kamen session token shares (derived ones too), so sealed tokens look like AWS's. */
const TOKEN_PREFIX = 'IQoJb3JpZ2luX2VjE';
/** The first bytes of a sealed token's body: tells it from a derived token (whose body is random) before any work. */
const MAGIC = Buffer.from([0x6b, 0x73, 0x01]);
/** MAGIC in Base64, as it follows the prefix. */
const MAGIC_TEXT = MAGIC.toString('base64');
const NONCE_BYTES = 18;
const TAG_BYTES = 16;
const HEADER_BYTES = MAGIC.length + NONCE_BYTES + TAG_BYTES;
/** Each derived key seals exactly one token, so a fixed IV never repeats under a key. */
const IV = Buffer.alloc(12);
/** The derivation input of the sealing key: never a key ID (it has spaces), so no credential's token reveals it. */
const SEALING_KEY_LABEL = 'kamen sealed session tokens v1';
/** The longest sealed plaintext (JSON characters): longer sessions (large session policies, many tags) keep a row. */
export const MAX_SEALED_PLAINTEXT = 2048;

/** What the sealed plaintext holds (short names keep tokens short). */
interface SealedFacts {
  a: string;
  x: number;
  c: number;
  s: Record<string, unknown>;
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
  return token.startsWith(MAGIC_TEXT, TOKEN_PREFIX.length) && token.startsWith(TOKEN_PREFIX);
}

/** HMAC-SHA512 under one fixed key (the sealing key's derivations): pads computed once, then two one-shot hashes. */
export function hmacWith(key: Buffer): (message: string) => Buffer {
  return hmacSha512Latin1(key);
}

/** Builds the sealer over `store`'s keyed derivation (the master key never leaves the store). */
export function createSessionSealer(store: Store): SessionSealer {
  let hmac: Promise<(message: string) => Buffer> | undefined;
  /** The sealing HMAC once derived (each call then skips a wait on the settled derivation). */
  let ready: ((message: string) => Buffer) | undefined;
  const sealingHmac = (): Promise<(message: string) => Buffer> =>
    (hmac ??= store.getDerivedTemporarySecrets(SEALING_KEY_LABEL).then(
      (d) => (ready = hmacWith(Buffer.from(d.sessionToken.slice(TOKEN_PREFIX.length), 'base64').subarray(0, 32))),
      (err: unknown) => {
        hmac = undefined; // a failed derivation (a closed store) is tried again next time
        throw err;
      },
    ));

  /** The one-time key (the first 32 bytes of one HMAC) and the secret (the next 30: 40 characters, as AWS's) of (key ID, nonce). */
  const deriveWith = (mac: (message: string) => Buffer, accessKeyId: string, nonce: string): { secretAccessKey: string; key: Buffer } => {
    const out = mac(`${accessKeyId}.${nonce}`);
    return { secretAccessKey: out.toString('base64', 32, 62).replace(/\+/g, 'A').replace(/\//g, 'B'), key: out.subarray(0, 32) };
  };
  /** deriveWith the sealing HMAC: synchronous once it is derived (no turn per token), else after deriving it. */
  const derive = (accessKeyId: string, nonce: string): { secretAccessKey: string; key: Buffer } | Promise<{ secretAccessKey: string; key: Buffer }> =>
    ready ? deriveWith(ready, accessKeyId, nonce) : sealingHmac().then((mac) => deriveWith(mac, accessKeyId, nonce));

  return {
    async seal(record, random) {
      const facts: SealedFacts = { a: record.accountId, x: record.expiration.getTime(), c: record.createDate.getTime(), s: record.session };
      const text = JSON.stringify(facts);
      if (text.length > MAX_SEALED_PLAINTEXT) return undefined;
      const body = Buffer.allocUnsafe(HEADER_BYTES + Buffer.byteLength(text, 'utf8'));
      MAGIC.copy(body, 0);
      const nonce = random(NONCE_BYTES);
      nonce.copy(body, MAGIC.length, 0, NONCE_BYTES);
      const derived = derive(record.accessKeyId, body.toString('base64url', MAGIC.length, MAGIC.length + NONCE_BYTES));
      const { secretAccessKey, key } = derived instanceof Promise ? await derived : derived;
      const cipher = crypto.createCipheriv('aes-256-gcm', key, IV);
      const ct = cipher.update(text, 'utf8');
      cipher.final();
      ct.copy(body, HEADER_BYTES);
      cipher.getAuthTag().copy(body, MAGIC.length + NONCE_BYTES);
      // Fields named one by one: a spread of the record costs more than the rest of this function but the cipher.
      const { accessKeyId, accountId, expiration, createDate, session } = record;
      return { accessKeyId, accountId, expiration, createDate, session, secretAccessKey, sessionToken: TOKEN_PREFIX + body.toString('base64') };
    },

    async open(accessKeyId, token) {
      if (!isSealedToken(token)) return undefined;
      const text = token.slice(TOKEN_PREFIX.length);
      const body = Buffer.from(text, 'base64');
      // Node's decoder skips what is not Base64: only the canonical spelling of the bytes is the token.
      if (body.length <= HEADER_BYTES || body.toString('base64') !== text) return undefined;
      const derived = derive(accessKeyId, body.toString('base64url', MAGIC.length, MAGIC.length + NONCE_BYTES));
      const { secretAccessKey, key } = derived instanceof Promise ? await derived : derived;
      let facts: SealedFacts;
      try {
        const decipher = crypto.createDecipheriv('aes-256-gcm', key, IV);
        decipher.setAuthTag(body.subarray(MAGIC.length + NONCE_BYTES, HEADER_BYTES));
        facts = JSON.parse(Buffer.concat([decipher.update(body.subarray(HEADER_BYTES)), decipher.final()]).toString('utf8')) as SealedFacts;
      } catch {
        return undefined;
      }
      return { accessKeyId, accountId: facts.a, expiration: new Date(facts.x), createDate: new Date(facts.c), session: facts.s, secretAccessKey, sessionToken: token };
    },
  };
}
