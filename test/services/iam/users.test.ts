import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ACCT, T0, docs, env, msg, roleCaller, rootCaller, userCaller, type Env } from './helpers.js';

describe('IAM users', () => {
  let e: Env;
  beforeEach(async () => {
    e = await env();
  });
  afterEach(async () => {
    await e.close();
  });

  it('creates a user with path, tags and boundary, and GetUser returns the same shape', async () => {
    const out = await e.call('CreateUser', {
      UserName: 'alice',
      Path: '/eng/',
      Tags: [{ Key: 'team', Value: 'core' }],
      PermissionsBoundary: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
    });
    const u = out.User;
    assert.equal(u.UserName, 'alice');
    assert.equal(u.Path, '/eng/');
    assert.equal(u.Arn, `arn:aws:iam::${ACCT}:user/eng/alice`);
    assert.match(u.UserId, /^AIDA[A-Z2-7]{17}$/);
    assert.deepEqual(u.CreateDate, new Date(T0));
    assert.deepEqual(u.Tags, [{ Key: 'team', Value: 'core' }]);
    assert.deepEqual(u.PermissionsBoundary, { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' });
    const got = await e.call('GetUser', { UserName: 'ALICE' });
    assert.deepEqual(got.User, u);
  });

  it('refuses duplicates (case-insensitively) and unknown users with AWS texts', async () => {
    await e.call('CreateUser', { UserName: 'bob' });
    await e.fails('CreateUser', { UserName: 'BOB' }, 'ERR_ENTITY_ALREADY_EXISTS', msg('userExists', { name: 'BOB' }));
    await e.fails('GetUser', { UserName: 'nobody' }, 'ERR_NO_SUCH_ENTITY', msg('noUser', { name: 'nobody' }));
    await e.fails('DeleteUser', { UserName: 'nobody' }, 'ERR_NO_SUCH_ENTITY', msg('noUser', { name: 'nobody' }));
  });

  it('refuses an unknown permissions boundary', async () => {
    await e.fails('CreateUser', { UserName: 'x', PermissionsBoundary: 'arn:aws:iam::aws:policy/NoSuchPolicyAtAll' }, 'ERR_NO_SUCH_ENTITY');
    assert.equal(await e.store.getUser(ACCT, 'x'), undefined);
  });

  it('GetUser without a name answers for the caller', async () => {
    await e.call('CreateUser', { UserName: 'carol' });
    const me = await e.call('GetUser', {}, userCaller('carol'));
    assert.equal(me.User.UserName, 'carol');
    const root = await e.call('GetUser', {}, rootCaller());
    assert.equal(root.User.UserId, ACCT);
    assert.equal(root.User.Arn, `arn:aws:iam::${ACCT}:root`);
    assert.ok(root.User.CreateDate instanceof Date);
    assert.equal(root.User.UserName, undefined);
    await e.fails('GetUser', {}, 'ERR_VALIDATION', msg('nonUser'), roleCaller());
  });

  it('renames and moves a user, carrying its ARN', async () => {
    await e.call('CreateUser', { UserName: 'dave' });
    await e.call('CreateUser', { UserName: 'erin' });
    await e.fails('UpdateUser', { UserName: 'dave', NewUserName: 'erin' }, 'ERR_ENTITY_ALREADY_EXISTS', msg('userExists', { name: 'erin' }));
    await e.call('UpdateUser', { UserName: 'dave', NewUserName: 'david', NewPath: '/ops/' });
    const got = await e.call('GetUser', { UserName: 'david' });
    assert.equal(got.User.Arn, `arn:aws:iam::${ACCT}:user/ops/david`);
    await e.fails('GetUser', { UserName: 'dave' }, 'ERR_NO_SUCH_ENTITY');
  });

  it('lists users with PathPrefix and pages with Marker/IsTruncated', async () => {
    for (let i = 0; i < 7; i++) await e.call('CreateUser', { UserName: `u${i}`, Path: i % 2 ? '/odd/' : '/' });
    const odd = await e.call('ListUsers', { PathPrefix: '/odd/' });
    assert.deepEqual(odd.Users.map((u: any) => u.UserName), ['u1', 'u3', 'u5']);
    assert.equal(odd.IsTruncated, false);
    const names: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const page = await e.call('ListUsers', { MaxItems: 3, ...(marker ? { Marker: marker } : {}) });
      names.push(...page.Users.map((u: any) => u.UserName));
      assert.equal(page.IsTruncated, page.Marker !== undefined);
      marker = page.Marker;
      pages++;
    } while (marker);
    assert.equal(pages, 3);
    assert.deepEqual(names, ['u0', 'u1', 'u2', 'u3', 'u4', 'u5', 'u6']);
    // ListUsers does not return tags.
    assert.equal((await e.call('ListUsers', {})).Users[0].Tags, undefined);
  });

  it('tags and untags users', async () => {
    await e.call('CreateUser', { UserName: 'tina', Tags: [{ Key: 'a', Value: '1' }] });
    await e.call('TagUser', { UserName: 'tina', Tags: [{ Key: 'a', Value: '2' }, { Key: 'b', Value: '3' }] });
    assert.deepEqual((await e.call('ListUserTags', { UserName: 'tina' })).Tags, [{ Key: 'a', Value: '2' }, { Key: 'b', Value: '3' }]);
    await e.call('UntagUser', { UserName: 'tina', TagKeys: ['a'] });
    const t = await e.call('ListUserTags', { UserName: 'tina' });
    assert.deepEqual(t.Tags, [{ Key: 'b', Value: '3' }]);
    assert.equal(t.IsTruncated, false);
    // IAM tag keys are case-insensitive.
    await e.call('TagUser', { UserName: 'tina', Tags: [{ Key: 'B', Value: '4' }] });
    assert.deepEqual((await e.call('ListUserTags', { UserName: 'tina' })).Tags, [{ Key: 'B', Value: '4' }]);
    await e.fails('TagUser', { UserName: 'tina', Tags: [{ Key: 'x', Value: '1' }, { Key: 'X', Value: '2' }] }, 'ERR_INVALID_INPUT', 'Duplicate tag keys found. Please note that Tag keys are case insensitive.');
    await e.call('UntagUser', { UserName: 'tina', TagKeys: ['b'] });
    assert.deepEqual((await e.call('ListUserTags', { UserName: 'tina' })).Tags, []);
    const many = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    await e.fails('TagUser', { UserName: 'tina', Tags: many }, 'ERR_LIMIT_EXCEEDED');
  });

  it('puts and deletes a user permissions boundary', async () => {
    await e.call('CreateUser', { UserName: 'pb' });
    await e.call('PutUserPermissionsBoundary', { UserName: 'pb', PermissionsBoundary: 'arn:aws:iam::aws:policy/PowerUserAccess' });
    assert.equal((await e.call('GetUser', { UserName: 'pb' })).User.PermissionsBoundary.PermissionsBoundaryArn, 'arn:aws:iam::aws:policy/PowerUserAccess');
    await e.call('DeleteUserPermissionsBoundary', { UserName: 'pb' });
    assert.equal((await e.call('GetUser', { UserName: 'pb' })).User.PermissionsBoundary, undefined);
  });

  it('DeleteUser refuses while dependents exist, one AWS message each', async () => {
    await e.call('CreateUser', { UserName: 'dep' });
    await e.call('CreateGroup', { GroupName: 'g' });

    await e.call('CreateLoginProfile', { UserName: 'dep', Password: 'Sup3r-secret!' });
    await e.fails('DeleteUser', { UserName: 'dep' }, 'ERR_DELETE_CONFLICT', msg('deleteLoginProfile'));
    await e.call('DeleteLoginProfile', { UserName: 'dep' });

    const key = await e.call('CreateAccessKey', { UserName: 'dep' });
    await e.fails('DeleteUser', { UserName: 'dep' }, 'ERR_DELETE_CONFLICT', msg('deleteUserKeys'));
    await e.call('DeleteAccessKey', { UserName: 'dep', AccessKeyId: key.AccessKey.AccessKeyId });

    await e.call('AddUserToGroup', { GroupName: 'g', UserName: 'dep' });
    await e.fails('DeleteUser', { UserName: 'dep' }, 'ERR_DELETE_CONFLICT', msg('deleteUserGroups'));
    await e.call('RemoveUserFromGroup', { GroupName: 'g', UserName: 'dep' });

    await e.call('PutUserPolicy', { UserName: 'dep', PolicyName: 'p', PolicyDocument: docs['identity'] });
    await e.fails('DeleteUser', { UserName: 'dep' }, 'ERR_DELETE_CONFLICT', msg('deletePolicies'));
    await e.call('DeleteUserPolicy', { UserName: 'dep', PolicyName: 'p' });

    await e.call('AttachUserPolicy', { UserName: 'dep', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' });
    await e.fails('DeleteUser', { UserName: 'dep' }, 'ERR_DELETE_CONFLICT', msg('deleteAttached'));
    await e.call('DetachUserPolicy', { UserName: 'dep', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' });

    await e.call('DeleteUser', { UserName: 'dep' });
    await e.fails('GetUser', { UserName: 'dep' }, 'ERR_NO_SUCH_ENTITY');
  });
});
