/**
 * S3 with real SDKs at their default settings: the JS SDK v3 (@aws-sdk/client-s3 — flexible checksums sent as
 * aws-chunked trailers, CRC32 by default) and, when python3 has it, boto3: put/get/list, multipart (with
 * UploadPartCopy), versioning, presigned URLs, CRC64NVME, and a wrong checksum refused.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import {
  S3Client,
  CreateBucketCommand,
  PutObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  CreateMultipartUploadCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
  CompleteMultipartUploadCommand,
  PutBucketVersioningCommand,
  ListObjectVersionsCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
} from '@aws-sdk/client-s3';
import { SignatureV4 } from '@smithy/signature-v4';
import { cleanEnv, startKamen, tempHome, type TestKamen } from './harness.js';

let k: TestKamen;
let s3: S3Client;
const REGION = 'us-east-1';
const MiB = 1024 * 1024;

before(async () => {
  k = await startKamen();
  s3 = new S3Client({ endpoint: k.url, region: REGION, forcePathStyle: true, credentials: { accessKeyId: k.boot.accessKeyId, secretAccessKey: k.boot.secretAccessKey } });
});
after(async () => {
  s3.destroy();
  await k.stop();
});

const bytes = (d: string | ArrayBuffer | ArrayBufferView): string | Buffer =>
  typeof d === 'string' ? d : d instanceof ArrayBuffer ? Buffer.from(d) : Buffer.from(d.buffer, d.byteOffset, d.byteLength);

/** The hash constructor SignatureV4 takes (SHA-256, or HMAC-SHA256 with a secret), over node:crypto. */
class Sha256 {
  private readonly h: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.h.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.h.digest());
  }
}

const text = async (body: unknown): Promise<string> => await (body as { transformToString(): Promise<string> }).transformToString();

test('SDK v3 defaults: put (buffer and stream, CRC32 trailer), get with checksum validation, head, list', async () => {
  await s3.send(new CreateBucketCommand({ Bucket: 'sdk-bucket' }));
  const put = await s3.send(new PutObjectCommand({ Bucket: 'sdk-bucket', Key: 'a/one.txt', Body: 'one', Metadata: { color: 'blue' }, ContentType: 'text/plain' }));
  assert.equal(put.ETag, `"${createHash('md5').update('one').digest('hex')}"`);
  const data = Buffer.alloc(300_000, 'sdk-stream-');
  // A stream of known length: the SDK sends it aws-chunked with an x-amz-checksum-crc32 trailer.
  const streamed = await s3.send(new PutObjectCommand({ Bucket: 'sdk-bucket', Key: 'a/two.bin', Body: Readable.from([data.subarray(0, 100_000), data.subarray(100_000)]), ContentLength: data.length }));
  assert.ok(streamed.ChecksumCRC32, 'the CRC32 the SDK sent was verified and answered');
  const got = await s3.send(new GetObjectCommand({ Bucket: 'sdk-bucket', Key: 'a/two.bin', ChecksumMode: 'ENABLED' }));
  assert.equal(got.ChecksumCRC32, streamed.ChecksumCRC32);
  assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(data));
  const head = await s3.send(new HeadObjectCommand({ Bucket: 'sdk-bucket', Key: 'a/one.txt' }));
  assert.equal(head.ContentType, 'text/plain');
  assert.deepEqual(head.Metadata, { color: 'blue' });
  const list = await s3.send(new ListObjectsV2Command({ Bucket: 'sdk-bucket', Delimiter: '/' }));
  assert.deepEqual(list.CommonPrefixes?.map((p) => p.Prefix), ['a/']);
  const under = await s3.send(new ListObjectsV2Command({ Bucket: 'sdk-bucket', Prefix: 'a/', MaxKeys: 1 }));
  assert.equal(under.IsTruncated, true);
  const rest = await s3.send(new ListObjectsV2Command({ Bucket: 'sdk-bucket', Prefix: 'a/', ContinuationToken: under.NextContinuationToken }));
  assert.deepEqual([...(under.Contents ?? []), ...(rest.Contents ?? [])].map((o) => o.Key), ['a/one.txt', 'a/two.bin']);
});

test('SDK v3: CRC64NVME is verified; a wrong checksum is BadDigest and stores nothing', async () => {
  const ok = await s3.send(new PutObjectCommand({ Bucket: 'sdk-bucket', Key: 'nvme', Body: 'crc64', ChecksumAlgorithm: 'CRC64NVME' }));
  assert.ok(ok.ChecksumCRC64NVME);
  await assert.rejects(
    s3.send(new PutObjectCommand({ Bucket: 'sdk-bucket', Key: 'wrong', Body: 'data', ChecksumCRC32: 'AAAAAA==' })),
    (e: { name?: string }) => e.name === 'BadDigest',
  );
  await assert.rejects(s3.send(new HeadObjectCommand({ Bucket: 'sdk-bucket', Key: 'wrong' })), (e: { name?: string }) => e.name === 'NotFound');
});

