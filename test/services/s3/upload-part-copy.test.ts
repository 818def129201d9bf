/**
 * UploadPartCopy over HTTP: a part copied from an object (whole or `x-amz-copy-source-range`), completed into an object
 * with the right bytes and ETag; bad ranges and failed copy conditions refused with nothing stored; the source
 * authorized as s3:GetObject (s3:GetObjectVersion when a version is named), the destination as s3:PutObject.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openKamen, type Kamen } from '../../../src/app.js';
import { startServer, type RunningServer } from '../../../src/http/server.js';
import { errorCode, s3Call, type Creds } from './signer.js';

let kamen: Kamen;
let server: RunningServer;
let dataDir: string;
let root: Creds;
const MiB = 1024 * 1024;
const big = Buffer.alloc(6 * MiB + 123);
for (let i = 0; i < big.length; i++) big[i] = (i * 31 + (i >> 11)) & 0xff;
const small = Buffer.from('the tail part');

before(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-s3-upc-'));
  kamen = await openKamen({ dataDir, withCa: false, log: () => {} });
  server = await startServer({ host: '127.0.0.1', port: 0, pipeline: kamen.pipeline });
  root = { accessKeyId: kamen.bootstrap!.accessKeyId, secretAccessKey: kamen.bootstrap!.secretAccessKey };
  for (const b of ['upc-src', 'upc-dst']) assert.equal((await call(root, { method: 'PUT', path: `/${b}` })).status, 200);
  assert.equal((await call(root, { method: 'PUT', path: '/upc-src/big', body: big })).status, 200);
  assert.equal((await call(root, { method: 'PUT', path: '/upc-src/small', body: small })).status, 200);
});
after(async () => {
  await server.close();
  await kamen.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const call = (creds: Creds, r: Parameters<typeof s3Call>[2]) => s3Call(server.port, creds, r);
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const tag = (xml: string, name: string): string | undefined => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

async function createUpload(key: string): Promise<string> {
  const r = await call(root, { method: 'POST', path: `/upc-dst/${key}`, query: { uploads: '' } });
  assert.equal(r.status, 200, r.text);
  return tag(r.text, 'UploadId')!;
}
const copyPart = (creds: Creds, key: string, uploadId: string, partNumber: number, source: string, headers: Record<string, string> = {}) =>
  call(creds, { method: 'PUT', path: `/upc-dst/${key}`, query: { partNumber: String(partNumber), uploadId }, headers: { 'x-amz-copy-source': source, ...headers } });

test('parts copied from a range and from a whole object complete into the concatenated bytes', async () => {
  const uploadId = await createUpload('joined');
  const first = await copyPart(root, 'joined', uploadId, 1, '/upc-src/big', { 'x-amz-copy-source-range': `bytes=0-${5 * MiB - 1}` });
  assert.equal(first.status, 200, first.text);
  assert.match(first.text, /<CopyPartResult xmlns="http:\/\/s3.amazonaws.com\/doc\/2006-03-01\/"><ETag>/);
  const e1 = tag(first.text, 'ETag')!.replace(/&quot;/g, '"');
  assert.equal(e1, `"${md5(big.subarray(0, 5 * MiB))}"`);
  const second = await copyPart(root, 'joined', uploadId, 2, 'upc-src/small');
  assert.equal(second.status, 200, second.text);
  const e2 = tag(second.text, 'ETag')!.replace(/&quot;/g, '"');
  const parts = await call(root, { method: 'GET', path: '/upc-dst/joined', query: { uploadId } });
  assert.deepEqual([...parts.text.matchAll(/<Size>(\d+)<\/Size>/g)].map((m) => Number(m[1])), [5 * MiB, small.length]);
  const body = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${e1}</ETag></Part><Part><PartNumber>2</PartNumber><ETag>${e2}</ETag></Part></CompleteMultipartUpload>`;
  const done = await call(root, { method: 'POST', path: '/upc-dst/joined', query: { uploadId }, body });
  assert.equal(done.status, 200, done.text);
  const got = await call(root, { method: 'GET', path: '/upc-dst/joined' });
  assert.ok(got.body.equals(Buffer.concat([big.subarray(0, 5 * MiB), small])));
});

test('bad ranges, failed copy conditions, unknown sources and uploads are refused and store no part', async () => {
  const uploadId = await createUpload('refused');
  for (const [range, code] of [
    ['bytes=0-', 'InvalidArgument'],
    ['bytes=10-5', 'InvalidArgument'],
    [`bytes=0-${big.length}`, 'InvalidArgument'],
    ['0-10', 'InvalidArgument'],
  ] as const) {
    const r = await copyPart(root, 'refused', uploadId, 1, '/upc-src/big', { 'x-amz-copy-source-range': range });
    assert.equal(r.status, 400, `${range}: ${r.text}`);
    assert.equal(errorCode(r), code, range);
  }
  const ifMatch = await copyPart(root, 'refused', uploadId, 1, '/upc-src/small', { 'x-amz-copy-source-if-match': '"0000"' });
  assert.equal(ifMatch.status, 412);
  assert.equal(errorCode(ifMatch), 'PreconditionFailed');
  const ifNone = await copyPart(root, 'refused', uploadId, 1, '/upc-src/small', { 'x-amz-copy-source-if-none-match': `"${md5(small)}"` });
  assert.equal(ifNone.status, 412, 'a copy condition never answers 304');
  assert.equal(errorCode((await copyPart(root, 'refused', uploadId, 1, '/upc-src/missing'))), 'NoSuchKey');
  assert.equal(errorCode((await copyPart(root, 'refused', uploadId, 1, '/no-such-bucket-upc/x'))), 'NoSuchBucket');
  assert.equal(errorCode((await copyPart(root, 'refused', 'not-an-upload', 1, '/upc-src/small'))), 'NoSuchUpload');
  assert.equal(errorCode((await copyPart(root, 'refused', uploadId, 0, '/upc-src/small'))), 'InvalidArgument');
  const parts = await call(root, { method: 'GET', path: '/upc-dst/refused', query: { uploadId } });
  assert.doesNotMatch(parts.text, /<Part>/, 'no part was stored');
});

/** An IAM user of the bootstrap account with an inline policy and an access key, written straight to the store. */
async function iamUser(name: string, statements: unknown[], keyId: string): Promise<Creds> {
  const accountId = kamen.bootstrap!.managementAccountId;
  await kamen.store.createUser({ accountId, userId: `AIDA${keyId.slice(4)}`, userName: name, path: '/', arn: `arn:aws:iam::${accountId}:user/${name}`, createDate: new Date(), tags: [] });
  await kamen.store.putInlinePolicy({ accountId, kind: 'user', principalName: name, policyName: 'p', document: JSON.stringify({ Version: '2012-10-17', Statement: statements }) });
  const secretAccessKey = `secret-${keyId}`;
  await kamen.store.createAccessKey({ accessKeyId: keyId, secretAccessKey, accountId, userName: name, status: 'Active', createDate: new Date() });
  return { accessKeyId: keyId, secretAccessKey };
}

