/** The at-rest secret cipher (AES-256-GCM envelopes), master key parsing, and temporary secret derivation. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createSecretCipher, createTemporarySecretDeriver, parseMasterKeyText } from '../../src/store/crypto.js';
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

describe('temporary secret derivation', () => {
  const derive = createTemporarySecretDeriver(Buffer.alloc(32, 7));

  it('is pinned: the same master key and key ID give the same secret and token in every version', () => {
    // Changing the derivation would invalidate every temporary credential clients hold across an upgrade.
    const r = derive('ASIA2345ABCDEFGHIJKL');
    assert.equal(r.secretAccessKey, 'Y8MvA14vOoGfedWXTB9NHIvMcCrjrKYHzlO2NBtY');
    assert.equal(r.sessionToken.length, 445);
    assert.equal(createHash('sha256').update(r.sessionToken).digest('hex'), '3e693aaa4eb86f17067548e64898fb4317a29e8c2057986f645d96066299c518');
    assert.deepEqual(createTemporarySecretDeriver(Buffer.alloc(32, 7))('ASIA2345ABCDEFGHIJKL'), r);
  });

  it('gives every key ID and every master key its own secret and token, shaped like AWS', () => {
    const a = derive('ASIA2345ABCDEFGHIJKL');
    const b = derive('ASIA2345ABCDEFGHIJKM');
    const c = createTemporarySecretDeriver(randomBytes(32))('ASIA2345ABCDEFGHIJKL');
    for (const x of [a, b, c]) {
      assert.match(x.secretAccessKey, /^[A-Za-z0-9]{40}$/);
      assert.match(x.sessionToken, /^IQoJb3JpZ2luX2VjE[A-Za-z0-9+/]{427}=$/);
    }
    assert.equal(new Set([a, b, c].map((x) => x.secretAccessKey)).size, 3);
    assert.equal(new Set([a, b, c].map((x) => x.sessionToken)).size, 3);
    assert.throws(() => createTemporarySecretDeriver(randomBytes(16)), /32 bytes/);
  });
});
