/**
 * Console sign-ins are recorded as AWS records them: ConsoleLogin (success, failure, MFAUsed) and SwitchRole; a SAML
 * sign-in as the AssumeRoleWithSAML AWS's sign-in service makes (the SAML user's, in the role's account, refused ones
 * too) followed by the role session's ConsoleLogin naming the SAML provider.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SIGNIN_SOURCE_IP, SIGNIN_USER_AGENT } from '../../src/audit/federated.js';
import { consoleClient, consoleWorld, MEMBER, PASSWORD, type ConsoleWorld } from '../console/world.js';
import { samlSetup } from './federation.js';

let w: ConsoleWorld;
before(async () => {
  w = await consoleWorld();
});
after(async () => {
  await w.close();
});

async function records(account: string, eventName: string): Promise<any[]> {
  await w.kamen.events.flush();
  const rows = await w.kamen.store.lookupEvents({ accountId: account, attribute: { key: 'EventName', value: eventName }, startMs: 0, endMs: w.clock.now() + 1000, limit: 50 });
  return rows.map((r) => JSON.parse(r.record));
}

test('ConsoleLogin: a failure, a success without MFA, a success with MFA; SwitchRole in the role\'s account', async () => {
  const c = consoleClient(w.console.url);
  const browser = { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) kamen-console-test' };
  assert.equal((await c.send('POST', '/signin', { account: 'bastion', userName: 'user01', password: 'wrong-password' }, browser)).status, 401);
  assert.equal((await c.send('POST', '/signin', { account: 'bastion', userName: 'nobody', password: 'wrong-password' })).status, 401);
  w.clock.advance(60_000); // past the sign-in throttle's wait after two failures
  const signed = await c.signIn('user01');
  assert.equal(signed.json?.status, 'ok', JSON.stringify(signed.json));
  const m = consoleClient(w.console.url);
  assert.equal((await m.signIn('mfauser')).json.status, 'mfa-required');
  assert.equal((await m.signIn('mfauser', w.nextMfaCode())).json.status, 'ok');

  const logins = await records(w.mgmt, 'ConsoleLogin');
  assert.equal(logins.length, 4);
  const [mfaOk, plainOk, hidden, failed] = logins;
  for (const r of logins) {
    assert.equal(r.eventSource, 'signin.amazonaws.com');
    assert.equal(r.eventType, 'AwsConsoleSignIn');
    assert.equal(r.recipientAccountId, w.mgmt);
    assert.equal(JSON.stringify(r).includes(PASSWORD), false);
  }
  assert.deepEqual(mfaOk.responseElements, { ConsoleLogin: 'Success' });
  assert.equal(mfaOk.additionalEventData.MFAUsed, 'Yes');
  assert.equal(mfaOk.userIdentity.userName, 'mfauser');
  assert.equal(plainOk.additionalEventData.MFAUsed, 'No');
  assert.equal(plainOk.userIdentity.type, 'IAMUser');
  assert.equal(plainOk.userIdentity.arn, `arn:aws:iam::${w.mgmt}:user/user01`);
  assert.deepEqual(hidden.userIdentity, { type: 'IAMUser', accountId: w.mgmt, accessKeyId: '', userName: 'HIDDEN_DUE_TO_SECURITY_REASONS' });
  assert.deepEqual(failed.responseElements, { ConsoleLogin: 'Failure' });
  assert.equal(failed.errorMessage, 'Failed authentication');
  assert.equal(failed.userIdentity.userName, 'user01');
  // The browser's User-Agent is recorded, as AWS records it for console sign-ins.
  assert.equal(failed.userAgent, browser['user-agent']);

  const sw = await c.send('POST', '/switch-role', { account: MEMBER, roleName: 'Admin' });
  assert.equal(sw.status, 200, JSON.stringify(sw.json));
  const [switched] = await records(MEMBER, 'SwitchRole');
  assert.equal(switched.userIdentity.type, 'AssumedRole');
  assert.match(switched.userIdentity.arn, new RegExp(`^arn:aws:sts::${MEMBER}:assumed-role/Admin/`));
  assert.deepEqual(switched.responseElements, { SwitchRole: 'Success' });
  assert.equal(switched.additionalEventData.SwitchFrom, `arn:aws:iam::${w.mgmt}:user/user01`);
});

/** What an IdP's auto-submitted form does: POST the SAMLResponse to the console's ACS URL. */
async function postSaml(samlResponse: string): Promise<Response> {
  return fetch(new URL('/saml', w.console.url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'Mozilla/5.0 (kamen test)' },
    body: new URLSearchParams({ SAMLResponse: samlResponse }).toString(),
    redirect: 'manual',
  });
}

