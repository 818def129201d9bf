/**
 * S3 over HTTP with raw signed requests: bucket rules (names, location constraints, global names across accounts,
 * BucketNotEmpty), object round trips (metadata and system headers, Range, conditionals), digests and streaming
 * uploads (Content-MD5, x-amz-checksum-*, x-amz-content-sha256, aws-chunked signed chunks and trailers) — every bad
 * input answered with S3's error and nothing stored.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { openKamen, type Kamen } from '../../../src/app.js';
import { startServer, type RunningServer } from '../../../src/http/server.js';
import { createMemberAccount } from '../../../src/services/accounts/index.js';
import { readVectors } from '../../helpers/paths.js';
import { errorCode, s3Call, send, signS3, type Creds } from './signer.js';

let kamen: Kamen;
let server: RunningServer;
let dataDir: string;
let root: Creds;
let other: Creds;
const EMPTY_SHA = createHash('sha256').update('').digest('hex');

before(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-s3-api-'));
  kamen = await openKamen({ dataDir, withCa: false, log: () => {} });
  server = await startServer({ host: '127.0.0.1', port: 0, pipeline: kamen.pipeline });
  root = { accessKeyId: kamen.bootstrap!.accessKeyId, secretAccessKey: kamen.bootstrap!.secretAccessKey };
  const m = await createMemberAccount(kamen.store, kamen.clock, { name: 'other', accountId: '333333333333', email: 'other@example.com' });
  other = { accessKeyId: m.accessKeyId, secretAccessKey: m.secretAccessKey };
});
after(async () => {
  await server.close();
  await kamen.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const call = (creds: Creds, r: Parameters<typeof s3Call>[2]) => s3Call(server.port, creds, r);

/** Every committed blob file under <data-dir>/objects (temporary files excluded). */
function blobFiles(): string[] {
  const dir = path.join(dataDir, 'objects');
  return fs.readdirSync(dir).filter((d) => d !== 'tmp').flatMap((d) => fs.readdirSync(path.join(dir, d)));
}

const names = readVectors<{ valid: string[]; invalid: string[] }>('s3', 'bucket-names.json');

test('CreateBucket: invalid names are InvalidBucketName and create nothing; valid names are created', async () => {
  for (const n of names.invalid) {
    const r = await call(root, { method: 'PUT', path: `/${n}` });
    assert.equal(r.status, 400, n);
    assert.equal(errorCode(r), 'InvalidBucketName', n);
    assert.match(r.text, new RegExp(`<BucketName>${n}</BucketName>`));
    assert.equal(await kamen.store.getS3Bucket(n), undefined);
  }
  for (const n of names.valid) {
    const r = await call(root, { method: 'PUT', path: `/${n}` });
    assert.equal(r.status, 200, `${n}: ${r.text}`);
    assert.equal(r.headers['location'], `/${n}`);
  }
});

