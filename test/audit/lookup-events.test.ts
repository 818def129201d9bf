/**
 * Every call is recorded and LookupEvents reads the account's history: newest first, one lookup attribute, paging with
 * NextToken, the 90-day window, AWS's errors for bad input; denied calls carry their error; secrets never appear.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openKamen, type Kamen } from '../../src/app.js';
import { frozenClock } from '../../src/clock.js';
import { call, xmlText } from './helpers.js';

const T0 = Date.UTC(2026, 11, 3, 12, 0, 0);
let k: Kamen;
let clock: ReturnType<typeof frozenClock>;
let root: { accessKeyId: string; secretAccessKey: string };
let alice: { accessKeyId: string; secretAccessKey: string };

before(async () => {
  clock = frozenClock(T0);
  k = await openKamen({ dataDir: ':memory:', clock, log: () => {} });
  root = { accessKeyId: k.bootstrap!.accessKeyId, secretAccessKey: k.bootstrap!.secretAccessKey };
  assert.equal((await call(k, root, 'iam', 'CreateUser', { UserName: 'alice' })).status, 200);
  clock.advance(1000);
  const key = await call(k, root, 'iam', 'CreateAccessKey', { UserName: 'alice' });
  alice = { accessKeyId: xmlText(key.body, 'AccessKeyId')!, secretAccessKey: xmlText(key.body, 'SecretAccessKey')! };
  clock.advance(1000);
  // alice has no policy: denied
  assert.equal((await call(k, alice, 'iam', 'GetUser', { UserName: 'alice' })).status, 403);
  clock.advance(1000);
  assert.equal((await call(k, root, 'iam', 'GetUser', { UserName: 'alice' })).status, 200);
  await k.events.flush();
});
after(async () => {
  await k.close();
});

async function lookup(params: Record<string, unknown>) {
  const r = await call(k, root, 'cloudtrail', 'LookupEvents', params);
  await k.events.flush();
  return r;
}

test('LookupEvents lists the account\'s events newest first with the full record as CloudTrailEvent', async () => {
  const r = await lookup({});
  assert.equal(r.status, 200, r.body);
  const names = (r.json.Events as Array<{ EventName: string }>).map((e) => e.EventName);
  assert.deepEqual(names.slice(0, 4), ['GetUser', 'GetUser', 'CreateAccessKey', 'CreateUser']);
  const created = r.json.Events.find((e: any) => e.EventName === 'CreateAccessKey');
  const rec = JSON.parse(created.CloudTrailEvent);
  assert.equal(rec.eventVersion, '1.11');
  assert.equal(rec.eventSource, 'iam.amazonaws.com');
  assert.equal(rec.userIdentity.type, 'Root');
  assert.equal(rec.userIdentity.accessKeyId, root.accessKeyId);
  assert.equal(rec.readOnly, false);
  assert.equal(rec.eventType, 'AwsApiCall');
  assert.equal(rec.eventCategory, 'Management');
  assert.equal(rec.managementEvent, true);
  assert.equal(rec.sourceIPAddress, '198.51.100.7');
  assert.equal(rec.userAgent, 'kamen-test/1.0');
  assert.equal(rec.eventTime, '2026-12-03T12:00:01Z');
  assert.deepEqual(rec.requestParameters, { userName: 'alice' });
  assert.equal(rec.responseElements.accessKey.accessKeyId, alice.accessKeyId);
  assert.equal(rec.responseElements.accessKey.secretAccessKey, undefined);
  assert.ok(!created.CloudTrailEvent.includes(alice.secretAccessKey));
  assert.equal(created.EventTime, (T0 + 1000) / 1000);
  assert.equal(created.Username, 'root');
  assert.deepEqual(created.Resources, [{ ResourceType: 'AWS::IAM::User', ResourceName: 'alice' }, { ResourceType: 'AWS::IAM::AccessKey', ResourceName: alice.accessKeyId }]);
});

test('a denied call is recorded with AccessDenied and its message, as the caller\'s', async () => {
  const r = await lookup({ LookupAttributes: [{ AttributeKey: 'AccessKeyId', AttributeValue: alice.accessKeyId }] });
  assert.equal(r.json.Events.length, 1);
  const rec = JSON.parse(r.json.Events[0].CloudTrailEvent);
  assert.equal(rec.eventName, 'GetUser');
  assert.equal(rec.errorCode, 'AccessDenied');
  assert.match(rec.errorMessage, /is not authorized to perform: iam:GetUser/);
  assert.equal(rec.userIdentity.type, 'IAMUser');
  assert.equal(rec.userIdentity.userName, 'alice');
  assert.match(rec.userIdentity.principalId, /^AIDA/);
  assert.equal(rec.responseElements, null);
  assert.equal(rec.readOnly, true);
});

test('one lookup attribute filters: EventName, Username, ReadOnly, ResourceName, EventId', async () => {
  const byName = await lookup({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateUser' }] });
  assert.deepEqual(byName.json.Events.map((e: any) => e.EventName), ['CreateUser']);
  const byUser = await lookup({ LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'alice' }] });
  assert.deepEqual(byUser.json.Events.map((e: any) => e.EventName), ['GetUser']);
  const writes = await lookup({ LookupAttributes: [{ AttributeKey: 'ReadOnly', AttributeValue: 'false' }] });
  assert.deepEqual(writes.json.Events.map((e: any) => e.EventName), ['CreateAccessKey', 'CreateUser']);
  const byResource = await lookup({ LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: 'alice' }] });
  assert.ok(byResource.json.Events.length >= 3);
  const id = byName.json.Events[0].EventId;
  const byId = await lookup({ LookupAttributes: [{ AttributeKey: 'EventId', AttributeValue: id }] });
  assert.deepEqual(byId.json.Events.map((e: any) => e.EventId), [id]);
});

test('MaxResults and NextToken page through the history without gaps or repeats', async () => {
  const all = (await lookup({ LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 'iam.amazonaws.com' }] })).json.Events.map((e: any) => e.EventId);
  const seen: string[] = [];
  let token: string | undefined;
  do {
    const r = await lookup({ LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 'iam.amazonaws.com' }], MaxResults: 1, ...(token ? { NextToken: token } : {}) });
    assert.equal(r.status, 200, r.body);
    assert.ok(r.json.Events.length <= 1);
    seen.push(...r.json.Events.map((e: any) => e.EventId));
    token = r.json.NextToken;
  } while (token);
  assert.deepEqual(seen, all);
});

test('bad input gets CloudTrail\'s errors', async () => {
  const two = await lookup({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'GetUser' }, { AttributeKey: 'Username', AttributeValue: 'alice' }] });
  assert.equal(two.status, 400);
  assert.equal(two.json.__type, 'InvalidLookupAttributesException');
  const ro = await lookup({ LookupAttributes: [{ AttributeKey: 'ReadOnly', AttributeValue: 'maybe' }] });
  assert.equal(ro.json.__type, 'InvalidLookupAttributesException');
  const range = await lookup({ StartTime: (T0 + 5000) / 1000, EndTime: T0 / 1000 });
  assert.equal(range.json.__type, 'InvalidTimeRangeException');
  const token = await lookup({ NextToken: 'bm90IGEgdG9rZW4' });
  assert.equal(token.json.__type, 'InvalidNextTokenException');
  const first = await lookup({ MaxResults: 1 });
  const otherQuery = await lookup({ MaxResults: 1, NextToken: first.json.NextToken, LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'GetUser' }] });
  assert.equal(otherQuery.json.__type, 'InvalidNextTokenException');
});

test('StartTime/EndTime bound the page, and events older than 90 days are gone from the history', async () => {
  const window = await lookup({ StartTime: T0 / 1000, EndTime: (T0 + 1000) / 1000 });
  assert.deepEqual(window.json.Events.map((e: any) => e.EventName), ['CreateAccessKey', 'CreateUser']);
  clock.advance(91 * 86_400_000);
  const later = await lookup({ LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 'iam.amazonaws.com' }] });
  assert.equal(later.status, 200);
  assert.deepEqual(later.json.Events, []);
});

test('a read the service refuses (no such user) is recorded once, with the error the caller saw', async () => {
  const own = await openKamen({ dataDir: ':memory:', clock: frozenClock(T0), log: () => {} });
  try {
    const admin = { accessKeyId: own.bootstrap!.accessKeyId, secretAccessKey: own.bootstrap!.secretAccessKey };
    const r = await call(own, admin, 'iam', 'GetUser', { UserName: 'nobody' });
    assert.equal(r.status, 404);
    await own.events.flush();
    const page = await call(own, admin, 'cloudtrail', 'LookupEvents', { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'GetUser' }] });
    assert.equal(page.json.Events.length, 1);
    const rec = JSON.parse(page.json.Events[0].CloudTrailEvent);
    assert.equal(rec.errorCode, 'NoSuchEntity');
    assert.match(rec.errorMessage, /nobody/);
    assert.equal(rec.readOnly, true);
    assert.equal(rec.responseElements, null);
    assert.deepEqual(rec.requestParameters, { userName: 'nobody' });
  } finally {
    await own.close();
  }
});
