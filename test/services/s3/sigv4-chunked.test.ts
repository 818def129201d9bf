/** aws-chunked decoding for S3: AWS's published signed-chunk example, split anywhere; a changed byte or signature is refused. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeAwsChunked, deriveSigningKey, type S3SignatureSeed } from '../../../src/sigv4/index.js';
import { KamenError } from '../../../src/errors.js';
import { readVectors } from '../../helpers/paths.js';

const V = readVectors<{ secretAccessKey: string; amzDate: string; scope: string; region: string; seedSignature: string; chunks: Array<{ size: number; fill: string; signature: string }> }>('s3', 'streaming-signed.json');

function body(): Buffer {
  const parts: Buffer[] = [];
  for (const c of V.chunks) parts.push(Buffer.from(`${c.size.toString(16)};chunk-signature=${c.signature}\r\n`), Buffer.alloc(c.size, c.fill), Buffer.from('\r\n'));
  return Buffer.concat(parts);
}

function seed(): S3SignatureSeed {
  return { signingKey: deriveSigningKey(V.secretAccessKey, V.amzDate.slice(0, 8), V.region, 's3'), seedSignature: V.seedSignature, amzDate: V.amzDate, scope: V.scope };
}

async function decode(bytes: Buffer, pieceSize: number): Promise<Buffer> {
  async function* pieces(): AsyncGenerator<Buffer> {
    for (let i = 0; i < bytes.length; i += pieceSize) yield bytes.subarray(i, i + pieceSize);
  }
  const out: Buffer[] = [];
  for await (const c of decodeAwsChunked(pieces(), seed(), new Map())) out.push(c);
  return Buffer.concat(out);
}

test('AWS\'s example body decodes, however the bytes arrive', async () => {
  for (const size of [1, 7, 4096, 70_000, 1 << 20]) {
    const data = await decode(body(), size);
    assert.equal(data.length, 65536 + 1024, String(size));
    assert.ok(data.every((b) => b === 0x61));
  }
});

test('a changed data byte, a changed signature or a missing final chunk is refused', async () => {
  const flipped = body();
  flipped[200] ^= 1;
  await assert.rejects(decode(flipped, 8192), (e: unknown) => e instanceof KamenError && e.code === 'ERR_SIGNATURE_DOES_NOT_MATCH');
  const wrongSig = Buffer.from(body().toString('latin1').replace(V.chunks[1]!.signature, V.chunks[0]!.signature), 'latin1');
  await assert.rejects(decode(wrongSig, 8192), (e: unknown) => e instanceof KamenError && e.code === 'ERR_SIGNATURE_DOES_NOT_MATCH');
  const truncated = body().subarray(0, 65536 + 200);
  await assert.rejects(decode(truncated, 8192), (e: unknown) => e instanceof KamenError && e.code === 'ERR_S3_INCOMPLETE_BODY');
});
