/**
 * The stored record text is written field by field (record.ts): it must be exactly the JSON of the record, keys in
 * CloudTrail's order, for every shape a record takes (failures, TLS, console events, S3 resources, cross-account
 * pairs), and the per-caller identity cache must never lend one caller's identity to another.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildEvents, createIdentityCache } from '../../src/audit/record.js';
import type { CallFacts } from '../../src/audit/types.js';
import type { Caller } from '../../src/services/types.js';

const T = Date.UTC(2026, 11, 3, 12, 0, 0);
const ORDER = ['eventVersion', 'userIdentity', 'eventTime', 'eventSource', 'eventName', 'awsRegion', 'sourceIPAddress', 'userAgent', 'errorCode', 'errorMessage', 'requestParameters', 'responseElements', 'additionalEventData', 'requestID', 'eventID', 'readOnly', 'resources', 'eventType', 'managementEvent', 'recipientAccountId', 'eventCategory', 'tlsDetails', 'sharedEventID'];
const user: Caller = { kind: 'user', accountId: '111111111111', arn: 'arn:aws:iam::111111111111:user/alice', userId: 'AIDAALICE', accessKeyId: 'AKIAALICE', userName: 'alice' };

function facts(over: Partial<CallFacts> = {}): CallFacts {
  return { requestId: 'req-"1"', eventTimeMs: T + 123, service: 'iam', operation: 'GetUser', region: 'us-east-1', sourceIp: '203.0.113.9', userAgent: 'agent "quoted" \\ ü', secureTransport: false, caller: user, input: {}, ...over };
}

const CASES: Array<[string, Partial<CallFacts>]> = [
  ['a read', {}],
  ['a failure with a code', { operation: 'CreateUser', input: { UserName: 'bob' }, error: { code: 'AccessDenied', message: 'User: "x" is not authorized' } }],
  ['a failure without a code', { error: { code: '', message: 'failed' } }],
  ['a change with its response', { operation: 'CreateUser', input: { UserName: 'bob', Tags: [{ Key: 'k', Value: 'v' }] }, output: { User: { UserName: 'bob', CreateDate: new Date(T) } } }],
  ['over TLS', { secureTransport: true, tlsVersion: 'TLSv1.3', tlsCipher: 'TLS_AES_128_GCM_SHA256', tlsHost: 'iam.amazonaws.com' }],
  ['over TLS without details', { secureTransport: true }],
  ['a console sign-in', { service: 'signin', operation: 'ConsoleLogin', eventType: 'AwsConsoleSignIn', responseElements: { ConsoleLogin: 'Success' }, additionalEventData: { MFAUsed: 'Yes' } }],
  ['an S3 call naming its bucket', { service: 's3', operation: 'CreateBucket', requestParameters: { bucketName: 'b', Host: 'b.s3.amazonaws.com' }, resources: [{ accountId: '111111111111', type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::b' }] }],
  ['AssumeRole into another account', { service: 'sts', operation: 'AssumeRole', input: { RoleArn: 'arn:aws:iam::222222222222:role/r', RoleSessionName: 's' }, output: { Credentials: { AccessKeyId: 'ASIAX', SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date(T) } } }],
];

for (const [name, over] of CASES) {
  test(`the stored text is the record's JSON, keys in CloudTrail's order: ${name}`, () => {
    const events = buildEvents(facts(over), createIdentityCache());
    for (const e of events) {
      assert.equal(e.stored.record, JSON.stringify(e.record));
      const keys = Object.keys(JSON.parse(e.stored.record) as object);
      assert.deepEqual(keys, ORDER.filter((k) => keys.includes(k)), 'keys in order');
      assert.ok(!e.stored.record.includes('secret') && !e.stored.record.includes('token'), 'no secret');
    }
    if (over.error) assert.equal(events[0]!.record.errorMessage, over.error.message);
    if (over.input?.['RoleArn']) {
      assert.equal(events.length, 2);
      assert.equal(events[0]!.record.sharedEventID, events[1]!.record.sharedEventID);
      assert.deepEqual(events[1]!.record.userIdentity, { type: 'AWSAccount', principalId: 'AIDAALICE', accountId: '111111111111' });
    }
  });
}

test('the identity cache gives each caller object its own identity and user name', () => {
  const cache = createIdentityCache();
  const bob: Caller = { ...user, arn: 'arn:aws:iam::111111111111:user/bob', userId: 'AIDABOB', userName: 'bob' };
  for (let i = 0; i < 2; i++) {
    const [a] = buildEvents(facts(), cache);
    const [b] = buildEvents(facts({ caller: bob }), cache);
    assert.equal(a!.record.userIdentity.userName, 'alice');
    assert.equal(a!.stored.username, 'alice');
    assert.equal(b!.record.userIdentity.userName, 'bob');
    assert.equal(b!.stored.username, 'bob');
    assert.deepEqual(a!.record.userIdentity, buildEvents(facts())[0]!.record.userIdentity, 'the same identity as without the cache');
  }
});
