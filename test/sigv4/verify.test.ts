/** verifySigV4 time window, presigned expiry, payload hash rules, signing-key cache, and canonicalization units. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frozenClock } from '../../src/clock.js';
import { isKamenError } from '../../src/errors.js';
import {
  canonicalHeaders,
  canonicalQueryString,
  canonicalUri,
  createSigningKeyCache,
  normalizeHeaderValue,
  parseSigV4,
  SIGNATURE_MISMATCH_MESSAGE,
  verifySigV4,
} from '../../src/sigv4/index.js';
import { sha256Hex } from '../../src/sigv4/hash.js';
import type { PayloadRules, SignedRequest } from '../../src/sigv4/index.js';
import type { SdkRequest } from './helpers.js';
import { sdkSigner, toWire } from './helpers.js';

const T0 = Date.UTC(2026, 10, 24, 10, 0, 0); // 20261124T100000Z
const MIN = 60_000;
const creds = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

async function signed(service: string, opts: { presign?: number; headers?: Record<string, string>; body?: string } = {}): Promise<SignedRequest> {
  const signer = sdkSigner(creds, 'us-east-1', service);
  const req: SdkRequest = {
    method: opts.body === undefined ? 'GET' : 'POST',
    protocol: 'https:',
    hostname: `${service}.amazonaws.com`,
    path: '/',
    query: opts.body === undefined ? { Action: 'GetUser', Version: '2010-05-08' } : {},
    headers: { host: `${service}.amazonaws.com`, ...(opts.headers ?? {}) },
  };
  if (opts.body !== undefined) req.body = opts.body;
  const out = (opts.presign !== undefined
    ? await signer.presign(req, { signingDate: new Date(T0), expiresIn: opts.presign })
    : await signer.sign(req, { signingDate: new Date(T0) })) as unknown as SdkRequest;
  if (opts.body !== undefined) out.body = opts.body;
  return toWire(out);
}

function verifyAt(req: SignedRequest, nowMs: number, payload?: PayloadRules): void {
  verifySigV4(req, parseSigV4(req)!, creds.secretAccessKey, nowMs, createSigningKeyCache(), payload);
}

function expectError(fn: () => void, code: string, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isKamenError(e), String(e));
    assert.equal(e.code, code);
    assert.equal(e.message, message);
    return true;
  });
}

test('clock skew: 15 minutes either way is accepted, one second more is SignatureDoesNotMatch with AWS text (IAM/STS)', async () => {
  const clock = frozenClock(T0);
  const req = await signed('iam');
  clock.set(T0 + 15 * MIN);
  verifyAt(req, clock.now());
  clock.set(T0 - 15 * MIN);
  verifyAt(req, clock.now());
  clock.set(T0 + 15 * MIN + 1000);
  expectError(
    () => verifyAt(req, clock.now()),
    'ERR_SIGNATURE_DOES_NOT_MATCH',
    'Signature expired: 20261124T100000Z is now earlier than 20261124T100001Z (20261124T101501Z - 15 min.)',
  );
  clock.set(T0 - 15 * MIN - 1000);
  expectError(
    () => verifyAt(req, clock.now()),
    'ERR_SIGNATURE_DOES_NOT_MATCH',
    'Signature not yet current: 20261124T100000Z is still later than 20261124T095959Z (20261124T094459Z + 15 min.)',
  );
  const sts = await signed('sts', { body: 'Action=GetCallerIdentity&Version=2011-06-15' });
  clock.set(T0 + 20 * MIN);
  expectError(
    () => verifyAt(sts, clock.now()),
    'ERR_SIGNATURE_DOES_NOT_MATCH',
    'Signature expired: 20261124T100000Z is now earlier than 20261124T100500Z (20261124T102000Z - 15 min.)',
  );
});

test('clock skew on EC2 is RequestExpired "Request has expired."', async () => {
  const req = await signed('ec2');
  verifyAt(req, T0 + 14 * MIN);
  expectError(() => verifyAt(req, T0 + 16 * MIN), 'ERR_REQUEST_EXPIRED', 'Request has expired.');
  expectError(() => verifyAt(req, T0 - 16 * MIN), 'ERR_REQUEST_EXPIRED', 'Request has expired.');
});

test('presigned URLs are honoured until X-Amz-Expires and rejected after', async () => {
  const req = await signed('sts', { presign: 60 });
  assert.equal(parseSigV4(req)!.expiresSeconds, 60);
  verifyAt(req, T0 + 60_000);
  expectError(() => verifyAt(req, T0 + 61_000), 'ERR_REQUEST_EXPIRED', 'Request has expired.');
  const long = await signed('sts', { presign: 3600 });
  verifyAt(long, T0 + 59 * MIN); // longer than the 15-minute header window
  expectError(
    () => verifyAt(long, T0 - 16 * MIN),
    'ERR_SIGNATURE_DOES_NOT_MATCH',
    'Signature not yet current: 20261124T100000Z is still later than 20261124T095900Z (20261124T094400Z + 15 min.)',
  );
});

test('x-amz-content-sha256: must be the body\'s hash; UNSIGNED-PAYLOAD skips the body only where the service allows it', async () => {
  const body = 'Action=ListUsers&Version=2010-05-08';
  const withHash = toWire(
    (await sdkSigner(creds, 'us-east-1', 'iam', true).sign(
      { method: 'POST', protocol: 'https:', hostname: 'iam.amazonaws.com', path: '/', query: {}, headers: { host: 'iam.amazonaws.com' }, body } as SdkRequest,
      { signingDate: new Date(T0) },
    )) as unknown as SdkRequest,
  );
  withHash.body = Buffer.from(body);
  assert.ok(withHash.headers['x-amz-content-sha256']);
  verifyAt(withHash, T0);
  // Header claims the original body but the body changed.
  expectError(
    () => verifyAt({ ...withHash, body: Buffer.from(body + '&x=1') }, T0),
    'ERR_SIGNATURE_DOES_NOT_MATCH',
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  );

  const unsigned = await signed('iam', { body, headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
  // Query/JSON APIs (the default rules) always sign the body: UNSIGNED-PAYLOAD is a mismatch.
  expectError(() => verifyAt(unsigned, T0), 'ERR_SIGNATURE_DOES_NOT_MATCH', SIGNATURE_MISMATCH_MESSAGE);
  // Upper-case hex of the right hash is not the hash the body is signed with.
  const upper = await signed('iam', { body, headers: { 'x-amz-content-sha256': sha256Hex(body).toUpperCase() } });
  expectError(() => verifyAt(upper, T0), 'ERR_SIGNATURE_DOES_NOT_MATCH', SIGNATURE_MISMATCH_MESSAGE);
  // A service that allows it (S3's rules) takes UNSIGNED-PAYLOAD and does not hash the body.
  verifyAt(unsigned, T0, { unsignedPayload: true });
  verifyAt({ ...unsigned, body: Buffer.from('anything else') }, T0, { unsignedPayload: true });
  verifyAt(upper, T0, { unsignedPayload: true });
  // Without the header the body is hashed, so changing it breaks the signature.
  const plain = await signed('iam', { body });
  verifyAt(plain, T0);
  assert.throws(() => verifyAt({ ...plain, body: Buffer.from(body.toUpperCase()) }, T0), (e) => isKamenError(e, 'ERR_SIGNATURE_DOES_NOT_MATCH'));
});

test('signature compare: wrong length and non-hex signatures are mismatches, not crashes', async () => {
  const req = await signed('iam');
  const a = String(req.headers['authorization']);
  for (const sig of ['', 'abc', 'z'.repeat(64), a.slice(-64).toUpperCase(), a.slice(-64) + '0']) {
    const h = { ...req.headers, authorization: a.slice(0, a.lastIndexOf('Signature=') + 10) + sig };
    const r = { ...req, headers: h };
    assert.throws(() => verifyAt(r, T0), (e) => isKamenError(e, 'ERR_SIGNATURE_DOES_NOT_MATCH'));
  }
});

test('signature compare: a character beyond latin1 whose low byte matches the right one is a mismatch', async () => {
  const req = await signed('iam');
  const a = String(req.headers['authorization']);
  const right = a.slice(-64);
  verifyAt(req, T0);
  // U+0100 + c has the low byte of c: a compare of latin1 bytes would take it for the right signature.
  const wrong = String.fromCharCode(0x100 + right.charCodeAt(0)) + right.slice(1);
  const r = { ...req, headers: { ...req.headers, authorization: a.slice(0, -64) + wrong } };
  assert.throws(() => verifyAt(r, T0), (e) => isKamenError(e, 'ERR_SIGNATURE_DOES_NOT_MATCH'));
});

test('signing-key cache: reuses keys, separates secrets/scopes, stays bounded', () => {
  const cache = createSigningKeyCache(3);
  const k1 = cache.get('s1', '20261124', 'us-east-1', 'iam');
  assert.equal(cache.get('s1', '20261124', 'us-east-1', 'iam'), k1);
  assert.notDeepEqual(cache.get('s2', '20261124', 'us-east-1', 'iam'), k1);
  assert.notDeepEqual(cache.get('s1', '20261125', 'us-east-1', 'iam'), k1);
  assert.equal(cache.size, 3);
  cache.get('s1', '20261124', 'us-east-1', 'sts');
  assert.equal(cache.size, 3);
  // Evicted entries are re-derived to the same value.
  assert.deepEqual(cache.get('s1', '20261124', 'us-east-1', 'iam'), k1);
  assert.equal(cache.size, 3);
});

test('canonical URI: normalization and double encoding for non-S3 services', () => {
  assert.equal(canonicalUri('/'), '/');
  assert.equal(canonicalUri(''), '/');
  assert.equal(canonicalUri('/a/b'), '/a/b');
  assert.equal(canonicalUri('/a%20b/'), '/a%2520b/');
  assert.equal(canonicalUri('/a%2Fb'), '/a%252Fb');
  assert.equal(canonicalUri('/a/./b/../c//d/'), '/a/c/d/');
  assert.equal(canonicalUri('/../..'), '/');
  assert.equal(canonicalUri('/.well-known/x'), '/.well-known/x');
  assert.equal(canonicalUri('/ü'), '/%C3%BC');
});

test('canonical query: decode, RFC 3986 re-encode, sort by key then value; X-Amz-Signature only dropped when presigned', () => {
  assert.equal(canonicalQueryString('', false), '');
  assert.equal(canonicalQueryString('b=2&a=1&a=0', false), 'a=0&a=1&b=2');
  assert.equal(canonicalQueryString('a-b=1&a=2', false), 'a=2&a-b=1');
  assert.equal(canonicalQueryString('k', false), 'k=');
  assert.equal(canonicalQueryString('k=&&j=1', false), 'j=1&k=');
  assert.equal(canonicalQueryString('a+b=c%2bd', false), 'a%2Bb=c%2Bd');
  assert.equal(canonicalQueryString('%7e=%41%2a', false), '~=A%2A');
  assert.equal(canonicalQueryString('x=a%20b&x=a b', false), 'x=a%20b&x=a%20b');
  assert.equal(canonicalQueryString('X-Amz-Signature=ab&a=1', true), 'a=1');
  assert.equal(canonicalQueryString('X-Amz-Signature=ab&a=1', false), 'X-Amz-Signature=ab&a=1');
  // Invalid UTF-8 escapes next to astral chars still decode byte-wise (no exception, no surrogate damage).
  assert.equal(canonicalQueryString('a=%FF😀', false), 'a=%EF%BF%BD%F0%9F%98%80');
  assert.throws(() => canonicalQueryString('a=%zz', false), (e) => isKamenError(e, 'ERR_MALFORMED_QUERY_STRING'));
  assert.throws(() => canonicalQueryString('a=%4', false), (e) => isKamenError(e, 'ERR_MALFORMED_QUERY_STRING'));
});

test('header values: trimmed, runs of whitespace folded', () => {
  assert.equal(normalizeHeaderValue('  a   b\t\tc  '), 'a b c');
  assert.equal(normalizeHeaderValue('a b'), 'a b');
  assert.equal(normalizeHeaderValue('"a   b   c"'), '"a b c"');
  assert.equal(normalizeHeaderValue(''), '');
  // Signed header names that collide with Object.prototype members are just absent headers.
  assert.equal(canonicalHeaders({ host: 'h', 'x-a': ['1 ', ' 2'] }, ['constructor', 'host', 'tostring', 'x-a', '__proto__']), 'host:h\nx-a:1,2\n');
});
