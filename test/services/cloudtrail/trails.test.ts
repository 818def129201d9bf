/**
 * Trail operations through the pipeline: CreateTrail / UpdateTrail / DeleteTrail / DescribeTrails / GetTrail /
 * ListTrails / GetTrailStatus / StartLogging / StopLogging / Put/GetEventSelectors / ListPublicKeys, with CloudTrail's
 * errors for bad input, organization trails as members see them, and authorization on trail ARNs.
 */
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { openKamen, type Kamen } from '../../../src/app.js';
import { frozenClock } from '../../../src/clock.js';
import { createMemberAccount } from '../../../src/services/accounts/index.js';
import { call, xmlText } from '../../audit/helpers.js';
import { bucket, cloudTrailBucketPolicy } from './helpers.js';
import { readVectors } from '../../helpers/paths.js';

const T0 = Date.UTC(2026, 11, 3, 12, 0, 0);
let k: Kamen;
let clock: ReturnType<typeof frozenClock>;
let root: { accessKeyId: string; secretAccessKey: string };
let member: { accessKeyId: string; secretAccessKey: string };
let mgmt: string;
const MEMBER = '333344445555';

before(async () => {
  clock = frozenClock(T0);
  k = await openKamen({ dataDir: ':memory:', clock, log: () => {} });
  root = { accessKeyId: k.bootstrap!.accessKeyId, secretAccessKey: k.bootstrap!.secretAccessKey };
  mgmt = k.bootstrap!.managementAccountId;
  const m = await createMemberAccount(k.store, clock, { name: 'member', accountId: MEMBER, email: 'member@example.com' });
  member = { accessKeyId: m.accessKeyId, secretAccessKey: m.secretAccessKey };
  await bucket(k.store, 'trail-logs', mgmt, cloudTrailBucketPolicy('trail-logs', [mgmt]));
  await bucket(k.store, 'no-policy', mgmt);
  await bucket(k.store, 'other-folder', mgmt, cloudTrailBucketPolicy('other-folder', ['999999999999']));
  const org = (await k.store.getOrganization())!;
  await bucket(k.store, 'org-logs', mgmt, cloudTrailBucketPolicy('org-logs', [mgmt, org.id]));
  await bucket(k.store, 'member-logs', MEMBER, cloudTrailBucketPolicy('member-logs', [MEMBER]));
});
after(async () => {
  await k.close();
});

const ct = (op: string, params: Record<string, unknown> = {}, who = root) => call(k, who, 'cloudtrail', op, params);
const errorCode = (r: { json: Record<string, any> }): string => String(r.json['__type']).split('#').pop()!;

describe('CreateTrail', () => {
  test('refuses what CloudTrail refuses, each with its error', async () => {
    const cases = readVectors<Array<{ name: string; params: Record<string, unknown>; code: string; message?: string }>>('cloudtrail', 'create-trail-errors.json');
    for (const c of cases) {
      const r = await ct('CreateTrail', c.params);
      assert.equal(r.status, 400, `${c.name}: ${r.body}`);
      assert.equal(errorCode(r), c.code, c.name);
      if (c.message) assert.equal(r.json['message'] ?? r.json['Message'], c.message, c.name);
    }
  });

  test('creates a trail (not logging yet), then TrailAlreadyExistsException for the same name', async () => {
    const r = await ct('CreateTrail', { Name: 'main', S3BucketName: 'trail-logs', EnableLogFileValidation: true });
    assert.equal(r.status, 200, r.body);
    assert.deepEqual(r.json, {
      Name: 'main',
      S3BucketName: 'trail-logs',
      IncludeGlobalServiceEvents: true,
      IsMultiRegionTrail: false,
      TrailARN: `arn:aws:cloudtrail:us-east-1:${mgmt}:trail/main`,
      LogFileValidationEnabled: true,
      IsOrganizationTrail: false,
    });
    const again = await ct('CreateTrail', { Name: 'main', S3BucketName: 'trail-logs' });
    assert.equal(errorCode(again), 'TrailAlreadyExistsException');
    assert.equal(again.json['message'] ?? again.json['Message'], `Trail main already exists for customer: ${mgmt}`);
    const status = await ct('GetTrailStatus', { Name: 'main' });
    assert.equal(status.json['IsLogging'], false);
  });

  test('an organization trail only from the management account', async () => {
    const fromMember = await ct('CreateTrail', { Name: 'org', S3BucketName: 'member-logs', IsOrganizationTrail: true }, member);
    assert.equal(errorCode(fromMember), 'NotOrganizationMasterAccountException');
    const noOrgFolder = await ct('CreateTrail', { Name: 'org', S3BucketName: 'trail-logs', IsOrganizationTrail: true, IsMultiRegionTrail: true });
    assert.equal(errorCode(noOrgFolder), 'InsufficientS3BucketPolicyException');
    const ok = await ct('CreateTrail', { Name: 'org', S3BucketName: 'org-logs', IsOrganizationTrail: true, IsMultiRegionTrail: true });
    assert.equal(ok.status, 200, ok.body);
    assert.equal(ok.json['IsOrganizationTrail'], true);
  });
});