test('CreateBucket: location constraints, the owner re-creating, another account taking the name', async () => {
  const cfg = (lc: string) => `<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>${lc}</LocationConstraint></CreateBucketConfiguration>`;
  const west = await call(root, { method: 'PUT', path: '/west-bucket', region: 'us-west-2', body: cfg('us-west-2') });
  assert.equal(west.status, 200, west.text);
  const loc = await call(root, { method: 'GET', path: '/west-bucket', query: { location: '' } });
  assert.match(loc.text, /<LocationConstraint xmlns="http:\/\/s3.amazonaws.com\/doc\/2006-03-01\/">us-west-2<\/LocationConstraint>/);
  const head = await call(root, { method: 'HEAD', path: '/west-bucket' });
  assert.equal(head.status, 200);
  assert.equal(head.headers['x-amz-bucket-region'], 'us-west-2');
  const mismatch = await call(root, { method: 'PUT', path: '/east-bucket-x', region: 'us-west-2', body: cfg('eu-west-1') });
  assert.equal(errorCode(mismatch), 'IllegalLocationConstraintException');
  const none = await call(root, { method: 'PUT', path: '/east-bucket-x', region: 'eu-west-1' });
  assert.equal(errorCode(none), 'IllegalLocationConstraintException');
  const explicitEast = await call(root, { method: 'PUT', path: '/east-bucket-x', body: cfg('us-east-1') });
  assert.equal(errorCode(explicitEast), 'InvalidLocationConstraint');
  const malformed = await call(root, { method: 'PUT', path: '/east-bucket-x', body: '<CreateBucketConfiguration><LocationConstraint>us-east-1' });
  assert.equal(malformed.status, 400);
  assert.equal(errorCode(malformed), 'MalformedXML');
  assert.equal(await kamen.store.getS3Bucket('east-bucket-x'), undefined);
  const again = await call(root, { method: 'PUT', path: '/west-bucket', region: 'us-west-2', body: cfg('us-west-2') });
  assert.equal(again.status, 409);
  assert.equal(errorCode(again), 'BucketAlreadyOwnedByYou');
  const taken = await call(other, { method: 'PUT', path: '/west-bucket', region: 'us-west-2', body: cfg('us-west-2') });
  assert.equal(taken.status, 409);
  assert.equal(errorCode(taken), 'BucketAlreadyExists');
  // ListBuckets answers the caller's account only.
  assert.equal((await call(other, { method: 'PUT', path: '/others-bucket' })).status, 200);
  const mine = await call(root, { method: 'GET', path: '/' });
  assert.match(mine.text, /<ListAllMyBucketsResult xmlns=/);
  assert.match(mine.text, /<Name>west-bucket<\/Name>/);
  assert.doesNotMatch(mine.text, /others-bucket/);
  const theirs = await call(other, { method: 'GET', path: '/' });
  assert.match(theirs.text, /<Name>others-bucket<\/Name>/);
  assert.doesNotMatch(theirs.text, /west-bucket/);
  // Another account's bucket: refused (no bucket policy grants it), not NoSuchBucket.
  const cross = await call(other, { method: 'GET', path: '/west-bucket', query: { 'list-type': '2' } });
  assert.equal(cross.status, 403);
  assert.equal(errorCode(cross), 'AccessDenied');
  const missing = await call(root, { method: 'HEAD', path: '/no-such-bucket-here' });
  assert.equal(missing.status, 404);
  assert.equal(missing.body.length, 0);
});

test('objects: metadata and system headers round-trip; Range; conditionals; DeleteBucket needs an empty bucket', async () => {
  assert.equal((await call(root, { method: 'PUT', path: '/objects-bucket' })).status, 200);
  const put = await call(root, {
    method: 'PUT',
    path: '/objects-bucket/dir/h%C3%A9llo%20world.txt',
    body: 'hello world',
    headers: { 'content-type': 'text/x-hello', 'x-amz-meta-color': 'blue', 'cache-control': 'no-cache', 'content-disposition': 'attachment', 'content-language': 'en' },
  });
  assert.equal(put.status, 200, put.text);
  const etag = `"${createHash('md5').update('hello world').digest('hex')}"`;
  assert.equal(put.headers['etag'], etag);
  const get = await call(root, { method: 'GET', path: '/objects-bucket/dir/h%C3%A9llo%20world.txt' });
  assert.equal(get.status, 200);
  assert.equal(get.text, 'hello world');
  assert.equal(get.headers['content-type'], 'text/x-hello');
  assert.equal(get.headers['x-amz-meta-color'], 'blue');
  assert.equal(get.headers['cache-control'], 'no-cache');
  assert.equal(get.headers['content-disposition'], 'attachment');
  assert.equal(get.headers['content-language'], 'en');
  assert.equal(get.headers['etag'], etag);
  const p = '/objects-bucket/dir/h%C3%A9llo%20world.txt';
  const range = await call(root, { method: 'GET', path: p, headers: { range: 'bytes=2-4' } });
  assert.equal(range.status, 206);
  assert.equal(range.text, 'llo');
  assert.equal(range.headers['content-range'], 'bytes 2-4/11');
  const suffix = await call(root, { method: 'GET', path: p, headers: { range: 'bytes=-5' } });
  assert.equal(suffix.text, 'world');
  const unsatisfiable = await call(root, { method: 'GET', path: p, headers: { range: 'bytes=50-' } });
  assert.equal(unsatisfiable.status, 416);
  assert.equal(errorCode(unsatisfiable), 'InvalidRange');
  const notModified = await call(root, { method: 'GET', path: p, headers: { 'if-none-match': etag } });
  assert.equal(notModified.status, 304);
  assert.equal(notModified.body.length, 0);
  const failed = await call(root, { method: 'GET', path: p, headers: { 'if-match': '"0000"' } });
  assert.equal(failed.status, 412);
  assert.equal(errorCode(failed), 'PreconditionFailed');
  const since = await call(root, { method: 'GET', path: p, headers: { 'if-modified-since': new Date(Date.now() + 3600_000).toUTCString() } });
  assert.equal(since.status, 304);
  const head = await call(root, { method: 'HEAD', path: p });
  assert.equal(head.status, 200);
  assert.equal(head.headers['content-length'], '11');
  const noKey = await call(root, { method: 'GET', path: '/objects-bucket/nope' });
  assert.equal(noKey.status, 404);
  assert.equal(errorCode(noKey), 'NoSuchKey');
  assert.match(noKey.text, /<Key>nope<\/Key><RequestId>[^<]+<\/RequestId><HostId>[^<]+<\/HostId><\/Error>$/);
  const notEmpty = await call(root, { method: 'DELETE', path: '/objects-bucket' });
  assert.equal(notEmpty.status, 409);
  assert.equal(errorCode(notEmpty), 'BucketNotEmpty');
  assert.equal((await call(root, { method: 'DELETE', path: p })).status, 204);
  assert.equal((await call(root, { method: 'DELETE', path: '/objects-bucket' })).status, 204);
  assert.equal((await call(root, { method: 'HEAD', path: '/objects-bucket' })).status, 404);
});

