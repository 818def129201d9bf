/** Resource control policies: Enable/DisablePolicyType, RCPFullAWSAccess, the RCP grammar, attachments and listings. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKamenError } from '../../../src/errors.js';
import { MGMT, orgWorld } from './setup.js';

const RCP = 'RESOURCE_CONTROL_POLICY';
const SCP = 'SERVICE_CONTROL_POLICY';
/** AWS's exceptions and texts these cases expect. */
const ERR = {
  rootNotFound: { code: 'ERR_ORG_ROOT_NOT_FOUND', message: "We can't find a root with the RootId that you specified." },
  alreadyEnabled: { code: 'ERR_ORG_POLICY_TYPE_ALREADY_ENABLED', message: 'The specified policy type is already enabled.' },
  notEnabled: { code: 'ERR_ORG_POLICY_TYPE_NOT_ENABLED', message: 'This operation can be performed only for enabled policy types.' },
  malformed: { code: 'ERR_ORG_MALFORMED_POLICY', message: "The provided policy document doesn't meet the requirements of the specified policy type." },
  minPolicies: { code: 'ERR_ORG_CONSTRAINT_VIOLATION', message: 'You attempted to detach a policy from an entity that would cause the entity to have fewer than the minimum number of policies of a certain type required.' },
  accessDenied: { code: 'ERR_ORG_ACCESS_DENIED', message: "You don't have permissions to access this resource." },
} as const;
const RCP_FULL_SUMMARY = {
  Id: 'p-RCPFullAWSAccess',
  Arn: 'arn:aws:organizations::aws:policy/resource_control_policy/p-RCPFullAWSAccess',
  Name: 'RCPFullAWSAccess',
  Description: 'Allows access to every resource',
  Type: RCP,
  AwsManaged: true,
};
const DENY_OUTSIDE = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: 'OrgOnly', Effect: 'Deny', Principal: '*', Action: ['s3:*', 'sts:AssumeRole'], Resource: '*', Condition: { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': 'o-example' } } }],
});

async function rejects(p: Promise<unknown>, want: { code: string; message: string }): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isKamenError(e), String(e));
    assert.equal(e.code, want.code);
    assert.equal(e.message, want.message);
    return true;
  });
}

test('RCPFullAWSAccess exists before RCPs are enabled; the root lists only SCPs; RCPs cannot be attached yet', async () => {
  const w = await orgWorld();
  try {
    assert.deepEqual((await w.call('ListRoots')).Roots[0].PolicyTypes, [{ Type: SCP, Status: 'ENABLED' }]);
    assert.deepEqual((await w.call('ListPolicies', { Filter: RCP })).Policies, [RCP_FULL_SUMMARY]);
    const d = await w.call('DescribePolicy', { PolicyId: 'p-RCPFullAWSAccess' });
    assert.deepEqual(JSON.parse(d.Policy.Content), { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }] });
    const created = await w.call('CreatePolicy', { Name: 'OrgOnly', Description: 'org principals only', Type: RCP, Content: DENY_OUTSIDE });
    const org = (await w.store.getOrganization())!;
    const id = created.Policy.PolicySummary.Id;
    assert.equal(created.Policy.PolicySummary.Arn, `arn:aws:organizations::${MGMT}:policy/${org.id}/resource_control_policy/${id}`);
    assert.equal(created.Policy.PolicySummary.Type, RCP);
    await rejects(w.call('AttachPolicy', { PolicyId: id, TargetId: w.rootId }), ERR.notEnabled);
    await rejects(w.call('DisablePolicyType', { RootId: w.rootId, PolicyType: RCP }), ERR.notEnabled);
  } finally {
    await w.close();
  }
});

