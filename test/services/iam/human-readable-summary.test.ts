/**
 * IAM GetHumanReadableSummary through the SDK v3 (kamen's deterministic summary of a delegation request, its Locale and
 * EntityArn checks, GetDelegationRequest's visibility rules) and the default permission of a request's owner to read it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as I from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { CreateAccountCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { frozenClock } from '../../../src/clock.js';
import { startKamen, type TestKamen } from '../../e2e/harness.js';
import { readVectors } from '../../helpers/paths.js';

type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
interface Vectors {
  errors: Record<string, { name: string; status: number }>;
  locales: string[];
  badLocales: string[];
  sentences: string[];
}
const V = readVectors<Vectors>('iam', 'human-readable-summary.json');
const DAY = 24 * 3600 * 1000;

async function fails(p: Promise<unknown>, vector: string, message?: RegExp): Promise<void> {
  const want = V.errors[vector]!;
  await assert.rejects(p, (e: Error & { $metadata?: { httpStatusCode?: number } }) => {
    assert.equal(e.name, want.name, `${vector}: ${e.name}: ${e.message}`);
    assert.equal(e.$metadata?.httpStatusCode, want.status, vector);
    if (message) assert.match(e.message, message);
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
const allow = (...actions: string[]) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] });

describe('GetHumanReadableSummary and the default permissions of delegation requests', () => {
  let k: TestKamen;
  const clock = frozenClock(Date.now());
  let partnerAccount: string;
  let customerAccount: string;
  let outsiderAccount: string;
  let customer: Creds;
  let outsider: Creds;
  let templateArn: string;
  const cfg = (credentials: Creds) => ({ endpoint: k.url, region: 'us-east-1', credentials, maxAttempts: 1, systemClockOffset: clock.now() - Date.now() });
  const partner = () => new I.IAMClient(cfg({ accessKeyId: k.boot.accessKeyId, secretAccessKey: k.boot.secretAccessKey }));
  const iam = (c: Creds) => new I.IAMClient(cfg(c));
  const arnOf = (id: string, account = partnerAccount) => `arn:aws:iam::${account}:delegation-request/${id}`;
  const summary = (c: Creds | 'partner', id: string, extra: Partial<I.GetHumanReadableSummaryCommandInput> = {}) =>
    (c === 'partner' ? partner() : iam(c)).send(new I.GetHumanReadableSummaryCommand({ EntityArn: arnOf(id), ...extra }));

  const create = async (extra: Partial<I.CreateDelegationRequestCommandInput> = {}) =>
    (
      await partner().send(
        new I.CreateDelegationRequestCommand({
          OwnerAccountId: customerAccount,
          Description: 'Deploy the partner stack',
          RequestMessage: 'Ticket 42',
          RequestorWorkflowId: 'workflow-1',
          NotificationChannel: `arn:aws:sns:us-east-1:${partnerAccount}:delegations`,
          SessionDuration: 5400,
          Permissions: {
            PolicyTemplateArn: templateArn,
            Parameters: [
              { Name: 'regions', Type: 'stringList', Values: ['us-west-2'] },
              { Name: 'bucket', Type: 'string', Values: ['customer-data'] },
            ],
          },
          ...extra,
        }),
      )
    ).DelegationRequestId!;

  /** A user of the customer account with an inline policy (`deny`: a second statement denying those actions). */
  const customerUser = async (name: string, actions: string[], deny: string[] = []): Promise<Creds> => {
    const admin = iam(customer);
    await admin.send(new I.CreateUserCommand({ UserName: name }));
    const statements = [{ Effect: 'Allow', Action: actions, Resource: '*' }, ...(deny.length ? [{ Effect: 'Deny', Action: deny, Resource: '*' }] : [])];
    await admin.send(new I.PutUserPolicyCommand({ UserName: name, PolicyName: 'p', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: statements }) }));
    const key = (await admin.send(new I.CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
    return { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
  };

  before(async () => {
    k = await startKamen({ clock });
    partnerAccount = k.boot.managementAccountId;
    const org = new OrganizationsClient(cfg({ accessKeyId: k.boot.accessKeyId, secretAccessKey: k.boot.secretAccessKey }));
    customerAccount = (await org.send(new CreateAccountCommand({ AccountName: 'customer', Email: 'customer@example.com' }))).CreateAccountStatus!.AccountId!;
    outsiderAccount = (await org.send(new CreateAccountCommand({ AccountName: 'outsider', Email: 'outsider@example.com' }))).CreateAccountStatus!.AccountId!;
    await partner().send(new I.CreateUserCommand({ UserName: 'operator' }));
    await partner().send(new I.PutUserPolicyCommand({ UserName: 'operator', PolicyName: 'assume', PolicyDocument: allow('sts:AssumeRole') }));
    const key = (await partner().send(new I.CreateAccessKeyCommand({ UserName: 'operator' }))).AccessKey!;
    const sts = new STSClient(cfg({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }));
    const into = async (account: string): Promise<Creds> => {
      const c = (await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/OrganizationAccountAccessRole`, RoleSessionName: 'admin', DurationSeconds: 3600 }))).Credentials!;
      return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
    };
    customer = await into(customerAccount);
    outsider = await into(outsiderAccount);
    templateArn = (await partner().send(new I.CreatePolicyCommand({ PolicyName: 'deploy-template', PolicyDocument: JSON.stringify(TEMPLATE) }))).Policy!.Arn!;
  });
  after(async () => {
    await k.stop();
  });

  it('summarizes the request in English: who asks, which account, what the policy grants, how long, state and expiry', async () => {
    const createdAt = clock.now();
    const id = await create();
    const out = await summary('partner', id);
    assert.equal(out.SummaryState, 'AVAILABLE');
    assert.equal(out.Locale, 'en-US');
    const expiry = new Date(createdAt + 7 * DAY).toISOString().replace(/\.\d{3}Z$/, 'Z');
    for (const s of V.sentences) {
      const want = s.replace('${partner}', partnerAccount).replace('${customer}', customerAccount).replace('${expiry}', expiry);
      assert.ok(out.SummaryContent!.includes(want), `missing: ${want}\nin: ${out.SummaryContent}`);
    }
    assert.match(out.SummaryContent!, /has not been associated with an owner yet \(state UNASSIGNED\)/);
    // The state follows the request.
    await iam(customer).send(new I.AssociateDelegationRequestCommand({ DelegationRequestId: id }));
    await iam(customer).send(new I.RejectDelegationRequestCommand({ DelegationRequestId: id, Notes: 'no' }));
    const rejected = (await summary(customer, id)).SummaryContent!;
    assert.match(rejected, /has been rejected \(state REJECTED\)/);
    assert.ok(rejected.includes(`Its owner is arn:aws:sts::${customerAccount}:assumed-role/OrganizationAccountAccessRole/admin.`), rejected);
  });

  it('answers every console locale in English, says so in Locale, and refuses other locales', async () => {
    const id = await create();
    for (const locale of V.locales) {
      const out = await summary('partner', id, { Locale: locale });
      assert.equal(out.Locale, 'en-US', locale);
      assert.equal(out.SummaryState, 'AVAILABLE');
    }
    for (const locale of V.badLocales) await fails(summary('partner', id, { Locale: locale }), 'invalidInput', /locale/);
  });

  it('supports only delegation-request ARNs, and a request kamen does not hold is NoSuchEntity', async () => {
    const id = await create();
    await fails(partner().send(new I.GetHumanReadableSummaryCommand({ EntityArn: `arn:aws:iam::${partnerAccount}:role/OrganizationAccountAccessRole` })), 'invalidInput', /delegation-request/);
    await fails(partner().send(new I.GetHumanReadableSummaryCommand({ EntityArn: `arn:aws:iam::${partnerAccount}:user/delegation-request/${id}` })), 'invalidInput');
    await fails(partner().send(new I.GetHumanReadableSummaryCommand({ EntityArn: arnOf('aaaaaaaa-0000-0000-0000-000000000000') })), 'notFound');
    await fails(partner().send(new I.GetHumanReadableSummaryCommand({ EntityArn: arnOf(id, outsiderAccount) })), 'notFound');
    // The owner account's ARN names it too.
    assert.equal((await summary(customer, id, { EntityArn: arnOf(id, customerAccount) })).SummaryState, 'AVAILABLE');
  });

  it('is visible exactly as GetDelegationRequest: any account while untargeted, the target account, never another', async () => {
    const targeted = await create();
    await fails(summary(outsider, targeted), 'notFound');
    await fails(iam(outsider).send(new I.GetDelegationRequestCommand({ DelegationRequestId: targeted })), 'notFound');
    assert.equal((await summary(customer, targeted)).SummaryState, 'AVAILABLE');
    const open = await create({ OwnerAccountId: undefined });
    assert.match((await summary(outsider, open)).SummaryContent!, /access to any AWS account that associates it/);
    assert.equal((await iam(outsider).send(new I.GetDelegationRequestCommand({ DelegationRequestId: open }))).DelegationRequest!.DelegationRequestId, open);
  });

  it("gives the owner a default permission to get its request and its summary; an explicit Deny still refuses", async () => {
    const id = await create();
    const owner = await customerUser('owner', ['iam:AssociateDelegationRequest']);
    const peer = await customerUser('peer', ['iam:AssociateDelegationRequest']);
    // Before it is owned, neither may read it without the action in its policies.
    await fails(iam(owner).send(new I.GetDelegationRequestCommand({ DelegationRequestId: id })), 'denied', /iam:GetDelegationRequest/);
    await fails(summary(owner, id), 'denied', /iam:GetHumanReadableSummary/);
    await iam(owner).send(new I.AssociateDelegationRequestCommand({ DelegationRequestId: id }));
    const got = (await iam(owner).send(new I.GetDelegationRequestCommand({ DelegationRequestId: id }))).DelegationRequest!;
    assert.equal(got.OwnerId, `arn:aws:iam::${customerAccount}:user/owner`);
    assert.equal((await summary(owner, id)).SummaryState, 'AVAILABLE');
    // The default permission is the owner's alone, and covers nothing else.
    await fails(iam(peer).send(new I.GetDelegationRequestCommand({ DelegationRequestId: id })), 'denied');
    await fails(summary(peer, id), 'denied');
    await fails(iam(owner).send(new I.ListDelegationRequestsCommand({})), 'denied');
    await fails(iam(owner).send(new I.AcceptDelegationRequestCommand({ DelegationRequestId: id })), 'denied');

    const id2 = await create();
    const denied = await customerUser('denied-owner', ['iam:AssociateDelegationRequest'], ['iam:GetDelegationRequest']);
    await iam(denied).send(new I.AssociateDelegationRequestCommand({ DelegationRequestId: id2 }));
    await fails(iam(denied).send(new I.GetDelegationRequestCommand({ DelegationRequestId: id2 })), 'denied', /explicit deny/);
    // Denying GetDelegationRequest denies the summary of the same request.
    await fails(summary(denied, id2), 'denied', /explicit deny/);

    // A permissions boundary bounds the default permission as it bounds any identity-side Allow.
    const id3 = await create();
    const bounded = await customerUser('bounded-owner', ['iam:AssociateDelegationRequest']);
    const boundary = (await iam(customer).send(new I.CreatePolicyCommand({ PolicyName: 'associate-only', PolicyDocument: allow('iam:AssociateDelegationRequest') }))).Policy!.Arn!;
    await iam(customer).send(new I.PutUserPermissionsBoundaryCommand({ UserName: 'bounded-owner', PermissionsBoundary: boundary }));
    await iam(bounded).send(new I.AssociateDelegationRequestCommand({ DelegationRequestId: id3 }));
    await fails(iam(bounded).send(new I.GetDelegationRequestCommand({ DelegationRequestId: id3 })), 'denied', /permissions boundary/);
  });

  it('whoever may GetDelegationRequest may get the summary; iam:GetHumanReadableSummary alone gives only the summary', async () => {
    const id = await create();
    const reader = await customerUser('reader', ['iam:GetDelegationRequest']);
    const summarizer = await customerUser('summarizer', ['iam:GetHumanReadableSummary']);
    assert.equal((await summary(reader, id)).SummaryState, 'AVAILABLE');
    assert.equal((await summary(summarizer, id)).SummaryState, 'AVAILABLE');
    await fails(iam(summarizer).send(new I.GetDelegationRequestCommand({ DelegationRequestId: id })), 'denied');
    const noSummary = await customerUser('no-summary', ['iam:GetDelegationRequest'], ['iam:GetHumanReadableSummary']);
    await fails(summary(noSummary, id), 'denied', /iam:GetHumanReadableSummary/);
    assert.equal((await iam(noSummary).send(new I.GetDelegationRequestCommand({ DelegationRequestId: id }))).DelegationRequest!.DelegationRequestId, id);
  });
});
