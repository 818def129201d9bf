/** The simulator and the access-report operations end to end through the AWS SDK v3 against a real kamen server. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateUserCommand,
  GetAccountSummaryCommand,
  GetContextKeysForCustomPolicyCommand,
  GetContextKeysForPrincipalPolicyCommand,
  IAMClient,
  ListPoliciesGrantingServiceAccessCommand,
  PutUserPolicyCommand,
  SetSecurityTokenServicePreferencesCommand,
  SimulateCustomPolicyCommand,
  SimulatePrincipalPolicyCommand,
} from '@aws-sdk/client-iam';
import { startKamen, type TestKamen } from '../../e2e/harness.js';

const doc = (Statement: Record<string, unknown>[]) => JSON.stringify({ Version: '2012-10-17', Statement });

describe('simulator through the SDK', () => {
  let k: TestKamen;
  let iam: IAMClient;
  let acct: string;
  const client = (creds: { accessKeyId: string; secretAccessKey: string }) => new IAMClient({ endpoint: k.url, region: 'us-east-1', credentials: creds, maxAttempts: 1 });
  before(async () => {
    k = await startKamen();
    acct = k.boot.managementAccountId;
    iam = client({ accessKeyId: k.boot.accessKeyId, secretAccessKey: k.boot.secretAccessKey });
  });
  after(async () => {
    await k.stop();
  });

  it('SimulatePrincipalPolicy and SimulateCustomPolicy answer in AWS shape, with positions and context entries', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'sim' }));
    const ipDoc = doc([{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }]);
    await iam.send(new PutUserPolicyCommand({ UserName: 'sim', PolicyName: 'ip', PolicyDocument: ipDoc }));
    // One line: the statement runs from its "{" after "[" to its "}" before "]" (1-based columns).
    const span = { StartPosition: { Line: 1, Column: ipDoc.indexOf('[{') + 2 }, EndPosition: { Line: 1, Column: ipDoc.lastIndexOf('}]') + 1 } };
    await iam.send(new AttachUserPolicyCommand({ UserName: 'sim', PolicyArn: 'arn:aws:iam::aws:policy/IAMReadOnlyAccess' }));
    const r = await iam.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: `arn:aws:iam::${acct}:user/sim`,
        ActionNames: ['s3:GetObject', 'iam:GetUser'],
        ResourceArns: ['arn:aws:s3:::b/k'],
        ContextEntries: [{ ContextKeyName: 'aws:SourceIp', ContextKeyType: 'ip', ContextKeyValues: ['10.1.2.3'] }],
      }),
    );
    assert.equal(r.IsTruncated, false);
    const [s3, iamRes] = r.EvaluationResults!;
    assert.equal(s3!.EvalDecision, 'allowed');
    assert.equal(s3!.EvalResourceName, 'arn:aws:s3:::b/k');
    assert.deepEqual(s3!.MatchedStatements, [{ SourcePolicyId: 'ip', SourcePolicyType: 'user', ...span }]);
    assert.equal(s3!.ResourceSpecificResults![0]!.EvalResourceDecision, 'allowed');
    assert.equal(iamRes!.EvalDecision, 'allowed');
    assert.equal(iamRes!.MatchedStatements![0]!.SourcePolicyType, 'aws-managed');

    const c = await iam.send(new SimulateCustomPolicyCommand({ PolicyInputList: [doc([{ Effect: 'Deny', Action: 's3:*', Resource: '*' }])], ActionNames: ['s3:PutObject'] }));
    assert.equal(c.EvaluationResults![0]!.EvalDecision, 'explicitDeny');
    assert.deepEqual(c.EvaluationResults![0]!.MissingContextValues, []);

    await assert.rejects(iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: `arn:aws:iam::${acct}:user/ghost`, ActionNames: ['s3:GetObject'] })), (e: any) => e.name === 'NoSuchEntityException' && e.$metadata.httpStatusCode === 404);
    await assert.rejects(
      iam.send(new SimulateCustomPolicyCommand({ PolicyInputList: [doc([{ Effect: 'Allow', Action: 's3:*', Resource: '*' }])], ActionNames: ['s3:GetObject'], ContextEntries: [{ ContextKeyName: 'aws:SourceIp', ContextKeyType: 'ip', ContextKeyValues: ['nope'] }] })),
      (e: any) => e.name === 'InvalidInputException' && e.$metadata.httpStatusCode === 400,
    );
  });

  it('GetContextKeysFor*, ListPoliciesGrantingServiceAccess and SetSecurityTokenServicePreferences', async () => {
    const keys = await iam.send(new GetContextKeysForCustomPolicyCommand({ PolicyInputList: [doc([{ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::b/${aws:username}/*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }])] }));
    assert.deepEqual(keys.ContextKeyNames, ['aws:username', 'aws:MultiFactorAuthPresent']);
    const pk = await iam.send(new GetContextKeysForPrincipalPolicyCommand({ PolicySourceArn: `arn:aws:iam::${acct}:user/sim` }));
    assert.ok(pk.ContextKeyNames!.includes('aws:SourceIp'));
    const g = await iam.send(new ListPoliciesGrantingServiceAccessCommand({ Arn: `arn:aws:iam::${acct}:user/sim`, ServiceNamespaces: ['s3', 'ec2'] }));
    assert.deepEqual(g.PoliciesGrantingServiceAccess, [
      { ServiceNamespace: 's3', Policies: [{ PolicyName: 'ip', PolicyType: 'INLINE', EntityType: 'USER', EntityName: 'sim' }] },
      { ServiceNamespace: 'ec2', Policies: [] },
    ]);
    await iam.send(new SetSecurityTokenServicePreferencesCommand({ GlobalEndpointTokenVersion: 'v2Token' }));
    assert.equal((await iam.send(new GetAccountSummaryCommand({}))).SummaryMap!['GlobalEndpointTokenVersion'], 2);
    await assert.rejects(iam.send(new SetSecurityTokenServicePreferencesCommand({ GlobalEndpointTokenVersion: 'v3Token' as never })), (e: any) => e.$metadata.httpStatusCode === 400);
  });

  it('the simulator is authorized on the principal it simulates (iam:SimulatePrincipalPolicy)', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'auditor' }));
    await iam.send(new PutUserPolicyCommand({ UserName: 'auditor', PolicyName: 'sim', PolicyDocument: doc([{ Effect: 'Allow', Action: 'iam:SimulatePrincipalPolicy', Resource: `arn:aws:iam::${acct}:user/sim` }]) }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'auditor' }))).AccessKey!;
    const auditor = client({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! });
    const ok = await auditor.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: `arn:aws:iam::${acct}:user/sim`, ActionNames: ['s3:GetObject'] }));
    assert.equal(ok.EvaluationResults!.length, 1);
    await assert.rejects(auditor.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: `arn:aws:iam::${acct}:user/auditor`, ActionNames: ['s3:GetObject'] })), (e: any) => {
      assert.equal(e.name, 'AccessDenied');
      assert.match(e.message, new RegExp(`is not authorized to perform: iam:SimulatePrincipalPolicy on resource: arn:aws:iam::${acct}:user/auditor`));
      return true;
    });
  });
});
