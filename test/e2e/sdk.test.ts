/** End-to-end with the AWS SDK for JavaScript v3 against a real kamen server: IAM, STS, Organizations, restart. */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { IAMClient, CreateUserCommand, GetUserCommand, ListUsersCommand, CreateAccessKeyCommand, CreatePolicyCommand, CreateRoleCommand, AttachRolePolicyCommand, ListAttachedRolePoliciesCommand, GetRoleCommand, DeleteUserCommand } from '@aws-sdk/client-iam';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { OrganizationsClient, DescribeOrganizationCommand, CreateAccountCommand, ListAccountsCommand, DescribeCreateAccountStatusCommand, ListRootsCommand, CreateOrganizationalUnitCommand, MoveAccountCommand, ListAccountsForParentCommand } from '@aws-sdk/client-organizations';
import { startKamen, type TestKamen } from './harness.js';

let k: TestKamen;
before(async () => {
  k = await startKamen();
});
after(async () => {
  await k.stop();
});

function clients(creds: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) {
  const common = { endpoint: k.url, region: 'us-east-1', credentials: creds, maxAttempts: 1 };
  return { iam: new IAMClient(common), sts: new STSClient(common), org: new OrganizationsClient(common) };
}

const rootCreds = () => ({ accessKeyId: k.boot.accessKeyId, secretAccessKey: k.boot.secretAccessKey });

test('root identity: GetCallerIdentity and GetUser print the root user', async () => {
  const { sts, iam } = clients(rootCreds());
  const id = await sts.send(new GetCallerIdentityCommand({}));
  assert.equal(id.Account, k.boot.managementAccountId);
  assert.equal(id.Arn, `arn:aws:iam::${k.boot.managementAccountId}:root`);
  assert.equal(id.UserId, k.boot.managementAccountId);
  const me = await iam.send(new GetUserCommand({}));
  assert.equal(me.User?.Arn, `arn:aws:iam::${k.boot.managementAccountId}:root`);
});

test('IAM users, keys, policies and roles round-trip through the SDK', async () => {
  const { iam } = clients(rootCreds());
  const created = await iam.send(new CreateUserCommand({ UserName: 'alice', Path: '/team/' }));
  assert.equal(created.User?.Arn, `arn:aws:iam::${k.boot.managementAccountId}:user/team/alice`);
  assert.match(created.User!.UserId!, /^AIDA[A-Z2-7]{17}$/);
  assert.ok(created.User?.CreateDate instanceof Date);

  await assert.rejects(iam.send(new CreateUserCommand({ UserName: 'alice' })), (e: any) => {
    assert.equal(e.name, 'EntityAlreadyExistsException');
    assert.equal(e.$metadata.httpStatusCode, 409);
    assert.equal(e.message, 'User with name alice already exists.');
    return true;
  });
  await assert.rejects(iam.send(new GetUserCommand({ UserName: 'nobody' })), (e: any) => e.name === 'NoSuchEntityException' && e.$metadata.httpStatusCode === 404);
  await assert.rejects(iam.send(new CreateUserCommand({ UserName: 'bad name!' })), (e: any) => e.name === 'ValidationError' || e.Code === 'ValidationError');

  const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }));
  assert.match(key.AccessKey!.AccessKeyId!, /^AKIA[A-Z2-7]{16}$/);
  assert.equal(key.AccessKey!.SecretAccessKey!.length, 40);

  const doc = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ec2:Describe*', Resource: '*' }] });
  const pol = await iam.send(new CreatePolicyCommand({ PolicyName: 'ToyPolicy', PolicyDocument: doc }));
  assert.equal(pol.Policy?.Arn, `arn:aws:iam::${k.boot.managementAccountId}:policy/ToyPolicy`);
  assert.equal(pol.Policy?.DefaultVersionId, 'v1');

  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: created.User!.Arn }, Action: 'sts:AssumeRole' }] });
  await iam.send(new CreateRoleCommand({ RoleName: 'toy-role', AssumeRolePolicyDocument: trust }));
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'toy-role', PolicyArn: pol.Policy!.Arn }));
  const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'toy-role' }));
  assert.deepEqual(attached.AttachedPolicies?.map((p) => p.PolicyName), ['ToyPolicy']);
  const role = await iam.send(new GetRoleCommand({ RoleName: 'toy-role' }));
  assert.deepEqual(JSON.parse(decodeURIComponent(role.Role!.AssumeRolePolicyDocument!)), JSON.parse(trust));

  await assert.rejects(iam.send(new DeleteUserCommand({ UserName: 'alice' })), (e: any) => e.name === 'DeleteConflictException');

  // the new user's key authenticates as that user
  const asAlice = clients({ accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! });
  const id = await asAlice.sts.send(new GetCallerIdentityCommand({}));
  assert.equal(id.Arn, created.User!.Arn);
  assert.equal(id.UserId, created.User!.UserId);
});

