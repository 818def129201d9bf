/** Temporary key IDs: shape, order (across and within a second), uniqueness, and the issue time they carry. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTemporaryKeyIds, temporaryKeyIssuedAt } from '../../src/authz/temporary-keys.js';

const T0 = Date.UTC(2026, 11, 1, 8, 0, 0);

test('temporary key IDs are ASIA + 16 Base32 characters, later ones sorting after earlier ones', () => {
  const next = createTemporaryKeyIds();
  const ids = [0, 1000, 61_000, 86_400_000].map((d) => next(T0 + d));
  for (const id of ids) assert.match(id, /^ASIA[A-Z2-7]{16}$/);
  assert.deepEqual([...ids].sort(), ids);
  assert.notEqual(createTemporaryKeyIds()(T0), createTemporaryKeyIds()(T0), 'two sources differ in the random part');
});

test('key IDs drawn within one second sort in the order they were drawn, and stay unique past the sequence', () => {
  const next = createTemporaryKeyIds();
  const ids = Array.from({ length: 33_000 }, (_, i) => next(T0 + (i % 1000)));
  const ordered = ids.slice(0, 32 ** 3);
  assert.deepEqual([...ordered].sort(), ordered, 'the first 32768 of a second are in order');
  assert.equal(new Set(ids).size, ids.length, 'all distinct, also beyond the sequence');
  assert.ok(next(T0 + 1000) > ordered[ordered.length - 1]!, 'the next second sorts after the whole previous one');
});

test('a key ID tells the second it was issued in; other shapes tell nothing', () => {
  const next = createTemporaryKeyIds();
  for (const at of [Date.UTC(2024, 0, 1), T0, T0 + 999, Date.UTC(2057, 11, 31, 23, 59, 59)]) {
    assert.equal(temporaryKeyIssuedAt(next(at)), Math.floor(at / 1000) * 1000);
  }
  for (const id of ['AKIAIOSFODNN7EXAMPLE', 'ASIA2345', 'ASIA234567ABCDEFGHI1', 'asia234567abcdefghij']) assert.equal(temporaryKeyIssuedAt(id), undefined, id);
});
