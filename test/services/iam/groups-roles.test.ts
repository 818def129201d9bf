import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ACCT, docs, env, msg, type Env } from './helpers.js';

describe('IAM groups', () => {
  let e: Env;
  beforeEach(async () => {
    e = await env();
  });
  afterEach(async () => {
    await e.close();
  });

  it('creates, gets with members, renames, lists and deletes groups', async () => {
    const g = (await e.call('CreateGroup', { GroupName: 'devs', Path: '/t/' })).Group;
    assert.equal(g.Arn, `arn:aws:iam::${ACCT}:group/t/devs`);
    assert.match(g.GroupId, /^AGPA/);
    await e.fails('CreateGroup', { GroupName: 'DEVS' }, 'ERR_ENTITY_ALREADY_EXISTS', msg('groupExists', { name: 'DEVS' }));
    await e.call('CreateUser', { UserName: 'a' });
    await e.call('CreateUser', { UserName: 'b' });
    await e.call('AddUserToGroup', { GroupName: 'devs', UserName: 'a' });
    await e.call('AddUserToGroup', { GroupName: 'devs', UserName: 'b' });
    await e.call('AddUserToGroup', { GroupName: 'devs', UserName: 'b' }); // idempotent
    const got = await e.call('GetGroup', { GroupName: 'devs' });
    assert.deepEqual(got.Users.map((u: any) => u.UserName), ['a', 'b']);
    assert.equal(got.IsTruncated, false);
    const page = await e.call('GetGroup', { GroupName: 'devs', MaxItems: 1 });
    assert.equal(page.IsTruncated, true);
    assert.equal(page.Users.length, 1);
    assert.deepEqual((await e.call('ListGroupsForUser', { UserName: 'a' })).Groups.map((x: any) => x.GroupName), ['devs']);
    await e.fails('DeleteGroup', { GroupName: 'devs' }, 'ERR_DELETE_CONFLICT', msg('deleteUserGroups'));
    await e.call('UpdateGroup', { GroupName: 'devs', NewGroupName: 'engineers' });
    assert.deepEqual((await e.call('ListGroupsForUser', { UserName: 'a' })).Groups.map((x: any) => x.GroupName), ['engineers']);
    await e.call('RemoveUserFromGroup', { GroupName: 'engineers', UserName: 'a' });
    await e.call('RemoveUserFromGroup', { GroupName: 'engineers', UserName: 'b' });
    await e.fails('RemoveUserFromGroup', { GroupName: 'engineers', UserName: 'b' }, 'ERR_NO_SUCH_ENTITY');
    await e.call('PutGroupPolicy', { GroupName: 'engineers', PolicyName: 'p', PolicyDocument: docs['identity'] });
    await e.fails('DeleteGroup', { GroupName: 'engineers' }, 'ERR_DELETE_CONFLICT', msg('deletePolicies'));
    await e.call('DeleteGroupPolicy', { GroupName: 'engineers', PolicyName: 'p' });
    await e.call('DeleteGroup', { GroupName: 'engineers' });
    await e.fails('GetGroup', { GroupName: 'engineers' }, 'ERR_NO_SUCH_ENTITY', msg('noGroup', { name: 'engineers' }));
    assert.deepEqual((await e.call('ListGroups', {})).Groups, []);
  });

  it('AddUserToGroup needs both to exist', async () => {
    await e.call('CreateGroup', { GroupName: 'g' });
    await e.fails('AddUserToGroup', { GroupName: 'g', UserName: 'ghost' }, 'ERR_NO_SUCH_ENTITY', msg('noUser', { name: 'ghost' }));
    await e.fails('AddUserToGroup', { GroupName: 'nog', UserName: 'ghost' }, 'ERR_NO_SUCH_ENTITY', msg('noGroup', { name: 'nog' }));
  });
});

