/** The official AWS SigV4 test suite, step by step: canonical request, string to sign, signature, verification. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readVectors } from '../helpers/paths.js';
import type { SignedRequest } from '../../src/sigv4/index.js';
import {
  canonicalRequest,
  computeSignature,
  createSigningKeyCache,
  credentialScope,
  deriveSigningKey,
  parseSigV4,
  payloadHash,
  stringToSign,
  verifySigV4,
} from '../../src/sigv4/index.js';
import { isKamenError } from '../../src/errors.js';

interface SuiteCase {
  name: string;
  request: { method: string; path: string; query: string; headers: [string, string][]; body: string };
  creq: string;
  sts: string;
  authz: string;
}
interface Suite {
  config: { accessKeyId: string; secretAccessKey: string; region: string; service: string; amzDate: string };
  cases: SuiteCase[];
}

const suite = readVectors<Suite>('sigv4', 'aws-sig-v4-test-suite.json');
const NOW = Date.UTC(2015, 7, 30, 12, 36, 0);

/** Builds the wire request; repeated headers become arrays (as req.headersDistinct gives them). */
function wire(c: SuiteCase, authz: string): SignedRequest {
  const headers: Record<string, string[]> = {};
  for (const [k, v] of c.request.headers) (headers[k.toLowerCase()] ??= []).push(v);
  headers['authorization'] = [authz];
  return { method: c.request.method, path: c.request.path, query: c.request.query, headers, body: Buffer.from(c.request.body, 'utf8') };
}

test('the suite file holds the official cases', () => {
  assert.ok(suite.cases.length >= 29);
  for (const name of ['get-vanilla', 'get-vanilla-query-order-key-case', 'get-space', 'get-header-value-trim', 'get-header-key-duplicate', 'post-x-www-form-urlencoded', 'post-sts-header-before']) {
    assert.ok(suite.cases.some((c) => c.name === name), name);
  }
});

test('signing key derivation matches the documented example', () => {
  // From the AWS SigV4 docs example (secret wJalr…, 20150830/us-east-1/iam).
  const key = deriveSigningKey(suite.config.secretAccessKey, '20150830', 'us-east-1', 'iam');
  assert.equal(key.toString('hex'), 'c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9');
});

for (const c of suite.cases) {
  test(`aws suite: ${c.name}`, () => {
    const req = wire(c, c.authz);
    const auth = parseSigV4(req);
    assert.ok(auth, 'auth parsed');
    assert.equal(auth.accessKeyId, suite.config.accessKeyId);
    assert.equal(auth.amzDate, suite.config.amzDate);
    assert.equal(auth.region, suite.config.region);
    assert.equal(auth.service, suite.config.service);

    const creq = canonicalRequest(req, auth, payloadHash(req));
    assert.equal(creq, c.creq, 'canonical request');
    const sts = stringToSign(auth.amzDate, credentialScope(auth), creq);
    assert.equal(sts, c.sts, 'string to sign');
    const key = deriveSigningKey(suite.config.secretAccessKey, auth.scopeDate, auth.region, auth.service);
    assert.equal(computeSignature(req, auth, key), auth.signature, 'signature');

    const cache = createSigningKeyCache(4);
    verifySigV4(req, auth, suite.config.secretAccessKey, NOW, cache);

    // Wrong secret, and a tampered signature, are rejected.
    assert.throws(() => verifySigV4(req, auth, suite.config.secretAccessKey + 'x', NOW, cache), (e) => isKamenError(e, 'ERR_SIGNATURE_DOES_NOT_MATCH'));
    const last = auth.signature.at(-1) === '0' ? '1' : '0';
    const bad = wire(c, c.authz.slice(0, -1) + last);
    assert.throws(() => verifySigV4(bad, parseSigV4(bad)!, suite.config.secretAccessKey, NOW, cache), (e) => isKamenError(e, 'ERR_SIGNATURE_DOES_NOT_MATCH'));
  });
}