describe('reading trails', () => {
  test('DescribeTrails, GetTrail and ListTrails show the trail; a member sees the organization trail, not the others', async () => {
    const d = await ct('DescribeTrails');
    assert.equal(d.status, 200, d.body);
    const main = d.json['trailList'].find((t: any) => t.Name === 'main');
    assert.deepEqual(main, {
      Name: 'main',
      S3BucketName: 'trail-logs',
      IncludeGlobalServiceEvents: true,
      IsMultiRegionTrail: false,
      HomeRegion: 'us-east-1',
      TrailARN: `arn:aws:cloudtrail:us-east-1:${mgmt}:trail/main`,
      LogFileValidationEnabled: true,
      HasCustomEventSelectors: false,
      HasInsightSelectors: false,
      IsOrganizationTrail: false,
    });
    const byArn = await ct('DescribeTrails', { trailNameList: [main.TrailARN] });
    assert.deepEqual(byArn.json['trailList'].map((t: any) => t.Name), ['main']);
    const g = await ct('GetTrail', { Name: main.TrailARN });
    assert.equal(g.json['Trail'].Name, 'main');
    const l = await ct('ListTrails');
    assert.deepEqual(l.json['Trails'].map((t: any) => t.Name).sort(), ['main', 'org']);
    const seen = await ct('DescribeTrails', {}, member);
    assert.deepEqual(seen.json['trailList'].map((t: any) => [t.Name, t.IsOrganizationTrail, t.TrailARN]), [['org', true, `arn:aws:cloudtrail:us-east-1:${mgmt}:trail/org`]]);
    const hidden = await ct('GetTrail', { Name: 'main' }, member);
    assert.equal(errorCode(hidden), 'TrailNotFoundException');
    assert.equal(hidden.json['message'] ?? hidden.json['Message'], `Unknown trail: arn:aws:cloudtrail:us-east-1:${MEMBER}:trail/main for the user: ${MEMBER}`);
    const memberDelete = await ct('DeleteTrail', { Name: `arn:aws:cloudtrail:us-east-1:${mgmt}:trail/org` }, member);
    assert.equal(memberDelete.status >= 400, true);
  });

  test('unknown trails and malformed ARNs', async () => {
    assert.equal(errorCode(await ct('GetTrail', { Name: 'nope' })), 'TrailNotFoundException');
    assert.equal(errorCode(await ct('GetTrailStatus', { Name: 'arn:aws:cloudtrail:us-east-1:12:trail/x' })), 'CloudTrailARNInvalidException');
    assert.equal(errorCode(await ct('DeleteTrail', { Name: 'a' })), 'InvalidTrailNameException');
  });
});