describe('IAM roles and instance profiles', () => {
  let e: Env;
  beforeEach(async () => {
    e = await env();
  });
  afterEach(async () => {
    await e.close();
  });

  it('creates a role with defaults and returns the trust policy URL-encoded', async () => {
    const r = (await e.call('CreateRole', { RoleName: 'app', AssumeRolePolicyDocument: docs['trust'], Description: 'd', Tags: [{ Key: 'k', Value: 'v' }] })).Role;
    assert.equal(r.Arn, `arn:aws:iam::${ACCT}:role/app`);
    assert.match(r.RoleId, /^AROA/);
    assert.equal(r.MaxSessionDuration, undefined); // CreateRole answers without it; GetRole has it
    assert.equal(r.AssumeRolePolicyDocument, encodeURIComponent(docs['trust']!));
    assert.equal(decodeURIComponent(r.AssumeRolePolicyDocument), docs['trust']);
    const got = (await e.call('GetRole', { RoleName: 'APP' })).Role;
    assert.equal(got.Description, 'd');
    assert.equal(got.MaxSessionDuration, 3600);
    assert.deepEqual(got.Tags, [{ Key: 'k', Value: 'v' }]);
    assert.deepEqual(got.RoleLastUsed, {});
    await e.fails('CreateRole', { RoleName: 'app', AssumeRolePolicyDocument: docs['trust'] }, 'ERR_ENTITY_ALREADY_EXISTS', msg('roleExists', { name: 'app' }));
    await e.fails('GetRole', { RoleName: 'nope' }, 'ERR_NO_SUCH_ENTITY', msg('noRole', { name: 'nope' }));
  });

  it('validates trust policies on create and update', async () => {
    await e.fails('CreateRole', { RoleName: 'bad', AssumeRolePolicyDocument: docs['notJson'] }, 'ERR_MALFORMED_POLICY_DOCUMENT');
    await e.fails('CreateRole', { RoleName: 'bad', AssumeRolePolicyDocument: docs['trustMissingPrincipal'] }, 'ERR_MALFORMED_POLICY_DOCUMENT');
    assert.equal(await e.store.getRole(ACCT, 'bad'), undefined);
    await e.call('CreateRole', { RoleName: 'ok', AssumeRolePolicyDocument: docs['trust'], MaxSessionDuration: 7200 });
    await e.fails('UpdateAssumeRolePolicy', { RoleName: 'ok', PolicyDocument: docs['notJson'] }, 'ERR_MALFORMED_POLICY_DOCUMENT');
    const other = docs['trust']!.replace('ec2.amazonaws.com', 'lambda.amazonaws.com');
    await e.call('UpdateAssumeRolePolicy', { RoleName: 'ok', PolicyDocument: other });
    const r = (await e.call('GetRole', { RoleName: 'ok' })).Role;
    assert.equal(decodeURIComponent(r.AssumeRolePolicyDocument), other);
    assert.equal(r.MaxSessionDuration, 7200);
  });

  it('updates description and max session duration', async () => {
    await e.call('CreateRole', { RoleName: 'r', AssumeRolePolicyDocument: docs['trust'] });
    await e.call('UpdateRole', { RoleName: 'r', MaxSessionDuration: 43200, Description: 'x' });
    const out = await e.call('UpdateRoleDescription', { RoleName: 'r', Description: 'y' });
    assert.equal(out.Role.Description, 'y');
    assert.equal(out.Role.MaxSessionDuration, undefined); // UpdateRoleDescription answers without it
    assert.equal((await e.call('GetRole', { RoleName: 'r' })).Role.MaxSessionDuration, 43200);
  });

  it('tags, boundaries and listing of roles', async () => {
    for (const n of ['b', 'a', 'c']) await e.call('CreateRole', { RoleName: n, AssumeRolePolicyDocument: docs['trust'], Path: n === 'c' ? '/svc/' : '/' });
    const all = await e.call('ListRoles', {});
    assert.deepEqual(all.Roles.map((r: any) => r.RoleName), ['a', 'b', 'c']);
    assert.equal(all.Roles[0].RoleLastUsed, undefined);
    assert.deepEqual((await e.call('ListRoles', { PathPrefix: '/svc/' })).Roles.map((r: any) => r.RoleName), ['c']);
    await e.call('TagRole', { RoleName: 'a', Tags: [{ Key: 'x', Value: '1' }] });
    assert.deepEqual((await e.call('ListRoleTags', { RoleName: 'a' })).Tags, [{ Key: 'x', Value: '1' }]);
    await e.call('UntagRole', { RoleName: 'a', TagKeys: ['x'] });
    assert.deepEqual((await e.call('ListRoleTags', { RoleName: 'a' })).Tags, []);
    await e.call('PutRolePermissionsBoundary', { RoleName: 'a', PermissionsBoundary: 'arn:aws:iam::aws:policy/ReadOnlyAccess' });
    assert.equal((await e.call('GetRole', { RoleName: 'a' })).Role.PermissionsBoundary.PermissionsBoundaryArn, 'arn:aws:iam::aws:policy/ReadOnlyAccess');
    await e.call('DeleteRolePermissionsBoundary', { RoleName: 'a' });
    assert.equal((await e.call('GetRole', { RoleName: 'a' })).Role.PermissionsBoundary, undefined);
  });

  it('instance profiles hold one role and block DeleteRole', async () => {
    await e.call('CreateRole', { RoleName: 'r1', AssumeRolePolicyDocument: docs['trust'] });
    await e.call('CreateRole', { RoleName: 'r2', AssumeRolePolicyDocument: docs['trust'] });
    const ip = (await e.call('CreateInstanceProfile', { InstanceProfileName: 'web', Path: '/p/' })).InstanceProfile;
    assert.equal(ip.Arn, `arn:aws:iam::${ACCT}:instance-profile/p/web`);
    assert.match(ip.InstanceProfileId, /^AIPA/);
    assert.deepEqual(ip.Roles, []);
    await e.fails('CreateInstanceProfile', { InstanceProfileName: 'web' }, 'ERR_ENTITY_ALREADY_EXISTS');
    await e.call('AddRoleToInstanceProfile', { InstanceProfileName: 'web', RoleName: 'r1' });
    await e.fails('AddRoleToInstanceProfile', { InstanceProfileName: 'web', RoleName: 'r2' }, 'ERR_LIMIT_EXCEEDED', msg('profileQuota'));
    const got = (await e.call('GetInstanceProfile', { InstanceProfileName: 'web' })).InstanceProfile;
    assert.deepEqual(got.Roles.map((r: any) => r.RoleName), ['r1']);
    assert.equal(got.Roles[0].AssumeRolePolicyDocument, encodeURIComponent(docs['trust']!));
    assert.deepEqual((await e.call('ListInstanceProfilesForRole', { RoleName: 'r1' })).InstanceProfiles.map((p: any) => p.InstanceProfileName), ['web']);
    assert.equal((await e.call('ListInstanceProfiles', {})).InstanceProfiles.length, 1);
    await e.fails('DeleteRole', { RoleName: 'r1' }, 'ERR_DELETE_CONFLICT', msg('deleteRoleProfiles'));
    await e.fails('DeleteInstanceProfile', { InstanceProfileName: 'web' }, 'ERR_DELETE_CONFLICT');
    await e.call('RemoveRoleFromInstanceProfile', { InstanceProfileName: 'web', RoleName: 'r1' });
    await e.call('DeleteInstanceProfile', { InstanceProfileName: 'web' });
    await e.fails('GetInstanceProfile', { InstanceProfileName: 'web' }, 'ERR_NO_SUCH_ENTITY', msg('noInstanceProfile', { name: 'web' }));
    await e.call('DeleteRole', { RoleName: 'r1' });
  });

  it('DeleteRole refuses while policies are attached or inline', async () => {
    await e.call('CreateRole', { RoleName: 'r', AssumeRolePolicyDocument: docs['trust'] });
    await e.call('PutRolePolicy', { RoleName: 'r', PolicyName: 'inline', PolicyDocument: docs['identity'] });
    await e.fails('DeleteRole', { RoleName: 'r' }, 'ERR_DELETE_CONFLICT', msg('deletePolicies'));
    await e.call('DeleteRolePolicy', { RoleName: 'r', PolicyName: 'inline' });
    await e.call('AttachRolePolicy', { RoleName: 'r', PolicyArn: 'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess' });
    await e.fails('DeleteRole', { RoleName: 'r' }, 'ERR_DELETE_CONFLICT', msg('deleteAttached'));
    await e.call('DetachRolePolicy', { RoleName: 'r', PolicyArn: 'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess' });
    await e.call('DeleteRole', { RoleName: 'r' });
    await e.fails('GetRole', { RoleName: 'r' }, 'ERR_NO_SUCH_ENTITY');
  });
});
