/**
 * The Authorization header's pairs, the Credential's elements and the SignedHeaders names are read in place, without
 * splitting: each equals the plain split-and-trim reading of the same text, for any header.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { authorizationPairs } from '../../src/sigv4/parse-authorization.js';
import { credentialParts, splitSignedHeaders } from '../../src/sigv4/scope.js';

/** Split on ',', trim, skip empties, split each at its first '=' and trim both sides; the last of a key wins. */
function referencePairs(rest: string): Record<string, string> | { error: string } {
  const out: Record<string, string> = {};
  for (const raw of rest.split(',')) {
    const piece = raw.trim();
    if (piece.length === 0) continue;
    const eq = piece.indexOf('=');
    if (eq === -1) return { error: `'${piece}' not a valid key=value pair` };
    const key = piece.slice(0, eq).trim();
    const value = piece.slice(eq + 1).trim();
    if (key === 'Credential') out['credential'] = value;
    else if (key === 'SignedHeaders') out['signedHeaders'] = value;
    else if (key === 'Signature') out['signature'] = value;
  }
  return out;
}

const read = (header: string, from: number): Record<string, string> | { error: string } => {
  try {
    return { ...authorizationPairs(header, from) } as Record<string, string>;
  } catch (err) {
    return { error: String((err as Error).message).split(' (missing')[0]! };
  }
};

test('authorizationPairs equals splitting and trimming, for any text of keys, values, separators and white space', () => {
  const word = fc.constantFrom('Credential', 'SignedHeaders', 'Signature', 'credential', 'Credentials', 'Sig', 'AKIA/20261204/us-east-1/iam/aws4_request', 'host;x-amz-date', 'ab12');
  const space = fc.constantFrom(' ', '  ', '\t', '\n', '\u00a0', '\u2028', '\ufeff', '\u3000', '\u0085', '');
  const part = fc.oneof(word, space, fc.constantFrom('=', ',', '==', ', '), fc.string({ maxLength: 4 }));
  const header = fc.array(part, { maxLength: 16 }).map((ps) => ps.join(''));
  fc.assert(
    fc.property(header, (rest) => {
      assert.deepEqual(read('AWS4-HMAC-SHA256 ' + rest, 17), referencePairs(rest));
    }),
    { numRuns: 5000 },
  );
  assert.deepEqual(read('AWS4-HMAC-SHA256 Credential=A/B/C/D/E, SignedHeaders=host, Signature=ff', 17), { credential: 'A/B/C/D/E', signedHeaders: 'host', signature: 'ff' });
  assert.deepEqual(read('X Credential = a ,,  Signature= b=c ,Credential=z', 2), { credential: 'z', signature: 'b=c' });
  assert.deepEqual(read('X Credential=a, oops', 2), { error: "'oops' not a valid key=value pair" });
});

test('credentialParts: the five slash-delimited elements, or none when there are more or fewer', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom('/', 'a', 'AKIA', '20261204', 'us-east-1', ''), { maxLength: 12 }).map((p) => p.join('')), (c) => {
      const parts = c.split('/');
      assert.deepEqual(credentialParts(c), parts.length === 5 ? parts : undefined);
    }),
    { numRuns: 3000 },
  );
});

test('splitSignedHeaders: lowercase names, sorted, the same frozen answer for a value seen again', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom('Host', 'host', 'x-amz-date', 'Content-Type', 'a', 'B', ''), { maxLength: 8 }).map((p) => p.join(';')), (s) => {
      const expected = s.toLowerCase().split(';').sort();
      assert.deepEqual([...splitSignedHeaders(s)], expected);
      assert.deepEqual([...splitSignedHeaders(String(s))], expected, 'again, from the memo');
    }),
    { numRuns: 3000 },
  );
  const names = splitSignedHeaders('host;x-amz-date');
  assert.equal(Object.isFrozen(names), true);
  assert.equal(splitSignedHeaders('content-type;host'), splitSignedHeaders('content-type;' + 'host'.slice(0)), 'the same array for the same text');
});
