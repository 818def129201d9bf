/** The pooled random source: fresh bytes of the asked length, never the same bytes twice, copies the caller owns. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRandomPool } from '../src/random.js';

test('createRandomPool hands out distinct, owned bytes across refills', () => {
  const random = createRandomPool(256);
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const b = random(16);
    assert.equal(b.length, 16);
    const hex = b.toString('hex');
    assert.ok(!seen.has(hex), 'no 16-byte draw repeats');
    seen.add(hex);
  }
  const a = random(32);
  const copy = Buffer.from(a);
  random(32);
  assert.deepEqual(a, copy, 'a draw is not changed by later draws (it is a copy, not a view of the pool)');
  assert.equal(random(1000).length, 1000, 'large draws bypass the pool');
  // the bytes are not constant: across 64 draws of 1 byte, more than a handful of values appear
  assert.ok(new Set(Array.from({ length: 64 }, () => random(1)[0])).size > 16);
});
