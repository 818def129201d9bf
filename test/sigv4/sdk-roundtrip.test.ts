/** Randomized round trips: requests signed by @smithy/signature-v4 verify; any flipped byte is SignatureDoesNotMatch. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { SignedRequest } from '../../src/sigv4/index.js';
import { createSigningKeyCache, parseSigV4, verifySigV4 } from '../../src/sigv4/index.js';
import { isKamenError } from '../../src/errors.js';
import type { Creds, SdkRequest } from './helpers.js';
import { cloneRequest, escapeUri, sdkSigner, toWire } from './helpers.js';

const T0 = Date.UTC(2026, 10, 24, 10, 0, 0);
const creds: Creds = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const tempCreds: Creds = { accessKeyId: 'ASIAIOSFODNN7EXAMPLE', secretAccessKey: 'tmpSecret+/abc', sessionToken: 'FwoGZXIvYXdzE//token+with/odd=chars' };

const textArb = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.constantFrom('', ' ', 'a b', 'a+b', '%', '%41', '~!*()\'', 'é', 'ሴ', '😀', '&=?#', '/path/', 'x  y'),
);
const keyArb = fc.oneof(fc.stringMatching(/^[A-Za-z][A-Za-z0-9._-]{0,10}$/), fc.constantFrom('Action', 'Version', 'a b', 'ü', 'k%'));
const queryArb = fc.dictionary(keyArb, fc.oneof(textArb, fc.array(textArb, { minLength: 1, maxLength: 3 })), { maxKeys: 5 });
const pathArb = fc.oneof(
  fc.constant('/'),
  fc.array(fc.oneof(fc.stringMatching(/^[A-Za-z0-9._~-]{1,8}$/), textArb.filter((s) => s.length > 0 && s !== '.' && s !== '..')), { minLength: 1, maxLength: 3 }).map(
    (segs) => '/' + segs.map(escapeUri).join('/'),
  ),
);
const headerValueArb = fc.oneof(fc.stringMatching(/^[ -~]{0,20}$/), fc.constantFrom('  padded  ', 'a   b\tc', 'x'));

interface Case {
  method: 'GET' | 'POST';
  path: string;
  query: Record<string, string | string[]>;
  form: Record<string, string>;
  extraHeader: string | undefined;
  temp: boolean;
  checksum: boolean;
  presign: boolean;
  variant: number;
  region: string;
  service: string;
  skewSec: number;
}

const caseArb: fc.Arbitrary<Case> = fc.record({
  method: fc.constantFrom('GET' as const, 'POST' as const),
  path: pathArb,
  query: queryArb,
  form: fc.dictionary(keyArb, textArb, { maxKeys: 4 }),
  extraHeader: fc.option(headerValueArb, { nil: undefined }),
  temp: fc.boolean(),
  checksum: fc.boolean(),
  presign: fc.boolean(),
  variant: fc.integer({ min: 0, max: 2 }),
  region: fc.constantFrom('us-east-1', 'eu-west-3', 'ap-southeast-2'),
  service: fc.constantFrom('iam', 'sts', 'ec2', 'organizations'),
  skewSec: fc.integer({ min: -890, max: 890 }),
});

function formBody(form: Record<string, string>): string {
  return Object.entries(form)
    .map(([k, v]) => escapeUri(k) + '=' + escapeUri(v))
    .join('&');
}

/** Signs the case with the SDK and returns the wire request plus the secret. */
async function signCase(c: Case): Promise<{ wire: SignedRequest; secret: string }> {
  const cr = c.temp ? tempCreds : creds;
  const signer = sdkSigner(cr, c.region, c.service, c.checksum);
  const body = c.method === 'POST' ? formBody(c.form) : undefined;
  const headers: Record<string, string> = { host: `${c.service}.amazonaws.com` };
  if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded; charset=utf-8';
  if (c.extraHeader !== undefined) headers['x-kamen-test'] = c.extraHeader;
  const req: SdkRequest = { method: c.method, protocol: 'https:', hostname: headers.host!, path: c.path, query: c.query, headers };
  if (body !== undefined) req.body = body;
  const signingDate = new Date(T0);
  const signed = (c.presign
    ? await signer.presign(cloneRequest(req), { signingDate, expiresIn: 900 })
    : await signer.sign(cloneRequest(req), { signingDate })) as unknown as SdkRequest;
  if (body !== undefined) signed.body = body;
  return { wire: toWire(signed, c.variant), secret: cr.secretAccessKey };
}

