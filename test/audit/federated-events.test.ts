/**
 * Unsigned federation calls are recorded as CloudTrail records them: AssumeRoleWithSAML by a SAMLUser and
 * AssumeRoleWithWebIdentity by a WebIdentityUser, in the role's account, with the role's request parameters and the
 * answer's response elements, never the assertion, the token or the session's secrets; a call refused once the role
 * is known is recorded with its error; one whose token names nobody is not.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openKamen, type Kamen } from '../../src/app.js';
import { frozenClock } from '../../src/clock.js';
import { oidcSetup, samlSetup, unsigned, type OidcSetup, type SamlSetup } from './federation.js';
import { xmlText } from './helpers.js';

const T0 = Date.UTC(2026, 11, 3, 12, 0, 0);
let k: Kamen;
let clock: ReturnType<typeof frozenClock>;
let account: string;
let saml: SamlSetup;
let oidc: OidcSetup;

before(async () => {
  clock = frozenClock(T0);
  k = await openKamen({ dataDir: ':memory:', clock, log: () => {} });
  account = k.bootstrap!.managementAccountId;
  const root = { accessKeyId: k.bootstrap!.accessKeyId, secretAccessKey: k.bootstrap!.secretAccessKey };
  saml = await samlSetup(k, root, account);
  oidc = await oidcSetup(k, root, account);
});
after(async () => {
  await oidc.close();
  await k.close();
});

async function recordsOf(eventName: string): Promise<Array<{ text: string; rec: any; username: string | undefined }>> {
  await k.events.flush();
  const rows = await k.store.lookupEvents({ accountId: account, attribute: { key: 'EventName', value: eventName }, startMs: 0, endMs: clock.now() + 1000, limit: 50 });
  return rows.map((r) => ({ text: r.record, rec: JSON.parse(r.record), username: r.username }));
}

test('AssumeRoleWithSAML is recorded as the SAML user\'s, in the role\'s account, without the assertion or the secrets', async () => {
  clock.advance(1000);
  const assertion = saml.assertion(clock.now(), 'alice@example.com');
  const ok = await unsigned(k, 'AssumeRoleWithSAML', { RoleArn: saml.roleArn, PrincipalArn: saml.providerArn, SAMLAssertion: assertion, DurationSeconds: 1800 });
  assert.equal(ok.status, 200, ok.body);
  const [e] = await recordsOf('AssumeRoleWithSAML');
  assert.ok(e);
  const { rec } = e;
  const qualifier = xmlText(ok.body, 'NameQualifier')!;
  assert.deepEqual(rec.userIdentity, { type: 'SAMLUser', principalId: `${qualifier}:alice@example.com`, userName: 'alice@example.com', identityProvider: saml.providerArn });
  assert.equal(rec.recipientAccountId, account);
  assert.equal(rec.eventSource, 'sts.amazonaws.com');
  assert.equal(rec.sourceIPAddress, '203.0.113.9');
  assert.equal(rec.userAgent, 'federation-test/2.0');
  assert.equal(rec.awsRegion, 'us-east-1');
  assert.deepEqual(rec.requestParameters, { roleArn: saml.roleArn, principalArn: saml.providerArn, durationSeconds: 1800 });
  assert.equal(rec.responseElements.credentials.accessKeyId, xmlText(ok.body, 'AccessKeyId'));
  assert.equal(rec.responseElements.credentials.secretAccessKey, undefined);
  assert.equal(rec.responseElements.credentials.sessionToken, undefined);
  assert.equal(rec.responseElements.assumedRoleUser.arn, `arn:aws:sts::${account}:assumed-role/SamlRole/alice@example.com`);
  assert.equal(rec.responseElements.subject, 'alice@example.com');
  assert.equal(rec.responseElements.audience, 'https://signin.aws.amazon.com/saml');
  assert.equal(rec.responseElements.nameQualifier, qualifier);
  assert.equal(e.username, 'alice@example.com');
  assert.equal(e.text.includes(assertion), false);
  assert.equal(e.text.includes(xmlText(ok.body, 'SecretAccessKey')!), false);
  assert.equal(e.text.includes(xmlText(ok.body, 'SessionToken')!), false);
});

test('a SAML call refused by the role\'s trust policy is recorded with its error; one for a role that does not exist is not', async () => {
  clock.advance(1000);
  const denied = await unsigned(k, 'AssumeRoleWithSAML', { RoleArn: saml.roleArn, PrincipalArn: saml.providerArn, SAMLAssertion: saml.assertion(clock.now(), 'mallory@elsewhere.test') });
  assert.equal(denied.status, 403, denied.body);
  clock.advance(1000);
  const ghost = `arn:aws:iam::${account}:role/NoSuchRole`;
  const missing = await unsigned(k, 'AssumeRoleWithSAML', { RoleArn: ghost, PrincipalArn: saml.providerArn, SAMLAssertion: saml.assertion(clock.now(), 'bob@example.com', ghost) });
  assert.equal(missing.status, 403, missing.body);
  const records = (await recordsOf('AssumeRoleWithSAML')).map((e) => e.rec);
  const refused = records.filter((r) => r.errorCode);
  assert.equal(refused.length, 1, 'only the refusal whose role is known');
  const [r] = refused;
  assert.equal(r.errorCode, 'AccessDenied');
  assert.equal(r.errorMessage, 'Not authorized to perform sts:AssumeRoleWithSAML');
  assert.equal(r.userIdentity.type, 'SAMLUser');
  assert.equal(r.userIdentity.userName, 'mallory@elsewhere.test');
  assert.equal(r.responseElements, null);
  assert.equal(r.recipientAccountId, account);
});

test('AssumeRoleWithWebIdentity is recorded as the web identity user\'s, without the token or the secrets', async () => {
  clock.advance(1000);
  const token = await oidc.token(clock.now(), 'user-42');
  const ok = await unsigned(k, 'AssumeRoleWithWebIdentity', { RoleArn: oidc.roleArn, RoleSessionName: 'web-session', WebIdentityToken: token }, 'sts.eu-west-1.amazonaws.com');
  assert.equal(ok.status, 200, ok.body);
  const [e] = await recordsOf('AssumeRoleWithWebIdentity');
  assert.ok(e);
  const { rec } = e;
  assert.deepEqual(rec.userIdentity, { type: 'WebIdentityUser', principalId: `${oidc.provider}:app:user-42`, userName: 'user-42', identityProvider: oidc.provider });
  assert.equal(rec.recipientAccountId, account);
  assert.equal(rec.awsRegion, 'eu-west-1');
  assert.deepEqual(rec.requestParameters, { roleArn: oidc.roleArn, roleSessionName: 'web-session' });
  assert.equal(rec.responseElements.subjectFromWebIdentityToken, 'user-42');
  assert.equal(rec.responseElements.provider, oidc.provider);
  assert.equal(rec.responseElements.audience, 'app');
  assert.equal(rec.responseElements.credentials.secretAccessKey, undefined);
  assert.equal(e.username, 'user-42');
  assert.equal(e.text.includes(token), false);
  assert.equal(e.text.includes(xmlText(ok.body, 'SessionToken')!), false);

  clock.advance(1000);
  const denied = await unsigned(k, 'AssumeRoleWithWebIdentity', { RoleArn: oidc.roleArn, RoleSessionName: 'web-session', WebIdentityToken: await oidc.token(clock.now(), 'intruder') });
  assert.equal(denied.status, 403, denied.body);
  const failed = (await recordsOf('AssumeRoleWithWebIdentity')).map((x) => x.rec).filter((r) => r.errorCode);
  assert.equal(failed.length, 1);
  assert.equal(failed[0].errorCode, 'AccessDenied');
  assert.equal(failed[0].userIdentity.principalId, `${oidc.provider}:app:intruder`);
});
