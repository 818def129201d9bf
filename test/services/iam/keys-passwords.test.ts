import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { verifyPassword } from '../../../src/store/passwords.js';
import { ACCT, T0, env, msg, roleCaller, rootCaller, userCaller, type Env } from './helpers.js';

describe('IAM access keys', () => {
  let e: Env;
  beforeEach(async () => {
    e = await env();
    await e.call('CreateUser', { UserName: 'kim' });
  });
  afterEach(async () => {
    await e.close();
  });

  it('creates up to two keys per user and lists, updates, deletes them', async () => {
    const k1 = (await e.call('CreateAccessKey', { UserName: 'kim' })).AccessKey;
    assert.match(k1.AccessKeyId, /^AKIA[A-Z2-7]{16}$/);
    assert.equal(k1.SecretAccessKey.length, 40);
    assert.equal(k1.Status, 'Active');
    assert.equal(k1.UserName, 'kim');
    assert.deepEqual(k1.CreateDate, new Date(T0));
    e.clock.advance(1000);
    const k2 = (await e.call('CreateAccessKey', { UserName: 'kim' })).AccessKey;
    await e.fails('CreateAccessKey', { UserName: 'kim' }, 'ERR_LIMIT_EXCEEDED', msg('accessKeyQuota'));
    const list = await e.call('ListAccessKeys', { UserName: 'kim' });
    assert.deepEqual(list.AccessKeyMetadata.map((k: any) => k.AccessKeyId), [k1.AccessKeyId, k2.AccessKeyId]);
    assert.equal(list.AccessKeyMetadata[0].SecretAccessKey, undefined);
    await e.call('UpdateAccessKey', { UserName: 'kim', AccessKeyId: k1.AccessKeyId, Status: 'Inactive' });
    assert.equal((await e.store.getAccessKey(k1.AccessKeyId))!.status, 'Inactive');
    const last = await e.call('GetAccessKeyLastUsed', { AccessKeyId: k1.AccessKeyId });
    assert.equal(last.UserName, 'kim');
    assert.deepEqual(last.AccessKeyLastUsed, { ServiceName: 'N/A', Region: 'N/A' });
    await e.call('DeleteAccessKey', { UserName: 'kim', AccessKeyId: k1.AccessKeyId });
    await e.fails('DeleteAccessKey', { UserName: 'kim', AccessKeyId: k1.AccessKeyId }, 'ERR_NO_SUCH_ENTITY', `The Access Key with id ${k1.AccessKeyId} cannot be found.`);
    assert.equal((await e.call('ListAccessKeys', { UserName: 'kim' })).AccessKeyMetadata.length, 1);
  });

  it('without UserName acts for the calling user, or the root user', async () => {
    const own = (await e.call('CreateAccessKey', {}, userCaller('kim'))).AccessKey;
    assert.equal(own.UserName, 'kim');
    const rootKey = (await e.call('CreateAccessKey', {}, rootCaller())).AccessKey;
    assert.equal(rootKey.UserName, undefined);
    assert.equal((await e.store.getAccessKey(rootKey.AccessKeyId))!.userName, undefined);
    assert.deepEqual((await e.call('ListAccessKeys', {}, rootCaller())).AccessKeyMetadata.map((k: any) => k.AccessKeyId), [rootKey.AccessKeyId]);
    assert.deepEqual((await e.call('ListAccessKeys', {}, userCaller('kim'))).AccessKeyMetadata.map((k: any) => k.AccessKeyId), [own.AccessKeyId]);
    // A user's key cannot be managed as the root's (wrong owner).
    await e.fails('DeleteAccessKey', { AccessKeyId: own.AccessKeyId }, 'ERR_NO_SUCH_ENTITY', undefined, rootCaller());
    await e.fails('ListAccessKeys', {}, 'ERR_VALIDATION', msg('nonUser'), roleCaller());
    await e.fails('CreateAccessKey', { UserName: 'ghost' }, 'ERR_NO_SUCH_ENTITY', msg('noUser', { name: 'ghost' }));
    // Another account cannot see the key: AccessDenied, as for a key that does not exist.
    await e.fails('GetAccessKeyLastUsed', { AccessKeyId: own.AccessKeyId }, 'ERR_ACCESS_DENIED', `User: arn:aws:iam::210987654321:root is not authorized to perform: iam:GetAccessKeyLastUsed on resource: access key ${own.AccessKeyId}`, rootCaller('210987654321'));
  });
});

