/**
 * S3 versioning over HTTP: Get/PutBucketVersioning, version IDs on writes, reads and deletes by version, delete markers
 * (404 / 405 with x-amz-delete-marker), ListObjectVersions paging, the Suspended `null` version, BucketNotEmpty while
 * versions remain, and the versioned actions (s3:GetObjectVersion, s3:DeleteObjectVersion, s3:ListBucketVersions).
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

before(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-s3-versioning-'));
  kamen = await openKamen({ dataDir, withCa: false, log: () => {} });
  server = await startServer({ host: '127.0.0.1', port: 0, pipeline: kamen.pipeline });
  root = { accessKeyId: kamen.bootstrap!.accessKeyId, secretAccessKey: kamen.bootstrap!.secretAccessKey };
});
after(async () => {
  await server.close();
  await kamen.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const call = (creds: Creds, r: Parameters<typeof s3Call>[2]) => s3Call(server.port, creds, r);
const XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';
const versioning = (status: string, mfa?: string) =>
  `<VersioningConfiguration xmlns="${XMLNS}"><Status>${status}</Status>${mfa ? `<MfaDelete>${mfa}</MfaDelete>` : ''}</VersioningConfiguration>`;
const setVersioning = (bucket: string, status: string, mfa?: string) => call(root, { method: 'PUT', path: `/${bucket}`, query: { versioning: '' }, body: versioning(status, mfa) });

/** Every committed blob file under <data-dir>/objects. */
function blobFiles(): string[] {
  const dir = path.join(dataDir, 'objects');
  return fs.readdirSync(dir).filter((d) => d !== 'tmp').flatMap((d) => fs.readdirSync(path.join(dir, d)));
}

/** The (Version | DeleteMarker) entries of a ListVersionsResult, in document order per kind. */
function entries(xml: string, kind: 'Version' | 'DeleteMarker'): Array<{ key: string; versionId: string; isLatest: boolean }> {
  return [...xml.matchAll(new RegExp(`<${kind}>(.*?)</${kind}>`, 'g'))].map((m) => ({
    key: /<Key>([^<]*)<\/Key>/.exec(m[1]!)![1]!,
    versionId: /<VersionId>([^<]*)<\/VersionId>/.exec(m[1]!)![1]!,
    isLatest: /<IsLatest>true<\/IsLatest>/.test(m[1]!),
  }));
}
const tag = (xml: string, name: string): string | undefined => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

test('PutBucketVersioning validates its document; GetBucketVersioning answers the state', async () => {
  assert.equal((await call(root, { method: 'PUT', path: '/ver-config' })).status, 200);
  const before0 = await call(root, { method: 'GET', path: '/ver-config', query: { versioning: '' } });
  assert.equal(before0.status, 200, before0.text);
  assert.match(before0.text, /<VersioningConfiguration xmlns="http:\/\/s3.amazonaws.com\/doc\/2006-03-01\/"\s*(\/>|><\/VersioningConfiguration>)/);
  const bad = await setVersioning('ver-config', 'On');
  assert.equal(bad.status, 400);
  assert.equal(errorCode(bad), 'MalformedXML');
  const mfa = await setVersioning('ver-config', 'Enabled', 'Enabled');
  assert.equal(mfa.status, 501, 'MFA delete is refused, never silently accepted');
  assert.equal(errorCode(mfa), 'NotImplemented');
  assert.equal((await kamen.store.getS3Bucket('ver-config'))?.versioning, undefined);
  assert.equal((await setVersioning('ver-config', 'Enabled')).status, 200);
  const got = await call(root, { method: 'GET', path: '/ver-config', query: { versioning: '' } });
  assert.equal(tag(got.text, 'Status'), 'Enabled');
  assert.equal((await setVersioning('ver-config', 'Suspended')).status, 200);
  assert.equal(tag((await call(root, { method: 'GET', path: '/ver-config', query: { versioning: '' } })).text, 'Status'), 'Suspended');
});

