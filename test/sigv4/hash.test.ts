/** hmacSha256Hex (cached pads over one-shot hashes) agrees with node's createHmac for any key and message. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { hmacSha256Hex } from '../../src/sigv4/hash.js';

test('hmacSha256Hex equals createHmac for keys up to 100 bytes and any UTF-8 message, also when a key is reused', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 0, maxLength: 100 }), fc.array(fc.string({ unit: 'binary', maxLength: 300 }), { minLength: 1, maxLength: 3 }), (bytes, messages) => {
      const key = Buffer.from(bytes);
      for (const m of messages) assert.equal(hmacSha256Hex(key, m), createHmac('sha256', key).update(m, 'utf8').digest('hex'));
    }),
    { numRuns: 300 },
  );
});

test('hmacSha256Hex matches RFC 4231 test case 2', () => {
  assert.equal(hmacSha256Hex(Buffer.from('Jefe'), 'what do ya want for nothing?'), '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
});