test('bad digests, bad payload hashes and long keys are refused with S3\'s error and store nothing', async () => {
  assert.equal((await call(root, { method: 'PUT', path: '/digest-bucket' })).status, 200);
  const before = blobFiles().length;
  const body = 'some bytes';
  const cases: Array<{ name: string; req: Parameters<typeof s3Call>[2]; code: string }> = [
    { name: 'wrong Content-MD5', req: { method: 'PUT', path: '/digest-bucket/k', body, headers: { 'content-md5': createHash('md5').update('other').digest('base64') } }, code: 'BadDigest' },
    { name: 'malformed Content-MD5', req: { method: 'PUT', path: '/digest-bucket/k', body, headers: { 'content-md5': 'abc' } }, code: 'InvalidDigest' },
    { name: 'wrong x-amz-checksum-sha256', req: { method: 'PUT', path: '/digest-bucket/k', body, headers: { 'x-amz-checksum-sha256': createHash('sha256').update('x').digest('base64') } }, code: 'BadDigest' },
    { name: 'wrong x-amz-checksum-crc32', req: { method: 'PUT', path: '/digest-bucket/k', body, headers: { 'x-amz-checksum-crc32': 'AAAAAA==' } }, code: 'BadDigest' },
    { name: 'x-amz-content-sha256 of another body', req: { method: 'PUT', path: '/digest-bucket/k', body, payloadHash: EMPTY_SHA }, code: 'XAmzContentSHA256Mismatch' },
    { name: 'a key over 1024 bytes', req: { method: 'PUT', path: `/digest-bucket/${encodeURIComponent('é'.repeat(513))}`, body }, code: 'KeyTooLongError' },
  ];
  for (const c of cases) {
    const r = await call(root, c.req);
    assert.equal(r.status, 400, `${c.name}: ${r.text}`);
    assert.equal(errorCode(r), c.code, c.name);
  }
  assert.equal((await call(root, { method: 'GET', path: '/digest-bucket/k' })).status, 404);
  assert.equal(blobFiles().length, before);
  assert.deepEqual(fs.readdirSync(path.join(dataDir, 'objects', 'tmp')), []);
  // The right digests are accepted and answered back.
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  const good = await call(root, { method: 'PUT', path: '/digest-bucket/k', body, headers: { 'content-md5': createHash('md5').update(body).digest('base64'), 'x-amz-checksum-crc32': crc.toString('base64') } });
  assert.equal(good.status, 200, good.text);
  assert.equal(good.headers['x-amz-checksum-crc32'], crc.toString('base64'));
});

/** An aws-chunked body: signed chunks (seeded by the request signature) or unsigned chunks with a trailer. */
function chunked(data: Buffer, sizes: number[], signing?: { key: Buffer; seed: string; amzDate: string; scope: string }, trailer?: string): Buffer {
  const parts: Buffer[] = [];
  let prev = signing?.seed ?? '';
  let off = 0;
  for (const n of [...sizes, 0]) {
    const chunk = data.subarray(off, off + n);
    off += n;
    if (signing) {
      const sts = `AWS4-HMAC-SHA256-PAYLOAD\n${signing.amzDate}\n${signing.scope}\n${prev}\n${EMPTY_SHA}\n${createHash('sha256').update(chunk).digest('hex')}`;
      prev = createHmac('sha256', signing.key).update(sts).digest('hex');
      parts.push(Buffer.from(`${n.toString(16)};chunk-signature=${prev}\r\n`), chunk, Buffer.from('\r\n'));
    } else if (n > 0) parts.push(Buffer.from(`${n.toString(16)}\r\n`), chunk, Buffer.from('\r\n'));
    else parts.push(Buffer.from(`0\r\n${trailer ?? ''}\r\n`));
  }
  return Buffer.concat(parts);
}