test('EnablePolicyType attaches RCPFullAWSAccess everywhere; custom RCPs attach; RCPFullAWSAccess stays; DisablePolicyType detaches all', async () => {
  const w = await orgWorld();
  try {
    const member = (await w.call('CreateAccount', { Email: 'm@example.com', AccountName: 'member' })).CreateAccountStatus.AccountId as string;
    const ou = (await w.call('CreateOrganizationalUnit', { ParentId: w.rootId, Name: 'eng' })).OrganizationalUnit.Id as string;
    await rejects(w.call('EnablePolicyType', { RootId: 'r-zzzz', PolicyType: RCP }), ERR.rootNotFound);
    const enabled = await w.call('EnablePolicyType', { RootId: w.rootId, PolicyType: RCP });
    assert.deepEqual(enabled.Root.PolicyTypes, [{ Type: SCP, Status: 'ENABLED' }, { Type: RCP, Status: 'ENABLED' }]);
    assert.deepEqual((await w.call('ListRoots')).Roots[0].PolicyTypes, enabled.Root.PolicyTypes);
    await rejects(w.call('EnablePolicyType', { RootId: w.rootId, PolicyType: RCP }), ERR.alreadyEnabled);
    const targets = (await w.call('ListTargetsForPolicy', { PolicyId: 'p-RCPFullAWSAccess' })).Targets.map((t: any) => t.TargetId).sort();
    assert.deepEqual(targets, [w.rootId, ou, member, MGMT].sort());
    // new OUs and accounts get it too
    const later = (await w.call('CreateOrganizationalUnit', { ParentId: ou, Name: 'web' })).OrganizationalUnit.Id as string;
    const lateAcct = (await w.call('CreateAccount', { Email: 'l@example.com', AccountName: 'late' })).CreateAccountStatus.AccountId as string;
    for (const t of [later, lateAcct]) assert.deepEqual((await w.call('ListPoliciesForTarget', { TargetId: t, Filter: RCP })).Policies.map((p: any) => p.Id), ['p-RCPFullAWSAccess']);
    // a custom RCP attaches beside it; SCP listings are unaffected
    const id = (await w.call('CreatePolicy', { Name: 'OrgOnly', Description: '', Type: RCP, Content: DENY_OUTSIDE })).Policy.PolicySummary.Id as string;
    await w.call('AttachPolicy', { PolicyId: id, TargetId: member });
    assert.deepEqual((await w.call('ListPoliciesForTarget', { TargetId: member, Filter: RCP })).Policies.map((p: any) => p.Name).sort(), ['OrgOnly', 'RCPFullAWSAccess']);
    assert.deepEqual((await w.call('ListPoliciesForTarget', { TargetId: member, Filter: SCP })).Policies.map((p: any) => p.Id), ['p-FullAWSAccess']);
    assert.deepEqual((await w.call('ListPolicies', { Filter: RCP })).Policies.map((p: any) => p.Name), ['OrgOnly', 'RCPFullAWSAccess']);
    await rejects(w.call('DetachPolicy', { PolicyId: 'p-RCPFullAWSAccess', TargetId: member }), ERR.minPolicies);
    await w.call('DetachPolicy', { PolicyId: id, TargetId: member });
    await w.call('AttachPolicy', { PolicyId: id, TargetId: ou });
    // members may not change policy types
    await rejects(w.call('DisablePolicyType', { RootId: w.rootId, PolicyType: RCP }, member), ERR.accessDenied);
    const disabled = await w.call('DisablePolicyType', { RootId: w.rootId, PolicyType: RCP });
    assert.deepEqual(disabled.Root.PolicyTypes, [{ Type: SCP, Status: 'ENABLED' }]);
    assert.deepEqual((await w.call('ListTargetsForPolicy', { PolicyId: 'p-RCPFullAWSAccess' })).Targets, []);
    assert.deepEqual((await w.call('ListTargetsForPolicy', { PolicyId: id })).Targets, []);
    assert.deepEqual((await w.call('ListPoliciesForTarget', { TargetId: w.rootId, Filter: SCP })).Policies.map((p: any) => p.Id), ['p-FullAWSAccess']);
  } finally {
    await w.close();
  }
});

test('CreatePolicy and UpdatePolicy refuse documents outside the RCP grammar', async () => {
  const w = await orgWorld();
  try {
    const doc = (st: Record<string, unknown>) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*', ...st }] });
    const bad = [
      doc({ Effect: 'Allow' }),
      doc({ Principal: { AWS: '111111111111' } }),
      doc({ Action: 'iam:CreateUser' }),
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', NotAction: 's3:GetObject', Resource: '*' }] }),
      JSON.stringify({ Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*' }] }),
      'not json',
    ];
    for (const Content of bad) await rejects(w.call('CreatePolicy', { Name: 'x', Description: '', Type: RCP, Content }), ERR.malformed);
    const id = (await w.call('CreatePolicy', { Name: 'ok', Description: '', Type: RCP, Content: doc({}) })).Policy.PolicySummary.Id as string;
    await rejects(w.call('UpdatePolicy', { PolicyId: id, Content: doc({ Effect: 'Allow' }) }), ERR.malformed);
    // an SCP may still Allow and use NotAction
    await w.call('CreatePolicy', { Name: 'scp', Description: '', Type: SCP, Content: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }] }) });
  } finally {
    await w.close();
  }
});
