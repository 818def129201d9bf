/**
 * Upload checksums over HTTP: STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER (signed chunks and a signed trailer,
 * x-amz-trailer-signature), CRC64NVME in a header and in an unsigned trailer, and algorithms kamen does not verify
 * refused rather than accepted unchecked — every refusal stores nothing.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openKamen, type Kamen } from '../../../src/app.js';
import { startServer, type RunningServer } from '../../../src/http/server.js';
import { checksummer } from '../../../src/services/s3/digests.js';
import { readVectors } from '../../helpers/paths.js';
import { errorCode, s3Call, send, signS3, type Creds } from './signer.js';

let kamen: Kamen;
let server: RunningServer;
let dataDir: string;
let root: Creds;
const EMPTY_SHA = createHash('sha256').update('').digest('hex');

before(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-s3-trailers-'));
  kamen = await openKamen({ dataDir, withCa: false, log: () => {} });
  server = await startServer({ host: '127.0.0.1', port: 0, pipeline: kamen.pipeline });
  root = { accessKeyId: kamen.bootstrap!.accessKeyId, secretAccessKey: kamen.bootstrap!.secretAccessKey };
  assert.equal((await call({ method: 'PUT', path: '/sum-bucket' })).status, 200);
});
after(async () => {
  await server.close();
  await kamen.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const call = (r: Parameters<typeof s3Call>[2]) => s3Call(server.port, root, r);
const data = Buffer.alloc(150_000, 'kamen-trailer-');
const hmac = (key: Buffer, s: string) => createHmac('sha256', key).update(s).digest('hex');
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** The base64 digest of `buf` under `alg`, computed independently of kamen where node can. */
function digestOf(alg: 'crc32' | 'crc32c' | 'crc64nvme', buf: Buffer): string {
  const c = checksummer(alg);
  c.update(buf);
  return c.base64();
}

test('the CRC implementations give the catalogue check values', () => {
  const v = readVectors<{ input: string; crc64nvme: { hex: string }; crc32: { hex: string }; crc32c: { hex: string } }>('s3', 'checksums.json');
  for (const alg of ['crc64nvme', 'crc32', 'crc32c'] as const) {
    // fed in two pieces: the running state carries across chunks
    const c = checksummer(alg);
    c.update(Buffer.from(v.input.slice(0, 4)));
    c.update(Buffer.from(v.input.slice(4)));
    assert.equal(Buffer.from(c.base64(), 'base64').toString('hex'), v[alg].hex, alg);
  }
});

/**
 * A STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER body as the S3 documentation describes it: signed chunks, the signed
 * 0-byte chunk, the trailer lines, then `x-amz-trailer-signature` over the final chunk signature and the trailers.
 */
