/** Building CloudTrail records from a call's facts: userIdentity per identity type, elements, cross-account pairs. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildEvents, changesState, isReadOnly, issuesCredentials } from '../../src/audit/record.js';
import { eventDate, requestParametersJson, responseElementsJson } from '../../src/audit/elements.js';
import { eventResources } from '../../src/audit/resources.js';

const requestParameters = (input: Record<string, unknown>): unknown => JSON.parse(requestParametersJson(input));
const responseElements = (output: unknown, readOnly: boolean): unknown => JSON.parse(responseElementsJson(output, readOnly));
import type { CallFacts } from '../../src/audit/types.js';
import type { Caller } from '../../src/services/types.js';
import { readVectors } from '../helpers/paths.js';

const T = Date.UTC(2026, 11, 3, 12, 0, 0);

function facts(caller: Caller, over: Partial<CallFacts> = {}): CallFacts {
  return { requestId: 'req-1', eventTimeMs: T, service: 'iam', operation: 'GetUser', region: 'us-east-1', sourceIp: '203.0.113.9', userAgent: 'aws-cli/2', secureTransport: false, caller, ...over };
}

interface IdentityVector {
  name: string;
  caller: Caller;
  userIdentity: Record<string, unknown>;
  username?: string;
}

for (const v of readVectors<IdentityVector[]>('audit', 'user-identity.json')) {
  test(`userIdentity: ${v.name}`, () => {
    const [e] = buildEvents(facts(v.caller));
    assert.deepEqual(e!.record.userIdentity, v.userIdentity);
    assert.equal(e!.stored.username, v.username);
    assert.equal(e!.record.recipientAccountId, v.caller.accountId);
  });
}

test('the record carries CloudTrail\'s fixed fields; tlsDetails only over TLS', () => {
  const caller: Caller = { kind: 'root', accountId: '111111111111', arn: 'arn:aws:iam::111111111111:root', userId: '111111111111', accessKeyId: 'AKIAROOT' };
  const [plain] = buildEvents(facts(caller));
  assert.equal(plain!.record.eventVersion, '1.11');
  assert.equal(plain!.record.eventTime, '2026-12-03T12:00:00Z');
  assert.equal(plain!.record.eventSource, 'iam.amazonaws.com');
  assert.equal(plain!.record.eventType, 'AwsApiCall');
  assert.equal(plain!.record.eventCategory, 'Management');
  assert.equal(plain!.record.managementEvent, true);
  assert.equal(plain!.record.readOnly, true);
  assert.match(plain!.record.eventID, /^[0-9a-f-]{36}$/);
  assert.equal(plain!.record.tlsDetails, undefined);
  const [tls] = buildEvents(facts(caller, { secureTransport: true, tlsHost: 'iam.amazonaws.com' }));
  assert.deepEqual(tls!.record.tlsDetails, { clientProvidedHostHeader: 'iam.amazonaws.com' });
});

test('eventIDs are GUIDs led by the event\'s millisecond, so later events sort after earlier ones (EventId index appends)', () => {
  const caller: Caller = { kind: 'root', accountId: '111111111111', arn: 'arn:aws:iam::111111111111:root', userId: '111111111111', accessKeyId: 'AKIAROOT' };
  const ids = [T, T, T + 1, T + 1000].map((t) => buildEvents(facts(caller, { eventTimeMs: t }))[0]!.record.eventID);
  for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(ids[0]!.replace(/-/g, '').slice(0, 12), T.toString(16).padStart(12, '0'));
  assert.notEqual(ids[0], ids[1]);
  assert.ok(ids[1]!.slice(0, 13) < ids[2]!.slice(0, 13) && ids[2]!.slice(0, 13) < ids[3]!.slice(0, 13));
});

test('AssumeRole of another account\'s role: one event in each account, joined by sharedEventID', () => {
  const caller: Caller = { kind: 'user', accountId: '222222222222', arn: 'arn:aws:iam::222222222222:user/bob', userId: 'AIDABOB', accessKeyId: 'AKIABOB', userName: 'bob' };
  const input = { RoleArn: 'arn:aws:iam::111111111111:role/ex-for-aws-b', RoleSessionName: 'partner', SerialNumber: 'arn:aws:iam::222222222222:mfa/bob', TokenCode: '123456' };
  const output = { Credentials: { AccessKeyId: 'ASIATEMP', SecretAccessKey: 'secret/value', SessionToken: 'token-value', Expiration: new Date(T + 3600_000) }, AssumedRoleUser: { AssumedRoleId: 'AROAX:partner', Arn: 'arn:aws:sts::111111111111:assumed-role/ex-for-aws-b/partner' } };
  const events = buildEvents(facts(caller, { service: 'sts', operation: 'AssumeRole', input, output }));
  assert.equal(events.length, 2);
  const [mine, theirs] = events.map((e) => e.record);
  assert.equal(mine!.recipientAccountId, '222222222222');
  assert.equal(theirs!.recipientAccountId, '111111111111');
  assert.ok(mine!.sharedEventID);
  assert.equal(mine!.sharedEventID, theirs!.sharedEventID);
  assert.notEqual(mine!.eventID, theirs!.eventID);
  assert.deepEqual(theirs!.userIdentity, { type: 'AWSAccount', principalId: 'AIDABOB', accountId: '222222222222' });
  assert.equal(mine!.userIdentity.type, 'IAMUser');
  assert.deepEqual(mine!.responseElements, { credentials: { accessKeyId: 'ASIATEMP', expiration: 'Dec 3, 2026, 1:00:00 PM' }, assumedRoleUser: { assumedRoleId: 'AROAX:partner', arn: 'arn:aws:sts::111111111111:assumed-role/ex-for-aws-b/partner' } });
  assert.deepEqual(mine!.requestParameters, { roleArn: input.RoleArn, roleSessionName: 'partner', serialNumber: input.SerialNumber });
  assert.equal(mine!.readOnly, true);
});

test('secrets are omitted from requestParameters and responseElements', () => {
  assert.deepEqual(requestParameters({ UserName: 'u', Password: 'Pa55word!', PasswordResetRequired: true }), { userName: 'u', passwordResetRequired: true });
  assert.deepEqual(requestParameters({ OldPassword: 'a', NewPassword: 'b' }), null);
  assert.deepEqual(requestParameters({ UserName: 'u', SerialNumber: 's', AuthenticationCode1: '123456', AuthenticationCode2: '654321' }), { userName: 'u', serialNumber: 's' });
  assert.deepEqual(requestParameters({ SAMLAssertion: 'PHNhbWw+', RoleArn: 'r', PrincipalArn: 'p' }), { roleArn: 'r', principalArn: 'p' });
  assert.deepEqual(requestParameters({ WebIdentityToken: 'eyJ', RoleArn: 'r' }), { roleArn: 'r' });
  assert.deepEqual(responseElements({ VirtualMFADevice: { SerialNumber: 's', Base32StringSeed: Buffer.from('SEED'), QRCodePNG: Buffer.from('png') } }, false), { virtualMFADevice: { serialNumber: 's' } });
  assert.deepEqual(responseElements({ ServiceSpecificCredential: { ServiceUserName: 'u-at-1', ServicePassword: 'pw', ServiceSpecificCredentialId: 'ACCA' } }, false), { serviceSpecificCredential: { serviceUserName: 'u-at-1', serviceSpecificCredentialId: 'ACCA' } });
  assert.deepEqual(requestParameters({ ServerCertificateName: 'c', CertificateBody: 'PEM', PrivateKey: '-----BEGIN' }), { serverCertificateName: 'c', certificateBody: 'PEM' });
});

test('reads have no responseElements; dates print as CloudTrail prints them', () => {
  assert.equal(responseElements({ User: { UserName: 'u' } }, true), null);
  assert.equal(eventDate(new Date(Date.UTC(2021, 9, 6, 22, 18, 50))), 'Oct 6, 2021, 10:18:50 PM');
  assert.equal(eventDate(new Date(Date.UTC(2021, 0, 1, 0, 5, 7))), 'Jan 1, 2021, 12:05:07 AM');
});

test('a response reuses the text of the last date within its second, and only within it', () => {
  const expiration = (ms: number): unknown => (responseElements({ Credentials: { AccessKeyId: 'ASIAX', Expiration: new Date(ms) } }, true) as { credentials: { expiration: string } }).credentials.expiration;
  const second = Date.UTC(2026, 11, 5, 3, 0, 0);
  // one second's dates, then the next second's first millisecond, then back; the same around 1970 (negative times)
  for (const [ms, text] of [
    [second + 999, 'Dec 5, 2026, 3:00:00 AM'],
    [second + 1, 'Dec 5, 2026, 3:00:00 AM'],
    [second + 1000, 'Dec 5, 2026, 3:00:01 AM'],
    [second + 999, 'Dec 5, 2026, 3:00:00 AM'],
    [second - 1, 'Dec 5, 2026, 2:59:59 AM'],
    [500, 'Jan 1, 1970, 12:00:00 AM'],
    [-500, 'Dec 31, 1969, 11:59:59 PM'],
    [0, 'Jan 1, 1970, 12:00:00 AM'],
  ] as const) assert.equal(expiration(ms), text, `${ms}`);
});

test("an event's resources: the input's in the table's order whatever the input's, each once, then the output's", () => {
  const input = { RoleSessionName: 's', DurationSeconds: 900, RoleArn: 'arn:aws:iam::111111111111:role/r', UserName: 'u', GroupName: '', PolicyArn: 7 };
  assert.deepEqual(eventResources(input, { Credentials: { AccessKeyId: 'ASIAX' }, Role: { RoleName: 'r' }, User: { UserName: 'u' } }), [
    { ResourceType: 'AWS::IAM::User', ResourceName: 'u' },
    { ResourceType: 'AWS::IAM::Role', ResourceName: 'arn:aws:iam::111111111111:role/r' },
    { ResourceType: 'AWS::STS::AssumedRoleSessionName', ResourceName: 's' },
    { ResourceType: 'AWS::IAM::AccessKey', ResourceName: 'ASIAX' },
    { ResourceType: 'AWS::IAM::Role', ResourceName: 'r' },
  ]);
  assert.deepEqual(eventResources({ RoleName: 'r', Path: '/' }, undefined), [{ ResourceType: 'AWS::IAM::Role', ResourceName: 'r' }]);
  assert.deepEqual(eventResources({ Marker: 'm' }, {}), []);
  assert.deepEqual(eventResources(undefined, undefined), []);
});

test('read-only and state-changing operations', () => {
  assert.equal(isReadOnly('iam', 'GetUser'), true);
  assert.equal(isReadOnly('iam', 'ListUsers'), true);
  assert.equal(isReadOnly('iam', 'CreateUser'), false);
  assert.equal(isReadOnly('iam', 'GetterThing'), false);
  assert.equal(isReadOnly('sts', 'AssumeRole'), true);
  assert.equal(changesState('sts', 'AssumeRole'), false);
  assert.equal(issuesCredentials('sts', 'AssumeRole'), true);
  assert.equal(issuesCredentials('sts', 'GetCallerIdentity'), false);
  assert.equal(changesState('sts', 'GetCallerIdentity'), false);
  assert.equal(changesState('iam', 'DeleteUser'), true);
  assert.equal(changesState('cloudtrail', 'LookupEvents'), false);
});