test('the source is authorized as s3:GetObject (s3:GetObjectVersion for a named version), the destination as s3:PutObject', async () => {
  const writer = await iamUser('upc-writer', [{ Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::upc-dst/*' }], 'AKIAUPCWRITER0000001');
  const copier = await iamUser('upc-copier', [
    { Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::upc-dst/*' },
    { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::upc-src/*' },
  ], 'AKIAUPCCOPIER0000001');
  const reader = await iamUser('upc-reader', [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }], 'AKIAUPCREADER0000001');
  const uploadId = await createUpload('authz');
  const noSource = await copyPart(writer, 'authz', uploadId, 1, '/upc-src/small');
  assert.equal(noSource.status, 403, noSource.text);
  assert.equal(errorCode(noSource), 'AccessDenied');
  const noDest = await copyPart(reader, 'authz', uploadId, 1, '/upc-src/small');
  assert.equal(noDest.status, 403);
  assert.equal((await copyPart(copier, 'authz', uploadId, 1, '/upc-src/small')).status, 200);
  const named = await copyPart(copier, 'authz', uploadId, 2, '/upc-src/small?versionId=null');
  assert.equal(named.status, 403, 'naming a version needs s3:GetObjectVersion');
  const parts = await call(root, { method: 'GET', path: '/upc-dst/authz', query: { uploadId } });
  assert.deepEqual([...parts.text.matchAll(/<PartNumber>(\d+)<\/PartNumber>/g)].map((m) => m[1]), ['1']);
});