test('an unversioned bucket answers no version IDs and replaces objects in place', async () => {
  assert.equal((await call(root, { method: 'PUT', path: '/ver-plain' })).status, 200);
  const blobs0 = blobFiles().length;
  const put = await call(root, { method: 'PUT', path: '/ver-plain/k', body: 'one' });
  assert.equal(put.headers['x-amz-version-id'], undefined);
  await call(root, { method: 'PUT', path: '/ver-plain/k', body: 'two' });
  assert.equal(blobFiles().length, blobs0 + 1, 'the replaced blob is gone');
  const del = await call(root, { method: 'DELETE', path: '/ver-plain/k' });
  assert.equal(del.status, 204);
  assert.equal(del.headers['x-amz-delete-marker'], undefined);
  assert.equal(blobFiles().length, blobs0);
  assert.equal((await call(root, { method: 'DELETE', path: '/ver-plain' })).status, 204);
});

test('Enabled: version IDs, reads by version, delete markers (404 / 405), undelete, BucketNotEmpty until every version goes', async () => {
  assert.equal((await call(root, { method: 'PUT', path: '/ver-on' })).status, 200);
  const pre = await call(root, { method: 'PUT', path: '/ver-on/k', body: 'before versioning' });
  assert.equal(pre.status, 200);
  assert.equal((await setVersioning('ver-on', 'Enabled')).status, 200);
  const p1 = await call(root, { method: 'PUT', path: '/ver-on/k', body: 'one' });
  const p2 = await call(root, { method: 'PUT', path: '/ver-on/k', body: 'two' });
  const v1 = String(p1.headers['x-amz-version-id']);
  const v2 = String(p2.headers['x-amz-version-id']);
  assert.match(v1, /^[A-Za-z0-9_-]{32}$/);
  assert.notEqual(v1, v2);
  const latest = await call(root, { method: 'GET', path: '/ver-on/k' });
  assert.equal(latest.text, 'two');
  assert.equal(latest.headers['x-amz-version-id'], v2);
  const old = await call(root, { method: 'GET', path: '/ver-on/k', query: { versionId: v1 } });
  assert.equal(old.status, 200, old.text);
  assert.equal(old.text, 'one');
  assert.equal(old.headers['x-amz-version-id'], v1);
  const nullV = await call(root, { method: 'GET', path: '/ver-on/k', query: { versionId: 'null' } });
  assert.equal(nullV.text, 'before versioning', 'the object written before versioning is the null version');
  const head = await call(root, { method: 'HEAD', path: '/ver-on/k', query: { versionId: v1 } });
  assert.equal(head.status, 200);
  assert.equal(head.headers['content-length'], '3');

  const del = await call(root, { method: 'DELETE', path: '/ver-on/k' });
  assert.equal(del.status, 204);
  assert.equal(del.headers['x-amz-delete-marker'], 'true');
  const dm = String(del.headers['x-amz-version-id']);
  assert.match(dm, /^[A-Za-z0-9_-]{32}$/);
  const gone = await call(root, { method: 'GET', path: '/ver-on/k' });
  assert.equal(gone.status, 404);
  assert.equal(errorCode(gone), 'NoSuchKey');
  assert.equal(gone.headers['x-amz-delete-marker'], 'true');
  assert.equal(gone.headers['x-amz-version-id'], dm);
  const atMarker = await call(root, { method: 'GET', path: '/ver-on/k', query: { versionId: dm } });
  assert.equal(atMarker.status, 405);
  assert.equal(errorCode(atMarker), 'MethodNotAllowed');
  assert.equal(atMarker.headers['x-amz-delete-marker'], 'true');
  assert.equal((await call(root, { method: 'HEAD', path: '/ver-on/k', query: { versionId: dm } })).status, 405);
  const noVersion = await call(root, { method: 'GET', path: '/ver-on/k', query: { versionId: 'A'.repeat(32) } });
  assert.equal(noVersion.status, 404);
  assert.equal(errorCode(noVersion), 'NoSuchVersion');
  const badVersion = await call(root, { method: 'GET', path: '/ver-on/k', query: { versionId: 'not a version' } });
  assert.equal(badVersion.status, 400);
  assert.equal(errorCode(badVersion), 'InvalidArgument');
  assert.equal((await call(root, { method: 'GET', path: '/ver-on/k', query: { versionId: v2 } })).text, 'two', 'versions survive a delete marker');
  // ListObjectsV2 hides a deleted key
  assert.doesNotMatch((await call(root, { method: 'GET', path: '/ver-on', query: { 'list-type': '2' } })).text, /<Key>k<\/Key>/);

  // Removing the delete marker brings back the newest version.
  const undelete = await call(root, { method: 'DELETE', path: '/ver-on/k', query: { versionId: dm } });
  assert.equal(undelete.status, 204);
  assert.equal(undelete.headers['x-amz-delete-marker'], 'true');
  assert.equal(undelete.headers['x-amz-version-id'], dm);
  assert.equal((await call(root, { method: 'GET', path: '/ver-on/k' })).text, 'two');

  // Deleting the current version promotes the previous one.
  assert.equal((await call(root, { method: 'DELETE', path: '/ver-on/k', query: { versionId: v2 } })).status, 204);
  assert.equal((await call(root, { method: 'GET', path: '/ver-on/k' })).text, 'one');
  const notEmpty = await call(root, { method: 'DELETE', path: '/ver-on/k' });
  assert.equal(notEmpty.headers['x-amz-delete-marker'], 'true');
  const busy = await call(root, { method: 'DELETE', path: '/ver-on' });
  assert.equal(busy.status, 409);
  assert.equal(errorCode(busy), 'BucketNotEmpty', 'noncurrent versions and delete markers keep the bucket non-empty');
  const list = await call(root, { method: 'GET', path: '/ver-on', query: { versions: '' } });
  for (const e of [...entries(list.text, 'Version'), ...entries(list.text, 'DeleteMarker')]) {
    assert.equal((await call(root, { method: 'DELETE', path: `/ver-on/${e.key}`, query: { versionId: e.versionId } })).status, 204);
  }
  assert.equal((await call(root, { method: 'DELETE', path: '/ver-on' })).status, 204);
});