test('SDK v3: multipart with UploadPart (checksummed) and UploadPartCopy', async () => {
  const part1 = Buffer.alloc(5 * MiB, 7);
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'sdk-bucket', Key: 'multi.bin' }));
  const p1 = await s3.send(new UploadPartCommand({ Bucket: 'sdk-bucket', Key: 'multi.bin', UploadId, PartNumber: 1, Body: part1 }));
  const p2 = await s3.send(new UploadPartCopyCommand({ Bucket: 'sdk-bucket', Key: 'multi.bin', UploadId, PartNumber: 2, CopySource: 'sdk-bucket/a/one.txt' }));
  const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket: 'sdk-bucket', Key: 'multi.bin', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.ETag! }, { PartNumber: 2, ETag: p2.CopyPartResult!.ETag! }] } }));
  assert.match(done.ETag!, /-2"$/);
  const got = await s3.send(new GetObjectCommand({ Bucket: 'sdk-bucket', Key: 'multi.bin' }));
  assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.concat([part1, Buffer.from('one')])));
});

test('SDK v3: versioning, delete markers, ListObjectVersions, DeleteObjects by version', async () => {
  await s3.send(new PutBucketVersioningCommand({ Bucket: 'sdk-bucket', VersioningConfiguration: { Status: 'Enabled' } }));
  const v1 = (await s3.send(new PutObjectCommand({ Bucket: 'sdk-bucket', Key: 'v', Body: 'one' }))).VersionId!;
  const v2 = (await s3.send(new PutObjectCommand({ Bucket: 'sdk-bucket', Key: 'v', Body: 'two' }))).VersionId!;
  assert.notEqual(v1, v2);
  assert.equal(await text((await s3.send(new GetObjectCommand({ Bucket: 'sdk-bucket', Key: 'v', VersionId: v1 }))).Body), 'one');
  const del = await s3.send(new DeleteObjectCommand({ Bucket: 'sdk-bucket', Key: 'v' }));
  assert.equal(del.DeleteMarker, true);
  const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: 'sdk-bucket', Prefix: 'v' }));
  assert.deepEqual(versions.Versions?.map((v) => [v.VersionId, v.IsLatest]), [[v2, false], [v1, false]]);
  assert.deepEqual(versions.DeleteMarkers?.map((m) => [m.VersionId, m.IsLatest]), [[del.VersionId, true]]);
  const gone = await s3.send(new DeleteObjectsCommand({ Bucket: 'sdk-bucket', Delete: { Objects: [{ Key: 'v', VersionId: del.VersionId }, { Key: 'v', VersionId: v1 }] } }));
  assert.equal(gone.Deleted?.length, 2);
  assert.equal(await text((await s3.send(new GetObjectCommand({ Bucket: 'sdk-bucket', Key: 'v' }))).Body), 'two');
});

test('a presigned GET URL (SigV4 query signing, as the SDK presigner builds it) works with a plain HTTP client', async () => {
  const signer = new SignatureV4({ service: 's3', region: REGION, credentials: { accessKeyId: k.boot.accessKeyId, secretAccessKey: k.boot.secretAccessKey }, sha256: Sha256, uriEscapePath: false, applyChecksum: false });
  const url = new URL(`${k.url}/sdk-bucket/a/one.txt`);
  // As @aws-sdk/s3-request-presigner does: the payload is UNSIGNED-PAYLOAD, and that header is not sent.
  const req = { protocol: url.protocol, hostname: url.hostname, port: Number(url.port), method: 'GET', path: url.pathname, headers: { host: url.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }, query: {} };
  const signed = await signer.presign(req, { expiresIn: 300, unsignableHeaders: new Set(['x-amz-content-sha256']) });
  const query = new URLSearchParams(signed.query as Record<string, string>).toString();
  const r = await fetch(`${k.url}${signed.path}?${query}`);
  const body = await r.text();
  assert.equal(r.status, 200, body);
  assert.equal(body, 'one');
});

const boto3 = spawnSync('python3', ['-c', 'import boto3'], { encoding: 'utf8' }).status === 0;

test('boto3 defaults: put/get/list, multipart upload_fileobj, versioning, presigned URL', { skip: boto3 ? false : 'boto3 is not installed for python3 (python3 -c "import boto3" failed)' }, async () => {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test', 'e2e', 's3-sdk', 'boto3-flow.py');
  const env = cleanEnv(tempHome(), { AWS_ENDPOINT_URL: k.url, AWS_DEFAULT_REGION: REGION, AWS_ACCESS_KEY_ID: k.boot.accessKeyId, AWS_SECRET_ACCESS_KEY: k.boot.secretAccessKey });
  // asynchronously: the server runs in this process
  const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn('python3', [script, 'boto3-bucket'], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
  assert.equal(result.code, 0, result.stderr);
  const out = JSON.parse(result.stdout.trim().split('\n').pop()!);
  assert.equal(out.get, 'hello from boto3');
  assert.deepEqual(out.metadata, { color: 'blue' });
  assert.deepEqual(out.prefixes, ['dir/']);
  assert.match(out.bigEtag, /-3"$/);
  assert.equal(out.bigSame, true);
  assert.equal(out.versionOne, 'one');
  assert.equal(out.deleteMarker, true);
  assert.equal(out.versions, true);
  assert.equal(out.markers, 1);
  assert.equal(out.presignedV4, true);
  assert.equal(out.presigned, 'hello from boto3');
});
