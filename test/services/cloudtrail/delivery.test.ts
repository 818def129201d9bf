/**
 * Trail delivery: a logging trail's new events become gzipped `{"Records":[…]}` log files at CloudTrail's keys; with
 * validation on, digests chained by previousDigestSignature whose signatures verify against ListPublicKeys; the
 * position survives a restart (no event lost or repeated); organization trails deliver members' events under the
 * organization ID; a trail whose bucket policy no longer lets CloudTrail in reports the error and loses nothing.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { openKamen, type Kamen } from '../../../src/app.js';
import { frozenClock } from '../../../src/clock.js';
import { openFileBlobStore } from '../../../src/store/blobs/index.js';
import { createMemberAccount } from '../../../src/services/accounts/index.js';
import { sha256Hex, stringToSign, verifyDigest } from '../../../src/audit/delivery/digest.js';
import { deliverAll } from '../../../src/audit/delivery/deliverer.js';
import { call } from '../../audit/helpers.js';
import { bucket, cloudTrailBucketPolicy } from './helpers.js';

const T0 = Date.UTC(2026, 11, 3, 12, 0, 0);
const MEMBER = '444455556666';
let dir: string;
let k: Kamen;
let clock: ReturnType<typeof frozenClock>;
let root: { accessKeyId: string; secretAccessKey: string };
let member: { accessKeyId: string; secretAccessKey: string };
let mgmt: string;
let orgId: string;

/** Closes kamen (its store's helper threads are stopped and waited for). */
async function closeKamen(): Promise<void> {
  await k.close();
}

const open = () => openKamen({ dataDir: dir, clock, log: () => {}, withCa: false, trailDeliverySeconds: 3600 });

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-trails-'));
  clock = frozenClock(T0);
  k = await open();
  root = { accessKeyId: k.bootstrap!.accessKeyId, secretAccessKey: k.bootstrap!.secretAccessKey };
  mgmt = k.bootstrap!.managementAccountId;
  orgId = (await k.store.getOrganization())!.id;
  const m = await createMemberAccount(k.store, clock, { name: 'member', accountId: MEMBER, email: 'm@example.com' });
  member = { accessKeyId: m.accessKeyId, secretAccessKey: m.secretAccessKey };
  await bucket(k.store, 'logs', mgmt, cloudTrailBucketPolicy('logs', [mgmt], 'pre'));
  await bucket(k.store, 'org-logs', mgmt, cloudTrailBucketPolicy('org-logs', [orgId]));
});
after(async () => {
  await closeKamen();
  fs.rmSync(dir, { recursive: true, force: true });
});

const ct = (op: string, params: Record<string, unknown> = {}) => call(k, root, 'cloudtrail', op, params);

/** Every object under `prefix` in `bucketName`, with its uncompressed text. */
async function objects(bucketName: string, prefix: string): Promise<Array<{ key: string; text: string; metadata: Record<string, string> }>> {
  const blobs = openFileBlobStore(path.join(dir, 'objects'));
  const out = [];
  for (const o of await k.store.listS3Objects(bucketName, { prefix, after: '', limit: 1000 })) {
    const chunks: Buffer[] = [];
    for await (const c of blobs.read(o.blobId)) chunks.push(c as Buffer);
    out.push({ key: o.key, text: gunzipSync(Buffer.concat(chunks)).toString('utf8'), metadata: o.metadata });
  }
  return out;
}

const records = async (bucketName: string, prefix: string) => (await objects(bucketName, prefix)).flatMap((o) => (JSON.parse(o.text) as { Records: Array<Record<string, any>> }).Records);