test('ListObjectVersions: newest first per key, IsLatest, delete markers, key / version-id markers, prefix and delimiter', async () => {
  assert.equal((await call(root, { method: 'PUT', path: '/ver-list' })).status, 200);
  assert.equal((await setVersioning('ver-list', 'Enabled')).status, 200);
  const ids: Record<string, string[]> = { a: [], 'd/x': [], 'd/y': [], z: [] };
  for (const k of ['a', 'a', 'a', 'd/x', 'd/y', 'z']) ids[k]!.push(String((await call(root, { method: 'PUT', path: `/ver-list/${k}`, body: k })).headers['x-amz-version-id']));
  const dm = String((await call(root, { method: 'DELETE', path: '/ver-list/z' })).headers['x-amz-version-id']);
  const all = await call(root, { method: 'GET', path: '/ver-list', query: { versions: '' } });
  assert.equal(all.status, 200, all.text);
  assert.match(all.text, /^<\?xml[^>]*>\s*<ListVersionsResult xmlns="http:\/\/s3.amazonaws.com\/doc\/2006-03-01\/">/);
  assert.deepEqual(entries(all.text, 'Version'), [
    { key: 'a', versionId: ids['a']![2]!, isLatest: true },
    { key: 'a', versionId: ids['a']![1]!, isLatest: false },
    { key: 'a', versionId: ids['a']![0]!, isLatest: false },
    { key: 'd/x', versionId: ids['d/x']![0]!, isLatest: true },
    { key: 'd/y', versionId: ids['d/y']![0]!, isLatest: true },
    { key: 'z', versionId: ids['z']![0]!, isLatest: false },
  ]);
  assert.deepEqual(entries(all.text, 'DeleteMarker'), [{ key: 'z', versionId: dm, isLatest: true }]);
  assert.equal(tag(all.text, 'IsTruncated'), 'false');

  // Paging two entries at a time walks the same sequence.
  const seen: string[] = [];
  let keyMarker: string | undefined;
  let versionMarker: string | undefined;
  for (let i = 0; i < 10; i++) {
    const q: Record<string, string> = { versions: '', 'max-keys': '2' };
    if (keyMarker !== undefined) q['key-marker'] = keyMarker;
    if (versionMarker !== undefined) q['version-id-marker'] = versionMarker;
    const page = await call(root, { method: 'GET', path: '/ver-list', query: q });
    assert.equal(page.status, 200, page.text);
    const got = [...page.text.matchAll(/<(?:Version|DeleteMarker)>.*?<VersionId>([^<]*)<\/VersionId>/g)].map((m) => m[1]!);
    seen.push(...got);
    if (tag(page.text, 'IsTruncated') !== 'true') break;
    keyMarker = tag(page.text, 'NextKeyMarker');
    versionMarker = tag(page.text, 'NextVersionIdMarker');
  }
  assert.deepEqual(new Set(seen), new Set([...ids['a']!, ...ids['d/x']!, ...ids['d/y']!, ...ids['z']!, dm]));
  assert.equal(seen.length, 7);

  const rolled = await call(root, { method: 'GET', path: '/ver-list', query: { versions: '', delimiter: '/' } });
  assert.match(rolled.text, /<CommonPrefixes><Prefix>d\/<\/Prefix><\/CommonPrefixes>/);
  assert.equal(entries(rolled.text, 'Version').filter((e) => e.key.startsWith('d/')).length, 0);
  const under = await call(root, { method: 'GET', path: '/ver-list', query: { versions: '', prefix: 'd/' } });
  assert.deepEqual(entries(under.text, 'Version').map((e) => e.key), ['d/x', 'd/y']);
  const afterA = await call(root, { method: 'GET', path: '/ver-list', query: { versions: '', 'key-marker': 'a' } });
  assert.equal(entries(afterA.text, 'Version')[0]!.key, 'd/x', 'a key marker alone skips every version of that key');
  const noKey = await call(root, { method: 'GET', path: '/ver-list', query: { versions: '', 'version-id-marker': ids['a']![0]! } });
  assert.equal(noKey.status, 400);
  assert.equal(errorCode(noKey), 'InvalidArgument');
});

