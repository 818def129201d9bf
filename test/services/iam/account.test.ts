import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ACCT, catalog, docs, env, msg, rootCaller, type Env } from './helpers.js';

describe('IAM account operations', () => {
  let e: Env;
  beforeEach(async () => {
    e = await env();
  });
  afterEach(async () => {
    await e.close();
  });

  it('creates, lists and deletes an account alias (unique across accounts)', async () => {
    assert.deepEqual(await e.call('ListAccountAliases', {}), { AccountAliases: [], IsTruncated: false });
    await e.call('CreateAccountAlias', { AccountAlias: 'my-org' });
    assert.deepEqual((await e.call('ListAccountAliases', {})).AccountAliases, ['my-org']);
    await e.fails('CreateAccountAlias', { AccountAlias: 'my-org' }, 'ERR_ENTITY_ALREADY_EXISTS', msg('aliasExists', { name: 'my-org' }), rootCaller('210987654321'));
    await e.fails('DeleteAccountAlias', { AccountAlias: 'other' }, 'ERR_NO_SUCH_ENTITY');
    await e.call('DeleteAccountAlias', { AccountAlias: 'my-org' });
    assert.deepEqual((await e.call('ListAccountAliases', {})).AccountAliases, []);
  });

  it('GetAccountSummary counts entities and reports quotas', async () => {
    await e.call('CreateUser', { UserName: 'u1' });
    await e.call('CreateUser', { UserName: 'u2' });
    await e.call('CreateGroup', { GroupName: 'g' });
    await e.call('CreateRole', { RoleName: 'r', AssumeRolePolicyDocument: docs['trust'] });
    const arn = (await e.call('CreatePolicy', { PolicyName: 'P', PolicyDocument: docs['identity'] })).Policy.Arn;
    await e.call('CreatePolicyVersion', { PolicyArn: arn, PolicyDocument: docs['identity'] });
    await e.call('CreateInstanceProfile', { InstanceProfileName: 'ip' });
    await e.call('CreateVirtualMFADevice', { VirtualMFADeviceName: 'd' });
    const m = (await e.call('GetAccountSummary', {})).SummaryMap;
    assert.equal(m.Users, 2);
    assert.equal(m.Groups, 1);
    assert.equal(m.Roles, 1);
    assert.equal(m.Policies, 1);
    assert.equal(m.PolicyVersionsInUse, 2);
    assert.equal(m.InstanceProfiles, 1);
    assert.equal(m.MFADevices, 1);
    assert.equal(m.MFADevicesInUse, 0);
    assert.equal(m.AccountMFAEnabled, 0);
    assert.equal(m.UsersQuota, 5000);
    assert.equal(m.AccessKeysPerUserQuota, 2);
    assert.equal(m.VersionsPerPolicyQuota, 5);
  });

  it('GetAccountAuthorizationDetails returns users, groups, roles and policies with encoded documents', async () => {
    await e.call('CreateUser', { UserName: 'u' });
    await e.call('CreateGroup', { GroupName: 'g' });
    await e.call('AddUserToGroup', { GroupName: 'g', UserName: 'u' });
    await e.call('PutUserPolicy', { UserName: 'u', PolicyName: 'inline', PolicyDocument: docs['identityWithSpaces'] });
    await e.call('AttachUserPolicy', { UserName: 'u', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' });
    await e.call('PutGroupPolicy', { GroupName: 'g', PolicyName: 'gi', PolicyDocument: docs['identity'] });
    await e.call('CreateRole', { RoleName: 'r', AssumeRolePolicyDocument: docs['trust'] });
    await e.call('CreateInstanceProfile', { InstanceProfileName: 'ip' });
    await e.call('AddRoleToInstanceProfile', { InstanceProfileName: 'ip', RoleName: 'r' });
    const local = (await e.call('CreatePolicy', { PolicyName: 'Mine', PolicyDocument: docs['identity'] })).Policy.Arn;
    await e.call('AttachRolePolicy', { RoleName: 'r', PolicyArn: local });

    const all = await e.call('GetAccountAuthorizationDetails', {});
    assert.equal(all.IsTruncated, false);
    const u = all.UserDetailList[0];
    assert.equal(u.UserName, 'u');
    assert.deepEqual(u.GroupList, ['g']);
    assert.deepEqual(u.UserPolicyList, [{ PolicyName: 'inline', PolicyDocument: docs['identityEncodedWithSpaces'] }]);
    assert.deepEqual(u.AttachedManagedPolicies, [{ PolicyName: 'ReadOnlyAccess', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }]);
    assert.deepEqual(all.GroupDetailList[0].GroupPolicyList, [{ PolicyName: 'gi', PolicyDocument: encodeURIComponent(docs['identity']!) }]);
    const r = all.RoleDetailList[0];
    assert.equal(r.AssumeRolePolicyDocument, encodeURIComponent(docs['trust']!));
    assert.deepEqual(r.InstanceProfileList.map((p: any) => p.InstanceProfileName), ['ip']);
    assert.deepEqual(r.AttachedManagedPolicies, [{ PolicyName: 'Mine', PolicyArn: local }]);
    const arns = all.Policies.map((p: any) => p.Arn).sort();
    assert.deepEqual(arns, ['arn:aws:iam::aws:policy/ReadOnlyAccess', local].sort());
    const mine = all.Policies.find((p: any) => p.Arn === local);
    assert.equal(mine.AttachmentCount, 1);
    assert.deepEqual(mine.PolicyVersionList.map((v: any) => [v.VersionId, v.IsDefaultVersion, decodeURIComponent(v.Document)]), [['v1', true, docs['identity']]]);
    const ro = all.Policies.find((p: any) => p.Arn === 'arn:aws:iam::aws:policy/ReadOnlyAccess');
    assert.equal(decodeURIComponent(ro.PolicyVersionList[0].Document), catalog.get('arn:aws:iam::aws:policy/ReadOnlyAccess')!.document);

    const onlyRoles = await e.call('GetAccountAuthorizationDetails', { Filter: ['Role'] });
    assert.deepEqual([onlyRoles.UserDetailList.length, onlyRoles.GroupDetailList.length, onlyRoles.RoleDetailList.length, onlyRoles.Policies.length], [0, 0, 1, 0]);

    const p1 = await e.call('GetAccountAuthorizationDetails', { MaxItems: 2 });
    assert.equal(p1.IsTruncated, true);
    const p2 = await e.call('GetAccountAuthorizationDetails', { MaxItems: 10, Marker: p1.Marker });
    const count = (x: any) => x.UserDetailList.length + x.GroupDetailList.length + x.RoleDetailList.length + x.Policies.length;
    assert.equal(count(p1) + count(p2), count(all));
    assert.equal(ACCT, all.UserDetailList[0].Arn.split(':')[4]);
  });
});