test('pagination: MaxItems and Marker walk every user exactly once', async () => {
  const { iam } = clients(rootCreds());
  for (let i = 0; i < 7; i++) await iam.send(new CreateUserCommand({ UserName: `page-${i}` }));
  const seen: string[] = [];
  let marker: string | undefined;
  do {
    const page = await iam.send(new ListUsersCommand({ MaxItems: 3, Marker: marker, PathPrefix: '/' }));
    seen.push(...page.Users!.map((u) => u.UserName!));
    marker = page.IsTruncated ? page.Marker : undefined;
    if (page.IsTruncated) assert.ok(page.Marker);
  } while (marker);
  const pages = seen.filter((n) => n.startsWith('page-'));
  assert.deepEqual(pages, ['page-0', 'page-1', 'page-2', 'page-3', 'page-4', 'page-5', 'page-6']);
  assert.equal(new Set(seen).size, seen.length);
});

test('authentication errors: unknown key, wrong secret', async () => {
  const unknown = clients({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x'.repeat(40) });
  await assert.rejects(unknown.sts.send(new GetCallerIdentityCommand({})), (e: any) => {
    assert.equal(e.name, 'InvalidClientTokenId');
    assert.equal(e.$metadata.httpStatusCode, 403);
    return true;
  });
  const wrong = clients({ accessKeyId: k.boot.accessKeyId, secretAccessKey: 'y'.repeat(40) });
  await assert.rejects(wrong.iam.send(new ListUsersCommand({})), (e: any) => {
    assert.equal(e.name, 'SignatureDoesNotMatch');
    assert.match(e.message, /The request signature we calculated does not match the signature you provided/);
    return true;
  });
});

test('Organizations: describe, create account, OUs, move', async () => {
  const { org } = clients(rootCreds());
  const d = await org.send(new DescribeOrganizationCommand({}));
  assert.equal(d.Organization?.MasterAccountId, k.boot.managementAccountId);
  assert.match(d.Organization!.Id!, /^o-[a-z0-9]{10}$/);
  const c = await org.send(new CreateAccountCommand({ AccountName: 'dev', Email: 'dev@example.com' }));
  assert.equal(c.CreateAccountStatus?.State, 'SUCCEEDED');
  const st = await org.send(new DescribeCreateAccountStatusCommand({ CreateAccountRequestId: c.CreateAccountStatus!.Id }));
  const devId = st.CreateAccountStatus!.AccountId!;
  assert.match(devId, /^\d{12}$/);
  const list = await org.send(new ListAccountsCommand({}));
  assert.deepEqual(new Set(list.Accounts!.map((a) => a.Id)), new Set([k.boot.managementAccountId, devId]));
  const roots = await org.send(new ListRootsCommand({}));
  const rootId = roots.Roots![0]!.Id!;
  const ou = await org.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: 'Workloads' }));
  await org.send(new MoveAccountCommand({ AccountId: devId, SourceParentId: rootId, DestinationParentId: ou.OrganizationalUnit!.Id! }));
  const inOu = await org.send(new ListAccountsForParentCommand({ ParentId: ou.OrganizationalUnit!.Id! }));
  assert.deepEqual(inOu.Accounts!.map((a) => a.Id), [devId]);
});

test('everything survives a restart', async () => {
  const { iam } = clients(rootCreds());
  await iam.send(new CreateUserCommand({ UserName: 'durable' }));
  const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'durable' }));
  await k.stop();
  await k.restart();
  const again = clients(rootCreds());
  const u = await again.iam.send(new GetUserCommand({ UserName: 'durable' }));
  assert.equal(u.User?.UserName, 'durable');
  const asDurable = clients({ accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! });
  const id = await asDurable.sts.send(new GetCallerIdentityCommand({}));
  assert.equal(id.Arn, u.User!.Arn);
});
