/** EC2 encoded authorization messages: AWS's decoded JSON shape, round trip, and tamper detection. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { buildAuthorizationMessage, decodeAuthorizationMessage, encodeAuthorizationMessage } from '../../src/authz/auth-message.js';
import { isKamenError } from '../../src/errors.js';
import { readVectors } from '../helpers/paths.js';

interface Vector {
  input: Parameters<typeof buildAuthorizationMessage>[0];
  decoded: unknown;
}

test('the decoded message has AWS\'s shape (vector)', () => {
  const v = readVectors<Vector>('authz', 'auth-message.json');
  const key = randomBytes(32);
  const encoded = encodeAuthorizationMessage(key, buildAuthorizationMessage(v.input));
  assert.match(encoded, /^[A-Za-z0-9_-]+$/);
  assert.deepEqual(JSON.parse(decodeAuthorizationMessage(key, encoded)), v.decoded);
});

test('a tampered, foreign or garbage message is InvalidAuthorizationMessageException', () => {
  const v = readVectors<Vector>('authz', 'auth-message.json');
  const key = randomBytes(32);
  const encoded = encodeAuthorizationMessage(key, buildAuthorizationMessage(v.input));
  const bad = (e: unknown) => isKamenError(e, 'ERR_INVALID_AUTHORIZATION_MESSAGE');
  const flipped = encoded.slice(0, 40) + (encoded[40] === 'A' ? 'B' : 'A') + encoded.slice(41);
  assert.throws(() => decodeAuthorizationMessage(key, flipped), bad);
  assert.throws(() => decodeAuthorizationMessage(randomBytes(32), encoded), bad);
  assert.throws(() => decodeAuthorizationMessage(key, 'not a message'), bad);
  assert.throws(() => decodeAuthorizationMessage(key, ''), bad);
});
