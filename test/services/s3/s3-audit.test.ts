/**
 * S3 calls in CloudTrail: bucket-level (management) calls are recorded as CloudTrail records them — eventSource
 * s3.amazonaws.com, requestParameters with bucketName and Host, the bucket as resource, failures with their error —
 * and object-level (data event) calls are not.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openKamen, type Kamen } from '../../../src/app.js';
import { startServer, type RunningServer } from '../../../src/http/server.js';
import type { CloudTrailRecord } from '../../../src/audit/types.js';
import { s3Call, type Creds } from './signer.js';

let kamen: Kamen;
let server: RunningServer;
let dataDir: string;
let root: Creds;
let A: string;

before(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-s3-audit-'));
  kamen = await openKamen({ dataDir, withCa: false, log: () => {} });
  server = await startServer({ host: '127.0.0.1', port: 0, pipeline: kamen.pipeline });
  root = { accessKeyId: kamen.bootstrap!.accessKeyId, secretAccessKey: kamen.bootstrap!.secretAccessKey };
  A = kamen.bootstrap!.managementAccountId;
});
after(async () => {
  await server.close();
  await kamen.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const call = (r: Parameters<typeof s3Call>[2]) => s3Call(server.port, root, r);

/** The account's S3 records, oldest first. */
async function s3Records(): Promise<CloudTrailRecord[]> {
  await kamen.events.flush();
  const rows = await kamen.store.lookupEvents({ accountId: A, attribute: { key: 'EventSource', value: 's3.amazonaws.com' }, startMs: 0, endMs: Date.now() + 60_000, limit: 100 });
  return rows.map((r) => JSON.parse(r.record) as CloudTrailRecord).reverse();
}

test('management calls are recorded (with their failures); object calls are data events and are not', async () => {
  assert.equal((await call({ method: 'PUT', path: '/audited-bucket' })).status, 200);
  assert.equal((await call({ method: 'PUT', path: '/audited-bucket/o', body: 'x' })).status, 200);
  assert.equal((await call({ method: 'GET', path: '/audited-bucket/o' })).status, 200);
  const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: A }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::audited-bucket/*' }] });
  assert.equal((await call({ method: 'PUT', path: '/audited-bucket', query: { policy: '' }, body: policy })).status, 204);
  assert.equal((await call({ method: 'PUT', path: '/audited-bucket', query: { policy: '' }, body: 'not json' })).status, 400);
  assert.equal((await call({ method: 'GET', path: '/audited-bucket', query: { tagging: '' } })).status, 404);

  const records = await s3Records();
  assert.deepEqual(records.map((r) => [r.eventName, r.errorCode ?? null]), [
    ['CreateBucket', null],
    ['PutBucketPolicy', null],
    ['PutBucketPolicy', 'MalformedPolicy'],
    ['GetBucketTagging', 'NoSuchTagSet'],
  ]);
  const [create, put, bad, get] = records as [CloudTrailRecord, CloudTrailRecord, CloudTrailRecord, CloudTrailRecord];
  assert.equal(create.eventSource, 's3.amazonaws.com');
  assert.equal(create.readOnly, false);
  assert.equal(create.managementEvent, true);
  assert.equal(create.recipientAccountId, A);
  assert.equal(create.requestParameters?.['bucketName'], 'audited-bucket');
  assert.equal(create.requestParameters?.['Host'], `127.0.0.1:${server.port}`);
  assert.deepEqual(create.resources, [{ accountId: A, type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::audited-bucket' }]);
  assert.deepEqual(put.requestParameters?.['bucketPolicy'], JSON.parse(policy), 'the policy as the request sent it');
  assert.equal(bad.errorMessage, "Policies must be valid JSON and the first byte must be '{'");
  assert.equal(get.readOnly, true);
  assert.equal(get.additionalEventData?.['SignatureVersion'], 'SigV4');
  // The stored row answers LookupEvents' ResourceName filter.
  const byBucket = await kamen.store.lookupEvents({ accountId: A, attribute: { key: 'ResourceName', value: 'audited-bucket' }, startMs: 0, endMs: Date.now() + 60_000, limit: 100 });
  assert.equal(byBucket.length, 4);
});

test('S3 Control calls are recorded as account-level management events', async () => {
  const body = '<PublicAccessBlockConfiguration xmlns="http://awss3control.amazonaws.com/doc/2018-08-20/"><BlockPublicAcls>true</BlockPublicAcls></PublicAccessBlockConfiguration>';
  assert.equal((await call({ method: 'PUT', path: '/v20180820/configuration/publicAccessBlock', headers: { 'x-amz-account-id': A }, body })).status, 200);
  const last = (await s3Records()).at(-1)!;
  assert.equal(last.eventName, 'PutAccountPublicAccessBlock');
  assert.equal(last.eventSource, 's3.amazonaws.com');
});
