/**
 * IAM temporary delegation end to end through the SDK v3: a partner account's request rendered from its template, the
 * customer's Associate → Update → Accept → SendDelegationToken, the partner's sts:GetDelegatedAccessToken, and the
 * delegated credentials allowed and denied exactly per the accepted policy; Reject, expiry and the errors on the way.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as I from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, GetDelegatedAccessTokenCommand, STSClient } from '@aws-sdk/client-sts';
import { CreateAccountCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { DescribeAvailabilityZonesCommand, DescribeRegionsCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { frozenClock } from '../../../src/clock.js';
import type { DelegationTokenNotification } from '../../../src/services/iam/delegation-requests.js';
import { startKamen, type TestKamen } from '../../e2e/harness.js';
import { readVectors } from '../../helpers/paths.js';

type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
const E = readVectors<Record<string, { name: string; message?: string; status: number }>>('iam', 'delegation-errors.json');
const DAY = 24 * 3600 * 1000;

async function fails(p: Promise<unknown>, vector: string): Promise<void> {
  const want = E[vector]!;
  await assert.rejects(p, (e: Error & { $metadata?: { httpStatusCode?: number } }) => {
    assert.equal(e.name, want.name, `${vector}: ${e.name}: ${e.message}`);
    if (want.message) assert.equal(e.message, want.message);
    assert.equal(e.$metadata?.httpStatusCode, want.status, vector);
    return true;
  });
}

const TEMPLATE = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: ['ec2:DescribeRegions', 'ec2:DescribeAvailabilityZones'], Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': '@{regions}' } } },
    { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::@{bucket}/*' },
  ],
};

describe('IAM delegation requests and GetDelegatedAccessToken', () => {
  let k: TestKamen;
  const clock = frozenClock(Date.now());
  const tokens: DelegationTokenNotification[] = [];
  let partnerAccount: string;
  let customerAccount: string;
  let customer: Creds;
  let customerArn: string;
  let templateArn: string;
  const cfg = (credentials: Creds, region = 'us-east-1') => ({ endpoint: k.url, region, credentials, maxAttempts: 1, systemClockOffset: clock.now() - Date.now() });
  const partnerCreds = (): Creds => ({ accessKeyId: k.boot.accessKeyId, secretAccessKey: k.boot.secretAccessKey });
  const partner = () => new I.IAMClient(cfg(partnerCreds()));
  const cust = () => new I.IAMClient(cfg(customer));

  const create = async (extra: Partial<I.CreateDelegationRequestCommandInput> = {}) =>
    (
      await partner().send(
        new I.CreateDelegationRequestCommand({
          OwnerAccountId: customerAccount,
          Description: 'Deploy the partner stack',
          RequestMessage: 'Ticket 42',
          RequestorWorkflowId: 'workflow-1',
          NotificationChannel: `arn:aws:sns:us-east-1:${partnerAccount}:delegations`,
          SessionDuration: 900,
          Permissions: {
            PolicyTemplateArn: templateArn,
            Parameters: [
              { Name: 'regions', Type: 'stringList', Values: ['us-west-2', 'us-east-2'] },
              { Name: 'bucket', Type: 'string', Values: ['customer-data'] },
            ],
          },
          ...extra,
        }),
      )
    ).DelegationRequestId!;

  before(async () => {
    k = await startKamen({ clock });
    (k.kamen.pipeline.serviceDeps as Record<string, unknown>)['delegationTokenSink'] = (n: DelegationTokenNotification) => tokens.push(n);
    partnerAccount = k.boot.managementAccountId;
    // The customer: a member account, reached through its OrganizationAccountAccessRole by an admin user of the
    // management account (the role has AdministratorAccess: the delegation policy alone must bound the credentials).
    const org = new OrganizationsClient(cfg(partnerCreds()));
    customerAccount = (await org.send(new CreateAccountCommand({ AccountName: 'customer', Email: 'customer@example.com' }))).CreateAccountStatus!.AccountId!;
    await partner().send(new I.CreateUserCommand({ UserName: 'operator' }));
    await partner().send(new I.AttachUserPolicyCommand({ UserName: 'operator', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }));
    const key = (await partner().send(new I.CreateAccessKeyCommand({ UserName: 'operator' }))).AccessKey!;
    const op = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    const ar = await new STSClient(cfg(op)).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${customerAccount}:role/OrganizationAccountAccessRole`, RoleSessionName: 'customer-admin' }));
    customer = { accessKeyId: ar.Credentials!.AccessKeyId!, secretAccessKey: ar.Credentials!.SecretAccessKey!, sessionToken: ar.Credentials!.SessionToken! };
    customerArn = ar.AssumedRoleUser!.Arn!;
    templateArn = (await partner().send(new I.CreatePolicyCommand({ PolicyName: 'deploy-template', PolicyDocument: JSON.stringify(TEMPLATE) }))).Policy!.Arn!;
  });
  after(async () => {
    await k.stop();
  });

  it('runs the lifecycle and the delegated credentials act only within the accepted policy', async () => {
    const id = await create();
    assert.match(id, /^[\w-]{16,128}$/);
    const got = (await partner().send(new I.GetDelegationRequestCommand({ DelegationRequestId: id }))).DelegationRequest!;
    assert.equal(got.State, 'UNASSIGNED');
    assert.equal(got.RequestorId, partnerAccount);
    assert.equal(got.OwnerAccountId, customerAccount);
    assert.deepEqual(JSON.parse(got.PermissionPolicy!).Statement[0].Condition, { StringEquals: { 'aws:RequestedRegion': ['us-west-2', 'us-east-2'] } });
    assert.equal(JSON.parse(got.PermissionPolicy!).Statement[1].Resource, 'arn:aws:s3:::customer-data/*');

    // Not owned yet: the customer sees it but does not list it; nobody can act on it but by associating it.
    assert.equal((await cust().send(new I.GetDelegationRequestCommand({ DelegationRequestId: id }))).DelegationRequest!.State, 'UNASSIGNED');
    assert.deepEqual((await cust().send(new I.ListDelegationRequestsCommand({}))).DelegationRequests ?? [], []);
    await fails(cust().send(new I.AcceptDelegationRequestCommand({ DelegationRequestId: id })), 'notFound');
    await fails(partner().send(new I.AssociateDelegationRequestCommand({ DelegationRequestId: id })), 'notFound');

    await cust().send(new I.AssociateDelegationRequestCommand({ DelegationRequestId: id }));
    await fails(cust().send(new I.AssociateDelegationRequestCommand({ DelegationRequestId: id })), 'wrongState');
    await fails(cust().send(new I.SendDelegationTokenCommand({ DelegationRequestId: id })), 'wrongState');
    const owned = (await cust().send(new I.GetDelegationRequestCommand({ DelegationRequestId: id }))).DelegationRequest!;
    assert.equal(owned.State, 'ASSIGNED');
    assert.equal(owned.OwnerId, customerArn);
    assert.deepEqual((await cust().send(new I.ListDelegationRequestsCommand({}))).DelegationRequests!.map((r) => r.DelegationRequestId), [id]);

    await cust().send(new I.UpdateDelegationRequestCommand({ DelegationRequestId: id, Notes: 'reviewed by security' }));
    const updated = (await cust().send(new I.GetDelegationRequestCommand({ DelegationRequestId: id }))).DelegationRequest!;
    assert.equal(updated.State, 'PENDING_APPROVAL');
    assert.equal(updated.Notes, 'reviewed by security');

    await cust().send(new I.AcceptDelegationRequestCommand({ DelegationRequestId: id }));
    const accepted = (await cust().send(new I.GetDelegationRequestCommand({ DelegationRequestId: id }))).DelegationRequest!;
    assert.equal(accepted.State, 'ACCEPTED');
    assert.equal(accepted.ApproverId, customerArn);
    assert.equal(tokens.length, 0);
    await cust().send(new I.SendDelegationTokenCommand({ DelegationRequestId: id }));
    assert.equal((await partner().send(new I.GetDelegationRequestCommand({ DelegationRequestId: id }))).DelegationRequest!.State, 'FINALIZED');
    await fails(cust().send(new I.RejectDelegationRequestCommand({ DelegationRequestId: id })), 'wrongState');
    assert.equal(tokens.length, 1);
    const sent = tokens[0]!;
    assert.equal(sent.delegationRequestId, id);
    assert.equal(sent.notificationChannel, `arn:aws:sns:us-east-1:${partnerAccount}:delegations`);

    // Only the requesting account can trade the token, and only once.
    const otherKey = (await cust().send(new I.CreateUserCommand({ UserName: 'bystander' })), await cust().send(new I.CreateAccessKeyCommand({ UserName: 'bystander' }))).AccessKey!;
    await cust().send(new I.PutUserPolicyCommand({ UserName: 'bystander', PolicyName: 'sts', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:*', Resource: '*' }] }) }));
    const bystander = new STSClient(cfg({ accessKeyId: otherKey.AccessKeyId!, secretAccessKey: otherKey.SecretAccessKey! }));
    await fails(bystander.send(new GetDelegatedAccessTokenCommand({ TradeInToken: sent.tradeInToken })), 'expiredTradeIn');
    const sts = new STSClient(cfg(partnerCreds()));
    const out = await sts.send(new GetDelegatedAccessTokenCommand({ TradeInToken: sent.tradeInToken }));
    await fails(sts.send(new GetDelegatedAccessTokenCommand({ TradeInToken: sent.tradeInToken })), 'expiredTradeIn');
    const sessionName = `dr-${partnerAccount}-${id.replace(/-/g, '').slice(0, 8)}`;
    assert.equal(out.AssumedPrincipal, `arn:aws:sts::${customerAccount}:assumed-role/OrganizationAccountAccessRole/${sessionName}`);
    assert.equal(out.Credentials!.Expiration!.getTime(), Math.floor(clock.now() / 1000) * 1000 + 900_000);
    const delegated = { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretAccessKey!, sessionToken: out.Credentials!.SessionToken! };
    assert.equal((await new STSClient(cfg(delegated)).send(new GetCallerIdentityCommand({}))).Arn, out.AssumedPrincipal);

    const ec2West = new EC2Client(cfg(delegated, 'us-west-2'));
    assert.ok(Array.isArray((await ec2West.send(new DescribeRegionsCommand({}))).Regions));
    assert.ok(Array.isArray((await ec2West.send(new DescribeAvailabilityZonesCommand({}))).AvailabilityZones));
    // The role could (AdministratorAccess); the delegation policy does not grant it, or another region.
    await fails(ec2West.send(new DescribeVpcsCommand({})), 'ec2Denied');
    await fails(new EC2Client(cfg(delegated, 'eu-west-1')).send(new DescribeRegionsCommand({})), 'ec2Denied');
    await fails(new I.IAMClient(cfg(delegated)).send(new I.ListUsersCommand({})), 'iamDenied');
    assert.ok(Array.isArray((await new EC2Client(cfg(customer, 'us-west-2')).send(new DescribeVpcsCommand({}))).Vpcs));
  });

  it('rejects, refuses later transitions, and expires rejected and stale requests', async () => {
    const id = await create({ OnlySendByOwner: true });
    await cust().send(new I.AssociateDelegationRequestCommand({ DelegationRequestId: id }));
    await cust().send(new I.AcceptDelegationRequestCommand({ DelegationRequestId: id }));
    // Another identity of the customer account may reject, but not send a token the owner must send.
    const admin = (await cust().send(new I.CreateUserCommand({ UserName: 'second-admin' })), await cust().send(new I.CreateAccessKeyCommand({ UserName: 'second-admin' }))).AccessKey!;
    await cust().send(new I.AttachUserPolicyCommand({ UserName: 'second-admin', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }));
    const secondClient = () => new I.IAMClient(cfg({ accessKeyId: admin.AccessKeyId!, secretAccessKey: admin.SecretAccessKey! }));
    const second = secondClient();
    await fails(second.send(new I.SendDelegationTokenCommand({ DelegationRequestId: id })), 'notOwnerSender');
    await second.send(new I.RejectDelegationRequestCommand({ DelegationRequestId: id, Notes: 'not now' }));
    const rejected = (await cust().send(new I.GetDelegationRequestCommand({ DelegationRequestId: id }))).DelegationRequest!;
    assert.equal(rejected.State, 'REJECTED');
    assert.equal(rejected.RejectionReason, 'not now');
    assert.ok(Math.abs(rejected.ExpirationTime!.getTime() - (clock.now() + 7 * DAY)) < 1000);
    await fails(cust().send(new I.AcceptDelegationRequestCommand({ DelegationRequestId: id })), 'wrongState');
    await fails(cust().send(new I.UpdateDelegationRequestCommand({ DelegationRequestId: id })), 'wrongState');

    const stale = await create();
    clock.advance(7 * DAY + 1000);
    try {
      // (the customer's role session has expired by now: its long-term user acts instead)
      assert.equal((await secondClient().send(new I.GetDelegationRequestCommand({ DelegationRequestId: id }))).DelegationRequest!.State, 'EXPIRED');
      assert.equal((await partner().send(new I.GetDelegationRequestCommand({ DelegationRequestId: stale }))).DelegationRequest!.State, 'EXPIRED');
      await fails(secondClient().send(new I.AssociateDelegationRequestCommand({ DelegationRequestId: stale })), 'wrongState');
    } finally {
      clock.advance(-(7 * DAY + 1000));
    }
  });

  it('an IAM user approver: a federated session under that user, bounded by the policy, gone with the user', async () => {
    await cust().send(new I.CreateUserCommand({ UserName: 'approver' }));
    await cust().send(new I.AttachUserPolicyCommand({ UserName: 'approver', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }));
    const key = (await cust().send(new I.CreateAccessKeyCommand({ UserName: 'approver' }))).AccessKey!;
    const approver = new I.IAMClient(cfg({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }));
    const id = await create();
    await approver.send(new I.AssociateDelegationRequestCommand({ DelegationRequestId: id }));
    await approver.send(new I.AcceptDelegationRequestCommand({ DelegationRequestId: id }));
    await approver.send(new I.SendDelegationTokenCommand({ DelegationRequestId: id }));
    const sent = tokens.find((t) => t.delegationRequestId === id)!;
    const out = await new STSClient(cfg(partnerCreds())).send(new GetDelegatedAccessTokenCommand({ TradeInToken: sent.tradeInToken }));
    assert.equal(out.AssumedPrincipal, `arn:aws:sts::${customerAccount}:federated-user/dr-${partnerAccount}-${id.replace(/-/g, '').slice(0, 8)}`);
    const delegated = { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretAccessKey!, sessionToken: out.Credentials!.SessionToken! };
    const ec2 = new EC2Client(cfg(delegated, 'us-east-2'));
    assert.ok(Array.isArray((await ec2.send(new DescribeRegionsCommand({}))).Regions));
    await fails(ec2.send(new DescribeVpcsCommand({})), 'ec2Denied');
    // The session is bound to the approving user: deleting the user ends it.
    await cust().send(new I.DeleteAccessKeyCommand({ UserName: 'approver', AccessKeyId: key.AccessKeyId! }));
    await cust().send(new I.DetachUserPolicyCommand({ UserName: 'approver', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }));
    await cust().send(new I.DeleteUserCommand({ UserName: 'approver' }));
    await assert.rejects(ec2.send(new DescribeRegionsCommand({})), (e: Error) => e.name === 'AuthFailure' || e.name === 'InvalidClientTokenId');
  });

  it('answers AWS errors for bad input and unknown requests', async () => {
    await fails(cust().send(new I.GetDelegationRequestCommand({ DelegationRequestId: 'aaaaaaaa-0000-0000-0000-000000000000' })), 'notFound');
    await fails(cust().send(new I.GetDelegationRequestCommand({ DelegationRequestId: 'short' })), 'validation');
    await fails(create({ Permissions: { PolicyTemplateArn: `arn:aws:iam::${partnerAccount}:policy/missing-template` } }), 'badTemplate');
    await fails(create({ Permissions: { PolicyTemplateArn: templateArn, Parameters: [{ Name: 'regions', Type: 'stringList', Values: ['us-west-2'] }] } }), 'badTemplate');
    await fails(create({ Permissions: { PolicyTemplateArn: templateArn, Parameters: [{ Name: 'regions', Type: 'stringList', Values: Array.from({ length: 200 }, (_, i) => `region-${i}`) }, { Name: 'bucket', Type: 'string', Values: ['b'] }] } }), 'badTemplate');
    await fails(create({ SessionDuration: 60 }), 'validation');
    // A request targeted at the customer cannot be associated from another account (the partner's own).
    const id = await create();
    await fails(partner().send(new I.AssociateDelegationRequestCommand({ DelegationRequestId: id })), 'notFound');
    // The partner's listing pages by ID with a signed marker.
    const all = (await partner().send(new I.ListDelegationRequestsCommand({}))).DelegationRequests!.map((r) => r.DelegationRequestId!);
    assert.ok(all.length >= 3 && all.includes(id));
    assert.deepEqual(all, [...all].sort());
    const seen: string[] = [];
    let marker: string | undefined;
    do {
      const page = await partner().send(new I.ListDelegationRequestsCommand({ MaxItems: 2, ...(marker ? { Marker: marker } : {}) }));
      seen.push(...page.DelegationRequests!.map((r) => r.DelegationRequestId!));
      assert.equal(page.isTruncated, page.Marker !== undefined);
      marker = page.Marker;
    } while (marker);
    assert.deepEqual(seen, all);
    await fails(partner().send(new I.ListDelegationRequestsCommand({ Marker: 'forged-marker' })), 'validation');
  });
  it('is authorized on the request ARN: a Deny naming one request refuses it and leaves another alone', async () => {
    const denied = await create();
    const other = await create();
    await cust().send(new I.CreateUserCommand({ UserName: 'reviewer' }));
    await cust().send(new I.AttachUserPolicyCommand({ UserName: 'reviewer', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }));
    const deny = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: ['iam:GetDelegationRequest', 'iam:GetHumanReadableSummary', 'iam:AssociateDelegationRequest'], Resource: `arn:aws:iam::${customerAccount}:delegation-request/${denied}` }] };
    await cust().send(new I.PutUserPolicyCommand({ UserName: 'reviewer', PolicyName: 'deny-one', PolicyDocument: JSON.stringify(deny) }));
    const key = (await cust().send(new I.CreateAccessKeyCommand({ UserName: 'reviewer' }))).AccessKey!;
    const reviewer = new I.IAMClient(cfg({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }));
    const accessDenied = (e: Error) => e.name === 'AccessDenied' || e.name === 'AccessDeniedException';
    await assert.rejects(reviewer.send(new I.GetDelegationRequestCommand({ DelegationRequestId: denied })), accessDenied);
    await assert.rejects(reviewer.send(new I.GetHumanReadableSummaryCommand({ EntityArn: `arn:aws:iam::${customerAccount}:delegation-request/${denied}` })), accessDenied);
    await assert.rejects(reviewer.send(new I.AssociateDelegationRequestCommand({ DelegationRequestId: denied })), accessDenied);
    assert.equal((await reviewer.send(new I.GetDelegationRequestCommand({ DelegationRequestId: other }))).DelegationRequest!.DelegationRequestId, other);
    await reviewer.send(new I.AssociateDelegationRequestCommand({ DelegationRequestId: other }));
    await cust().send(new I.DeleteUserPolicyCommand({ UserName: 'reviewer', PolicyName: 'deny-one' }));
    assert.equal((await reviewer.send(new I.GetDelegationRequestCommand({ DelegationRequestId: denied }))).DelegationRequest!.DelegationRequestId, denied);
  });
});
