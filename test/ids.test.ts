/** Secret access keys: 40 characters of Base64 with + and / spelled A and B, from the bytes at the given place. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SECRET_KEY_BYTES, secretAccessKey, secretKeyText } from '../src/ids.js';

test('secretKeyText spells the Base64 of its 30 bytes, with + as A and / as B', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: SECRET_KEY_BYTES, maxLength: 64 }), fc.nat(), (raw, at) => {
      const bytes = Buffer.from(raw);
      const start = at % (bytes.length - SECRET_KEY_BYTES + 1);
      const expected = bytes.toString('base64', start, start + SECRET_KEY_BYTES).replace(/\+/g, 'A').replace(/\//g, 'B');
      assert.equal(secretKeyText(bytes, start), expected);
    }),
    { numRuns: 2000 },
  );
  assert.equal(secretKeyText(Buffer.alloc(30, 0xff)), 'B'.repeat(40));
  assert.throws(() => secretKeyText(Buffer.alloc(29)), RangeError);
  assert.throws(() => secretKeyText(Buffer.alloc(40), 11), RangeError);
  assert.match(secretAccessKey(), /^[A-Za-z0-9]{40}$/);
});
