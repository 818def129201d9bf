/** Console sign-ins are recorded as AWS records them: ConsoleLogin (success, failure, MFAUsed) and SwitchRole. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { consoleClient, consoleWorld, MEMBER, PASSWORD, type ConsoleWorld } from '../console/world.js';

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
  assert.equal((await c.send('POST', '/signin', { account: 'bastion', userName: 'user01', password: 'wrong-password' })).status, 401);
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

  const sw = await c.send('POST', '/switch-role', { account: MEMBER, roleName: 'Admin' });
  assert.equal(sw.status, 200, JSON.stringify(sw.json));
  const [switched] = await records(MEMBER, 'SwitchRole');
  assert.equal(switched.userIdentity.type, 'AssumedRole');
  assert.match(switched.userIdentity.arn, new RegExp(`^arn:aws:sts::${MEMBER}:assumed-role/Admin/`));
  assert.deepEqual(switched.responseElements, { SwitchRole: 'Success' });
  assert.equal(switched.additionalEventData.SwitchFrom, `arn:aws:iam::${w.mgmt}:user/user01`);
});
