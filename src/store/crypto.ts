/**
 * Secrets under the master key: AES-256-GCM encryption at rest (`v1:<iv b64>:<tag b64>:<ciphertext b64>`, a fresh
 * 12-byte IV per value), and the derivation of temporary credentials' secrets from their key IDs.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac } from 'node:crypto';
import { createRandomPool, type RandomSource } from '../random.js';
import { KamenError } from '../errors.js';
import { SECRET_KEY_BYTES, secretKeyText } from '../ids.js';
import type { TemporarySecrets } from './store.js';

/** Encrypts and decrypts single secret strings with one 32-byte master key. */
export interface SecretCipher {
  encrypt(plaintext: string): string;
  /** Throws KamenError('ERR_INTERNAL') with a clear message when the key is wrong or the value is corrupted. */
  decrypt(envelope: string): string;
}

const PREFIX = 'v1:';

/** Refuses anything but a 32-byte key, before any secret is encrypted or derived with it. */
function checkMasterKey(masterKey: Buffer): void {
  if (!Buffer.isBuffer(masterKey) || masterKey.length !== 32) {
    throw new KamenError('ERR_INTERNAL', 'The master key must be exactly 32 bytes (AES-256).');
  }
}

/** Builds a SecretCipher around a 32-byte key (the key is copied; the caller may wipe its buffer). */
export function createSecretCipher(masterKey: Buffer, random: RandomSource = createRandomPool()): SecretCipher {
  checkMasterKey(masterKey);
  const key = Buffer.from(masterKey);
  return {
    encrypt(plaintext: string): string {
      const iv = random(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return PREFIX + iv.toString('base64') + ':' + tag.toString('base64') + ':' + ct.toString('base64');
    },
    decrypt(envelope: string): string {
      const parts = envelope.split(':');
      if (parts.length !== 4 || parts[0] !== 'v1') {
        throw new KamenError('ERR_INTERNAL', 'Cannot decrypt a stored secret: unknown envelope format (expected v1:iv:tag:ciphertext).');
      }
      const iv = Buffer.from(parts[1]!, 'base64');
      const tag = Buffer.from(parts[2]!, 'base64');
      const ct = Buffer.from(parts[3]!, 'base64');
      if (iv.length !== 12 || tag.length !== 16) {
        throw new KamenError('ERR_INTERNAL', 'Cannot decrypt a stored secret: malformed envelope.');
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv);
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(ct), decipher.final()]).toString('utf8');
      } catch {
        throw new KamenError(
          'ERR_INTERNAL',
          'Cannot decrypt a stored secret: wrong master key (KAMEN_MASTER_KEY or <data-dir>/master.key) or corrupted data.',
        );
      }
    },
  };
}

/** Parses a master key given as 64 hex digits or base64 of 32 bytes; throws a clear error otherwise. */
export function parseMasterKeyText(text: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length !== 32) throw new KamenError('ERR_INTERNAL', 'The master key must be 32 bytes, written as base64 or hex.');
  return key;
}

/** The opening AWS's session tokens share (a protobuf header, base64), so kamen's tokens look like theirs. */
const SESSION_TOKEN_PREFIX = 'IQoJb3JpZ2luX2VjE';
const TOKEN_BYTES = 320;

/**
 * Derives temporary credentials' secret and session token from their key ID, so neither is ever stored: SHAKE256 over
 * a 32-byte subkey of the master key and the key ID is a keyed PRF (the sponge needs no HMAC), one call for both.
 * Anyone holding the master key could derive them, exactly as they could decrypt stored secrets before.
 */
export function createTemporarySecretDeriver(masterKey: Buffer): (accessKeyId: string) => TemporarySecrets {
  checkMasterKey(masterKey);
  const subkey = createHmac('sha256', masterKey).update('kamen temporary credentials v1').digest();
  return (accessKeyId) => {
    const out = createHash('shake256', { outputLength: SECRET_KEY_BYTES + TOKEN_BYTES }).update(subkey).update(accessKeyId, 'latin1').digest();
    return {
      secretAccessKey: secretKeyText(out),
      sessionToken: SESSION_TOKEN_PREFIX + out.toString('base64', SECRET_KEY_BYTES),
    };
  };
}