test('a console SAML sign-in is recorded as AssumeRoleWithSAML by the SAML user, then the role session\'s ConsoleLogin; a refused one as a failed AssumeRoleWithSAML', async () => {
  const root = { accessKeyId: w.kamen.bootstrap!.accessKeyId, secretAccessKey: w.kamen.bootstrap!.secretAccessKey };
  const saml = await samlSetup(w.kamen, root, w.mgmt, 'ConsoleSamlRole');
  const before = (await records(w.mgmt, 'ConsoleLogin')).length;
  const assertion = saml.assertion(w.clock.now(), 'carol@example.com');
  const ok = await postSaml(assertion);
  assert.equal(ok.status, 302, await ok.text());
  assert.equal(ok.headers.get('location'), '/console/');

  const assumed = await records(w.mgmt, 'AssumeRoleWithSAML');
  assert.equal(assumed.length, 1);
  const [a] = assumed;
  assert.equal(a.userIdentity.type, 'SAMLUser');
  assert.equal(a.userIdentity.userName, 'carol@example.com');
  assert.equal(a.userIdentity.identityProvider, saml.providerArn);
  assert.match(a.userIdentity.principalId, /:carol@example\.com$/);
  assert.equal(a.eventSource, 'sts.amazonaws.com');
  assert.equal(a.recipientAccountId, w.mgmt);
  assert.equal(a.sourceIPAddress, SIGNIN_SOURCE_IP);
  assert.equal(a.userAgent, SIGNIN_USER_AGENT);
  assert.equal(a.readOnly, true);
  assert.equal(a.errorCode, undefined);
  assert.match(a.requestParameters.sAMLAssertionID, /^_a/);
  assert.equal(a.requestParameters.roleSessionName, 'carol@example.com');
  assert.equal(a.requestParameters.roleArn, saml.roleArn);
  assert.equal(a.requestParameters.principalArn, saml.providerArn);
  assert.equal(a.requestParameters.durationSeconds, 3600);
  assert.equal(a.responseElements.assumedRoleUser.arn, `arn:aws:sts::${w.mgmt}:assumed-role/ConsoleSamlRole/carol@example.com`);
  assert.equal(a.responseElements.subject, 'carol@example.com');
  assert.match(a.responseElements.credentials.accessKeyId, /^ASIA/);
  // Never the assertion nor the session's secrets.
  assert.equal(a.responseElements.credentials.secretAccessKey, undefined);
  assert.equal(a.responseElements.credentials.sessionToken, undefined);
  assert.equal(JSON.stringify(a).includes(assertion.slice(0, 40)), false);

  const logins = await records(w.mgmt, 'ConsoleLogin');
  assert.equal(logins.length, before + 1);
  const login = logins.find((r) => r.userIdentity.type === 'AssumedRole');
  assert.ok(login, 'the SAML session\'s ConsoleLogin');
  assert.equal(login.userIdentity.arn, `arn:aws:sts::${w.mgmt}:assumed-role/ConsoleSamlRole/carol@example.com`);
  assert.equal(login.userIdentity.sessionContext.sessionIssuer.arn, saml.roleArn);
  assert.equal(login.userIdentity.sessionContext.attributes.mfaAuthenticated, 'false');
  assert.deepEqual(login.responseElements, { ConsoleLogin: 'Success' });
  assert.equal(login.additionalEventData.MFAUsed, 'No');
  assert.equal(login.additionalEventData.SamlProviderArn, saml.providerArn);
  assert.equal(login.eventType, 'AwsConsoleSignIn');
  assert.equal(login.userAgent, 'Mozilla/5.0 (kamen test)');
  assert.equal(login.sourceIPAddress, '127.0.0.1');

  // A subject the role's trust policy refuses (saml:sub must be *@example.com): the failure is recorded, no sign-in.
  const refused = await postSaml(saml.assertion(w.clock.now(), 'mallory@evil.test'));
  assert.equal(refused.status, 403);
  const failed = (await records(w.mgmt, 'AssumeRoleWithSAML')).filter((r) => r.errorCode);
  assert.equal(failed.length, 1);
  assert.equal(failed[0].errorCode, 'AccessDenied');
  assert.equal(failed[0].userIdentity.userName, 'mallory@evil.test');
  assert.equal(failed[0].responseElements, null);
  assert.equal((await records(w.mgmt, 'ConsoleLogin')).length, before + 1);
});