describe('changing trails', () => {
  test('StartLogging / StopLogging change IsLogging and the logging times', async () => {
    assert.equal((await ct('StartLogging', { Name: 'main' })).status, 200);
    let s = await ct('GetTrailStatus', { Name: 'main' });
    assert.equal(s.json['IsLogging'], true);
    assert.equal(s.json['StartLoggingTime'], T0 / 1000);
    assert.equal(s.json['TimeLoggingStarted'], '2026-12-03T12:00:00Z');
    assert.equal(s.json['TimeLoggingStopped'], '');
    clock.advance(5000);
    assert.equal((await ct('StopLogging', { Name: 'main' })).status, 200);
    s = await ct('GetTrailStatus', { Name: 'main' });
    assert.equal(s.json['IsLogging'], false);
    assert.equal(s.json['StopLoggingTime'], (T0 + 5000) / 1000);
  });

  test('UpdateTrail changes only what it is given and checks the new bucket', async () => {
    const bad = await ct('UpdateTrail', { Name: 'main', S3BucketName: 'no-policy' });
    assert.equal(errorCode(bad), 'InsufficientS3BucketPolicyException');
    const r = await ct('UpdateTrail', { Name: 'main', EnableLogFileValidation: false });
    assert.equal(r.status, 200, r.body);
    assert.equal(r.json['LogFileValidationEnabled'], false);
    assert.equal(r.json['S3BucketName'], 'trail-logs');
    assert.equal(errorCode(await ct('UpdateTrail', { Name: 'ghost', EnableLogFileValidation: true })), 'TrailNotFoundException');
  });

  test('PutEventSelectors / GetEventSelectors', async () => {
    const def = await ct('GetEventSelectors', { TrailName: 'main' });
    assert.deepEqual(def.json['EventSelectors'], [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] }]);
    const put = await ct('PutEventSelectors', { TrailName: 'main', EventSelectors: [{ ReadWriteType: 'WriteOnly' }] });
    assert.equal(put.status, 200, put.body);
    const got = await ct('GetEventSelectors', { TrailName: 'main' });
    assert.equal(got.json['EventSelectors'][0].ReadWriteType, 'WriteOnly');
    assert.equal((await ct('GetTrail', { Name: 'main' })).json['Trail'].HasCustomEventSelectors, true);
    assert.equal(errorCode(await ct('PutEventSelectors', { TrailName: 'main', EventSelectors: [] })), 'InvalidEventSelectorsException');
  });

  test('DeleteTrail removes it', async () => {
    assert.equal((await ct('CreateTrail', { Name: 'gone', S3BucketName: 'trail-logs' })).status, 200);
    assert.equal((await ct('DeleteTrail', { Name: `arn:aws:cloudtrail:us-east-1:${mgmt}:trail/gone` })).status, 200);
    assert.equal(errorCode(await ct('GetTrail', { Name: 'gone' })), 'TrailNotFoundException');
  });
});

test('ListPublicKeys: InvalidTimeRangeException for a reversed range; none before any digest', async () => {
  const bad = await ct('ListPublicKeys', { StartTime: T0 / 1000 + 10, EndTime: T0 / 1000 });
  assert.equal(errorCode(bad), 'InvalidTimeRangeException');
  const none = await ct('ListPublicKeys', { StartTime: T0 / 1000 - 3600, EndTime: T0 / 1000 + 3600 });
  assert.deepEqual(none.json['PublicKeyList'], []);
});

