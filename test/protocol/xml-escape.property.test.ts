/** xmlEscape replaces exactly XML's special characters, in short values and long ones (which it searches differently). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { xmlEscape } from '../../src/protocol/xml.js';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\r': '&#xD;' };
/** One character at a time: what xmlEscape must equal. */
const reference = (s: string): string => Array.from(s, (c) => ENTITIES[c] ?? c).join('');

test('xmlEscape equals a character-by-character escape, for values of every length and any special character anywhere', () => {
  const base64ish = fc.constantFrom(...'ABCxyz019+/=-_:. \n\t\u00e9\u4eee'.split(''));
  const special = fc.constantFrom(...Object.keys(ENTITIES));
  const text = fc.array(fc.oneof({ weight: 20, arbitrary: base64ish }, { weight: 1, arbitrary: special }), { maxLength: 900 }).map((cs) => cs.join(''));
  fc.assert(
    fc.property(text, (s) => {
      assert.equal(xmlEscape(s), reference(s));
    }),
    { numRuns: 2000 },
  );
  // Each special character alone at the end of a long value (past where a short value's search would stop).
  for (const c of Object.keys(ENTITIES)) assert.equal(xmlEscape('A'.repeat(700) + c), 'A'.repeat(700) + ENTITIES[c]);
  const token = 'IQoJb3JpZ2luX2VjE' + 'QUJD+/='.repeat(100);
  assert.equal(xmlEscape(token), token);
});
