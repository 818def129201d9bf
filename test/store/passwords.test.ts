/** scrypt password hashing: format, verification, and refusal of malformed hashes. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { scryptSync } from 'node:crypto';
import { hashPassword, verifyPassword } from '../../src/store/passwords.js';

describe('passwords', () => {
  it('hashes as scrypt$16384$8$1$<16-byte salt>$<hash> and verifies', async () => {
    const h = await hashPassword('correct horse battery staple');
    const m = /^scrypt\$16384\$8\$1\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(h);
    assert.ok(m, h);
    const salt = Buffer.from(m[1]!, 'base64');
    assert.equal(salt.length, 16);
    // the hash is scrypt with the documented parameters, not something merely shaped like it
    const expected = scryptSync('correct horse battery staple', salt, Buffer.from(m[2]!, 'base64').length, { N: 16384, r: 8, p: 1 });
    assert.equal(expected.toString('base64'), m[2]);
    assert.equal(await verifyPassword('correct horse battery staple', h), true);
    assert.equal(await verifyPassword('correct horse battery stapl', h), false);
    assert.equal(await verifyPassword('', h), false);
  });

  it('salts every hash', async () => {
    const a = await hashPassword('same');
    const b = await hashPassword('same');
    assert.notEqual(a, b);
    assert.equal(await verifyPassword('same', a), true);
    assert.equal(await verifyPassword('same', b), true);
  });

  it('returns false (never throws) for malformed or hostile hashes', async () => {
    const good = await hashPassword('pw');
    const parts = good.split('$');
    for (const bad of [
      '',
      'plain',
      'bcrypt$2b$10$abc',
      ['scrypt', '16384', '8', '1', parts[4]].join('$'),
      ['scrypt', '16385', '8', '1', parts[4], parts[5]].join('$'),
      ['scrypt', String(1 << 30), '8', '1', parts[4], parts[5]].join('$'),
      ['scrypt', '16384', '8', '1', '', parts[5]].join('$'),
      ['scrypt', '16384', '8', '1', parts[4], 'AAAA'].join('$'),
    ]) {
      assert.equal(await verifyPassword('pw', bad), false, bad);
    }
  });
});
