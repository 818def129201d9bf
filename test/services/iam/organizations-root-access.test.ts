/** Centralized root access through the SDK v3: its prerequisites and errors, who may call, and AssumeRoot honouring it. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as I from '@aws-sdk/client-iam';
import * as O from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, AssumeRootCommand, STSClient } from '@aws-sdk/client-sts';
import { startKamen, type TestKamen } from '../../e2e/harness.js';
import { createStandaloneAccount } from '../../../src/services/accounts/standalone.js';
import { readVectors } from '../../helpers/paths.js';

type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
const E = readVectors<Record<string, { name: string; message: string }>>('iam', 'organizations-root-access.json');
const AUDIT = 'arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials';

async function fails(p: Promise<unknown>, vector: string): Promise<void> {
  const want = E[vector]!;
  await assert.rejects(p, (e: Error & { $metadata?: { httpStatusCode?: number } }) => {
    assert.equal(e.name, want.name, `${vector}: ${e.name}: ${e.message}`);
    assert.equal(e.message, want.message);
    assert.equal(e.$metadata?.httpStatusCode, 400);
    return true;
  });
}

describe('centralized root access', () => {
  let k: TestKamen;
  let member: string;
  const clients = (credentials: Creds) => {
    const common = { endpoint: k.url, region: 'us-east-1', credentials, maxAttempts: 1 };
    return { iam: new I.IAMClient(common), org: new O.OrganizationsClient(common), sts: new STSClient(common) };
  };
  const mgmt = () => clients({ accessKeyId: k.boot.accessKeyId, secretAccessKey: k.boot.secretAccessKey });
  /** A user of the management account allowed what `actions` name. */
  const user = async (name: string, actions: string[]): Promise<Creds> => {
    const r = mgmt();
    await r.iam.send(new I.CreateUserCommand({ UserName: name }));
    await r.iam.send(new I.PutUserPolicyCommand({ UserName: name, PolicyName: 'p', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] }) }));
    const key = (await r.iam.send(new I.CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
    return { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
  };

  /** A session of the member's OrganizationAccountAccessRole (AdministratorAccess), assumed by a management account user. */
  const memberAdmin = async (): Promise<ReturnType<typeof clients>> => {
    const assumer = clients(await user(`assumer-${Math.random().toString(36).slice(2, 8)}`, ['sts:AssumeRole']));
    const c = (await assumer.sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${member}:role/OrganizationAccountAccessRole`, RoleSessionName: 'member-admin' }))).Credentials!;
    return clients({ accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! });
  };

  before(async () => {
    k = await startKamen();
    member = (await mgmt().org.send(new O.CreateAccountCommand({ AccountName: 'member', Email: 'member@example.com' }))).CreateAccountStatus!.AccountId!;
  });
  after(async () => {
    await k.stop();
  });

  it('an account outside any organization gets OrganizationNotFoundException', async () => {
    const s = await createStandaloneAccount(k.kamen.store, k.kamen.clock, { name: 'alone' });
    const c = clients({ accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey });
    await fails(c.iam.send(new I.ListOrganizationsFeaturesCommand({})), 'organizationNotFound');
    await fails(c.iam.send(new I.EnableOrganizationsRootSessionsCommand({})), 'organizationNotFound');
  });

  it('needs trusted access for IAM, is enabled by the management account only, and lists what is on', async () => {
    const m = mgmt();
    await fails(m.iam.send(new I.EnableOrganizationsRootSessionsCommand({})), 'serviceAccessNotEnabled');
    await fails(m.iam.send(new I.ListOrganizationsFeaturesCommand({})), 'serviceAccessNotEnabled');
    await m.org.send(new O.EnableAWSServiceAccessCommand({ ServicePrincipal: 'iam.amazonaws.com' }));
    const orgId = (await m.org.send(new O.DescribeOrganizationCommand({}))).Organization!.Id!;
    assert.deepEqual(await m.iam.send(new I.ListOrganizationsFeaturesCommand({})).then((r) => [r.OrganizationId, r.EnabledFeatures]), [orgId, []]);
    const a = await m.iam.send(new I.EnableOrganizationsRootCredentialsManagementCommand({}));
    assert.deepEqual([a.OrganizationId, a.EnabledFeatures], [orgId, ['RootCredentialsManagement']]);
    const b = await m.iam.send(new I.EnableOrganizationsRootSessionsCommand({}));
    assert.deepEqual(b.EnabledFeatures, ['RootCredentialsManagement', 'RootSessions']);
    // Enabling again changes nothing.
    assert.deepEqual((await m.iam.send(new I.EnableOrganizationsRootSessionsCommand({}))).EnabledFeatures, ['RootCredentialsManagement', 'RootSessions']);
    const d = await m.iam.send(new I.DisableOrganizationsRootCredentialsManagementCommand({}));
    assert.deepEqual(d.EnabledFeatures, ['RootSessions']);
    assert.deepEqual((await m.iam.send(new I.ListOrganizationsFeaturesCommand({}))).EnabledFeatures, ['RootSessions']);
  });

  it('a member account: CallerIsNotManagementAccount to enable, AccountNotManagementOrDelegatedAdministrator otherwise, until it is IAM delegated administrator', async () => {
    const mem = await memberAdmin();
    await fails(mem.iam.send(new I.EnableOrganizationsRootSessionsCommand({})), 'callerNotManagement');
    await fails(mem.iam.send(new I.ListOrganizationsFeaturesCommand({})), 'notManagementOrDelegatedAdmin');
    await fails(mem.iam.send(new I.DisableOrganizationsRootSessionsCommand({})), 'notManagementOrDelegatedAdmin');
  });

  it('AssumeRoot is refused while root sessions are off, and by a principal of an account that is neither management nor IAM admin', async () => {
    const m = mgmt();
    const admin = clients(await user('rooter', ['sts:AssumeRoot']));
    assert.ok((await admin.sts.send(new AssumeRootCommand({ TargetPrincipal: member, TaskPolicyArn: { arn: AUDIT } }))).Credentials?.AccessKeyId);
    await m.iam.send(new I.DisableOrganizationsRootSessionsCommand({}));
    assert.deepEqual((await m.iam.send(new I.ListOrganizationsFeaturesCommand({}))).EnabledFeatures, []);
    await assert.rejects(admin.sts.send(new AssumeRootCommand({ TargetPrincipal: member, TaskPolicyArn: { arn: AUDIT } })), (e: Error) => {
      assert.equal(e.name, 'AccessDenied');
      assert.match(e.message, /sts:AssumeRoot on resource: arn:aws:iam::\d{12}:root because centralized root access \(RootSessions\) is not enabled/);
      return true;
    });
    await m.iam.send(new I.EnableOrganizationsRootSessionsCommand({}));
    // Trusted access turned off: root sessions stop too, and the features cannot be listed.
    await m.org.send(new O.DisableAWSServiceAccessCommand({ ServicePrincipal: 'iam.amazonaws.com' }));
    await assert.rejects(admin.sts.send(new AssumeRootCommand({ TargetPrincipal: member, TaskPolicyArn: { arn: AUDIT } })), (e: Error) => e.name === 'AccessDenied');
    await fails(m.iam.send(new I.ListOrganizationsFeaturesCommand({})), 'serviceAccessNotEnabled');
    await m.org.send(new O.EnableAWSServiceAccessCommand({ ServicePrincipal: 'iam.amazonaws.com' }));
    assert.ok((await admin.sts.send(new AssumeRootCommand({ TargetPrincipal: member, TaskPolicyArn: { arn: AUDIT } }))).Credentials?.AccessKeyId);
  });

  it('IAM delegated administrator: lists and disables, may not enable', async () => {
    const m = mgmt();
    await m.org.send(new O.RegisterDelegatedAdministratorCommand({ AccountId: member, ServicePrincipal: 'iam.amazonaws.com' }));
    const mem = await memberAdmin();
    assert.deepEqual((await mem.iam.send(new I.ListOrganizationsFeaturesCommand({}))).EnabledFeatures, ['RootSessions']);
    await fails(mem.iam.send(new I.EnableOrganizationsRootCredentialsManagementCommand({})), 'callerNotManagement');
  });

  it('an organization without all features: OrganizationNotInAllFeaturesModeException', async () => {
    const k2 = await startKamen();
    try {
      const o = { endpoint: k2.url, region: 'us-east-1', credentials: { accessKeyId: k2.boot.accessKeyId, secretAccessKey: k2.boot.secretAccessKey }, maxAttempts: 1 };
      const org2 = new O.OrganizationsClient(o);
      const iam2 = new I.IAMClient(o);
      // The bootstrapped organization has all features and no members: start again with consolidated billing.
      await org2.send(new O.DeleteOrganizationCommand({}));
      await org2.send(new O.CreateOrganizationCommand({ FeatureSet: 'CONSOLIDATED_BILLING' }));
      await fails(iam2.send(new I.ListOrganizationsFeaturesCommand({})), 'notAllFeatures');
    } finally {
      await k2.stop();
    }
  });
});