test('streaming uploads: every chunk signature is checked; unsigned chunks with a trailer checksum', async () => {
  assert.equal((await call(root, { method: 'PUT', path: '/stream-bucket' })).status, 200);
  const data = Buffer.alloc(200_000, 'abcdefghij');
  const host = `127.0.0.1:${server.port}`;
  const signedPut = (tamper: boolean) => {
    const headers = { 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': String(data.length) };
    const s = signS3({ method: 'PUT', path: '/stream-bucket/signed', payloadHash: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', headers }, root, host);
    const body = chunked(data, [65536, 65536, data.length - 131072], { key: s.key, seed: s.seedSignature, amzDate: s.amzDate, scope: s.scope });
    if (tamper) body[body.length - 200] ^= 1;
    return send(server.port, 'PUT', '/stream-bucket/signed', { ...s.headers, 'content-length': String(body.length) }, body);
  };
  const bad = await signedPut(true);
  assert.equal(bad.status, 403, bad.text);
  assert.equal(errorCode(bad), 'SignatureDoesNotMatch');
  assert.equal((await call(root, { method: 'HEAD', path: '/stream-bucket/signed' })).status, 404);
  const ok = await signedPut(false);
  assert.equal(ok.status, 200, ok.text);
  const got = await call(root, { method: 'GET', path: '/stream-bucket/signed' });
  assert.ok(got.body.equals(data));
  assert.equal(got.headers['content-encoding'], undefined, 'aws-chunked is not stored');

  const trailerPut = (crc: string) => {
    const headers = { 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': String(data.length), 'x-amz-trailer': 'x-amz-checksum-crc32' };
    const s = signS3({ method: 'PUT', path: '/stream-bucket/trailer', payloadHash: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', headers }, root, host);
    const body = chunked(data, [100_000, 100_000], undefined, `x-amz-checksum-crc32:${crc}\r\n`);
    return send(server.port, 'PUT', '/stream-bucket/trailer', { ...s.headers, 'content-length': String(body.length) }, body);
  };
  const wrong = await trailerPut('AAAAAA==');
  assert.equal(wrong.status, 400);
  assert.equal(errorCode(wrong), 'BadDigest');
  assert.equal((await call(root, { method: 'HEAD', path: '/stream-bucket/trailer' })).status, 404);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(data));
  const right = await trailerPut(crc.toString('base64'));
  assert.equal(right.status, 200, right.text);
  assert.ok((await call(root, { method: 'GET', path: '/stream-bucket/trailer' })).body.equals(data));
});

test('unsigned requests, unimplemented operations and unknown keys get S3\'s XML errors', async () => {
  const anon = await send(server.port, 'GET', '/west-bucket?list-type=2', { host: `127.0.0.1:${server.port}` });
  // kamen's own address: an unsigned request with no S3 marker is not S3's (virtual-hosted names are).
  assert.notEqual(anon.status, 200);
  const vh = await send(server.port, 'GET', '/?list-type=2', { host: 'west-bucket.s3.us-west-2.amazonaws.com' });
  assert.equal(vh.status, 403);
  assert.equal(errorCode(vh), 'AccessDenied');
  const ni = await call(root, { method: 'GET', path: '/west-bucket', query: { accelerate: '' } });
  assert.equal(ni.status, 501);
  assert.equal(errorCode(ni), 'NotImplemented');
  const badKey = await call({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x' }, { method: 'GET', path: '/' });
  assert.equal(badKey.status, 403);
  assert.equal(errorCode(badKey), 'InvalidAccessKeyId');
  const badSig = await call({ ...root, secretAccessKey: 'wrong' }, { method: 'GET', path: '/' });
  assert.equal(badSig.status, 403);
  assert.equal(errorCode(badSig), 'SignatureDoesNotMatch');
});

/** An IAM user of `accountId` with an inline policy (or none) and an access key, written straight to the store. */
async function iamUser(accountId: string, name: string, policy: object | undefined, keyId: string): Promise<Creds> {
  await kamen.store.createUser({ accountId, userId: `AIDA${keyId.slice(4)}`, userName: name, path: '/', arn: `arn:aws:iam::${accountId}:user/${name}`, createDate: new Date(), tags: [] });
  if (policy) await kamen.store.putInlinePolicy({ accountId, kind: 'user', principalName: name, policyName: 'p', document: JSON.stringify(policy) });
  const secretAccessKey = `secret-${keyId}`;
  await kamen.store.createAccessKey({ accessKeyId: keyId, secretAccessKey, accountId, userName: name, status: 'Active', createDate: new Date() });
  return { accessKeyId: keyId, secretAccessKey };
}

test('bucket policies: validated, owner-only, a cross-account grant needs both sides, public reads, a Deny binds the owner', async () => {
  const A = kamen.bootstrap!.managementAccountId;
  assert.equal((await call(root, { method: 'PUT', path: '/policy-bucket' })).status, 200);
  assert.equal((await call(root, { method: 'PUT', path: '/policy-bucket/o', body: 'shared' })).status, 200);
  const reader = await iamUser('333333333333', 'reader', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }, 'AKIAREADER0000000001');
  const bare = await iamUser('333333333333', 'bare', undefined, 'AKIABARE000000000001');
  const get = (c: Creds) => call(c, { method: 'GET', path: '/policy-bucket/o' });
  assert.equal((await get(reader)).status, 403, 'no bucket policy: the identity side alone does not reach another account');
  const putPolicy = (c: Creds, doc: unknown) => call(c, { method: 'PUT', path: '/policy-bucket', query: { policy: '' }, body: typeof doc === 'string' ? doc : JSON.stringify(doc) });
  for (const [bad, message] of [
    ['not json', "Policies must be valid JSON and the first byte must be '{'"],
    [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::other-bucket/*' }] }, 'Policy has invalid resource'],
  ] as const) {
    const r = await putPolicy(root, bad);
    assert.equal(r.status, 400, r.text);
    assert.equal(errorCode(r), 'MalformedPolicy');
    assert.ok(r.text.replace(/&apos;/g, "'").includes(`<Message>${message}</Message>`), r.text);
  }
  const grant = { Version: '2012-10-17', Statement: [{ Sid: 'Partner', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::333333333333:root' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::policy-bucket/*' }] };
  const foreign = await putPolicy(reader, grant);
  assert.equal(foreign.status, 403, 'another account may not set the policy');
  const set = await putPolicy(root, grant);
  assert.equal(set.status, 204, set.text);
  const read = await get(reader);
  assert.equal(read.status, 200, read.text);
  assert.equal(read.text, 'shared');
  assert.equal((await get(bare)).status, 403, 'the bucket policy alone is not enough across accounts');
  const stored = await call(root, { method: 'GET', path: '/policy-bucket', query: { policy: '' } });
  assert.equal(stored.text, JSON.stringify(grant));
  const status = await call(root, { method: 'GET', path: '/policy-bucket', query: { policyStatus: '' } });
  assert.match(status.text, /<PolicyStatus xmlns="[^"]+"><IsPublic>false<\/IsPublic><\/PolicyStatus>/);
  // Public read, and a Deny that binds even the owner's root user.
  const publicRead = {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::policy-bucket/*' },
      { Effect: 'Deny', Principal: '*', Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::policy-bucket/*' },
    ],
  };
  assert.equal((await putPolicy(root, publicRead)).status, 204);
  const anon = await send(server.port, 'GET', '/o', { host: 'policy-bucket.s3.amazonaws.com' });
  assert.equal(anon.status, 200, anon.text);
  assert.equal(anon.text, 'shared');
  const anonList = await send(server.port, 'GET', '/?list-type=2', { host: 'policy-bucket.s3.amazonaws.com' });
  assert.equal(anonList.status, 403, 'the policy grants objects, not listing');
  const del = await call(root, { method: 'DELETE', path: '/policy-bucket/o' });
  assert.equal(del.status, 403, del.text);
  assert.match(del.text, new RegExp(`arn:aws:iam::${A}:root`));
  assert.match((await call(root, { method: 'GET', path: '/policy-bucket', query: { policyStatus: '' } })).text, /<IsPublic>true<\/IsPublic>/);
  assert.equal((await call(root, { method: 'DELETE', path: '/policy-bucket', query: { policy: '' } })).status, 204);
  const gone = await call(root, { method: 'GET', path: '/policy-bucket', query: { policy: '' } });
  assert.equal(gone.status, 404);
  assert.equal(errorCode(gone), 'NoSuchBucketPolicy');
  assert.equal((await send(server.port, 'GET', '/o', { host: 'policy-bucket.s3.amazonaws.com' })).status, 403);
});

test('condition keys: s3:prefix bounds what a user may list', async () => {
  const A = kamen.bootstrap!.managementAccountId;
  assert.equal((await call(root, { method: 'PUT', path: '/prefix-bucket' })).status, 200);
  const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::prefix-bucket', Condition: { StringLike: { 's3:prefix': 'home/alice/*' } } }] };
  const alice = await iamUser(A, 'alice', policy, 'AKIAALICE00000000001');
  const list = (prefix?: string) => call(alice, { method: 'GET', path: '/prefix-bucket', query: { 'list-type': '2', ...(prefix !== undefined ? { prefix } : {}) } });
  assert.equal((await list('home/alice/')).status, 200);
  assert.equal((await list('home/bob/')).status, 403);
  assert.equal((await list()).status, 403);
});

test('multipart upload: parts, ListParts, order/size/ETag checks, the md5-of-md5s ETag, abort removes parts', async () => {
  assert.equal((await call(root, { method: 'PUT', path: '/multi-bucket' })).status, 200);
  const create = async () => {
    const r = await call(root, { method: 'POST', path: '/multi-bucket/big', query: { uploads: '' }, headers: { 'content-type': 'text/x-big', 'x-amz-meta-k': 'v' } });
    assert.equal(r.status, 200, r.text);
    assert.match(r.text, /<InitiateMultipartUploadResult xmlns=/);
    return /<UploadId>([^<]+)<\/UploadId>/.exec(r.text)![1]!;
  };
  const part = async (uploadId: string, n: number, body: Buffer) => {
    const r = await call(root, { method: 'PUT', path: '/multi-bucket/big', query: { partNumber: String(n), uploadId }, body });
    assert.equal(r.status, 200, r.text);
    return r.headers['etag'] as string;
  };
  const complete = (uploadId: string, parts: Array<[number, string]>) =>
    call(root, {
      method: 'POST',
      path: '/multi-bucket/big',
      query: { uploadId },
      body: `<CompleteMultipartUpload>${parts.map(([n, e]) => `<Part><PartNumber>${n}</PartNumber><ETag>${e}</ETag></Part>`).join('')}</CompleteMultipartUpload>`,
    });
  const p1 = Buffer.alloc(5 * 1024 * 1024, 'a');
  const p2 = Buffer.from('the end');
  const id = await create();
  const e1 = await part(id, 1, p1);
  const e2 = await part(id, 2, p2);
  const parts = await call(root, { method: 'GET', path: '/multi-bucket/big', query: { uploadId: id } });
  assert.deepEqual([...parts.text.matchAll(/<PartNumber>(\d+)<\/PartNumber>/g)].map((m) => m[1]), ['1', '2']);
  const uploads = await call(root, { method: 'GET', path: '/multi-bucket', query: { uploads: '' } });
  assert.match(uploads.text, new RegExp(`<UploadId>${id}</UploadId>`));
  assert.equal(errorCode(await complete(id, [[2, e2], [1, e1]])), 'InvalidPartOrder');
  assert.equal(errorCode(await complete(id, [[1, e1], [2, '"00000000000000000000000000000000"']])), 'InvalidPart');
  assert.equal(errorCode(await complete(id, [[2, e2], [3, e2]])), 'InvalidPart');
  const small = await create();
  const s1 = await part(small, 1, p2);
  const s2 = await part(small, 2, p2);
  const tooSmall = await complete(small, [[1, s1], [2, s2]]);
  assert.equal(tooSmall.status, 400);
  assert.equal(errorCode(tooSmall), 'EntityTooSmall');
  assert.equal((await call(root, { method: 'HEAD', path: '/multi-bucket/big' })).status, 404, 'nothing completed yet');
  const done = await complete(id, [[1, e1], [2, e2]]);
  assert.equal(done.status, 200, done.text);
  const md5 = (b: Buffer) => createHash('md5').update(b).digest();
  const etag = `"${createHash('md5').update(Buffer.concat([md5(p1), md5(p2)])).digest('hex')}-2"`;
  assert.ok(done.text.includes(`<ETag>${etag.replace(/"/g, '&quot;')}</ETag>`), done.text);
  const got = await call(root, { method: 'GET', path: '/multi-bucket/big' });
  assert.ok(got.body.equals(Buffer.concat([p1, p2])));
  assert.equal(got.headers['etag'], etag);
  assert.equal(got.headers['content-type'], 'text/x-big');
  assert.equal(got.headers['x-amz-meta-k'], 'v');
  assert.equal(errorCode(await call(root, { method: 'GET', path: '/multi-bucket/big', query: { uploadId: id } })), 'NoSuchUpload');
  const before = blobFiles().length;
  const aborted = await call(root, { method: 'DELETE', path: '/multi-bucket/big', query: { uploadId: small } });
  assert.equal(aborted.status, 204);
  assert.equal(blobFiles().length, before - 2, 'the aborted upload\'s part files are removed');
  assert.equal(errorCode(await call(root, { method: 'PUT', path: '/multi-bucket/big', query: { partNumber: '1', uploadId: small }, body: 'x' })), 'NoSuchUpload');
  assert.equal(errorCode(await call(root, { method: 'PUT', path: '/multi-bucket/big', query: { partNumber: '10001', uploadId: id }, body: 'x' })), 'InvalidArgument');
});

test('DeleteObjects (verbose, quiet, per-key authorization) and CopyObject (metadata directive, cross-bucket, refused source)', async () => {
  const A = kamen.bootstrap!.managementAccountId;
  assert.equal((await call(root, { method: 'PUT', path: '/batch-bucket' })).status, 200);
  for (const k of ['keep/1', 'tmp/1', 'tmp/2']) assert.equal((await call(root, { method: 'PUT', path: `/batch-bucket/${k}`, body: k, headers: { 'x-amz-meta-src': k, 'content-type': 'text/x-src' } })).status, 200);
  const del = (c: Creds, keys: string[], quiet = false, md5 = true) => {
    const body = `<Delete>${keys.map((k) => `<Object><Key>${k}</Key></Object>`).join('')}${quiet ? '<Quiet>true</Quiet>' : ''}</Delete>`;
    return call(c, { method: 'POST', path: '/batch-bucket', query: { delete: '' }, body, headers: md5 ? { 'content-md5': createHash('md5').update(body).digest('base64') } : {} });
  };
  const noMd5 = await del(root, ['tmp/1'], false, false);
  assert.equal(errorCode(noMd5), 'InvalidRequest');
  const tmpOnly = await iamUser(A, 'tmp-deleter', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::batch-bucket/tmp/*' }] }, 'AKIATMPDEL0000000001');
  const mixed = await del(tmpOnly, ['tmp/1', 'keep/1']);
  assert.equal(mixed.status, 200, mixed.text);
  assert.match(mixed.text, /<DeleteResult xmlns="[^"]+"><Deleted><Key>tmp\/1<\/Key><\/Deleted><Error><Key>keep\/1<\/Key><Code>AccessDenied<\/Code><Message>Access Denied<\/Message><\/Error><\/DeleteResult>/);
  assert.equal((await call(root, { method: 'HEAD', path: '/batch-bucket/keep/1' })).status, 200);
  assert.equal((await call(root, { method: 'HEAD', path: '/batch-bucket/tmp/1' })).status, 404);
  const quiet = await del(root, ['tmp/2', 'never-existed'], true);
  assert.match(quiet.text, /<DeleteResult xmlns="[^"]+"><\/DeleteResult>/);
  assert.equal((await call(root, { method: 'HEAD', path: '/batch-bucket/tmp/2' })).status, 404);

  // CopyObject: COPY keeps the source's metadata, REPLACE takes the request's; across buckets; onto itself needs REPLACE.
  assert.equal((await call(root, { method: 'PUT', path: '/copy-target' })).status, 200);
  const copy = await call(root, { method: 'PUT', path: '/copy-target/copied', headers: { 'x-amz-copy-source': '/batch-bucket/keep%2F1' } });
  assert.equal(copy.status, 200, copy.text);
  assert.match(copy.text, /<CopyObjectResult xmlns="[^"]+"><ETag>&quot;[0-9a-f]{32}&quot;<\/ETag><LastModified>/);
  const copied = await call(root, { method: 'GET', path: '/copy-target/copied' });
  assert.equal(copied.text, 'keep/1');
  assert.equal(copied.headers['x-amz-meta-src'], 'keep/1');
  assert.equal(copied.headers['content-type'], 'text/x-src');
  const replaced = await call(root, { method: 'PUT', path: '/copy-target/copied', headers: { 'x-amz-copy-source': 'copy-target/copied', 'x-amz-metadata-directive': 'REPLACE', 'x-amz-meta-new': 'yes', 'content-type': 'text/x-new' } });
  assert.equal(replaced.status, 200, replaced.text);
  const after = await call(root, { method: 'HEAD', path: '/copy-target/copied' });
  assert.equal(after.headers['x-amz-meta-new'], 'yes');
  assert.equal(after.headers['x-amz-meta-src'], undefined);
  assert.equal(after.headers['content-type'], 'text/x-new');
  const self = await call(root, { method: 'PUT', path: '/copy-target/copied', headers: { 'x-amz-copy-source': 'copy-target/copied' } });
  assert.equal(errorCode(self), 'InvalidRequest');
  // A caller allowed to write the destination but not to read the source is refused, and nothing is written.
  const writer = await iamUser(A, 'writer', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: '*' }] }, 'AKIAWRITER0000000001');
  const refused = await call(writer, { method: 'PUT', path: '/copy-target/stolen', headers: { 'x-amz-copy-source': 'batch-bucket/keep/1' } });
  assert.equal(refused.status, 403, refused.text);
  assert.match(refused.text, /s3:GetObject/);
  assert.equal((await call(root, { method: 'HEAD', path: '/copy-target/stolen' })).status, 404);
  const missing = await call(root, { method: 'PUT', path: '/copy-target/x', headers: { 'x-amz-copy-source': 'batch-bucket/nope' } });
  assert.equal(errorCode(missing), 'NoSuchKey');
});

test('BucketOwnerEnforced: ownership controls, and ACLs answer the owner\'s FULL_CONTROL', async () => {
  assert.equal((await call(root, { method: 'PUT', path: '/acl-bucket' })).status, 200);
  assert.equal((await call(root, { method: 'PUT', path: '/acl-bucket/o', body: 'x' })).status, 200);
  const controls = await call(root, { method: 'GET', path: '/acl-bucket', query: { ownershipControls: '' } });
  assert.match(controls.text, /<OwnershipControls xmlns="[^"]+"><Rule><ObjectOwnership>BucketOwnerEnforced<\/ObjectOwnership><\/Rule><\/OwnershipControls>/);
  for (const path of ['/acl-bucket', '/acl-bucket/o']) {
    const acl = await call(root, { method: 'GET', path, query: { acl: '' } });
    assert.equal(acl.status, 200, acl.text);
    assert.match(
      acl.text,
      /<AccessControlPolicy xmlns="[^"]+"><Owner><DisplayName>\d{12}<\/DisplayName><ID>([0-9a-f]{64})<\/ID><\/Owner><AccessControlList><Grant><Grantee xmlns:xsi="http:\/\/www.w3.org\/2001\/XMLSchema-instance" xsi:type="CanonicalUser"><DisplayName>\d{12}<\/DisplayName><ID>\1<\/ID><\/Grantee><Permission>FULL_CONTROL<\/Permission><\/Grant><\/AccessControlList><\/AccessControlPolicy>/,
    );
  }
  assert.equal(errorCode(await call(root, { method: 'GET', path: '/acl-bucket/none', query: { acl: '' } })), 'NoSuchKey');
  assert.equal((await call(other, { method: 'GET', path: '/acl-bucket', query: { acl: '' } })).status, 403);
});

test('resource control policies of a member account bound requests to its buckets, its own root included', async () => {
  const org = (await kamen.store.getOrganization())!;
  assert.equal((await call(other, { method: 'PUT', path: '/rcp-bucket' })).status, 200);
  assert.equal((await call(other, { method: 'PUT', path: '/rcp-bucket/o', body: 'guarded' })).status, 200);
  const get = () => call(other, { method: 'GET', path: '/rcp-bucket/o' });
  assert.equal((await get()).status, 200);
  const id = 'p-rcpdenyget1';
  await kamen.store.putOrgPolicy({
    id,
    arn: `arn:aws:organizations::${org.managementAccountId}:policy/${org.id}/resource_control_policy/${id}`,
    name: 'DenyGet',
    description: '',
    type: 'RESOURCE_CONTROL_POLICY',
    awsManaged: false,
    content: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: '*' }] }),
  });
  await kamen.store.attachOrgPolicy(id, '333333333333');
  try {
    const denied = await get();
    assert.equal(denied.status, 403, denied.text);
    assert.equal(errorCode(denied), 'AccessDenied');
    assert.match(denied.text, /resource control policy/);
    // The management account's buckets are never bounded by RCPs.
    assert.equal((await call(root, { method: 'PUT', path: '/rcp-mgmt-bucket' })).status, 200);
    assert.equal((await call(root, { method: 'PUT', path: '/rcp-mgmt-bucket/o', body: 'x' })).status, 200);
    assert.equal((await call(root, { method: 'GET', path: '/rcp-mgmt-bucket/o' })).status, 200);
  } finally {
    await kamen.store.detachOrgPolicy(id, '333333333333');
  }
  assert.equal((await get()).status, 200);
});
