/**
 * S3 bucket configuration through the AWS SDK v3 against a real kamen server: Block Public Access (bucket level, and
 * account level over S3 Control's REST path), Object Ownership and ACLs, bucket and object tagging (x-amz-tagging,
 * the tagging directive, x-amz-tagging-count), each new operation called as a client calls it.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  S3Client,
  CreateBucketCommand,
  PutObjectCommand,
  ListObjectsV2Command,
  GetObjectCommand,
  HeadObjectCommand,
  CopyObjectCommand,
  PutBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  PutPublicAccessBlockCommand,
  GetPublicAccessBlockCommand,
  DeletePublicAccessBlockCommand,
  GetBucketOwnershipControlsCommand,
  PutBucketOwnershipControlsCommand,
  DeleteBucketOwnershipControlsCommand,
  PutBucketAclCommand,
  GetBucketAclCommand,
  PutObjectAclCommand,
  GetObjectAclCommand,
  PutBucketTaggingCommand,
  GetBucketTaggingCommand,
  DeleteBucketTaggingCommand,
  PutObjectTaggingCommand,
  GetObjectTaggingCommand,
  DeleteObjectTaggingCommand,
} from '@aws-sdk/client-s3';
import { startKamen, type TestKamen } from '../../e2e/harness.js';
import { createMemberAccount } from '../../../src/services/accounts/index.js';
import { canonicalUserId } from '../../../src/services/s3/context.js';
import { errorCode, s3Call, send, signS3, type Creds } from './signer.js';

let k: TestKamen;
let rootCreds: Creds;
let other: Creds;
before(async () => {
  k = await startKamen();
  rootCreds = { accessKeyId: k.boot.accessKeyId, secretAccessKey: k.boot.secretAccessKey };
  const m = await createMemberAccount(k.kamen.store, k.kamen.clock, { name: 'partner', accountId: '444444444444', email: 'partner@example.com' });
  other = { accessKeyId: m.accessKeyId, secretAccessKey: m.secretAccessKey };
});
after(async () => {
  await k.stop();
});

const s3 = (c: Creds = rootCreds) => new S3Client({ endpoint: k.url, region: 'us-east-1', credentials: c, forcePathStyle: true, maxAttempts: 1 });

/** The error name (S3's Code) a command fails with. */
async function failure(p: Promise<unknown>): Promise<{ name: string; message: string; status: number | undefined }> {
  try {
    await p;
  } catch (err) {
    const e = err as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  assert.fail('expected the call to fail');
}

const publicRead = (bucket: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }] });

/** An S3 Control request for the account-level Block Public Access, signed as the SDK signs it (service s3). */
function control(c: Creds, account: string, method: 'GET' | 'PUT' | 'DELETE', body?: string) {
  return s3Call(k.port, c, { method, path: '/v20180820/configuration/publicAccessBlock', headers: { 'x-amz-account-id': account }, ...(body !== undefined ? { body } : {}) });
}
const pabXml = (flags: Record<string, boolean>) =>
  `<PublicAccessBlockConfiguration xmlns="http://awss3control.amazonaws.com/doc/2018-08-20/">${Object.entries(flags).map(([f, v]) => `<${f}>${v}</${f}>`).join('')}</PublicAccessBlockConfiguration>`;

