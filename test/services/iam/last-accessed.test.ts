import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ACCT, T0, env, type Env } from './helpers.js';

const allow = (actions: string[]) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] });
const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

describe('IAM service last accessed details', () => {
  let e: Env;
  let keyA: string;
  beforeEach(async () => {
    e = await env();
    await e.call('CreateGroup', { GroupName: 'devs' });
    await e.call('PutGroupPolicy', { GroupName: 'devs', PolicyName: 'p', PolicyDocument: allow(['s3:GetObject', 'ec2:Describe*', 'iam:Get*']) });
    for (const u of ['ana', 'bo']) {
      await e.call('CreateUser', { UserName: u });
      await e.call('AddUserToGroup', { GroupName: 'devs', UserName: u });
    }
    keyA = (await e.call('CreateAccessKey', { UserName: 'ana' })).AccessKey.AccessKeyId;
    const keyB = (await e.call('CreateAccessKey', { UserName: 'bo' })).AccessKey.AccessKeyId;
    await e.store.updateAccessKey(keyA, { lastUsed: { date: new Date(T0 - 3600_000), serviceName: 's3', region: 'eu-west-1' } });
    await e.store.updateAccessKey(keyB, { lastUsed: { date: new Date(T0 - 60_000), serviceName: 's3', region: 'us-east-2' } });
  });
  afterEach(async () => {
    await e.close();
  });

  it('lists the services a group\'s policy allows, with the latest use among its members', async () => {
    const { JobId } = await e.call('GenerateServiceLastAccessedDetails', { Arn: `arn:aws:iam::${ACCT}:group/devs` });
    assert.match(JobId, /^[0-9a-f-]{36}$/);
    const d = await e.call('GetServiceLastAccessedDetails', { JobId });
    assert.equal(d.JobStatus, 'COMPLETED');
    assert.equal(d.JobType, 'SERVICE_LEVEL');
    assert.deepEqual(d.ServicesLastAccessed.map((s: any) => s.ServiceNamespace), ['ec2', 'iam', 's3']);
    const s3 = d.ServicesLastAccessed.find((s: any) => s.ServiceNamespace === 's3');
    assert.equal(s3.LastAuthenticated.getTime(), T0 - 60_000);
    assert.equal(s3.LastAuthenticatedEntity, `arn:aws:iam::${ACCT}:user/bo`);
    assert.equal(s3.LastAuthenticatedRegion, 'us-east-2');
    assert.equal(s3.TotalAuthenticatedEntities, 2);
    const ec2 = d.ServicesLastAccessed.find((s: any) => s.ServiceNamespace === 'ec2');
    assert.equal(ec2.LastAuthenticated, undefined);
    assert.equal(ec2.TotalAuthenticatedEntities, 0);
    const w = await e.call('GetServiceLastAccessedDetailsWithEntities', { JobId, ServiceNamespace: 's3' });
    assert.deepEqual(w.EntityDetailsList.map((x: any) => [x.EntityInfo.Name, x.EntityInfo.Type, x.LastAuthenticated.getTime()]), [['ana', 'USER', T0 - 3600_000], ['bo', 'USER', T0 - 60_000]]);
  });

  it('covers a user through its groups, a role, and a managed policy through its attachments; refuses bad input', async () => {
    const user = await e.call('GetServiceLastAccessedDetails', { JobId: (await e.call('GenerateServiceLastAccessedDetails', { Arn: `arn:aws:iam::${ACCT}:user/ana`, Granularity: 'ACTION_LEVEL' })).JobId });
    assert.equal(user.JobType, 'ACTION_LEVEL');
    assert.equal(user.ServicesLastAccessed.find((s: any) => s.ServiceNamespace === 's3').LastAuthenticatedRegion, 'eu-west-1');
    await e.call('CreateRole', { RoleName: 'app', AssumeRolePolicyDocument: trust });
    await e.call('AttachRolePolicy', { RoleName: 'app', PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' });
    const role = await e.call('GetServiceLastAccessedDetails', { JobId: (await e.call('GenerateServiceLastAccessedDetails', { Arn: `arn:aws:iam::${ACCT}:role/app` })).JobId });
    assert.ok(role.ServicesLastAccessed.some((s: any) => s.ServiceNamespace === 's3'));
    const pol = await e.call('GetServiceLastAccessedDetailsWithEntities', {
      JobId: (await e.call('GenerateServiceLastAccessedDetails', { Arn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' })).JobId,
      ServiceNamespace: 's3',
    });
    assert.deepEqual(pol.EntityDetailsList.map((x: any) => [x.EntityInfo.Name, x.EntityInfo.Type]), [['app', 'ROLE']]);
    await e.fails('GenerateServiceLastAccessedDetails', { Arn: `arn:aws:iam::${ACCT}:user/ghost` }, 'ERR_NO_SUCH_ENTITY');
    await e.fails('GenerateServiceLastAccessedDetails', { Arn: 'not-an-arn' }, 'ERR_INVALID_INPUT');
    await e.fails('GenerateServiceLastAccessedDetails', { Arn: `arn:aws:iam::210987654321:user/ana` }, 'ERR_INVALID_INPUT');
    await e.fails('GetServiceLastAccessedDetails', { JobId: '00000000-0000-0000-0000-000000000000' }, 'ERR_NO_SUCH_ENTITY');
  });

  it('reports an organization\'s services with the account path that last used each', async () => {
    await e.fails('GenerateOrganizationsAccessReport', { EntityPath: 'o-abcdefghij' }, 'ERR_INVALID_INPUT');
    const orgId = 'o-abcdefghij';
    await e.store.createOrganization({ id: orgId, arn: `arn:aws:organizations::${ACCT}:organization/${orgId}`, managementAccountId: ACCT, managementAccountEmail: 'm@example.com', rootId: 'r-abcd', featureSet: 'ALL', createdAt: new Date(T0) });
    await e.store.putOrganizationalUnit({ id: 'ou-abcd-11111111', arn: 'x', name: 'Prod', parentId: 'r-abcd' });
    await e.store.putAccount({ id: ACCT, arn: 'a', name: 'mgmt', email: 'm@example.com', status: 'ACTIVE', joinedMethod: 'CREATED', joinedTimestamp: new Date(T0), parentId: 'ou-abcd-11111111' });
    await e.store.putOrgPolicy({ id: 'p-ec2only1', arn: 'p', name: 'ec2', description: '', type: 'SERVICE_CONTROL_POLICY', awsManaged: false, content: allow(['ec2:*']) });
    const { JobId } = await e.call('GenerateOrganizationsAccessReport', { EntityPath: `${orgId}/r-abcd` });
    const r = await e.call('GetOrganizationsAccessReport', { JobId, SortKey: 'LAST_AUTHENTICATED_TIME_DESCENDING', MaxItems: 1 });
    assert.equal(r.JobStatus, 'COMPLETED');
    assert.equal(r.NumberOfServicesAccessible - r.NumberOfServicesNotAccessed, 1);
    assert.equal(r.IsTruncated, true);
    assert.deepEqual(r.AccessDetails[0], {
      ServiceName: 'Amazon S3',
      ServiceNamespace: 's3',
      Region: 'us-east-2',
      EntityPath: `${orgId}/r-abcd/ou-abcd-11111111/${ACCT}`,
      LastAuthenticatedTime: new Date(T0 - 60_000),
      TotalAuthenticatedEntities: 1,
    });
    const scp = await e.call('GetOrganizationsAccessReport', { JobId: (await e.call('GenerateOrganizationsAccessReport', { EntityPath: `${orgId}/r-abcd/ou-abcd-11111111`, OrganizationsPolicyId: 'p-ec2only1' })).JobId });
    assert.deepEqual([scp.NumberOfServicesAccessible, scp.NumberOfServicesNotAccessed], [1, 1]);
    assert.deepEqual(scp.AccessDetails.map((x: any) => x.ServiceNamespace), ['ec2']);
    await e.fails('GenerateOrganizationsAccessReport', { EntityPath: 'o-zzzzzzzzzz/r-abcd' }, 'ERR_INVALID_INPUT');
  });
});
