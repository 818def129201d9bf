/**
 * The tag condition keys of S3 requests, decided by the engine over HTTP: s3:ExistingObjectTag/<key> (a Deny on a
 * stored tag holds), s3:RequestObjectTag/<key> and s3:RequestObjectTagKeys (from x-amz-tagging and PutObjectTagging),
 * aws:ResourceTag/<key> of a bucket for bucket-level calls.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openKamen, type Kamen } from '../../../src/app.js';
import { startServer, type RunningServer } from '../../../src/http/server.js';
import { s3Call, type Creds } from './signer.js';

let kamen: Kamen;
let server: RunningServer;
let dataDir: string;
let root: Creds;
let A: string;

before(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-s3-tags-'));
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

const call = (c: Creds, r: Parameters<typeof s3Call>[2]) => s3Call(server.port, c, r);

async function user(name: string, policy: object, keyId: string): Promise<Creds> {
  await kamen.store.createUser({ accountId: A, userId: `AIDA${keyId.slice(4)}`, userName: name, path: '/', arn: `arn:aws:iam::${A}:user/${name}`, createDate: new Date(), tags: [] });
  await kamen.store.putInlinePolicy({ accountId: A, kind: 'user', principalName: name, policyName: 'p', document: JSON.stringify(policy) });
  await kamen.store.createAccessKey({ accessKeyId: keyId, secretAccessKey: `secret-${keyId}`, accountId: A, userName: name, status: 'Active', createDate: new Date() });
  return { accessKeyId: keyId, secretAccessKey: `secret-${keyId}` };
}

test('s3:ExistingObjectTag: a Deny on a stored object tag refuses reading that object and its tags', async () => {
  assert.equal((await call(root, { method: 'PUT', path: '/tagcond-bucket' })).status, 200);
  assert.equal((await call(root, { method: 'PUT', path: '/tagcond-bucket/secret', body: 's', headers: { 'x-amz-tagging': 'classification=secret' } })).status, 200);
  assert.equal((await call(root, { method: 'PUT', path: '/tagcond-bucket/open', body: 'o', headers: { 'x-amz-tagging': 'classification=open' } })).status, 200);
  const reader = await user(
    'tag-reader',
    {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectTagging'], Resource: '*' },
        { Effect: 'Deny', Action: ['s3:GetObject', 's3:GetObjectTagging'], Resource: '*', Condition: { StringEquals: { 's3:ExistingObjectTag/classification': 'secret' } } },
      ],
    },
    'AKIATAGREADER0000001',
  );
  assert.equal((await call(reader, { method: 'GET', path: '/tagcond-bucket/open' })).status, 200);
  assert.equal((await call(reader, { method: 'GET', path: '/tagcond-bucket/secret' })).status, 403);
  assert.equal((await call(reader, { method: 'HEAD', path: '/tagcond-bucket/secret' })).status, 403);
  assert.equal((await call(reader, { method: 'GET', path: '/tagcond-bucket/secret', query: { tagging: '' } })).status, 403);
  // Re-tagging the object changes the decision.
  const retag = await call(root, { method: 'PUT', path: '/tagcond-bucket/secret', query: { tagging: '' }, body: '<Tagging><TagSet><Tag><Key>classification</Key><Value>open</Value></Tag></TagSet></Tagging>' });
  assert.equal(retag.status, 200, retag.text);
  assert.equal((await call(reader, { method: 'GET', path: '/tagcond-bucket/secret' })).status, 200);
});

test('s3:RequestObjectTag and s3:RequestObjectTagKeys: uploads must carry the required tag', async () => {
  assert.equal((await call(root, { method: 'PUT', path: '/reqtag-bucket' })).status, 200);
  const writer = await user(
    'tag-writer',
    {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['s3:PutObject', 's3:PutObjectTagging'], Resource: '*', Condition: { StringEquals: { 's3:RequestObjectTag/team': 'blue' }, 'ForAllValues:StringEquals': { 's3:RequestObjectTagKeys': ['team'] } } },
      ],
    },
    'AKIATAGWRITER0000001',
  );
  assert.equal((await call(writer, { method: 'PUT', path: '/reqtag-bucket/a', body: 'a', headers: { 'x-amz-tagging': 'team=blue' } })).status, 200);
  assert.equal((await call(writer, { method: 'PUT', path: '/reqtag-bucket/b', body: 'b', headers: { 'x-amz-tagging': 'team=red' } })).status, 403);
  assert.equal((await call(writer, { method: 'PUT', path: '/reqtag-bucket/c', body: 'c' })).status, 403, 'no tag: the condition key is absent');
  assert.equal((await call(writer, { method: 'PUT', path: '/reqtag-bucket/d', body: 'd', headers: { 'x-amz-tagging': 'team=blue&extra=1' } })).status, 403, 'a tag key outside the allowed set');
  assert.equal(await kamen.store.getS3Object('reqtag-bucket', 'b'), undefined);
  const ok = await call(writer, { method: 'PUT', path: '/reqtag-bucket/a', query: { tagging: '' }, body: '<Tagging><TagSet><Tag><Key>team</Key><Value>blue</Value></Tag></TagSet></Tagging>' });
  assert.equal(ok.status, 200, ok.text);
  const bad = await call(writer, { method: 'PUT', path: '/reqtag-bucket/a', query: { tagging: '' }, body: '<Tagging><TagSet><Tag><Key>team</Key><Value>red</Value></Tag></TagSet></Tagging>' });
  assert.equal(bad.status, 403);
});

test("aws:ResourceTag: a bucket's tags decide bucket-level calls", async () => {
  for (const b of ['dev-bucket', 'prod-bucket']) assert.equal((await call(root, { method: 'PUT', path: `/${b}` })).status, 200);
  const tagging = '<Tagging><TagSet><Tag><Key>env</Key><Value>dev</Value></Tag></TagSet></Tagging>';
  assert.equal((await call(root, { method: 'PUT', path: '/dev-bucket', query: { tagging: '' }, body: tagging })).status, 204);
  const lister = await user('tag-lister', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/env': 'dev' } } }] }, 'AKIATAGLISTER0000001');
  assert.equal((await call(lister, { method: 'GET', path: '/dev-bucket', query: { 'list-type': '2' } })).status, 200);
  assert.equal((await call(lister, { method: 'GET', path: '/prod-bucket', query: { 'list-type': '2' } })).status, 403);
});
