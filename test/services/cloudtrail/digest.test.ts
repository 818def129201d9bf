/**
 * The digest builder and signer: the document has the CloudTrail User Guide's structure (the guide's sample as
 * data), the string to sign is the guide's four lines, the signature verifies with node:crypto against the public
 * key ListPublicKeys would return (and fails for any change), file keys follow the guide's locations.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { digestDocument, sha256Hex, signDigest, stringToSign, verifyDigest, type DigestInput } from '../../../src/audit/delivery/digest.js';
import { newSigningKey } from '../../../src/audit/delivery/keys.js';
import { accountRoot, digestFileKey, logFileKey } from '../../../src/audit/delivery/names.js';
import { readVectors } from '../../helpers/paths.js';

interface Vector {
  input: DigestInput;
  document: Record<string, unknown>;
  stringToSign: string;
  keys: { logFile: string; digestFile: string; orgDigestFile: string; logMs: number };
}
const v = readVectors<Vector>('cloudtrail', 'digest.json');

test('the digest document has the guide\'s members, in its order', () => {
  const text = digestDocument(v.input);
  assert.deepEqual(JSON.parse(text), v.document);
  assert.deepEqual(Object.keys(JSON.parse(text)), Object.keys(v.document));
});

test('the first digest of a chain has null previous-digest members', () => {
  const { previous: _previous, ...first } = v.input;
  const doc = JSON.parse(digestDocument({ ...first, logFiles: [] }));
  for (const k of ['previousDigestS3Bucket', 'previousDigestS3Object', 'previousDigestHashValue', 'previousDigestHashAlgorithm', 'previousDigestSignature', 'newestEventTime', 'oldestEventTime']) assert.equal(doc[k], null, k);
  assert.deepEqual(doc.logFiles, []);
});

test('the string to sign is endTime, bucket/key, hex SHA-256 of the document, previous signature ("null" first)', () => {
  const text = digestDocument(v.input);
  const hash = sha256Hex(text);
  assert.equal(stringToSign('2015-08-17T15:01:31Z', v.input.bucket, v.input.key, hash, v.input.previous!.signature), v.stringToSign.replace('{hash}', hash));
  assert.match(stringToSign('2015-08-17T15:01:31Z', 'b', 'k', hash, undefined), /\nnull$/);
});

test('SHA256withRSA: the signature verifies against the DER PKCS#1 public key and its MD5 fingerprint; any change fails', () => {
  const key = newSigningKey('us-east-2', Date.UTC(2015, 7, 17));
  const der = Buffer.from(key.publicKey, 'base64');
  assert.equal(key.fingerprint, createHash('md5').update(der).digest('hex'));
  assert.equal(key.validTo.getTime() > key.validFrom.getTime(), true);
  const text = stringToSign('2015-08-17T15:01:31Z', 'b', 'k', sha256Hex('{}'), undefined);
  const sig = signDigest(text, key.privateKey);
  assert.match(sig, /^[0-9a-f]{512}$/);
  const pub = createPublicKey({ key: der, format: 'der', type: 'pkcs1' });
  assert.equal(verify('sha256', Buffer.from(text), pub, Buffer.from(sig, 'hex')), true);
  assert.equal(verifyDigest(text, sig, key.publicKey), true);
  assert.equal(verifyDigest(text.replace('k', 'K'), sig, key.publicKey), false);
  const other = newSigningKey('us-east-2', Date.UTC(2015, 7, 17));
  assert.equal(verifyDigest(text, sig, other.publicKey), false);
});

test('file keys follow the guide\'s locations (with prefix; organization trails under the org ID)', () => {
  const root = accountRoot('pre', '111122223333');
  assert.equal(logFileKey(root, '111122223333', 'us-east-2', v.keys.logMs, '9nYN7gp2eWAJHIfT'), v.keys.logFile);
  assert.equal(digestFileKey(root, '111122223333', 'us-east-2', 'your-trail-name', 'us-east-2', v.input.endMs), v.keys.digestFile);
  assert.equal(digestFileKey(accountRoot(undefined, '111122223333', 'o-exampleorgid'), '111122223333', 'us-east-2', 'your-trail-name', 'us-east-2', v.input.endMs), v.keys.orgDigestFile);
  assert.match(logFileKey(root, '111122223333', 'us-east-2', v.keys.logMs), /_20150817T1445Z_[A-Za-z0-9]{16}\.json\.gz$/);
});
