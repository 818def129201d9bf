/** DescribeEffectivePolicy through the SDK v3: tag policies attached to the root, an OU and an account, merged for the account. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as O from '@aws-sdk/client-organizations';
import { startKamen, type TestKamen } from '../../e2e/harness.js';
import { readVectors } from '../../helpers/paths.js';

const E = readVectors<Record<string, { name: string; message?: string }>>('organizations', 'lifecycle-errors.json');
const doc = (o: unknown): string => JSON.stringify(o);

async function fails(p: Promise<unknown>, vector: string): Promise<void> {
  const want = E[vector]!;
  await assert.rejects(p, (e: Error) => {
    assert.equal(e.name, want.name, `${vector}: ${e.name}: ${e.message}`);
    if (want.message) assert.equal(e.message, want.message);
    return true;
  });
}

describe('DescribeEffectivePolicy', () => {
  let k: TestKamen;
  let org: O.OrganizationsClient;
  let rootId: string;
  let member: string;

  before(async () => {
    k = await startKamen();
    org = new O.OrganizationsClient({ endpoint: k.url, region: 'us-east-1', credentials: { accessKeyId: k.boot.accessKeyId, secretAccessKey: k.boot.secretAccessKey }, maxAttempts: 1 });
    rootId = (await org.send(new O.ListRootsCommand({}))).Roots![0]!.Id!;
    member = (await org.send(new O.CreateAccountCommand({ AccountName: 'tagged', Email: 'tagged@example.com' }))).CreateAccountStatus!.AccountId!;
  });
  after(async () => {
    await k.stop();
  });

  it('merges the root, OU and account tag policies with @@assign, @@append, @@remove and child control', async () => {
    await fails(org.send(new O.DescribeEffectivePolicyCommand({ PolicyType: 'TAG_POLICY', TargetId: member })), 'effectiveNotFound');
    await org.send(new O.EnablePolicyTypeCommand({ RootId: rootId, PolicyType: 'TAG_POLICY' }));
    const ou = (await org.send(new O.CreateOrganizationalUnitCommand({ ParentId: rootId, Name: 'eng' }))).OrganizationalUnit!.Id!;
    await org.send(new O.MoveAccountCommand({ AccountId: member, SourceParentId: rootId, DestinationParentId: ou }));
    const create = async (Name: string, content: unknown) =>
      (await org.send(new O.CreatePolicyCommand({ Name, Description: '', Type: 'TAG_POLICY', Content: doc(content) }))).Policy!.PolicySummary!;
    const atRoot = await create('root-tags', { tags: { costcenter: { tag_key: { '@@assign': 'CostCenter' }, tag_value: { '@@assign': ['100', '200'] } }, env: { tag_key: { '@@assign': 'Env', '@@operators_allowed_for_child_policies': ['@@none'] } } } });
    assert.match(atRoot.Arn!, /:policy\/o-[a-z0-9]+\/tag_policy\/p-[a-z0-9]+$/);
    const atOu = await create('ou-tags', { tags: { costcenter: { tag_value: { '@@append': ['300'] } }, env: { tag_key: { '@@assign': 'ENV' } } } });
    const atAccount = await create('account-tags', { tags: { costcenter: { tag_value: { '@@remove': ['100'] } } } });
    await org.send(new O.AttachPolicyCommand({ PolicyId: atRoot.Id!, TargetId: rootId }));
    await org.send(new O.AttachPolicyCommand({ PolicyId: atOu.Id!, TargetId: ou }));
    await org.send(new O.AttachPolicyCommand({ PolicyId: atAccount.Id!, TargetId: member }));

    const eff = (await org.send(new O.DescribeEffectivePolicyCommand({ PolicyType: 'TAG_POLICY', TargetId: member }))).EffectivePolicy!;
    assert.equal(eff.TargetId, member);
    assert.equal(eff.PolicyType, 'TAG_POLICY');
    assert.deepEqual(JSON.parse(eff.PolicyContent!), { tags: { costcenter: { tag_key: 'CostCenter', tag_value: ['200', '300'] }, env: { tag_key: 'Env' } } });
    // The management account's own effective policy: the root's alone.
    const own = (await org.send(new O.DescribeEffectivePolicyCommand({ PolicyType: 'TAG_POLICY' }))).EffectivePolicy!;
    assert.deepEqual(JSON.parse(own.PolicyContent!), { tags: { costcenter: { tag_key: 'CostCenter', tag_value: ['100', '200'] }, env: { tag_key: 'Env' } } });

    // A management policy type has no minimum: the account's only tag policy detaches.
    await org.send(new O.DetachPolicyCommand({ PolicyId: atAccount.Id!, TargetId: member }));
    const after = (await org.send(new O.DescribeEffectivePolicyCommand({ PolicyType: 'TAG_POLICY', TargetId: member }))).EffectivePolicy!;
    assert.deepEqual(JSON.parse(after.PolicyContent!).tags.costcenter.tag_value, ['100', '200', '300']);
    // Another management type with nothing attached, a root as target, and a type that is not a management type.
    await fails(org.send(new O.DescribeEffectivePolicyCommand({ PolicyType: 'BACKUP_POLICY', TargetId: member })), 'effectiveNotFound');
    await fails(org.send(new O.DescribeEffectivePolicyCommand({ PolicyType: 'TAG_POLICY', TargetId: rootId })), 'effectiveNotFound');
    await fails(org.send(new O.DescribeEffectivePolicyCommand({ PolicyType: 'SERVICE_CONTROL_POLICY' as never, TargetId: member })), 'invalidInput');
  });

  it('refuses a malformed management policy', async () => {
    await fails(org.send(new O.CreatePolicyCommand({ Name: 'bad', Description: '', Type: 'TAG_POLICY', Content: doc({ tags: { x: { tag_key: 'no operator' } } }) })), 'malformedPolicy');
  });
});