test('log files, signed and chained digests, no loss or repeat across a restart', async () => {
  assert.equal((await ct('CreateTrail', { Name: 'main', S3BucketName: 'logs', S3KeyPrefix: 'pre', EnableLogFileValidation: true })).status, 200);
  assert.equal((await ct('StartLogging', { Name: 'main' })).status, 200);
  clock.advance(1000);
  assert.equal((await call(k, root, 'iam', 'CreateUser', { UserName: 'carol' })).status, 200);
  assert.equal((await call(k, member, 'iam', 'CreateUser', { UserName: 'not-in-this-trail' })).status, 200);
  clock.advance(60_000);
  await k.trails.runOnce();

  const logs = await objects('logs', `pre/AWSLogs/${mgmt}/CloudTrail/`);
  assert.equal(logs.length, 1);
  assert.match(logs[0]!.key, new RegExp(`^pre/AWSLogs/${mgmt}/CloudTrail/us-east-1/2026/12/03/${mgmt}_CloudTrail_us-east-1_20261203T1201Z_[A-Za-z0-9]{16}\\.json\\.gz$`));
  const names = (JSON.parse(logs[0]!.text) as { Records: Array<{ eventName: string; recipientAccountId: string }> }).Records.map((r) => r.eventName);
  assert.deepEqual(names, ['StartLogging', 'CreateUser']);

  const digests1 = await objects('logs', `pre/AWSLogs/${mgmt}/CloudTrail-Digest/`);
  assert.equal(digests1.length, 1);
  const d1 = JSON.parse(digests1[0]!.text);
  assert.equal(digests1[0]!.key, `pre/AWSLogs/${mgmt}/CloudTrail-Digest/us-east-1/2026/12/03/${mgmt}_CloudTrail-Digest_us-east-1_main_us-east-1_20261203T120101Z.json.gz`);
  assert.equal(d1.digestS3Object, digests1[0]!.key);
  assert.equal(d1.previousDigestSignature, null);
  assert.equal(d1.logFiles.length, 1);
  assert.equal(d1.logFiles[0].s3Object, logs[0]!.key);
  assert.equal(d1.logFiles[0].hashValue, sha256Hex(logs[0]!.text));
  assert.equal(digests1[0]!.metadata['signature-algorithm'], 'SHA256withRSA');

  const keys = await ct('ListPublicKeys', { StartTime: T0 / 1000 - 3600, EndTime: T0 / 1000 + 7200 });
  const pk = keys.json['PublicKeyList'].find((x: any) => x.Fingerprint === d1.digestPublicKeyFingerprint);
  assert.ok(pk, 'the signing key is listed');
  // The blob is the DER PKCS#1 key, base64 on the wire.
  const publicKey: string = pk.Value;
  const sts1 = stringToSign(d1.digestEndTime, 'logs', digests1[0]!.key, sha256Hex(digests1[0]!.text), undefined);
  assert.equal(verifyDigest(sts1, digests1[0]!.metadata['signature']!, publicKey), true);

  // A restart: the position is durable, so the next pass delivers only the new events.
  await closeKamen();
  k = await open();
  clock.advance(60_000);
  assert.equal((await call(k, root, 'iam', 'CreateUser', { UserName: 'dave' })).status, 200);
  await k.trails.runOnce();
  const all = await records('logs', `pre/AWSLogs/${mgmt}/CloudTrail/`);
  assert.deepEqual(all.map((r) => r.eventName).sort(), ['CreateUser', 'CreateUser', 'ListPublicKeys', 'StartLogging']);
  assert.equal(new Set(all.map((r) => r.eventID)).size, all.length);

  const digests2 = (await objects('logs', `pre/AWSLogs/${mgmt}/CloudTrail-Digest/`)).sort((a, b) => (a.key < b.key ? -1 : 1));
  assert.equal(digests2.length, 2);
  const d2 = JSON.parse(digests2[1]!.text);
  assert.equal(d2.previousDigestS3Object, digests1[0]!.key);
  assert.equal(d2.previousDigestSignature, digests1[0]!.metadata['signature']);
  assert.equal(d2.previousDigestHashValue, sha256Hex(digests1[0]!.text));
  assert.equal(d2.digestStartTime, d1.digestEndTime);
  const sts2 = stringToSign(d2.digestEndTime, 'logs', digests2[1]!.key, sha256Hex(digests2[1]!.text), d1 && digests1[0]!.metadata['signature']);
  assert.equal(verifyDigest(sts2, digests2[1]!.metadata['signature']!, publicKey), true);

  const status = await ct('GetTrailStatus', { Name: 'main' });
  assert.equal(status.json['LatestDigestDeliveryTime'], clock.now() / 1000);
  assert.equal(status.json['LatestDeliveryTime'], clock.now() / 1000);
});

test('an organization trail delivers the members\' events under AWSLogs/<org-id>/<account>/', async () => {
  assert.equal((await ct('CreateTrail', { Name: 'org', S3BucketName: 'org-logs', IsOrganizationTrail: true, IsMultiRegionTrail: true })).status, 200);
  assert.equal((await ct('StartLogging', { Name: 'org' })).status, 200);
  clock.advance(1000);
  assert.equal((await call(k, member, 'iam', 'CreateUser', { UserName: 'erin' })).status, 200);
  await k.trails.runOnce();
  const memberRecords = await records('org-logs', `AWSLogs/${orgId}/${MEMBER}/CloudTrail/us-east-1/`);
  assert.deepEqual(memberRecords.map((r) => [r.eventName, r.recipientAccountId, r.requestParameters?.userName]), [['CreateUser', MEMBER, 'erin']]);
  const own = await records('org-logs', `AWSLogs/${orgId}/${mgmt}/CloudTrail/`);
  assert.ok(own.some((r) => r.eventName === 'StartLogging'));
});

test('a bucket policy that no longer lets CloudTrail in: LatestDeliveryError, and the events wait', async () => {
  await k.store.setS3BucketPolicy('logs', undefined);
  clock.advance(60_000);
  assert.equal((await call(k, root, 'iam', 'CreateUser', { UserName: 'frank' })).status, 200);
  await k.trails.runOnce();
  const status = await ct('GetTrailStatus', { Name: 'main' });
  assert.equal(status.json['LatestDeliveryError'], 'AccessDenied');
  await k.store.setS3BucketPolicy('logs', cloudTrailBucketPolicy('logs', [mgmt], 'pre'));
  await k.trails.runOnce();
  const all = await records('logs', `pre/AWSLogs/${mgmt}/CloudTrail/`);
  assert.ok(all.some((r) => r.eventName === 'CreateUser' && r.requestParameters?.userName === 'frank'));
  assert.equal((await ct('GetTrailStatus', { Name: 'main' })).json['LatestDeliveryError'], undefined);
});

test('two passes at once (two nodes sharing the store) deliver each event once, in one digest chain', async () => {
  clock.advance(60_000);
  assert.equal((await call(k, root, 'iam', 'CreateUser', { UserName: 'grace' })).status, 200);
  await k.events.flush();
  const deps = { store: k.store, blobs: openFileBlobStore(path.join(dir, 'objects')), clock, intervalMs: 3_600_000, log: () => {} };
  await Promise.all([deliverAll(deps), deliverAll(deps)]);
  const all = await records('logs', `pre/AWSLogs/${mgmt}/CloudTrail/`);
  assert.equal(all.filter((r) => r.requestParameters?.userName === 'grace').length, 1);
  assert.equal(new Set(all.map((r) => r.eventID)).size, all.length);
  const digests = (await objects('logs', `pre/AWSLogs/${mgmt}/CloudTrail-Digest/`)).map((o) => JSON.parse(o.text) as { digestS3Object: string; previousDigestS3Object: string | null });
  const pointedAt = digests.map((d) => d.previousDigestS3Object).filter((x) => x !== null);
  assert.equal(new Set(pointedAt).size, pointedAt.length, 'no digest has two successors');
});