test('Suspended: writes get the null version, which each write and delete replaces; earlier versions stay', async () => {
  assert.equal((await call(root, { method: 'PUT', path: '/ver-susp' })).status, 200);
  assert.equal((await setVersioning('ver-susp', 'Enabled')).status, 200);
  const v1 = String((await call(root, { method: 'PUT', path: '/ver-susp/k', body: 'v1' })).headers['x-amz-version-id']);
  assert.equal((await setVersioning('ver-susp', 'Suspended')).status, 200);
  const blobs0 = blobFiles().length;
  await call(root, { method: 'PUT', path: '/ver-susp/k', body: 'null one' });
  await call(root, { method: 'PUT', path: '/ver-susp/k', body: 'null two' });
  assert.equal(blobFiles().length, blobs0 + 1, 'the second null version replaced the first (its blob went)');
  assert.equal((await call(root, { method: 'GET', path: '/ver-susp/k', query: { versionId: 'null' } })).text, 'null two');
  assert.equal((await call(root, { method: 'GET', path: '/ver-susp/k', query: { versionId: v1 } })).text, 'v1');
  const del = await call(root, { method: 'DELETE', path: '/ver-susp/k' });
  assert.equal(del.headers['x-amz-delete-marker'], 'true');
  assert.equal(del.headers['x-amz-version-id'], 'null');
  assert.equal(blobFiles().length, blobs0, 'the null delete marker replaced the null version');
  assert.equal((await call(root, { method: 'GET', path: '/ver-susp/k', query: { versionId: 'null' } })).status, 405);
  const list = await call(root, { method: 'GET', path: '/ver-susp', query: { versions: '' } });
  assert.deepEqual(entries(list.text, 'Version'), [{ key: 'k', versionId: v1, isLatest: false }]);
  assert.deepEqual(entries(list.text, 'DeleteMarker'), [{ key: 'k', versionId: 'null', isLatest: true }]);
});