function signedTrailerPut(key: string, trailerValue: string, tamper?: 'signature' | 'missing-signature' | 'data') {
  const host = `127.0.0.1:${server.port}`;
  const headers = { 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': String(data.length), 'x-amz-trailer': 'x-amz-checksum-crc32c' };
  const s = signS3({ method: 'PUT', path: `/sum-bucket/${key}`, payloadHash: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER', headers }, root, host);
  const parts: Buffer[] = [];
  let prev = s.seedSignature;
  let off = 0;
  for (const n of [65536, 65536, data.length - 131072, 0]) {
    const chunk = data.subarray(off, off + n);
    off += n;
    prev = hmac(s.key, `AWS4-HMAC-SHA256-PAYLOAD\n${s.amzDate}\n${s.scope}\n${prev}\n${EMPTY_SHA}\n${sha(chunk)}`);
    parts.push(Buffer.from(`${n.toString(16)};chunk-signature=${prev}\r\n`), chunk);
    if (n > 0) parts.push(Buffer.from('\r\n'));
  }
  const canonical = `x-amz-checksum-crc32c:${trailerValue}\n`;
  let trailerSig = hmac(s.key, `AWS4-HMAC-SHA256-TRAILER\n${s.amzDate}\n${s.scope}\n${prev}\n${sha(canonical)}`);
  if (tamper === 'signature') trailerSig = trailerSig.replace(/^./, (c) => (c === '0' ? '1' : '0'));
  parts.push(Buffer.from(`x-amz-checksum-crc32c:${trailerValue}\r\n`));
  if (tamper !== 'missing-signature') parts.push(Buffer.from(`x-amz-trailer-signature:${trailerSig}\r\n`));
  parts.push(Buffer.from('\r\n'));
  const body = Buffer.concat(parts);
  if (tamper === 'data') body[300] ^= 1;
  return send(server.port, 'PUT', `/sum-bucket/${key}`, { ...s.headers, 'content-length': String(body.length) }, body);
}

test('STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER: chunk and trailer signatures are checked, then the trailer checksum', async () => {
  const right = digestOf('crc32c', data);
  for (const [tamper, status, code] of [
    ['signature', 403, 'SignatureDoesNotMatch'],
    ['missing-signature', 403, 'SignatureDoesNotMatch'],
    ['data', 403, 'SignatureDoesNotMatch'],
  ] as const) {
    const r = await signedTrailerPut(`bad-${tamper}`, right, tamper);
    assert.equal(r.status, status, `${tamper}: ${r.text}`);
    assert.equal(errorCode(r), code, tamper);
    assert.equal((await call({ method: 'HEAD', path: `/sum-bucket/bad-${tamper}` })).status, 404, `${tamper}: nothing stored`);
  }
  const wrongSum = await signedTrailerPut('bad-sum', 'AAAAAA==');
  assert.equal(wrongSum.status, 400, wrongSum.text);
  assert.equal(errorCode(wrongSum), 'BadDigest');
  assert.equal((await call({ method: 'HEAD', path: '/sum-bucket/bad-sum' })).status, 404);
  const ok = await signedTrailerPut('good', right);
  assert.equal(ok.status, 200, ok.text);
  const got = await call({ method: 'GET', path: '/sum-bucket/good', headers: { 'x-amz-checksum-mode': 'ENABLED' } });
  assert.ok(got.body.equals(data));
  assert.equal(got.headers['x-amz-checksum-crc32c'], right);
});

test('CRC64NVME is verified in a header and in an unsigned trailer; a wrong value is BadDigest', async () => {
  const right = digestOf('crc64nvme', data);
  const wrong = Buffer.alloc(8).toString('base64');
  const bad = await call({ method: 'PUT', path: '/sum-bucket/nvme-header', body: data, headers: { 'x-amz-checksum-crc64nvme': wrong } });
  assert.equal(bad.status, 400, bad.text);
  assert.equal(errorCode(bad), 'BadDigest');
  assert.equal((await call({ method: 'HEAD', path: '/sum-bucket/nvme-header' })).status, 404);
  const good = await call({ method: 'PUT', path: '/sum-bucket/nvme-header', body: data, headers: { 'x-amz-checksum-crc64nvme': right } });
  assert.equal(good.status, 200, good.text);
  assert.equal(good.headers['x-amz-checksum-crc64nvme'], right);

  const host = `127.0.0.1:${server.port}`;
  const unsigned = (value: string) => {
    const headers = { 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': String(data.length), 'x-amz-trailer': 'x-amz-checksum-crc64nvme' };
    const s = signS3({ method: 'PUT', path: '/sum-bucket/nvme-trailer', payloadHash: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', headers }, root, host);
    const body = Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from(`\r\n0\r\nx-amz-checksum-crc64nvme:${value}\r\n\r\n`)]);
    return send(server.port, 'PUT', '/sum-bucket/nvme-trailer', { ...s.headers, 'content-length': String(body.length) }, body);
  };
  const badTrailer = await unsigned(wrong);
  assert.equal(errorCode(badTrailer), 'BadDigest');
  assert.equal((await call({ method: 'HEAD', path: '/sum-bucket/nvme-trailer' })).status, 404);
  const goodTrailer = await unsigned(right);
  assert.equal(goodTrailer.status, 200, goodTrailer.text);
});

test('checksum algorithms kamen does not verify are refused, never stored unchecked', async () => {
  for (const headers of [{ 'x-amz-checksum-xxhash64': 'AAAAAAAAAAA=' }, { 'x-amz-sdk-checksum-algorithm': 'XXHASH3' }] as Array<Record<string, string>>) {
    const r = await call({ method: 'PUT', path: '/sum-bucket/unverified', body: data, headers });
    assert.equal(r.status, 400, r.text);
    assert.equal(errorCode(r), 'InvalidRequest');
    assert.equal((await call({ method: 'HEAD', path: '/sum-bucket/unverified' })).status, 404);
  }
});
