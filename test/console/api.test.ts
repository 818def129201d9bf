/**
 * The console's JSON API end to end over HTTP (no browser): sign-in, session, CSRF, switch role, IAM actions, and the
 * Event history of the region chosen.
 */
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { consoleClient, consoleWorld, MEMBER, PASSWORD, type ConsoleWorld } from './world.js';
import { BAD_CREDENTIALS } from '../../src/console/signin.js';
import { createApiClient } from '../../src/console/aws-client.js';

let w: ConsoleWorld;
before(async () => {
  w = await consoleWorld();
});
after(async () => {
  await w.close();
});

describe('sign-in and session', () => {
  test('a wrong password is refused with AWS text; the right one sets a signed HttpOnly SameSite=Strict cookie', async () => {
    const c = consoleClient(w.console.url);
    const bad = await c.send('POST', '/signin', { account: 'bastion', userName: 'user01', password: 'wrong' });
    assert.equal(bad.status, 401);
    assert.equal(bad.json.message, BAD_CREDENTIALS);
    w.clock.advance(2000); // past the backoff after one failure
    const ok = await c.send('POST', '/signin', { account: 'bastion', userName: 'user01', password: PASSWORD });
    assert.equal(ok.json.status, 'ok');
    const set = ok.headers.get('set-cookie') ?? '';
    assert.match(set, /^kamen-console=[\w-]+\.[\w-]+; Path=\/console; HttpOnly; SameSite=Strict; Max-Age=43200/);
    const s = await c.send('GET', '/session');
    assert.equal(s.json.signedIn, true);
    assert.equal(s.json.user.arn, `arn:aws:iam::${w.mgmt}:user/user01`);
    assert.equal(s.json.accountAlias, 'bastion');
    assert.equal(s.json.mfa, false);
    assert.equal(s.json.managementAccount, true);
  });

  test('the account ID works like the alias; a tampered cookie is no session', async () => {
    const c = consoleClient(w.console.url);
    assert.equal((await c.send('POST', '/signin', { account: w.mgmt, userName: 'user01', password: PASSWORD })).json.status, 'ok');
    c.cookie = c.cookie.slice(0, -2) + (c.cookie.endsWith('A') ? 'BB' : 'AA');
    assert.equal((await c.send('GET', '/session')).json.signedIn, false);
  });

  test('state-changing requests need the session CSRF token', async () => {
    const c = consoleClient(w.console.url);
    await c.signIn('user01');
    const token = c.csrf;
    c.csrf = 'forged';
    const r = await c.send('POST', '/switch-back', {});
    assert.equal(r.status, 403);
    assert.equal(r.json.code, 'InvalidCsrfToken');
    c.csrf = token;
    assert.equal((await c.send('POST', '/switch-back', {})).status, 200);
    const noHeader = await fetch(new URL('api/signin', w.console.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(noHeader.status, 403);
    const cross = await c.send('POST', '/switch-back', {}, { origin: 'http://evil.example' });
    assert.equal(cross.status, 403);
  });

  test('MFA: a code is asked for, a wrong one refused, a right one marks the session MFA-authenticated', async () => {
    const c = consoleClient(w.console.url);
    assert.equal((await c.signIn('mfauser')).json.status, 'mfa-required');
    const wrong = await c.signIn('mfauser', '000000');
    assert.equal(wrong.status, 401);
    w.clock.advance(2000);
    const ok = await c.signIn('mfauser', w.nextMfaCode());
    assert.equal(ok.json.status, 'ok');
    assert.equal((await c.send('GET', '/session')).json.mfa, true);
  });

  test('sign-out ends the session', async () => {
    const c = consoleClient(w.console.url);
    await c.signIn('user01');
    assert.equal((await c.send('POST', '/signout', {})).status, 200);
    assert.equal((await c.send('GET', '/session')).json.signedIn, false);
  });

  test('the session ends when its credentials expire', async () => {
    const c = consoleClient(w.console.url);
    await c.signIn('user01');
    w.clock.advance(12 * 3600 * 1000 + 1000);
    assert.equal((await c.send('GET', '/session')).json.signedIn, false);
    assert.equal((await c.send('GET', '/iam/users')).status, 401);
  });

  test('root sign-in with email + password', async () => {
    const c = consoleClient(w.console.url);
    const boot = w.kamen.bootstrap!;
    assert.equal((await c.send('POST', '/signin/root', { email: boot.rootEmail, password: boot.rootPassword })).json.status, 'ok');
    const s = await c.send('GET', '/session');
    assert.equal(s.json.user.arn, `arn:aws:iam::${w.mgmt}:root`);
  });

  test('a forced password change goes through iam:ChangePassword as the user', async () => {
    await w.asRoot('mgmt', 'iam', 'CreateUser', { UserName: 'newbie' });
    await w.asRoot('mgmt', 'iam', 'CreateLoginProfile', { UserName: 'newbie', Password: PASSWORD, PasswordResetRequired: true });
    await w.asRoot('mgmt', 'iam', 'AttachUserPolicy', { UserName: 'newbie', PolicyArn: 'arn:aws:iam::aws:policy/IAMUserChangePassword' });
    const c = consoleClient(w.console.url);
    const first = await c.signIn('newbie');
    assert.equal(first.json.status, 'password-reset-required');
    const mismatch = await c.send('POST', '/signin/new-password', { token: first.json.token, oldPassword: PASSWORD, newPassword: 'N3w-Passw0rd!x', confirmPassword: 'other' });
    assert.equal(mismatch.status, 400);
    const done = await c.send('POST', '/signin/new-password', { token: first.json.token, oldPassword: PASSWORD, newPassword: 'N3w-Passw0rd!x', confirmPassword: 'N3w-Passw0rd!x' });
    assert.equal(done.json.status, 'ok', JSON.stringify(done.json));
    const again = consoleClient(w.console.url);
    w.clock.advance(2000);
    assert.equal((await again.send('POST', '/signin', { account: 'bastion', userName: 'newbie', password: 'N3w-Passw0rd!x' })).json.status, 'ok');
  });

  test('five failures lock the user for 15 minutes even with the right password (per account + user)', async () => {
    await w.asRoot('mgmt', 'iam', 'CreateUser', { UserName: 'victim' });
    await w.asRoot('mgmt', 'iam', 'CreateLoginProfile', { UserName: 'victim', Password: PASSWORD });
    const c = consoleClient(w.console.url);
    for (let i = 0; i < 5; i++) {
      assert.equal((await c.send('POST', '/signin', { account: 'bastion', userName: 'victim', password: 'bad' })).json.message, BAD_CREDENTIALS);
      w.clock.advance(60_000);
    }
    const locked = await c.send('POST', '/signin', { account: 'bastion', userName: 'victim', password: PASSWORD });
    assert.equal(locked.status, 401);
    assert.match(locked.json.message, /locked/);
    assert.equal((await c.signIn('user01')).json.status, 'ok'); // another user is not affected
    w.clock.advance(15 * 60_000);
    assert.equal((await c.send('POST', '/signin', { account: 'bastion', userName: 'victim', password: PASSWORD })).json.status, 'ok');
  });

  test('bad input gets a proper error, never a 500', async () => {
    const c = consoleClient(w.console.url);
    const malformed = await fetch(new URL('api/signin', w.console.url), { method: 'POST', headers: { 'content-type': 'application/json', 'x-kamen-console': '1' }, body: '{nope' });
    assert.equal(malformed.status, 400);
    assert.equal((await c.send('POST', '/signin', { account: 5, userName: [], password: {} })).status, 400);
    assert.equal((await c.send('GET', '/nope')).status, 404);
    assert.equal((await c.send('DELETE', '/session')).status, 405);
  });
});

describe('switch role and IAM as the switched identity', () => {
  test('switch to Admin in the member account, create a user there, see it in the member account, switch back', async () => {
    const c = consoleClient(w.console.url);
    await c.signIn('user01');
    const sw = await c.send('POST', '/switch-role', { account: MEMBER, roleName: 'Admin', displayName: 'dev-admin', color: 'Green' });
    assert.equal(sw.status, 200, JSON.stringify(sw.json));
    const s = await c.send('GET', '/session');
    assert.equal(s.json.current.arn, `arn:aws:sts::${MEMBER}:assumed-role/Admin/user01`);
    assert.equal(s.json.current.displayName, 'dev-admin');
    assert.equal(s.json.current.color, 'b7ca9d');
    assert.deepEqual(s.json.history.map((h: any) => h.roleName), ['Admin']);
    const created = await c.send('POST', '/iam/users', { userName: 'made-by-console', consoleAccess: true, autoGeneratePassword: true });
    assert.equal(created.status, 200, JSON.stringify(created.json));
    assert.match(created.json.csv, /^User name,Password,Console sign-in URL\r\nmade-by-console,/);
    const there = await w.asRoot('member', 'iam', 'GetUser', { UserName: 'made-by-console' });
    assert.equal(there['User']['Arn'], `arn:aws:iam::${MEMBER}:user/made-by-console`);
    await assert.rejects(w.asRoot('mgmt', 'iam', 'GetUser', { UserName: 'made-by-console' }));
    const key = await c.send('POST', '/iam/users/made-by-console/access-keys', {});
    assert.match(key.json.accessKey.SecretAccessKey, /^\S{40}$/);
    assert.match(key.json.csv, /^Access key ID,Secret access key\r\nAKIA/);
    await c.send('POST', '/switch-back', {});
    assert.equal((await c.send('GET', '/session')).json.current.arn, `arn:aws:iam::${w.mgmt}:user/user01`);
    // Back as user01 (IAMReadOnlyAccess in the bastion): creating a user is refused by the engine.
    const denied = await c.send('POST', '/iam/users', { userName: 'nope' });
    assert.equal(denied.status, 403);
    assert.match(denied.json.message, /is not authorized to perform: iam:CreateUser/);
  });

  test('the MFA-conditioned role is refused after a password-only sign-in and granted after an MFA sign-in', async () => {
    const plain = consoleClient(w.console.url);
    await plain.signIn('user01');
    const refused = await plain.send('POST', '/switch-role', { account: MEMBER, roleName: 'ex-for-aws-b' });
    assert.equal(refused.status, 403);
    assert.equal(refused.json.message, `User: arn:aws:iam::${w.mgmt}:user/user01 is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${MEMBER}:role/ex-for-aws-b`);
    const strong = consoleClient(w.console.url);
    w.clock.advance(2000);
    assert.equal((await strong.signIn('mfauser', w.nextMfaCode())).json.status, 'ok');
    const granted = await strong.send('POST', '/switch-role', { account: MEMBER, roleName: 'ex-for-aws-b' });
    assert.equal(granted.status, 200, JSON.stringify(granted.json));
    assert.equal(granted.json.current.displayName, `ex-for-aws-b @ ${MEMBER}`);
  });

  test('the history keeps the last five roles, most recent first, without duplicates', async () => {
    for (let i = 1; i <= 6; i++) await w.asRoot('member', 'iam', 'CreateRole', { RoleName: `r${i}`, AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${w.mgmt}:root` }, Action: 'sts:AssumeRole' }] }) });
    const c = consoleClient(w.console.url);
    await c.signIn('user01');
    for (const n of ['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r3']) assert.equal((await c.send('POST', '/switch-role', { account: MEMBER, roleName: n })).status, 200);
    assert.deepEqual((await c.send('GET', '/session')).json.history.map((h: any) => h.roleName), ['r3', 'r6', 'r5', 'r4', 'r2']);
  });

  test('the create-role wizard writes AWS console trust policies (external ID, MFA)', async () => {
    const c = consoleClient(w.console.url);
    await c.signIn('user01');
    await c.send('POST', '/switch-role', { account: MEMBER, roleName: 'Admin' });
    const r = await c.send('POST', '/iam/roles', { roleName: 'partner', description: 'for a partner', trust: { accountMode: 'other', accountId: '333333333333', requireExternalId: true, externalId: 'ext-123', requireMfa: true }, policyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'], tags: [{ key: 'team', value: 'x' }] });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const role = await w.asRoot('member', 'iam', 'GetRole', { RoleName: 'partner' });
    assert.deepEqual(JSON.parse(decodeURIComponent(role['Role']['AssumeRolePolicyDocument'])), {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::333333333333:root' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': 'ext-123' }, Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }],
    });
    const att = await w.asRoot('member', 'iam', 'ListAttachedRolePolicies', { RoleName: 'partner' });
    assert.equal(att['AttachedPolicies'][0]['PolicyName'], 'ReadOnlyAccess');
    const bad = await c.send('POST', '/iam/roles', { roleName: 'x', trust: { accountMode: 'other', accountId: '12' } });
    assert.equal(bad.status, 400);
  });

  test('policy tools: validation problems carry a line; the catalog lists EC2 actions; a policy is created from JSON', async () => {
    const c = consoleClient(w.console.url);
    await c.signIn('user01');
    await c.send('POST', '/switch-role', { account: MEMBER, roleName: 'Admin' });
    const v = await c.send('POST', '/policy/validate', { document: '{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Action": "ec2DescribeInstances",\n    "Resource": "*"\n  }]\n}' });
    assert.equal(v.status, 200);
    assert.ok(v.json.errors.length >= 1);
    assert.equal(v.json.errors[0].line, 5);
    const a = await c.send('GET', '/policy/actions?service=ec2&q=DescribeInstanceTypes');
    assert.ok(a.json.actions.some((x: any) => x.name === 'ec2:DescribeInstanceTypes'));
    const doc = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ec2:DescribeInstanceTypes', Resource: '*' }] });
    const p = await c.send('POST', '/iam/policies', { policyName: 'ToyPolicy', document: doc });
    assert.equal(p.json.policy.Arn, `arn:aws:iam::${MEMBER}:policy/ToyPolicy`);
    const got = await c.send('GET', `/iam/policy?arn=${encodeURIComponent(p.json.policy.Arn)}`);
    assert.deepEqual(JSON.parse(got.json.document), JSON.parse(doc));
    const managed = await c.send('GET', '/iam/policies?scope=AWS&q=ViewOnly');
    assert.ok(managed.json.policies.some((x: any) => x.PolicyName === 'ViewOnlyAccess'));
  });

  test('the Organizations page lists the accounts of the management account', async () => {
    const c = consoleClient(w.console.url);
    const boot = w.kamen.bootstrap!;
    await c.send('POST', '/signin/root', { email: boot.rootEmail, password: boot.rootPassword });
    await c.send('GET', '/session');
    const o = await c.send('GET', '/organizations');
    assert.equal(o.status, 200, JSON.stringify(o.json));
    const ids = o.json.root.accounts.map((a: any) => a.Id).sort();
    assert.deepEqual(ids, [w.mgmt, MEMBER].sort());
  });
});

describe('Event history per region', () => {
  test('the history is the chosen region\'s (kept in the query), us-east-1 by default; the region list; an unknown region is refused', async () => {
    const boot = w.kamen.bootstrap!;
    const rootKey = { accessKeyId: boot.accessKeyId, secretAccessKey: boot.secretAccessKey };
    // A call in eu-west-1 (CloudTrail's regional endpoint) is recorded in eu-west-1's history only.
    const api = createApiClient(w.kamen.pipeline);
    await api.call(rootKey, 'cloudtrail', 'LookupEvents', { MaxResults: 1 }, { sourceIp: '192.0.2.44', secureTransport: true }, 'eu-west-1');
    await w.kamen.events.flush();
    const c = consoleClient(w.console.url);
    await c.send('POST', '/signin/root', { email: boot.rootEmail, password: boot.rootPassword });
    await c.send('GET', '/session');

    const regions = await c.send('GET', '/regions');
    assert.equal(regions.status, 200);
    assert.equal(regions.json.default, 'us-east-1');
    for (const r of ['us-east-1', 'eu-west-1', 'ap-northeast-1']) assert.ok(regions.json.regions.includes(r), r);

    const eu = await c.send('GET', '/events?region=eu-west-1&key=EventName&value=LookupEvents');
    assert.equal(eu.status, 200, JSON.stringify(eu.json));
    assert.equal(eu.json.region, 'eu-west-1');
    assert.ok(eu.json.events.length >= 1);
    const euRecords = eu.json.events.map((e: any) => JSON.parse(e.CloudTrailEvent));
    assert.ok(euRecords.every((r: any) => r.awsRegion === 'eu-west-1'), JSON.stringify(euRecords.map((r: any) => r.awsRegion)));
    assert.ok(euRecords.some((r: any) => r.sourceIPAddress === '192.0.2.44'));

    const home = await c.send('GET', '/events?key=EventName&value=LookupEvents');
    assert.equal(home.json.region, 'us-east-1');
    const homeRecords = home.json.events.map((e: any) => JSON.parse(e.CloudTrailEvent));
    assert.ok(homeRecords.every((r: any) => r.awsRegion === 'us-east-1'));
    assert.ok(!homeRecords.some((r: any) => r.sourceIPAddress === '192.0.2.44'));
    // The console's own LookupEvents in eu-west-1 was made there too.
    await w.kamen.events.flush();
    const again = await c.send('GET', '/events?region=eu-west-1&key=EventName&value=LookupEvents');
    assert.ok(again.json.events.some((e: any) => JSON.parse(e.CloudTrailEvent).userAgent === 'AWS Internal'));

    const bad = await c.send('GET', '/events?region=mars-north-1');
    assert.equal(bad.status, 400);
    assert.match(bad.json.message, /region must be one of us-east-1, /);
  });
});
