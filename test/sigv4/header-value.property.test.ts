/** normalizeHeaderValue folds whitespace the same way in short values and long ones (which it searches differently). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { normalizeHeaderValue } from '../../src/sigv4/index.js';

/** Trimmed; when it holds a tab, line break, carriage return or two spaces in a row, each whitespace run folded to one space. */
const reference = (v: string): string => {
  const t = v.trim();
  return /[\t\n\r]| {2}/.test(t) ? t.replace(/\s+/g, ' ') : t;
};

test('normalizeHeaderValue: short and long values, whitespace of each kind anywhere', () => {
  const char = fc.oneof({ weight: 30, arbitrary: fc.constantFrom(...'AZaz09+/=-'.split('')) }, { weight: 2, arbitrary: fc.constantFrom(' ', '\t', '\n', '\r', '\f', '\v', '\u00a0') });
  const value = fc.array(char, { maxLength: 400 }).map((cs) => cs.join(''));
  fc.assert(fc.property(value, (v) => assert.equal(normalizeHeaderValue(v), reference(v))), { numRuns: 3000 });
  const token = 'IQoJb3JpZ2luX2VjE' + 'QUJD+/='.repeat(100);
  assert.equal(normalizeHeaderValue(` ${token} `), token);
  for (const ws of ['\t', '\n', '\r', '  ', ' \t']) assert.equal(normalizeHeaderValue(token + ws + 'x'), token + ' x', JSON.stringify(ws));
});
