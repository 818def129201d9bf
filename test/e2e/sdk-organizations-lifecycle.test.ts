/** Organizations lifecycle end to end through the SDK v3 against a real server (enforcement on): standalone accounts, handshakes, admin. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as O from '@aws-sdk/client-organizations';
import { openKamen, type Kamen } from '../../src/app.js';
import { startServer, type RunningServer } from '../../src/http/server.js';
import { createStandaloneAccount } from '../../src/services/accounts/standalone.js';
import { readVectors } from '../helpers/paths.js';

const E = readVectors<Record<string, { name: string; message?: string }>>('organizations', 'lifecycle-errors.json');

interface World {
  kamen: Kamen;
  running: RunningServer;
  dir: string;
  a: O.OrganizationsClient;
  client(creds: { accessKeyId: string; secretAccessKey: string }): O.OrganizationsClient;
  standalone(name: string): Promise<{ id: string; org: O.OrganizationsClient }>;
}

async function world(): Promise<World> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-orglife-'));
  const kamen = await openKamen({ dataDir: dir, log: () => {}, withCa: false, organization: false });
  const running = await startServer({ host: '127.0.0.1', port: 0, pipeline: kamen.pipeline });
  const client = (creds: { accessKeyId: string; secretAccessKey: string }) => new O.OrganizationsClient({ region: 'us-east-1', endpoint: running.url, credentials: creds, maxAttempts: 1 });
  const boot = kamen.bootstrap!;
  return {
    kamen,
    running,
    dir,
    a: client({ accessKeyId: boot.accessKeyId, secretAccessKey: boot.secretAccessKey }),
    client,
    async standalone(name) {
      const r = await createStandaloneAccount(kamen.store, kamen.clock, { name });
      return { id: r.account.id, org: client({ accessKeyId: r.accessKeyId, secretAccessKey: r.secretAccessKey }) };
    },
  };
}

async function close(w: World): Promise<void> {
  await w.running.close();
  await w.kamen.close();
  fs.rmSync(w.dir, { recursive: true, force: true });
}

/** Asserts the call fails with the vector's error name (and message when the vector has one). */
async function fails(p: Promise<unknown>, vector: string, reason?: string): Promise<void> {
  const want = E[vector]!;
  await assert.rejects(p, (e: Error & { Reason?: string }) => {
    assert.equal(e.name, want.name, `${vector}: ${e.name}: ${e.message}`);
    if (want.message) assert.equal(e.message, want.message);
    if (reason) assert.equal(e.Reason, reason);
    return true;
  });
}

