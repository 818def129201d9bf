/** Service control policies: create/describe/update/delete, attach/detach, listings, and AWS's errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKamenError } from '../../../src/errors.js';
import { MGMT, orgWorld, rejectsWith } from './setup.js';

const DENY_S3 = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 's3:*', Resource: '*' }] });
const SCP = 'SERVICE_CONTROL_POLICY';

test('FullAWSAccess is listed as AWS managed and attached to the root', async () => {
  const w = await orgWorld();
  try {
    const list = await w.call('ListPolicies', { Filter: SCP });
    assert.deepEqual(list.Policies, [
      { Id: 'p-FullAWSAccess', Arn: 'arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess', Name: 'FullAWSAccess', Description: 'Allows access to every operation', Type: SCP, AwsManaged: true },
    ]);
    const d = await w.call('DescribePolicy', { PolicyId: 'p-FullAWSAccess' });
    assert.deepEqual(JSON.parse(d.Policy.Content), { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
    assert.deepEqual((await w.call('ListPoliciesForTarget', { TargetId: w.rootId, Filter: SCP })).Policies.map((p: any) => p.Id), ['p-FullAWSAccess']);
    const targets = await w.call('ListTargetsForPolicy', { PolicyId: 'p-FullAWSAccess' });
    const org = (await w.store.getOrganization())!;
    assert.deepEqual(targets.Targets.find((t: any) => t.Type === 'ROOT'), { TargetId: w.rootId, Arn: `arn:aws:organizations::${MGMT}:root/${org.id}/${w.rootId}`, Name: 'Root', Type: 'ROOT' });
    assert.ok(targets.Targets.some((t: any) => t.TargetId === MGMT && t.Type === 'ACCOUNT' && t.Name === 'management'));
    await assert.rejects(w.call('DeletePolicy', { PolicyId: 'p-FullAWSAccess' }), (e) => isKamenError(e));
    await assert.rejects(w.call('UpdatePolicy', { PolicyId: 'p-FullAWSAccess', Name: 'x' }), (e) => isKamenError(e));
    assert.deepEqual(await w.call('ListPolicies', { Filter: 'TAG_POLICY' }), { Policies: [] });
  } finally {
    await w.close();
  }
});

test('CreatePolicy, attach to OU and account, list both ways, detach, delete', async () => {
  const w = await orgWorld();
  try {
    const org = (await w.store.getOrganization())!;
    const created = await w.call('CreatePolicy', { Name: 'DenyS3', Description: 'no S3', Type: SCP, Content: DENY_S3 });
    const id = created.Policy.PolicySummary.Id;
    assert.match(id, /^p-[a-z0-9]{8}$/);
    assert.deepEqual(created, {
      Policy: { PolicySummary: { Id: id, Arn: `arn:aws:organizations::${MGMT}:policy/${org.id}/service_control_policy/${id}`, Name: 'DenyS3', Description: 'no S3', Type: SCP, AwsManaged: false }, Content: DENY_S3 },
    });
    assert.deepEqual(await w.call('DescribePolicy', { PolicyId: id }), created);
    await rejectsWith(w.call('CreatePolicy', { Name: 'DenyS3', Description: '', Type: SCP, Content: DENY_S3 }), 'duplicatePolicy');
    await rejectsWith(w.call('CreatePolicy', { Name: 'bad', Description: '', Type: SCP, Content: '{not json' }), 'malformedPolicy');
    await rejectsWith(w.call('CreatePolicy', { Name: 'bad', Description: '', Type: SCP, Content: JSON.stringify({ Version: '2012-10-17' }) }), 'malformedPolicy');
    await rejectsWith(
      w.call('CreatePolicy', { Name: 'bad', Description: '', Type: SCP, Content: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }] }) }),
      'malformedPolicy',
    );
    await rejectsWith(w.call('DescribePolicy', { PolicyId: 'p-nothere1' }), 'policyNotFound');

    const eng = (await w.call('CreateOrganizationalUnit', { ParentId: w.rootId, Name: 'eng' })).OrganizationalUnit;
    const dev = (await w.call('CreateAccount', { AccountName: 'dev', Email: 'dev@example.com' })).CreateAccountStatus.AccountId;
    assert.deepEqual(await w.call('AttachPolicy', { PolicyId: id, TargetId: eng.Id }), {});
    await w.call('AttachPolicy', { PolicyId: id, TargetId: dev });
    await rejectsWith(w.call('AttachPolicy', { PolicyId: id, TargetId: eng.Id }), 'duplicateAttachment');
    await rejectsWith(w.call('AttachPolicy', { PolicyId: id, TargetId: 'ou-zzzz-zzzzzzzz' }), 'targetNotFound');
    await rejectsWith(w.call('AttachPolicy', { PolicyId: id, TargetId: '123123123123' }), 'targetNotFound');
    await rejectsWith(w.call('AttachPolicy', { PolicyId: 'p-nothere1', TargetId: eng.Id }), 'policyNotFound');

    assert.deepEqual((await w.call('ListPoliciesForTarget', { TargetId: eng.Id, Filter: SCP })).Policies.map((p: any) => p.Name), ['DenyS3', 'FullAWSAccess']);
    await rejectsWith(w.call('ListPoliciesForTarget', { TargetId: 'ou-zzzz-zzzzzzzz', Filter: SCP }), 'targetNotFound');
    const targets = await w.call('ListTargetsForPolicy', { PolicyId: id });
    assert.deepEqual(targets.Targets, [
      { TargetId: eng.Id, Arn: eng.Arn, Name: 'eng', Type: 'ORGANIZATIONAL_UNIT' },
      { TargetId: dev, Arn: `arn:aws:organizations::${MGMT}:account/${org.id}/${dev}`, Name: 'dev', Type: 'ACCOUNT' },
    ]);
    const t1 = await w.call('ListTargetsForPolicy', { PolicyId: id, MaxResults: 1 });
    assert.equal(t1.Targets.length, 1);
    const t2 = await w.call('ListTargetsForPolicy', { PolicyId: id, MaxResults: 1, NextToken: t1.NextToken });
    assert.deepEqual([...t1.Targets, ...t2.Targets], targets.Targets);
    assert.equal(t2.NextToken, undefined);
    await rejectsWith(w.call('ListTargetsForPolicy', { PolicyId: id, NextToken: t1.NextToken.slice(0, -2) + 'zz' }), 'invalidNextToken');

    // deleting an attached policy is refused
    await rejectsWith(w.call('DeletePolicy', { PolicyId: id }), 'policyInUse');
    assert.deepEqual(await w.call('DetachPolicy', { PolicyId: id, TargetId: eng.Id }), {});
    await rejectsWith(w.call('DetachPolicy', { PolicyId: id, TargetId: eng.Id }), 'policyNotAttached');
    await w.call('DetachPolicy', { PolicyId: id, TargetId: dev });
    // a target keeps at least one SCP
    await assert.rejects(w.call('DetachPolicy', { PolicyId: 'p-FullAWSAccess', TargetId: eng.Id }), (e) => isKamenError(e, 'ERR_ORG_CONSTRAINT_VIOLATION'));

    const upd = await w.call('UpdatePolicy', { PolicyId: id, Name: 'DenyS3Now', Description: 'updated' });
    assert.equal(upd.Policy.PolicySummary.Name, 'DenyS3Now');
    assert.equal(upd.Policy.PolicySummary.Description, 'updated');
    assert.equal(upd.Policy.Content, DENY_S3);
    await rejectsWith(w.call('UpdatePolicy', { PolicyId: id, Name: 'FullAWSAccess' }), 'duplicatePolicy');

    assert.deepEqual(await w.call('DeletePolicy', { PolicyId: id }), {});
    await rejectsWith(w.call('DescribePolicy', { PolicyId: id }), 'policyNotFound');
    assert.deepEqual((await w.call('ListPolicies', { Filter: SCP })).Policies.map((p: any) => p.Id), ['p-FullAWSAccess']);
  } finally {
    await w.close();
  }
});

test('ListPolicies pages', async () => {
  const w = await orgWorld();
  try {
    for (let i = 0; i < 4; i++) await w.call('CreatePolicy', { Name: `P${i}`, Description: '', Type: SCP, Content: DENY_S3 });
    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = await w.call('ListPolicies', { Filter: SCP, MaxResults: 2, ...(token ? { NextToken: token } : {}) });
      assert.ok(page.Policies.length <= 2);
      names.push(...page.Policies.map((p: any) => p.Name));
      token = page.NextToken;
    } while (token);
    assert.deepEqual(names.sort(), ['FullAWSAccess', 'P0', 'P1', 'P2', 'P3']);
  } finally {
    await w.close();
  }
});