function rejects(wire: SignedRequest, secret: string, now: number): boolean {
  try {
    const auth = parseSigV4(wire);
    if (!auth) return true;
    verifySigV4(wire, auth, secret, now, createSigningKeyCache(2));
    return false;
  } catch (e) {
    return isKamenError(e, 'ERR_SIGNATURE_DOES_NOT_MATCH') || isKamenError(e, 'ERR_INCOMPLETE_SIGNATURE') || isKamenError(e, 'ERR_MALFORMED_QUERY_STRING');
  }
}

test('SDK-signed requests verify (headers and presigned, GET and POST, odd characters)', async () => {
  const cache = createSigningKeyCache(8);
  let n = 0;
  await fc.assert(
    fc.asyncProperty(caseArb, async (c) => {
      const { wire, secret } = await signCase(c);
      const auth = parseSigV4(wire);
      assert.ok(auth);
      assert.equal(auth.presigned, c.presign);
      assert.equal(auth.service, c.service);
      assert.equal(auth.region, c.region);
      assert.equal(auth.securityToken, c.temp ? tempCreds.sessionToken : undefined);
      verifySigV4(wire, auth, secret, T0 + c.skewSec * 1000, cache);
      n++;
    }),
    { numRuns: 400 },
  );
  assert.equal(n, 400);
  assert.ok(cache.size <= 8);
});

test('flipping one byte of body, signed header, query or signature gives SignatureDoesNotMatch', async () => {
  await fc.assert(
    fc.asyncProperty(caseArb, fc.nat(), fc.constantFrom('body', 'header', 'query', 'signature', 'method', 'path'), async (c, pick, what) => {
      const { wire, secret } = await signCase(c);
      const now = T0 + 1000;
      assert.equal(rejects(wire, secret, now), false, 'unmodified request verifies');
      const m: SignedRequest = { ...wire, headers: { ...wire.headers }, body: Buffer.from(wire.body) };
      const flip = (s: string, i: number): string => {
        const ch = s.charCodeAt(i);
        return s.slice(0, i) + String.fromCharCode(ch === 0x7a ? 0x79 : ch + 1 === 0x2f ? 0x30 : ch + 1) + s.slice(i + 1);
      };
      if (what === 'body') {
        if (m.body.length === 0) m.body = Buffer.from('x');
        else m.body[pick % m.body.length] ^= 0x01;
      } else if (what === 'header') {
        m.headers['host'] = flip(String(m.headers['host']), pick % String(m.headers['host']).length);
      } else if (what === 'query') {
        // Change a value byte inside a non-signature parameter (or add one when the query is empty).
        m.query = m.query.length === 0 ? 'x=1' : m.query + '&zz=1';
      } else if (what === 'method') {
        m.method = m.method === 'GET' ? 'POST' : 'GET';
      } else if (what === 'path') {
        m.path = m.path === '/' ? '/x' : m.path + 'x';
      } else {
        if (c.presign) {
          const i = m.query.indexOf('X-Amz-Signature=') + 'X-Amz-Signature='.length;
          const j = i + (pick % 64);
          m.query = m.query.slice(0, j) + (m.query[j] === '0' ? '1' : '0') + m.query.slice(j + 1);
        } else {
          const a = String(m.headers['authorization']);
          const j = a.length - 1 - (pick % 64);
          m.headers['authorization'] = a.slice(0, j) + (a[j] === '0' ? '1' : '0') + a.slice(j + 1);
        }
      }
      assert.equal(rejects(m, secret, now), true, `modified ${what} must be rejected`);
    }),
    { numRuns: 300 },
  );
});

test('changing a query value byte is rejected', async () => {
  const signer = sdkSigner(creds, 'us-east-1', 'iam');
  const signed = (await signer.sign(
    { method: 'GET', protocol: 'https:', hostname: 'iam.amazonaws.com', path: '/', query: { Action: 'GetUser', Version: '2010-05-08', UserName: 'a b+c/ü' }, headers: { host: 'iam.amazonaws.com' } },
    { signingDate: new Date(T0) },
  )) as unknown as SdkRequest;
  const wire = toWire(signed);
  assert.equal(rejects(wire, creds.secretAccessKey, T0), false);
  for (let i = 0; i < wire.query.length; i++) {
    const ch = wire.query[i]!;
    if (ch === '&' || ch === '=' || ch === '%') continue;
    const q = wire.query.slice(0, i) + (ch === 'Z' ? 'Y' : 'Z') + wire.query.slice(i + 1);
    assert.equal(rejects({ ...wire, query: q }, creds.secretAccessKey, T0), true, q);
  }
});
