/** parseSigV4 on malformed or absent auth: AWS's error codes and exact texts (vectors in test/vectors/sigv4/parse-errors.json). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readVectors } from '../helpers/paths.js';
import { parseSigV4 } from '../../src/sigv4/index.js';
import { isKamenError } from '../../src/errors.js';

interface ErrorCase {
  name: string;
  headers: Record<string, string>;
  query: string;
  result?: 'none';
  code?: string;
  message?: string;
}

const { cases } = readVectors<{ cases: ErrorCase[] }>('sigv4', 'parse-errors.json');

for (const c of cases) {
  test(`parse: ${c.name}`, () => {
    const req = { method: 'GET', path: '/', query: c.query, headers: c.headers, body: Buffer.alloc(0) };
    if (c.result === 'none') {
      assert.equal(parseSigV4(req), undefined);
      return;
    }
    assert.throws(
      () => parseSigV4(req),
      (e: unknown) => {
        assert.ok(isKamenError(e), String(e));
        assert.equal(e.code, c.code);
        assert.equal(e.message, c.message);
        return true;
      },
    );
  });
}

test('parse: header auth fields, Date header fallback, token, unsorted SignedHeaders', () => {
  const auth = parseSigV4({
    method: 'POST',
    path: '/',
    query: '',
    headers: {
      host: 'sts.amazonaws.com',
      date: 'Sun, 30 Aug 2015 12:36:00 GMT',
      'x-amz-security-token': 'TOKEN',
      authorization: 'AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20150830/eu-west-1/sts/aws4_request,SignedHeaders=x-amz-security-token;host;date,Signature=abc',
    },
    body: Buffer.alloc(0),
  });
  assert.deepEqual(auth, {
    accessKeyId: 'ASIAEXAMPLE',
    scopeDate: '20150830',
    region: 'eu-west-1',
    service: 'sts',
    signedHeaders: ['date', 'host', 'x-amz-security-token'],
    signature: 'abc',
    amzDate: '20150830T123600Z',
    requestTime: Date.UTC(2015, 7, 30, 12, 36, 0),
    presigned: false,
    securityToken: 'TOKEN',
  });
});

test('parse: presigned fields', () => {
  const auth = parseSigV4({
    method: 'GET',
    path: '/',
    query:
      'Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20150830%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=60&X-Amz-Security-Token=a%2Bb%2Fc&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Signature=ff',
    headers: { host: 'sts.amazonaws.com' },
    body: Buffer.alloc(0),
  });
  assert.ok(auth);
  assert.equal(auth.presigned, true);
  assert.equal(auth.expiresSeconds, 60);
  assert.equal(auth.securityToken, 'a+b/c');
  assert.deepEqual(auth.signedHeaders, ['host', 'x-k8s-aws-id']);
  assert.equal(auth.service, 'sts');
  assert.equal(auth.signature, 'ff');
});

test('fuzz: arbitrary auth input yields auth, undefined, or a KamenError — never another exception', async () => {
  const { default: fc } = await import('fast-check');
  const { verifySigV4, createSigningKeyCache } = await import('../../src/sigv4/index.js');
  const piece = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.constantFrom('Credential=AKID/20150830/us-east-1/iam/aws4_request', 'SignedHeaders=host;constructor;__proto__;toString', 'Signature=00', 'Signature=', '=', ',', ' ', '%', '%zz', '%E1%88'),
  );
  const cache = createSigningKeyCache(4);
  fc.assert(
    fc.property(
      fc.array(piece, { maxLength: 5 }),
      fc.oneof(fc.constant('AWS4-HMAC-SHA256 '), fc.string({ maxLength: 20 })),
      fc.array(fc.oneof(piece, fc.constantFrom('X-Amz-Algorithm=AWS4-HMAC-SHA256', 'X-Amz-Credential=AKID%2F20150830%2Fus-east-1%2Fiam%2Faws4_request', 'X-Amz-Date=20150830T123600Z', 'X-Amz-SignedHeaders=host', 'X-Amz-Signature=00', 'X-Amz-Expires=-1')), { maxLength: 6 }),
      fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('/', '/a/../..', '/%zz', '//')),
      fc.boolean(),
      (parts, prefix, q, path, useHeader) => {
        const headers: Record<string, string> = { host: 'iam.amazonaws.com', 'x-amz-date': '20150830T123600Z' };
        if (useHeader) headers['authorization'] = prefix + parts.join(', ');
        const req = { method: 'GET', path, query: q.join('&'), headers, body: Buffer.from('x') };
        try {
          const auth = parseSigV4(req);
          if (auth) verifySigV4(req, auth, 'secret', Date.UTC(2015, 7, 30, 12, 36), cache);
        } catch (e) {
          assert.ok(isKamenError(e), `non-Kamen error: ${String(e)}`);
        }
      },
    ),
    { numRuns: 3000 },
  );
});