describe('IAM login profiles', () => {
  let e: Env;
  beforeEach(async () => {
    e = await env();
    await e.call('CreateUser', { UserName: 'pat' });
  });
  afterEach(async () => {
    await e.close();
  });

  it('creates, gets, updates and deletes a login profile with a hashed password', async () => {
    const lp = (await e.call('CreateLoginProfile', { UserName: 'pat', Password: 'Corr3ct-Horse', PasswordResetRequired: true })).LoginProfile;
    assert.deepEqual(lp, { UserName: 'pat', CreateDate: new Date(T0), PasswordResetRequired: true });
    const stored = await e.store.getLoginProfile(ACCT, 'pat');
    assert.ok(stored!.passwordHash.startsWith('scrypt$'));
    assert.ok(await verifyPassword('Corr3ct-Horse', stored!.passwordHash));
    await e.fails('CreateLoginProfile', { UserName: 'pat', Password: 'Corr3ct-Horse' }, 'ERR_ENTITY_ALREADY_EXISTS');
    await e.call('UpdateLoginProfile', { UserName: 'pat', Password: 'N3w-Password', PasswordResetRequired: false });
    assert.equal((await e.call('GetLoginProfile', { UserName: 'pat' })).LoginProfile.PasswordResetRequired, false);
    assert.ok(await verifyPassword('N3w-Password', (await e.store.getLoginProfile(ACCT, 'pat'))!.passwordHash));
    await e.call('DeleteLoginProfile', { UserName: 'pat' });
    await e.fails('GetLoginProfile', { UserName: 'pat' }, 'ERR_NO_SUCH_ENTITY', msg('noLoginProfile', { name: 'pat' }));
  });

  it('enforces the default password policy', async () => {
    await e.fails('CreateLoginProfile', { UserName: 'pat', Password: 'short1A' }, 'ERR_PASSWORD_POLICY_VIOLATION');
    await e.fails('CreateLoginProfile', { UserName: 'pat', Password: 'alllowercase' }, 'ERR_PASSWORD_POLICY_VIOLATION');
  });

  it('ChangePassword works for the calling IAM user only, with the right old password', async () => {
    await e.call('CreateLoginProfile', { UserName: 'pat', Password: 'Old-Passw0rd', PasswordResetRequired: true });
    await e.fails('ChangePassword', { OldPassword: 'wrong', NewPassword: 'New-Passw0rd' }, 'ERR_ACCESS_DENIED', undefined, userCaller('pat'));
    await e.fails('ChangePassword', { OldPassword: 'Old-Passw0rd', NewPassword: 'New-Passw0rd' }, 'ERR_ACCESS_DENIED', undefined, rootCaller());
    await e.call('ChangePassword', { OldPassword: 'Old-Passw0rd', NewPassword: 'New-Passw0rd' }, userCaller('pat'));
    const p = await e.store.getLoginProfile(ACCT, 'pat');
    assert.ok(await verifyPassword('New-Passw0rd', p!.passwordHash));
    assert.equal(p!.passwordResetRequired, false);
  });
});

describe('IAM account password policy', () => {
  let e: Env;
  beforeEach(async () => {
    e = await env();
    await e.call('CreateUser', { UserName: 'pp' });
  });
  afterEach(async () => {
    await e.close();
  });

  it('is absent until set, then governs new passwords, and can be deleted', async () => {
    const none = `The Password Policy with domain name ${ACCT} cannot be found.`;
    await e.fails('GetAccountPasswordPolicy', {}, 'ERR_NO_SUCH_ENTITY', none);
    await e.fails('DeleteAccountPasswordPolicy', {}, 'ERR_NO_SUCH_ENTITY', none);
    await e.call('UpdateAccountPasswordPolicy', { MinimumPasswordLength: 12, RequireSymbols: true, MaxPasswordAge: 90, AllowUsersToChangePassword: true });
    const p = (await e.call('GetAccountPasswordPolicy', {})).PasswordPolicy;
    assert.deepEqual(p, {
      MinimumPasswordLength: 12,
      RequireSymbols: true,
      RequireNumbers: false,
      RequireUppercaseCharacters: false,
      RequireLowercaseCharacters: false,
      AllowUsersToChangePassword: true,
      ExpirePasswords: true,
      MaxPasswordAge: 90,
    });
    // Long enough but no symbol; then a weak-by-default but policy-conforming one.
    await e.fails('CreateLoginProfile', { UserName: 'pp', Password: 'abcdefghijklmn' }, 'ERR_PASSWORD_POLICY_VIOLATION', 'Password does not conform to the account password policy.');
    await e.call('CreateLoginProfile', { UserName: 'pp', Password: 'abcdefghijk!' });
    await e.call('DeleteAccountPasswordPolicy', {});
    await e.fails('GetAccountPasswordPolicy', {}, 'ERR_NO_SUCH_ENTITY', none);
    await e.fails('UpdateLoginProfile', { UserName: 'pp', Password: 'abcdefghijk!' }, 'ERR_PASSWORD_POLICY_VIOLATION');
  });
});
