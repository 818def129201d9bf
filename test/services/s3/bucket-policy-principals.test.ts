/**
 * Bucket-policy principals bound as trust policies bind theirs, through a real server and the SDK v3: an ARN naming
 * nobody is MalformedPolicy "Invalid principal in policy", a bare account ID is stored as its root ARN, a deleted user
 * shows as its unique ID and a re-created user of the same name is not granted; deleting the bucket drops the bindings.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { IAMClient, CreateUserCommand, DeleteUserCommand, CreateAccessKeyCommand, DeleteAccessKeyCommand, PutUserPolicyCommand, DeleteUserPolicyCommand } from '@aws-sdk/client-iam';
import { S3Client, CreateBucketCommand, DeleteBucketCommand, PutObjectCommand, DeleteObjectCommand, GetObjectCommand, PutBucketPolicyCommand, GetBucketPolicyCommand } from '@aws-sdk/client-s3';
import { startKamen, type TestKamen } from '../../e2e/harness.js';
import { createMemberAccount } from '../../../src/services/accounts/index.js';

interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
}

const PARTNER = '555555555555';
let k: TestKamen;
let owner: Creds;
let partnerRoot: Creds;
before(async () => {
  k = await startKamen();
  owner = { accessKeyId: k.boot.accessKeyId, secretAccessKey: k.boot.secretAccessKey };
  const m = await createMemberAccount(k.kamen.store, k.kamen.clock, { name: 'partner', accountId: PARTNER, email: 'p@example.com' });
  partnerRoot = { accessKeyId: m.accessKeyId, secretAccessKey: m.secretAccessKey };
});
after(async () => {
  await k.stop();
});

const cfg = (credentials: Creds) => ({ endpoint: k.url, region: 'us-east-1', credentials, maxAttempts: 1 });
const s3 = (c: Creds) => new S3Client({ ...cfg(c), forcePathStyle: true });
const iam = () => new IAMClient(cfg(partnerRoot));
const policy = (principal: unknown, bucket: string) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Partner', Effect: 'Allow', Principal: { AWS: principal }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }] });

/** A partner user allowed s3:GetObject by its own policy, with an access key. */
async function partnerUser(name: string): Promise<{ id: string; arn: string; creds: Creds }> {
  const u = (await iam().send(new CreateUserCommand({ UserName: name }))).User!;
  await iam().send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'p', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }) }));
  const key = (await iam().send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
  return { id: u.UserId!, arn: u.Arn!, creds: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! } };
}

async function deletePartnerUser(name: string, accessKeyId: string): Promise<void> {
  await iam().send(new DeleteAccessKeyCommand({ UserName: name, AccessKeyId: accessKeyId }));
  await iam().send(new DeleteUserPolicyCommand({ UserName: name, PolicyName: 'p' }));
  await iam().send(new DeleteUserCommand({ UserName: name }));
}

async function status(p: Promise<unknown>): Promise<number | undefined> {
  try {
    await p;
    return 200;
  } catch (err) {
    return (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  }
}

test('PutBucketPolicy: a principal naming nobody is refused; a bare account ID is stored as its root ARN', async () => {
  const c = s3(owner);
  await c.send(new CreateBucketCommand({ Bucket: 'principal-check' }));
  for (const ghost of [`arn:aws:iam::${PARTNER}:user/ghost`, `arn:aws:iam::${PARTNER}:role/ghost-role`, ['*', `arn:aws:iam::${PARTNER}:user/ghost`]]) {
    try {
      await c.send(new PutBucketPolicyCommand({ Bucket: 'principal-check', Policy: policy(ghost, 'principal-check') }));
      assert.fail('accepted a principal naming nobody');
    } catch (err) {
      const e = err as { name: string; message: string; $metadata: { httpStatusCode?: number } };
      assert.equal(e.name, 'MalformedPolicy');
      assert.equal(e.message, 'Invalid principal in policy');
      assert.equal(e.$metadata.httpStatusCode, 400);
    }
  }
  assert.equal((await k.kamen.store.getS3Bucket('principal-check'))?.policy, undefined, 'nothing stored');
  await c.send(new PutBucketPolicyCommand({ Bucket: 'principal-check', Policy: policy(PARTNER, 'principal-check') }));
  const stored = JSON.parse((await c.send(new GetBucketPolicyCommand({ Bucket: 'principal-check' }))).Policy!);
  assert.equal(stored.Statement[0].Principal.AWS, `arn:aws:iam::${PARTNER}:root`);
});

test('a deleted user shows as its unique ID in the bucket policy and a re-created user of the same name is not granted', async () => {
  const c = s3(owner);
  await c.send(new CreateBucketCommand({ Bucket: 'principal-bound' }));
  await c.send(new PutObjectCommand({ Bucket: 'principal-bound', Key: 'o', Body: 'secret' }));
  const first = await partnerUser('reader');
  await c.send(new PutBucketPolicyCommand({ Bucket: 'principal-bound', Policy: policy(first.arn, 'principal-bound') }));
  const read = await s3(first.creds).send(new GetObjectCommand({ Bucket: 'principal-bound', Key: 'o' }));
  assert.equal(await read.Body!.transformToString(), 'secret');
  assert.equal(JSON.parse((await c.send(new GetBucketPolicyCommand({ Bucket: 'principal-bound' }))).Policy!).Statement[0].Principal.AWS, first.arn);

  await deletePartnerUser('reader', first.creds.accessKeyId);
  const after = JSON.parse((await c.send(new GetBucketPolicyCommand({ Bucket: 'principal-bound' }))).Policy!);
  assert.equal(after.Statement[0].Principal.AWS, first.id, 'the stored policy names the deleted user by its unique ID');
  assert.match(first.id, /^AIDA/);

  const second = await partnerUser('reader');
  assert.equal(second.arn, first.arn);
  assert.notEqual(second.id, first.id);
  assert.equal(await status(s3(second.creds).send(new GetObjectCommand({ Bucket: 'principal-bound', Key: 'o' }))), 403, 'the re-created user is not granted');

  // Saving the policy again with the new user's ARN binds the new user; deleting the bucket drops the binding.
  await c.send(new PutBucketPolicyCommand({ Bucket: 'principal-bound', Policy: policy(second.arn, 'principal-bound') }));
  assert.equal(await status(s3(second.creds).send(new GetObjectCommand({ Bucket: 'principal-bound', Key: 'o' }))), 200);
  assert.deepEqual((await k.kamen.store.listPrincipalBindings(second.id)).map((b) => b.policyId), ['arn:aws:s3:::principal-bound']);
  await c.send(new DeleteObjectCommand({ Bucket: 'principal-bound', Key: 'o' }));
  await c.send(new DeleteBucketCommand({ Bucket: 'principal-bound' }));
  assert.deepEqual(await k.kamen.store.listPrincipalBindings(second.id), []);
});