test('authorization is on the trail ARN, whether the request names the trail or gives its ARN', async () => {
  assert.equal((await call(k, root, 'iam', 'CreateUser', { UserName: 'ops' })).status, 200);
  const policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'cloudtrail:*', Resource: '*' },
      { Effect: 'Deny', Action: 'cloudtrail:DeleteTrail', Resource: `arn:aws:cloudtrail:us-east-1:${mgmt}:trail/main` },
    ],
  });
  assert.equal((await call(k, root, 'iam', 'PutUserPolicy', { UserName: 'ops', PolicyName: 'ct', PolicyDocument: policy })).status, 200);
  const key = await call(k, root, 'iam', 'CreateAccessKey', { UserName: 'ops' });
  const ops = { accessKeyId: xmlText(key.body, 'AccessKeyId')!, secretAccessKey: xmlText(key.body, 'SecretAccessKey')! };
  for (const name of ['main', `arn:aws:cloudtrail:us-east-1:${mgmt}:trail/main`]) {
    const r = await ct('DeleteTrail', { Name: name }, ops);
    assert.equal(r.status, 400, r.body);
    assert.equal(errorCode(r), 'AccessDeniedException', name);
  }
  assert.equal((await ct('GetTrail', { Name: 'main' }, ops)).status, 200);
});

test("a member account's users read the organization trail with their own policies, and change nothing", async () => {
  const orgArn = `arn:aws:cloudtrail:us-east-1:${mgmt}:trail/org`;
  const userOf = async (name: string, statements: unknown[]): Promise<{ accessKeyId: string; secretAccessKey: string }> => {
    assert.equal((await call(k, member, 'iam', 'CreateUser', { UserName: name })).status, 200);
    const doc = JSON.stringify({ Version: '2012-10-17', Statement: statements });
    assert.equal((await call(k, member, 'iam', 'PutUserPolicy', { UserName: name, PolicyName: 'ct', PolicyDocument: doc })).status, 200);
    const key = await call(k, member, 'iam', 'CreateAccessKey', { UserName: name });
    return { accessKeyId: xmlText(key.body, 'AccessKeyId')!, secretAccessKey: xmlText(key.body, 'SecretAccessKey')! };
  };
  const reader = await userOf('auditor', [{ Effect: 'Allow', Action: 'cloudtrail:*', Resource: '*' }]);
  const denied = await userOf('blocked', [
    { Effect: 'Allow', Action: 'cloudtrail:*', Resource: '*' },
    { Effect: 'Deny', Action: 'cloudtrail:GetTrail', Resource: orgArn },
  ]);
  const nothing = await userOf('nobody', [{ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' }]);

  const got = await ct('GetTrail', { Name: orgArn }, reader);
  assert.equal(got.status, 200, got.body);
  assert.deepEqual([got.json['Trail'].TrailARN, got.json['Trail'].IsOrganizationTrail], [orgArn, true]);
  assert.equal((await ct('GetTrailStatus', { Name: orgArn }, reader)).status, 200);
  assert.equal((await ct('GetEventSelectors', { TrailName: orgArn }, reader)).status, 200);
  // The member's own Deny, or no Allow at all, refuses it like a call on its own trail.
  assert.equal(errorCode(await ct('GetTrail', { Name: orgArn }, denied)), 'AccessDeniedException');
  assert.equal(errorCode(await ct('GetTrail', { Name: orgArn }, nothing)), 'AccessDeniedException');
  // Changing it, or reading another account's trail that is not the organization's, stays cross-account.
  for (const [op, params] of [
    ['StopLogging', { Name: orgArn }],
    ['DeleteTrail', { Name: orgArn }],
    ['PutEventSelectors', { TrailName: orgArn, EventSelectors: [{ ReadWriteType: 'All' }] }],
    ['GetTrail', { Name: `arn:aws:cloudtrail:us-east-1:${mgmt}:trail/main` }],
  ] as const) {
    assert.equal(errorCode(await ct(op, params, reader)), 'AccessDeniedException', op);
  }
  assert.equal((await ct('GetTrailStatus', { Name: orgArn })).json['IsLogging'], false);
  // Once the management account makes it its own trail again, the member's remembered allow no longer applies.
  assert.equal((await ct('UpdateTrail', { Name: 'org', IsOrganizationTrail: false })).status, 200);
  assert.equal(errorCode(await ct('GetTrail', { Name: orgArn }, reader)), 'AccessDeniedException');
});