test('SDK: a standalone account creates an organization, invites, members join and leave, then it is deleted', async () => {
  const w = await world();
  try {
    const A = w.kamen.bootstrap!.managementAccountId;
    assert.equal(w.kamen.bootstrap!.organizationId, '');
    await fails(w.a.send(new O.DescribeOrganizationCommand({})), 'notInUse');
    await fails(w.a.send(new O.ListAccountsCommand({})), 'notInUse');

    const created = await w.a.send(new O.CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    assert.equal(created.Organization?.MasterAccountId, A);
    assert.equal(created.Organization?.FeatureSet, 'ALL');
    assert.match(created.Organization!.Id!, /^o-[a-z0-9]{10}$/);
    await fails(w.a.send(new O.CreateOrganizationCommand({})), 'alreadyInOrg');
    const accounts = await w.a.send(new O.ListAccountsCommand({}));
    assert.deepEqual(accounts.Accounts?.map((x) => x.Id), [A]);

    const B = await w.standalone('bee');
    await fails(B.org.send(new O.DescribeOrganizationCommand({})), 'notInUse');
    await fails(B.org.send(new O.ListAccountsCommand({})), 'notInUse');
    const inv = (await w.a.send(new O.InviteAccountToOrganizationCommand({ Target: { Id: B.id, Type: 'ACCOUNT' }, Notes: 'join us' }))).Handshake!;
    assert.equal(inv.State, 'OPEN');
    assert.equal(inv.Action, 'INVITE');
    assert.match(inv.Id!, /^h-[0-9a-z]{8,32}$/);
    assert.equal(inv.Arn, `arn:aws:organizations::${A}:handshake/${created.Organization!.Id}/invite/${inv.Id}`);
    assert.deepEqual(inv.Parties, [{ Id: created.Organization!.Id, Type: 'ORGANIZATION' }, { Id: B.id, Type: 'ACCOUNT' }]);
    assert.equal(inv.ExpirationTimestamp!.getTime() - inv.RequestedTimestamp!.getTime(), 15 * 24 * 3600 * 1000);
    assert.deepEqual(inv.Resources?.find((r) => r.Type === 'NOTES'), { Type: 'NOTES', Value: 'join us' });
    assert.equal(inv.Resources?.find((r) => r.Type === 'ORGANIZATION')?.Resources?.find((r) => r.Type === 'ORGANIZATION_FEATURE_SET')?.Value, 'FULL');
    await fails(w.a.send(new O.InviteAccountToOrganizationCommand({ Target: { Id: B.id, Type: 'ACCOUNT' } })), 'duplicateHandshake');
    await fails(w.a.send(new O.InviteAccountToOrganizationCommand({ Target: { Id: A, Type: 'ACCOUNT' } })), 'handshakeConstraint', 'ALREADY_IN_AN_ORGANIZATION');

    assert.deepEqual((await B.org.send(new O.ListHandshakesForAccountCommand({}))).Handshakes?.map((h) => h.Id), [inv.Id]);
    assert.equal((await B.org.send(new O.DescribeHandshakeCommand({ HandshakeId: inv.Id }))).Handshake?.State, 'OPEN');
    const accepted = await B.org.send(new O.AcceptHandshakeCommand({ HandshakeId: inv.Id }));
    assert.equal(accepted.Handshake?.State, 'ACCEPTED');
    await fails(B.org.send(new O.AcceptHandshakeCommand({ HandshakeId: inv.Id })), 'alreadyInState');
    await fails(B.org.send(new O.AcceptHandshakeCommand({ HandshakeId: 'h-00000000000000000000000000000000' })), 'handshakeNotFound');
    assert.equal((await B.org.send(new O.DescribeOrganizationCommand({}))).Organization?.Id, created.Organization!.Id);
    const joined = (await w.a.send(new O.DescribeAccountCommand({ AccountId: B.id }))).Account!;
    assert.equal(joined.JoinedMethod, 'INVITED');
    assert.equal(joined.Name, 'bee');

    // A member is refused the management operations, and cannot create an organization of its own.
    await fails(B.org.send(new O.ListAccountsCommand({})), 'accessDenied');
    await fails(B.org.send(new O.CreateOrganizationCommand({})), 'alreadyInOrg');

    const C = await w.standalone('sea');
    const toC = (await w.a.send(new O.InviteAccountToOrganizationCommand({ Target: { Id: C.id, Type: 'ACCOUNT' } }))).Handshake!;
    assert.equal((await C.org.send(new O.DeclineHandshakeCommand({ HandshakeId: toC.Id }))).Handshake?.State, 'DECLINED');
    await fails(w.a.send(new O.CancelHandshakeCommand({ HandshakeId: toC.Id })), 'invalidTransition');
    const again = (await w.a.send(new O.InviteAccountToOrganizationCommand({ Target: { Id: C.id, Type: 'ACCOUNT' } }))).Handshake!;
    assert.equal((await w.a.send(new O.CancelHandshakeCommand({ HandshakeId: again.Id }))).Handshake?.State, 'CANCELED');
    await fails(C.org.send(new O.AcceptHandshakeCommand({ HandshakeId: again.Id })), 'invalidTransition');
    const sent = await w.a.send(new O.ListHandshakesForOrganizationCommand({ Filter: { ActionType: 'INVITE' } }));
    assert.deepEqual(sent.Handshakes?.map((h) => h.State), ['ACCEPTED', 'DECLINED', 'CANCELED']);
    await fails(w.a.send(new O.InviteAccountToOrganizationCommand({ Target: { Id: C.id, Type: 'ORGANIZATION' } })), 'invalidInput');

    await fails(w.a.send(new O.DeleteOrganizationCommand({})), 'notEmpty');
    await fails(w.a.send(new O.LeaveOrganizationCommand({})), 'masterCannotLeave');
    await fails(w.a.send(new O.RemoveAccountFromOrganizationCommand({ AccountId: A })), 'masterCannotLeave');
    await B.org.send(new O.LeaveOrganizationCommand({}));
    await fails(B.org.send(new O.DescribeOrganizationCommand({})), 'notInUse');
    await fails(B.org.send(new O.LeaveOrganizationCommand({})), 'notInUse');

    await w.a.send(new O.DeleteOrganizationCommand({}));
    await fails(w.a.send(new O.DescribeOrganizationCommand({})), 'notInUse');
    // The account is standalone again and may create a new organization.
    assert.equal((await w.a.send(new O.CreateOrganizationCommand({ FeatureSet: 'CONSOLIDATED_BILLING' }))).Organization?.FeatureSet, 'CONSOLIDATED_BILLING');
  } finally {
    await close(w);
  }
});

test('SDK: EnableAllFeatures needs every member to approve, then the organization has all features', async () => {
  const w = await world();
  try {
    await w.a.send(new O.CreateOrganizationCommand({ FeatureSet: 'CONSOLIDATED_BILLING' }));
    const B = await w.standalone('bee');
    const inv = (await w.a.send(new O.InviteAccountToOrganizationCommand({ Target: { Id: B.id, Type: 'ACCOUNT' } }))).Handshake!;
    await B.org.send(new O.AcceptHandshakeCommand({ HandshakeId: inv.Id }));
    const enable = (await w.a.send(new O.EnableAllFeaturesCommand({}))).Handshake!;
    assert.equal(enable.Action, 'ENABLE_ALL_FEATURES');
    await fails(w.a.send(new O.EnableAllFeaturesCommand({})), 'handshakeConstraint', 'ORGANIZATION_IS_ALREADY_PENDING_ALL_FEATURES_MIGRATION');
    await fails(w.a.send(new O.AcceptHandshakeCommand({ HandshakeId: enable.Id })), 'handshakeConstraint');
    const approve = (await B.org.send(new O.ListHandshakesForAccountCommand({ Filter: { ActionType: 'APPROVE_ALL_FEATURES' } }))).Handshakes!;
    assert.equal(approve.length, 1);
    await B.org.send(new O.AcceptHandshakeCommand({ HandshakeId: approve[0]!.Id }));
    assert.equal((await w.a.send(new O.AcceptHandshakeCommand({ HandshakeId: enable.Id }))).Handshake?.State, 'ACCEPTED');
    assert.equal((await w.a.send(new O.DescribeOrganizationCommand({}))).Organization?.FeatureSet, 'ALL');
    await fails(w.a.send(new O.EnableAllFeaturesCommand({})), 'handshakeConstraint', 'ORGANIZATION_ALREADY_HAS_ALL_FEATURES');
  } finally {
    await close(w);
  }
});

test('SDK: tags, delegated administrators, service access, resource policy, effective policy, CloseAccount, RemoveAccount', async () => {
  const w = await world();
  try {
    const A = w.kamen.bootstrap!.managementAccountId;
    await w.a.send(new O.CreateOrganizationCommand({}));
    const made = (await w.a.send(new O.CreateAccountCommand({ AccountName: 'dee', Email: 'dee@example.com' }))).CreateAccountStatus!;
    const D = made.AccountId!;
    const rootId = (await w.a.send(new O.ListRootsCommand({}))).Roots![0]!.Id!;

    for (const id of [D, rootId]) {
      await w.a.send(new O.TagResourceCommand({ ResourceId: id, Tags: [{ Key: 'team', Value: 'x' }, { Key: 'env', Value: 'dev' }] }));
      await w.a.send(new O.TagResourceCommand({ ResourceId: id, Tags: [{ Key: 'team', Value: 'y' }] }));
      await w.a.send(new O.UntagResourceCommand({ ResourceId: id, TagKeys: ['env'] }));
      assert.deepEqual((await w.a.send(new O.ListTagsForResourceCommand({ ResourceId: id }))).Tags, [{ Key: 'team', Value: 'y' }]);
    }
    await fails(w.a.send(new O.TagResourceCommand({ ResourceId: '111122223333', Tags: [{ Key: 'k', Value: 'v' }] })), 'targetNotFound');
    // Tags given at creation (CreateOrganizationalUnit, CreatePolicy, CreateAccount) are listed, and go with the resource.
    const ou = (await w.a.send(new O.CreateOrganizationalUnitCommand({ ParentId: rootId, Name: 'ou1', Tags: [{ Key: 'a', Value: '1' }] }))).OrganizationalUnit!;
    assert.deepEqual((await w.a.send(new O.ListTagsForResourceCommand({ ResourceId: ou.Id }))).Tags, [{ Key: 'a', Value: '1' }]);
    await w.a.send(new O.DeleteOrganizationalUnitCommand({ OrganizationalUnitId: ou.Id }));
    await fails(w.a.send(new O.ListTagsForResourceCommand({ ResourceId: ou.Id })), 'targetNotFound');
    const scp = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 's3:*', Resource: '*' }] });
    const pol = (await w.a.send(new O.CreatePolicyCommand({ Name: 'p1', Description: 'd', Type: 'SERVICE_CONTROL_POLICY', Content: scp, Tags: [{ Key: 'b', Value: '2' }] }))).Policy!;
    assert.deepEqual((await w.a.send(new O.ListTagsForResourceCommand({ ResourceId: pol.PolicySummary!.Id }))).Tags, [{ Key: 'b', Value: '2' }]);
    const tagged = (await w.a.send(new O.CreateAccountCommand({ AccountName: 'tee', Email: 'tee@example.com', Tags: [{ Key: 'c', Value: '3' }] }))).CreateAccountStatus!;
    assert.deepEqual((await w.a.send(new O.ListTagsForResourceCommand({ ResourceId: tagged.AccountId }))).Tags, [{ Key: 'c', Value: '3' }]);
    const tooMany = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    await fails(w.a.send(new O.TagResourceCommand({ ResourceId: D, Tags: tooMany })), 'constraint', 'MAX_TAG_LIMIT_EXCEEDED');
    await w.a.send(new O.RemoveAccountFromOrganizationCommand({ AccountId: tagged.AccountId! }));

    await w.a.send(new O.RegisterDelegatedAdministratorCommand({ AccountId: D, ServicePrincipal: 'config.amazonaws.com' }));
    await fails(w.a.send(new O.RegisterDelegatedAdministratorCommand({ AccountId: D, ServicePrincipal: 'config.amazonaws.com' })), 'alreadyRegistered');
    await fails(w.a.send(new O.RegisterDelegatedAdministratorCommand({ AccountId: A, ServicePrincipal: 'config.amazonaws.com' })), 'constraint', 'CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR');
    await fails(w.a.send(new O.RegisterDelegatedAdministratorCommand({ AccountId: D, ServicePrincipal: 'notaservice' })), 'invalidInput', 'UNRECOGNIZED_SERVICE_PRINCIPAL');
    assert.deepEqual((await w.a.send(new O.ListDelegatedAdministratorsCommand({}))).DelegatedAdministrators?.map((x) => x.Id), [D]);
    assert.deepEqual((await w.a.send(new O.ListDelegatedServicesForAccountCommand({ AccountId: D }))).DelegatedServices?.map((x) => x.ServicePrincipal), ['config.amazonaws.com']);
    await w.a.send(new O.DeregisterDelegatedAdministratorCommand({ AccountId: D, ServicePrincipal: 'config.amazonaws.com' }));
    await fails(w.a.send(new O.DeregisterDelegatedAdministratorCommand({ AccountId: D, ServicePrincipal: 'config.amazonaws.com' })), 'notRegistered');
    await fails(w.a.send(new O.ListDelegatedServicesForAccountCommand({ AccountId: D })), 'notRegistered');

    await w.a.send(new O.EnableAWSServiceAccessCommand({ ServicePrincipal: 'sso.amazonaws.com' }));
    await w.a.send(new O.EnableAWSServiceAccessCommand({ ServicePrincipal: 'sso.amazonaws.com' }));
    assert.deepEqual((await w.a.send(new O.ListAWSServiceAccessForOrganizationCommand({}))).EnabledServicePrincipals?.map((x) => x.ServicePrincipal), ['sso.amazonaws.com']);
    await w.a.send(new O.DisableAWSServiceAccessCommand({ ServicePrincipal: 'sso.amazonaws.com' }));
    assert.deepEqual((await w.a.send(new O.ListAWSServiceAccessForOrganizationCommand({}))).EnabledServicePrincipals ?? [], []);

    await fails(w.a.send(new O.DescribeResourcePolicyCommand({})), 'resourcePolicyNotFound');
    await fails(w.a.send(new O.PutResourcePolicyCommand({ Content: '{not json' })), 'malformedPolicy');
    const doc = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: D }, Action: 'organizations:DescribeOrganization', Resource: '*' }] });
    const put = await w.a.send(new O.PutResourcePolicyCommand({ Content: doc }));
    assert.match(put.ResourcePolicy!.ResourcePolicySummary!.Id!, /^rp-[0-9a-z]{8}$/);
    assert.equal((await w.a.send(new O.DescribeResourcePolicyCommand({}))).ResourcePolicy?.Content, doc);
    await w.a.send(new O.DeleteResourcePolicyCommand({}));
    await fails(w.a.send(new O.DeleteResourcePolicyCommand({})), 'resourcePolicyNotFound');

    await fails(w.a.send(new O.DescribeEffectivePolicyCommand({ PolicyType: 'TAG_POLICY', TargetId: D })), 'effectiveNotFound');
    await fails(w.a.send(new O.DescribeEffectivePolicyCommand({ PolicyType: 'SERVICE_CONTROL_POLICY' as never, TargetId: D })), 'invalidInput');

    await w.a.send(new O.CloseAccountCommand({ AccountId: D }));
    assert.equal((await w.a.send(new O.DescribeAccountCommand({ AccountId: D }))).Account?.Status, 'SUSPENDED');
    await fails(w.a.send(new O.CloseAccountCommand({ AccountId: D })), 'accountAlreadyClosed');
    await fails(w.a.send(new O.CloseAccountCommand({ AccountId: A })), 'constraint', 'CANNOT_CLOSE_MANAGEMENT_ACCOUNT');
    await fails(w.a.send(new O.CloseAccountCommand({ AccountId: '111122223333' })), 'accountNotFound');
    await w.a.send(new O.RemoveAccountFromOrganizationCommand({ AccountId: D }));
    await fails(w.a.send(new O.RemoveAccountFromOrganizationCommand({ AccountId: D })), 'accountNotFound');
    assert.deepEqual((await w.a.send(new O.ListAccountsCommand({}))).Accounts?.map((x) => x.Id), [A]);
  } finally {
    await close(w);
  }
});