test('DeleteObjects with version IDs and delete markers; CopyObject from a named version', async () => {
  assert.equal((await call(root, { method: 'PUT', path: '/ver-multi' })).status, 200);
  assert.equal((await setVersioning('ver-multi', 'Enabled')).status, 200);
  const v1 = String((await call(root, { method: 'PUT', path: '/ver-multi/a', body: 'first' })).headers['x-amz-version-id']);
  await call(root, { method: 'PUT', path: '/ver-multi/a', body: 'second' });
  const copy = await call(root, { method: 'PUT', path: '/ver-multi/copy', headers: { 'x-amz-copy-source': `/ver-multi/a?versionId=${v1}` } });
  assert.equal(copy.status, 200, copy.text);
  assert.equal(copy.headers['x-amz-copy-source-version-id'], v1);
  assert.match(String(copy.headers['x-amz-version-id']), /^[A-Za-z0-9_-]{32}$/);
  assert.equal((await call(root, { method: 'GET', path: '/ver-multi/copy' })).text, 'first');
  const body = `<Delete xmlns="${XMLNS}"><Object><Key>a</Key><VersionId>${v1}</VersionId></Object><Object><Key>copy</Key></Object></Delete>`;
  const md5 = createHash('md5').update(body).digest('base64');
  const r = await call(root, { method: 'POST', path: '/ver-multi', query: { delete: '' }, headers: { 'content-md5': md5 }, body });
  assert.equal(r.status, 200, r.text);
  assert.match(r.text, new RegExp(`<Deleted><Key>a</Key><VersionId>${v1}</VersionId></Deleted>`));
  assert.match(r.text, /<Deleted><Key>copy<\/Key><DeleteMarker>true<\/DeleteMarker><DeleteMarkerVersionId>[A-Za-z0-9_-]{32}<\/DeleteMarkerVersionId><\/Deleted>/);
  assert.equal((await call(root, { method: 'GET', path: '/ver-multi/a', query: { versionId: v1 } })).status, 404);
  assert.equal((await call(root, { method: 'GET', path: '/ver-multi/copy' })).status, 404);
  assert.equal((await call(root, { method: 'GET', path: '/ver-multi/a' })).text, 'second');
});

/** An IAM user of the bootstrap account with an inline policy and an access key, written straight to the store. */
async function iamUser(name: string, actions: string[], keyId: string): Promise<Creds> {
  const accountId = kamen.bootstrap!.managementAccountId;
  await kamen.store.createUser({ accountId, userId: `AIDA${keyId.slice(4)}`, userName: name, path: '/', arn: `arn:aws:iam::${accountId}:user/${name}`, createDate: new Date(), tags: [] });
  await kamen.store.putInlinePolicy({ accountId, kind: 'user', principalName: name, policyName: 'p', document: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] }) });
  const secretAccessKey = `secret-${keyId}`;
  await kamen.store.createAccessKey({ accessKeyId: keyId, secretAccessKey, accountId, userName: name, status: 'Active', createDate: new Date() });
  return { accessKeyId: keyId, secretAccessKey };
}