test('bucket Block Public Access: Put/Get/Delete, BlockPublicPolicy refuses a public policy, GetBucketPolicyStatus', async () => {
  const c = s3();
  await c.send(new CreateBucketCommand({ Bucket: 'bpa-bucket' }));
  const none = await failure(c.send(new GetPublicAccessBlockCommand({ Bucket: 'bpa-bucket' })));
  assert.equal(none.name, 'NoSuchPublicAccessBlockConfiguration');
  assert.equal(none.status, 404);
  await c.send(new PutPublicAccessBlockCommand({ Bucket: 'bpa-bucket', PublicAccessBlockConfiguration: { BlockPublicPolicy: true } }));
  const got = await c.send(new GetPublicAccessBlockCommand({ Bucket: 'bpa-bucket' }));
  assert.deepEqual(got.PublicAccessBlockConfiguration, { BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: true, RestrictPublicBuckets: false });
  const refused = await failure(c.send(new PutBucketPolicyCommand({ Bucket: 'bpa-bucket', Policy: publicRead('bpa-bucket') })));
  assert.equal(refused.name, 'AccessDenied');
  assert.equal(refused.status, 403);
  assert.match(refused.message, /because public policies are blocked by the BlockPublicPolicy block public access setting/);
  // A policy pinned to a fixed source account is not public: accepted.
  const pinned = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bpa-bucket/*', Condition: { StringEquals: { 'aws:PrincipalAccount': '444444444444' } } }] });
  await c.send(new PutBucketPolicyCommand({ Bucket: 'bpa-bucket', Policy: pinned }));
  assert.equal((await c.send(new GetBucketPolicyStatusCommand({ Bucket: 'bpa-bucket' }))).PolicyStatus?.IsPublic, false);
  await c.send(new DeletePublicAccessBlockCommand({ Bucket: 'bpa-bucket' }));
  assert.equal((await failure(c.send(new GetPublicAccessBlockCommand({ Bucket: 'bpa-bucket' })))).name, 'NoSuchPublicAccessBlockConfiguration');
  await c.send(new PutBucketPolicyCommand({ Bucket: 'bpa-bucket', Policy: publicRead('bpa-bucket') }));
  assert.equal((await c.send(new GetBucketPolicyStatusCommand({ Bucket: 'bpa-bucket' }))).PolicyStatus?.IsPublic, true);
});

test('account Block Public Access over S3 Control: the effective setting is bucket OR account; RestrictPublicBuckets', async () => {
  const A = k.boot.managementAccountId;
  const c = s3();
  await c.send(new CreateBucketCommand({ Bucket: 'restrict-bucket' }));
  await c.send(new PutObjectCommand({ Bucket: 'restrict-bucket', Key: 'o', Body: 'public bytes' }));
  await c.send(new PutBucketPolicyCommand({ Bucket: 'restrict-bucket', Policy: publicRead('restrict-bucket') }));
  const anonymous = () => send(k.port, 'GET', '/o', { host: 'restrict-bucket.s3.amazonaws.com' });
  const partner = () => s3Call(k.port, other, { method: 'GET', path: '/restrict-bucket/o' });
  assert.equal((await anonymous()).status, 200);
  assert.equal((await partner()).status, 200, 'the partner root passes its own side and the public policy');

  const missing = await control(rootCreds, A, 'GET');
  assert.equal(missing.status, 404);
  assert.equal(errorCode(missing), 'NoSuchPublicAccessBlockConfiguration');
  const foreign = await control(other, A, 'PUT', pabXml({ RestrictPublicBuckets: true }));
  assert.equal(foreign.status, 403, 'another account cannot set this account');
  assert.equal((await control(rootCreds, A, 'PUT', pabXml({ RestrictPublicBuckets: true }))).status, 200);
  const got = await control(rootCreds, A, 'GET');
  assert.equal(got.status, 200, got.text);
  assert.match(got.text, /<PublicAccessBlockConfiguration xmlns="http:\/\/awss3control.amazonaws.com\/doc\/2018-08-20\/"><BlockPublicAcls>false<\/BlockPublicAcls><IgnorePublicAcls>false<\/IgnorePublicAcls><BlockPublicPolicy>false<\/BlockPublicPolicy><RestrictPublicBuckets>true<\/RestrictPublicBuckets><\/PublicAccessBlockConfiguration>/);
  // The bucket has no settings of its own: the account's apply.
  assert.equal((await anonymous()).status, 403, 'RestrictPublicBuckets: the public policy grants anonymous callers nothing');
  assert.equal((await partner()).status, 403, 'nor another account');
  const own = await c.send(new GetObjectCommand({ Bucket: 'restrict-bucket', Key: 'o' }));
  assert.equal(await own.Body!.transformToString(), 'public bytes', 'the owner account is unaffected');
  // BlockPublicPolicy at account level refuses a public policy on a bucket without settings of its own.
  assert.equal((await control(rootCreds, A, 'PUT', pabXml({ BlockPublicPolicy: true }))).status, 200);
  assert.equal((await anonymous()).status, 200, 'RestrictPublicBuckets off again: the existing policy applies');
  await c.send(new CreateBucketCommand({ Bucket: 'restrict-bucket-2' }));
  assert.equal((await failure(c.send(new PutBucketPolicyCommand({ Bucket: 'restrict-bucket-2', Policy: publicRead('restrict-bucket-2') })))).name, 'AccessDenied');
  const del = await control(rootCreds, A, 'DELETE');
  assert.equal(del.status, 204);
  assert.equal(errorCode(await control(rootCreds, A, 'GET')), 'NoSuchPublicAccessBlockConfiguration');
  await c.send(new PutBucketPolicyCommand({ Bucket: 'restrict-bucket-2', Policy: publicRead('restrict-bucket-2') }));
  // Through proxy mode the account is in the host.
  const host = `${A}.s3-control.us-east-1.amazonaws.com`;
  const signed = signS3({ method: 'GET', path: '/v20180820/configuration/publicAccessBlock', headers: { 'x-amz-account-id': A } }, rootCreds, host);
  const viaHost = await send(k.port, 'GET', '/v20180820/configuration/publicAccessBlock', signed.headers);
  assert.equal(viaHost.status, 404, viaHost.text);
  assert.equal(errorCode(viaHost), 'NoSuchPublicAccessBlockConfiguration');
});

test('Object Ownership: BucketOwnerEnforced by default, ACL writes refused unless the owner full control; ObjectWriter enables ACLs', async () => {
  const A = k.boot.managementAccountId;
  const c = s3();
  await c.send(new CreateBucketCommand({ Bucket: 'own-bucket' }));
  assert.deepEqual((await c.send(new GetBucketOwnershipControlsCommand({ Bucket: 'own-bucket' }))).OwnershipControls?.Rules, [{ ObjectOwnership: 'BucketOwnerEnforced' }]);
  const refused = await failure(c.send(new PutBucketAclCommand({ Bucket: 'own-bucket', ACL: 'public-read' })));
  assert.equal(refused.name, 'AccessControlListNotSupported');
  assert.equal(refused.status, 400);
  await c.send(new PutBucketAclCommand({ Bucket: 'own-bucket', ACL: 'private' }));
  await c.send(new PutObjectCommand({ Bucket: 'own-bucket', Key: 'o', Body: 'x', ACL: 'bucket-owner-full-control' }));
  assert.equal((await failure(c.send(new PutObjectCommand({ Bucket: 'own-bucket', Key: 'p', Body: 'x', ACL: 'public-read' })))).name, 'AccessControlListNotSupported');
  assert.equal((await failure(c.send(new PutObjectAclCommand({ Bucket: 'own-bucket', Key: 'o', ACL: 'public-read' })))).name, 'AccessControlListNotSupported');
  await c.send(new PutObjectAclCommand({ Bucket: 'own-bucket', Key: 'o', ACL: 'bucket-owner-full-control' }));
  assert.equal((await failure(c.send(new PutObjectAclCommand({ Bucket: 'own-bucket', Key: 'nope', ACL: 'private' })))).name, 'NoSuchKey');

  await c.send(new PutBucketOwnershipControlsCommand({ Bucket: 'own-bucket', OwnershipControls: { Rules: [{ ObjectOwnership: 'ObjectWriter' }] } }));
  await c.send(new PutBucketAclCommand({ Bucket: 'own-bucket', ACL: 'public-read' }));
  const acl = await c.send(new GetBucketAclCommand({ Bucket: 'own-bucket' }));
  assert.equal(acl.Owner?.DisplayName, A);
  assert.deepEqual(acl.Grants?.map((g) => [g.Grantee?.Type, g.Grantee?.URI ?? g.Grantee?.ID, g.Permission]), [
    ['CanonicalUser', acl.Owner?.ID, 'FULL_CONTROL'],
    ['Group', 'http://acs.amazonaws.com/groups/global/AllUsers', 'READ'],
  ]);
  await c.send(new PutObjectAclCommand({ Bucket: 'own-bucket', Key: 'o', ACL: 'authenticated-read' }));
  const objectAcl = await c.send(new GetObjectAclCommand({ Bucket: 'own-bucket', Key: 'o' }));
  assert.deepEqual(objectAcl.Grants?.map((g) => g.Grantee?.URI ?? g.Permission), ['FULL_CONTROL', 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers']);
  const enforce = await failure(c.send(new PutBucketOwnershipControlsCommand({ Bucket: 'own-bucket', OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } })));
  assert.equal(enforce.name, 'InvalidBucketAclWithObjectOwnership', 'a bucket ACL granting others blocks BucketOwnerEnforced');
  // BlockPublicAcls refuses a public ACL while ACLs are enabled.
  await c.send(new PutPublicAccessBlockCommand({ Bucket: 'own-bucket', PublicAccessBlockConfiguration: { BlockPublicAcls: true } }));
  assert.equal((await failure(c.send(new PutBucketAclCommand({ Bucket: 'own-bucket', ACL: 'public-read-write' })))).name, 'AccessDenied');
  await c.send(new PutBucketAclCommand({ Bucket: 'own-bucket', ACL: 'private' }));
  await c.send(new PutBucketOwnershipControlsCommand({ Bucket: 'own-bucket', OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } }));
  const enforcedAcl = await c.send(new GetObjectAclCommand({ Bucket: 'own-bucket', Key: 'o' }));
  assert.deepEqual(enforcedAcl.Grants?.map((g) => g.Permission), ['FULL_CONTROL'], 'ACLs disabled: the bucket owner full control only');
  await c.send(new DeleteBucketOwnershipControlsCommand({ Bucket: 'own-bucket' }));
  assert.equal((await failure(c.send(new GetBucketOwnershipControlsCommand({ Bucket: 'own-bucket' })))).name, 'OwnershipControlsNotFoundError');
  // CreateBucket: an ACL other than private needs ACLs enabled.
  const created = await failure(c.send(new CreateBucketCommand({ Bucket: 'acl-on-create', ACL: 'public-read' })));
  assert.equal(created.name, 'InvalidBucketAclWithObjectOwnership');
  assert.equal(await k.kamen.store.getS3Bucket('acl-on-create'), undefined, 'nothing created');
  await c.send(new CreateBucketCommand({ Bucket: 'acl-on-create', ACL: 'public-read', ObjectOwnership: 'ObjectWriter' }));
  assert.deepEqual((await c.send(new GetBucketOwnershipControlsCommand({ Bucket: 'acl-on-create' }))).OwnershipControls?.Rules, [{ ObjectOwnership: 'ObjectWriter' }]);
  assert.equal((await c.send(new GetBucketAclCommand({ Bucket: 'acl-on-create' }))).Grants?.length, 2);
  // Grant headers: canonical user IDs are kept; canned and grant headers together are InvalidRequest; a bad ID is InvalidArgument.
  const ownerId = acl.Owner!.ID!;
  const otherId = 'a'.repeat(64);
  await c.send(new PutBucketAclCommand({ Bucket: 'acl-on-create', GrantFullControl: `id="${ownerId}"`, GrantRead: `id="${otherId}"` }));
  const granted = await c.send(new GetBucketAclCommand({ Bucket: 'acl-on-create' }));
  assert.deepEqual(granted.Grants?.map((g) => [g.Grantee?.Type, g.Grantee?.ID, g.Permission]), [
    ['CanonicalUser', ownerId, 'FULL_CONTROL'],
    ['CanonicalUser', otherId, 'READ'],
  ]);
  assert.equal((await failure(c.send(new PutBucketAclCommand({ Bucket: 'acl-on-create', ACL: 'private', GrantRead: `id="${otherId}"` })))).name, 'InvalidRequest');
  assert.equal((await failure(c.send(new PutBucketAclCommand({ Bucket: 'acl-on-create', GrantRead: 'id="not-an-id"' })))).name, 'InvalidArgument');
  await c.send(new PutPublicAccessBlockCommand({ Bucket: 'acl-on-create', PublicAccessBlockConfiguration: { BlockPublicAcls: true } }));
  assert.equal((await failure(c.send(new PutBucketAclCommand({ Bucket: 'acl-on-create', GrantRead: 'uri="http://acs.amazonaws.com/groups/global/AllUsers"' })))).name, 'AccessDenied');
});

test('tagging: bucket tag sets, object tags from x-amz-tagging / PutObjectTagging, the tagging directive, x-amz-tagging-count', async () => {
  const c = s3();
  await c.send(new CreateBucketCommand({ Bucket: 'tag-bucket' }));
  assert.equal((await failure(c.send(new GetBucketTaggingCommand({ Bucket: 'tag-bucket' })))).name, 'NoSuchTagSet');
  await c.send(new PutBucketTaggingCommand({ Bucket: 'tag-bucket', Tagging: { TagSet: [{ Key: 'team', Value: 'blue' }, { Key: 'env', Value: '' }] } }));
  assert.deepEqual((await c.send(new GetBucketTaggingCommand({ Bucket: 'tag-bucket' }))).TagSet, [{ Key: 'team', Value: 'blue' }, { Key: 'env', Value: '' }]);
  const dup = await failure(c.send(new PutBucketTaggingCommand({ Bucket: 'tag-bucket', Tagging: { TagSet: [{ Key: 'a', Value: '1' }, { Key: 'a', Value: '2' }] } })));
  assert.equal(dup.name, 'InvalidTag');
  await c.send(new DeleteBucketTaggingCommand({ Bucket: 'tag-bucket' }));
  assert.equal((await failure(c.send(new GetBucketTaggingCommand({ Bucket: 'tag-bucket' })))).name, 'NoSuchTagSet');

  await c.send(new PutObjectCommand({ Bucket: 'tag-bucket', Key: 'o', Body: 'x', Tagging: 'color=red&size=a%20b' }));
  assert.equal((await c.send(new HeadObjectCommand({ Bucket: 'tag-bucket', Key: 'o' }))).TagCount, 2);
  const obj = await c.send(new GetObjectCommand({ Bucket: 'tag-bucket', Key: 'o' }));
  assert.equal(obj.TagCount, 2);
  await obj.Body!.transformToString();
  assert.deepEqual((await c.send(new GetObjectTaggingCommand({ Bucket: 'tag-bucket', Key: 'o' }))).TagSet, [{ Key: 'color', Value: 'red' }, { Key: 'size', Value: 'a b' }]);
  await c.send(new CopyObjectCommand({ Bucket: 'tag-bucket', Key: 'copied', CopySource: 'tag-bucket/o' }));
  assert.deepEqual((await c.send(new GetObjectTaggingCommand({ Bucket: 'tag-bucket', Key: 'copied' }))).TagSet, [{ Key: 'color', Value: 'red' }, { Key: 'size', Value: 'a b' }]);
  await c.send(new CopyObjectCommand({ Bucket: 'tag-bucket', Key: 'replaced', CopySource: 'tag-bucket/o', TaggingDirective: 'REPLACE', Tagging: 'k=v' }));
  assert.deepEqual((await c.send(new GetObjectTaggingCommand({ Bucket: 'tag-bucket', Key: 'replaced' }))).TagSet, [{ Key: 'k', Value: 'v' }]);
  await c.send(new PutObjectTaggingCommand({ Bucket: 'tag-bucket', Key: 'o', Tagging: { TagSet: [{ Key: 'only', Value: 'one' }] } }));
  assert.equal((await c.send(new HeadObjectCommand({ Bucket: 'tag-bucket', Key: 'o' }))).TagCount, 1);
  const eleven = Array.from({ length: 11 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
  const tooMany = await failure(c.send(new PutObjectTaggingCommand({ Bucket: 'tag-bucket', Key: 'o', Tagging: { TagSet: eleven } })));
  assert.equal(tooMany.name, 'InvalidTag');
  assert.equal(tooMany.message, 'Object tags cannot be greater than 10');
  await c.send(new DeleteObjectTaggingCommand({ Bucket: 'tag-bucket', Key: 'o' }));
  assert.deepEqual((await c.send(new GetObjectTaggingCommand({ Bucket: 'tag-bucket', Key: 'o' }))).TagSet ?? [], []);
  assert.equal((await c.send(new HeadObjectCommand({ Bucket: 'tag-bucket', Key: 'o' }))).TagCount, undefined);
  assert.equal((await failure(c.send(new PutObjectTaggingCommand({ Bucket: 'tag-bucket', Key: 'nope', Tagging: { TagSet: [] } })))).name, 'NoSuchKey');
  // A bad x-amz-tagging stores nothing.
  assert.equal((await failure(c.send(new PutObjectCommand({ Bucket: 'tag-bucket', Key: 'bad', Body: 'x', Tagging: 'a=1&a=2' })))).name, 'InvalidTag');
  assert.equal(await k.kamen.store.getS3Object('tag-bucket', 'bad'), undefined);
});

test('ACL grants as permissions when ACLs are enabled: public-read, a grant to another account, IgnorePublicAcls, a Deny still wins', async () => {
  const c = s3();
  await c.send(new CreateBucketCommand({ Bucket: 'acl-access', ObjectOwnership: 'ObjectWriter' }));
  await c.send(new PutObjectCommand({ Bucket: 'acl-access', Key: 'pub', Body: 'public', ACL: 'public-read' }));
  await c.send(new PutObjectCommand({ Bucket: 'acl-access', Key: 'priv', Body: 'private' }));
  await c.send(new PutObjectCommand({ Bucket: 'acl-access', Key: 'shared', Body: 'shared', GrantRead: `id="${canonicalUserId('444444444444')}"` }));
  const anon = (key: string) => send(k.port, 'GET', `/${key}`, { host: 'acl-access.s3.amazonaws.com' });
  const anonList = () => send(k.port, 'GET', '/?list-type=2', { host: 'acl-access.s3.amazonaws.com' });
  const partner = (key: string) => s3Call(k.port, other, { method: 'GET', path: `/acl-access/${key}` });
  const pub = await anon('pub');
  assert.equal(pub.status, 200, pub.text);
  assert.equal(pub.text, 'public');
  assert.equal((await anon('priv')).status, 403);
  assert.equal((await anonList()).status, 403, 'the bucket ACL grants no listing yet');
  assert.equal((await partner('shared')).status, 200, 'a READ grant to the partner account');
  assert.equal((await partner('priv')).status, 403);
  assert.equal((await anon('shared')).status, 403);
  await c.send(new PutBucketAclCommand({ Bucket: 'acl-access', ACL: 'public-read' }));
  assert.equal((await anonList()).status, 200, 'a public-read bucket ACL grants listing');
  // A Deny of the bucket policy still applies.
  const deny = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acl-access/pub' }] });
  await c.send(new PutBucketPolicyCommand({ Bucket: 'acl-access', Policy: deny }));
  assert.equal((await anon('pub')).status, 403);
  await c.send(new PutBucketPolicyCommand({ Bucket: 'acl-access', Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acl-access/nothing' }] }) }));
  assert.equal((await anon('pub')).status, 200);
  // IgnorePublicAcls: public grants count for nothing; a grant to an account still does.
  await c.send(new PutPublicAccessBlockCommand({ Bucket: 'acl-access', PublicAccessBlockConfiguration: { IgnorePublicAcls: true } }));
  assert.equal((await anon('pub')).status, 403);
  assert.equal((await anonList()).status, 403);
  assert.equal((await partner('shared')).status, 200);
  // BucketOwnerEnforced: ACLs no longer affect permissions.
  await c.send(new DeletePublicAccessBlockCommand({ Bucket: 'acl-access' }));
  assert.equal((await anon('pub')).status, 200);
  await c.send(new PutBucketAclCommand({ Bucket: 'acl-access', ACL: 'private' }));
  await c.send(new PutBucketOwnershipControlsCommand({ Bucket: 'acl-access', OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } }));
  assert.equal((await anon('pub')).status, 403);
  assert.equal((await partner('shared')).status, 403);
  const list = await c.send(new ListObjectsV2Command({ Bucket: 'acl-access' }));
  assert.equal(list.KeyCount, 3);
});
