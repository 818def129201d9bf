/** The at-rest secret cipher (AES-256-GCM envelopes) and master key parsing. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createSecretCipher, parseMasterKeyText } from '../../src/store/crypto.js';
import { isKamenError } from '../../src/errors.js';

describe('secret cipher', () => {
  it('round-trips text in the v1:<iv>:<tag>:<ct> envelope with a fresh 12-byte IV per value', () => {
    const c = createSecretCipher(randomBytes(32));
    const plain = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY ünïcødé';
    const e1 = c.encrypt(plain);
    const e2 = c.encrypt(plain);
    assert.match(e1, /^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]*$/);
    const [, iv, tag] = e1.split(':');
    assert.equal(Buffer.from(iv!, 'base64').length, 12);
    assert.equal(Buffer.from(tag!, 'base64').length, 16);
    assert.notEqual(e1, e2, 'same plaintext, different ciphertext');
    assert.ok(!e1.includes(plain));
    assert.equal(c.decrypt(e1), plain);
    assert.equal(c.decrypt(e2), plain);
    assert.equal(c.decrypt(c.encrypt('')), '');
  });

  it('fails clearly with a wrong key, a tampered value, or a malformed envelope', () => {
    const c = createSecretCipher(randomBytes(32));
    const other = createSecretCipher(randomBytes(32));
    const env = c.encrypt('secret');
    assert.throws(() => other.decrypt(env), (e) => isKamenError(e, 'ERR_INTERNAL') && /wrong master key/.test(e.message));
    const parts = env.split(':');
    const ct = Buffer.from(parts[3]!, 'base64');
    ct[0]! ^= 1;
    parts[3] = ct.toString('base64');
    assert.throws(() => c.decrypt(parts.join(':')), (e) => isKamenError(e, 'ERR_INTERNAL'));
    assert.throws(() => c.decrypt('plaintext'), /envelope/);
    assert.throws(() => c.decrypt('v2:a:b:c'), /envelope/);
    assert.throws(() => c.decrypt('v1:AAAA:BBBB:CCCC'), /malformed/);
  });

  it('requires a 32-byte key', () => {
    assert.throws(() => createSecretCipher(randomBytes(31)), /32 bytes/);
  });

  it('parses master keys written as hex or base64, and refuses anything else', () => {
    const key = randomBytes(32);
    assert.deepEqual(parseMasterKeyText(key.toString('hex')), key);
    assert.deepEqual(parseMasterKeyText(key.toString('base64') + '\n'), key);
    assert.throws(() => parseMasterKeyText('abc'), /32 bytes/);
    assert.throws(() => parseMasterKeyText(randomBytes(16).toString('hex')), /32 bytes/);
  });
});