test('naming a version is authorized as s3:GetObjectVersion / s3:DeleteObjectVersion; listing versions as s3:ListBucketVersions', async () => {
  assert.equal((await call(root, { method: 'PUT', path: '/ver-authz' })).status, 200);
  assert.equal((await setVersioning('ver-authz', 'Enabled')).status, 200);
  const v1 = String((await call(root, { method: 'PUT', path: '/ver-authz/k', body: 'one' })).headers['x-amz-version-id']);
  await call(root, { method: 'PUT', path: '/ver-authz/k', body: 'two' });
  const plain = await iamUser('plain-reader', ['s3:GetObject', 's3:DeleteObject', 's3:ListBucket'], 'AKIAVERPLAIN00000001');
  const versioned = await iamUser('version-reader', ['s3:GetObjectVersion', 's3:DeleteObjectVersion', 's3:ListBucketVersions'], 'AKIAVERVERS000000001');
  assert.equal((await call(plain, { method: 'GET', path: '/ver-authz/k' })).status, 200);
  const denied = await call(plain, { method: 'GET', path: '/ver-authz/k', query: { versionId: v1 } });
  assert.equal(denied.status, 403, 's3:GetObject does not reach a named version');
  assert.equal(errorCode(denied), 'AccessDenied');
  assert.equal((await call(plain, { method: 'HEAD', path: '/ver-authz/k', query: { versionId: v1 } })).status, 403);
  assert.equal((await call(plain, { method: 'GET', path: '/ver-authz', query: { versions: '' } })).status, 403);
  assert.equal((await call(plain, { method: 'DELETE', path: '/ver-authz/k', query: { versionId: v1 } })).status, 403);
  assert.equal((await call(root, { method: 'GET', path: '/ver-authz/k', query: { versionId: v1 } })).text, 'one', 'the refused delete removed nothing');
  assert.equal((await call(versioned, { method: 'GET', path: '/ver-authz/k', query: { versionId: v1 } })).text, 'one');
  assert.equal((await call(versioned, { method: 'GET', path: '/ver-authz/k' })).status, 403, 's3:GetObjectVersion alone does not read the current object');
  assert.equal((await call(versioned, { method: 'GET', path: '/ver-authz', query: { versions: '' } })).status, 200);
  assert.equal((await call(versioned, { method: 'DELETE', path: '/ver-authz/k', query: { versionId: v1 } })).status, 204);
  assert.equal((await call(root, { method: 'GET', path: '/ver-authz/k', query: { versionId: v1 } })).status, 404);
});

test('a Deny on s3:ExistingObjectTag is decided on the named version\'s tags, not the current object\'s', async () => {
  assert.equal((await call(root, { method: 'PUT', path: '/ver-tags' })).status, 200);
  assert.equal((await setVersioning('ver-tags', 'Enabled')).status, 200);
  const secret = String((await call(root, { method: 'PUT', path: '/ver-tags/k', body: 'secret', headers: { 'x-amz-tagging': 'class=secret' } })).headers['x-amz-version-id']);
  const open = String((await call(root, { method: 'PUT', path: '/ver-tags/k', body: 'open', headers: { 'x-amz-tagging': 'class=open' } })).headers['x-amz-version-id']);
  const accountId = kamen.bootstrap!.managementAccountId;
  await kamen.store.createUser({ accountId, userId: 'AIDAVERTAGS000000001', userName: 'tag-reader', path: '/', arn: `arn:aws:iam::${accountId}:user/tag-reader`, createDate: new Date(), tags: [] });
  await kamen.store.putInlinePolicy({
    accountId,
    kind: 'user',
    principalName: 'tag-reader',
    policyName: 'p',
    document: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: '*' },
        { Effect: 'Deny', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: '*', Condition: { StringEquals: { 's3:ExistingObjectTag/class': 'secret' } } },
      ],
    }),
  });
  await kamen.store.createAccessKey({ accessKeyId: 'AKIAVERTAGS000000001', secretAccessKey: 'secret-tags', accountId, userName: 'tag-reader', status: 'Active', createDate: new Date() });
  const reader: Creds = { accessKeyId: 'AKIAVERTAGS000000001', secretAccessKey: 'secret-tags' };
  assert.equal((await call(reader, { method: 'GET', path: '/ver-tags/k' })).text, 'open');
  assert.equal((await call(reader, { method: 'GET', path: '/ver-tags/k', query: { versionId: open } })).text, 'open');
  const denied = await call(reader, { method: 'GET', path: '/ver-tags/k', query: { versionId: secret } });
  assert.equal(denied.status, 403, 'the current object\'s tags must not unlock a secret version');
  assert.equal((await call(reader, { method: 'HEAD', path: '/ver-tags/k', query: { versionId: secret } })).status, 403);
});
