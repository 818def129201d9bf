import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { contextFromEntries } from '../../../src/services/iam/simulate-context.js';
import { readVectors } from '../../helpers/paths.js';
import { ACCT, env, type Env } from './helpers.js';

interface Span {
  start: { line: number; column: number };
  end: { line: number; column: number };
}
interface Vectors {
  multiLine: string;
  multiLinePositions: Span[];
  singleStatement: string;
  singleStatementPositions: Span[];
  withConditions: string;
  withConditionsKeys: string[];
  contextEntries: { valid: { entry: Record<string, unknown>; values: string[] }[]; invalid: Record<string, unknown>[] };
}
const v = readVectors<Vectors>('iam', 'simulate.json');

const allow = (action: string, resource = '*', extra: Record<string, unknown> = {}) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: resource, ...extra }] });
const deny = (action: string, resource = '*') => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: action, Resource: resource }] });
const pos = (s: Span) => ({ StartPosition: { Line: s.start.line, Column: s.start.column }, EndPosition: { Line: s.end.line, Column: s.end.column } });

describe('IAM policy simulator', () => {
  let e: Env;
  beforeEach(async () => {
    e = await env();
  });
  afterEach(async () => {
    await e.close();
  });

  it('SimulateCustomPolicy: allowed, explicitDeny and implicitDeny with statement positions', async () => {
    const r = await e.call('SimulateCustomPolicy', {
      PolicyInputList: [v.multiLine],
      ActionNames: ['s3:GetObject', 's3:PutObject'],
      ResourceArns: ['arn:aws:s3:::public/a', 'arn:aws:s3:::secrets/b'],
    });
    assert.equal(r.IsTruncated, false);
    const byKey = new Map(r.EvaluationResults.map((x: any) => [`${x.EvalActionName} ${x.EvalResourceName}`, x]));
    assert.equal(r.EvaluationResults.length, 4);
    const ok: any = byKey.get('s3:GetObject arn:aws:s3:::public/a');
    assert.equal(ok.EvalDecision, 'allowed');
    assert.deepEqual(ok.MatchedStatements, [{ SourcePolicyId: 'PolicyInputList.1', SourcePolicyType: 'IAM Policy', ...pos(v.multiLinePositions[0]!) }]);
    assert.deepEqual(ok.ResourceSpecificResults, [{ EvalResourceName: 'arn:aws:s3:::public/a', EvalResourceDecision: 'allowed', MatchedStatements: ok.MatchedStatements, MissingContextValues: [], EvalDecisionDetails: {} }]);
    const denied: any = byKey.get('s3:GetObject arn:aws:s3:::secrets/b');
    assert.equal(denied.EvalDecision, 'explicitDeny');
    assert.deepEqual(denied.MatchedStatements, [{ SourcePolicyId: 'PolicyInputList.1', SourcePolicyType: 'IAM Policy', ...pos(v.multiLinePositions[1]!) }]);
    const none: any = byKey.get('s3:PutObject arn:aws:s3:::public/a');
    assert.equal(none.EvalDecision, 'implicitDeny');
    assert.deepEqual(none.MatchedStatements, []);
  });

  it('reports positions of a one-line policy whose Statement is an object, and "*" without ResourceSpecificResults', async () => {
    const r = await e.call('SimulateCustomPolicy', { PolicyInputList: [v.singleStatement], ActionNames: ['s3:ListBucket'] });
    const res = r.EvaluationResults[0];
    assert.equal(res.EvalResourceName, '*');
    assert.equal(res.EvalDecision, 'implicitDeny');
    const r2 = await e.call('SimulateCustomPolicy', { PolicyInputList: [v.singleStatement], ActionNames: ['s3:ListBucket'], ResourceArns: ['arn:aws:s3:::teambucket'] });
    assert.equal(r2.EvaluationResults[0].EvalDecision, 'allowed');
    assert.deepEqual(r2.EvaluationResults[0].MatchedStatements[0], { SourcePolicyId: 'PolicyInputList.1', SourcePolicyType: 'IAM Policy', ...pos(v.singleStatementPositions[0]!) });
    assert.equal(res.ResourceSpecificResults, undefined);
  });

  it('missing context keys are reported, and supplied context entries decide conditions', async () => {
    const base = { PolicyInputList: [v.withConditions], ActionNames: ['s3:GetObject'] };
    const missing = await e.call('SimulateCustomPolicy', base);
    assert.equal(missing.EvaluationResults[0].EvalDecision, 'implicitDeny');
    assert.deepEqual(missing.EvaluationResults[0].MissingContextValues, ['aws:SourceIp', 'aws:SecureTransport']);
    const entries = [
      { ContextKeyName: 'aws:SourceIp', ContextKeyType: 'ip', ContextKeyValues: ['203.0.113.9'] },
      { ContextKeyName: 'aws:SecureTransport', ContextKeyType: 'boolean', ContextKeyValues: ['true'] },
    ];
    const ok = await e.call('SimulateCustomPolicy', { ...base, ContextEntries: entries });
    assert.equal(ok.EvaluationResults[0].EvalDecision, 'allowed');
    assert.deepEqual(ok.EvaluationResults[0].MissingContextValues, []);
    const outside = await e.call('SimulateCustomPolicy', { ...base, ContextEntries: [{ ...entries[0], ContextKeyValues: ['198.51.100.1'] }, entries[1]] });
    assert.equal(outside.EvaluationResults[0].EvalDecision, 'implicitDeny');
    // With a resource list the missing keys move into ResourceSpecificResults.
    const listed = await e.call('SimulateCustomPolicy', { ...base, ResourceArns: ['arn:aws:s3:::b/k'] });
    assert.deepEqual(listed.EvaluationResults[0].MissingContextValues, []);
    assert.deepEqual(listed.EvaluationResults[0].ResourceSpecificResults[0].MissingContextValues, ['aws:SourceIp', 'aws:SecureTransport']);
  });

  it('context entries of every ContextKeyType parse, and bad values are InvalidInput', async () => {
    for (const c of v.contextEntries.valid) {
      const keys = contextFromEntries([c.entry]);
      assert.deepEqual(keys[String(c.entry['ContextKeyName'])], c.values, JSON.stringify(c.entry));
    }
    for (const bad of v.contextEntries.invalid)
      await e.fails('SimulateCustomPolicy', { PolicyInputList: [v.singleStatement], ActionNames: ['s3:ListBucket'], ContextEntries: [bad] }, 'ERR_INVALID_INPUT');
  });

  it('numeric, date and list context types decide their condition operators', async () => {
    const doc = allow('s3:ListBucket', '*', { Condition: { NumericLessThanEquals: { 's3:max-keys': '10' }, DateLessThan: { 'aws:CurrentTime': '2027-01-01T00:00:00Z' }, 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a', 'b'] } } });
    const run = (maxKeys: string, time: string, tags: string[]) =>
      e.call('SimulateCustomPolicy', {
        PolicyInputList: [doc],
        ActionNames: ['s3:ListBucket'],
        ContextEntries: [
          { ContextKeyName: 's3:max-keys', ContextKeyType: 'numeric', ContextKeyValues: [maxKeys] },
          { ContextKeyName: 'aws:CurrentTime', ContextKeyType: 'date', ContextKeyValues: [time] },
          { ContextKeyName: 'aws:TagKeys', ContextKeyType: 'stringList', ContextKeyValues: tags },
        ],
      });
    assert.equal((await run('5', '2026-01-01T00:00:00Z', ['a'])).EvaluationResults[0].EvalDecision, 'allowed');
    assert.equal((await run('50', '2026-01-01T00:00:00Z', ['a'])).EvaluationResults[0].EvalDecision, 'implicitDeny');
    assert.equal((await run('5', '2028-01-01T00:00:00Z', ['a'])).EvaluationResults[0].EvalDecision, 'implicitDeny');
    assert.equal((await run('5', '2026-01-01T00:00:00Z', ['a', 'c'])).EvaluationResults[0].EvalDecision, 'implicitDeny');
  });

  it('SimulatePrincipalPolicy: user, group and managed policies, the boundary detail, and AWS errors', async () => {
    await e.call('CreateUser', { UserName: 'bob' });
    await e.call('CreateGroup', { GroupName: 'devs' });
    await e.call('AddUserToGroup', { GroupName: 'devs', UserName: 'bob' });
    await e.call('PutUserPolicy', { UserName: 'bob', PolicyName: 'own', PolicyDocument: allow('s3:GetObject') });
    await e.call('PutGroupPolicy', { GroupName: 'devs', PolicyName: 'team', PolicyDocument: allow('ec2:Describe*') });
    await e.call('AttachUserPolicy', { UserName: 'bob', PolicyArn: 'arn:aws:iam::aws:policy/IAMReadOnlyAccess' });
    const mine = (await e.call('CreatePolicy', { PolicyName: 'NoDelete', PolicyDocument: deny('s3:DeleteObject') })).Policy.Arn;
    await e.call('AttachGroupPolicy', { GroupName: 'devs', PolicyArn: mine });
    const arn = `arn:aws:iam::${ACCT}:user/bob`;
    const sim = (actions: string[], extra: Record<string, unknown> = {}) => e.call('SimulatePrincipalPolicy', { PolicySourceArn: arn, ActionNames: actions, ...extra });
    const r = await sim(['s3:GetObject', 'ec2:DescribeInstances', 'iam:GetUser', 's3:DeleteObject', 'sqs:SendMessage']);
    const d = Object.fromEntries(r.EvaluationResults.map((x: any) => [x.EvalActionName, x]));
    assert.equal(d['s3:GetObject'].EvalDecision, 'allowed');
    assert.deepEqual(d['s3:GetObject'].MatchedStatements.map((m: any) => [m.SourcePolicyId, m.SourcePolicyType]), [['own', 'user']]);
    assert.deepEqual(d['ec2:DescribeInstances'].MatchedStatements.map((m: any) => [m.SourcePolicyId, m.SourcePolicyType]), [['team', 'group']]);
    assert.deepEqual(d['iam:GetUser'].MatchedStatements.map((m: any) => [m.SourcePolicyId, m.SourcePolicyType]), [['IAMReadOnlyAccess', 'aws-managed']]);
    assert.equal(d['s3:DeleteObject'].EvalDecision, 'explicitDeny');
    assert.deepEqual(d['s3:DeleteObject'].MatchedStatements.map((m: any) => [m.SourcePolicyId, m.SourcePolicyType]), [['NoDelete', 'user-managed']]);
    assert.equal(d['sqs:SendMessage'].EvalDecision, 'implicitDeny');
    assert.equal(d['s3:GetObject'].PermissionsBoundaryDecisionDetail, undefined);
    assert.equal(d['s3:GetObject'].OrganizationsDecisionDetail, undefined);

    // A boundary that allows only S3: EC2 is now implicitly denied, and the detail says why.
    const boundary = (await e.call('CreatePolicy', { PolicyName: 'S3Only', PolicyDocument: allow('s3:*') })).Policy.Arn;
    await e.call('PutUserPermissionsBoundary', { UserName: 'bob', PermissionsBoundary: boundary });
    const b = Object.fromEntries((await sim(['s3:GetObject', 'ec2:DescribeInstances'])).EvaluationResults.map((x: any) => [x.EvalActionName, x]));
    assert.equal(b['s3:GetObject'].EvalDecision, 'allowed');
    assert.deepEqual(b['s3:GetObject'].PermissionsBoundaryDecisionDetail, { AllowedByPermissionsBoundary: true });
    assert.equal(b['ec2:DescribeInstances'].EvalDecision, 'implicitDeny');
    assert.deepEqual(b['ec2:DescribeInstances'].PermissionsBoundaryDecisionDetail, { AllowedByPermissionsBoundary: false });
    // A boundary passed in the request replaces the attached one.
    const passed = await sim(['ec2:DescribeInstances'], { PermissionsBoundaryPolicyInputList: [allow('ec2:*')] });
    assert.equal(passed.EvaluationResults[0].EvalDecision, 'allowed');
    // PolicyInputList adds to the entity's policies.
    const added = await sim(['sqs:SendMessage'], { PolicyInputList: [allow('sqs:*')] });
    assert.equal(added.EvaluationResults[0].EvalDecision, 'implicitDeny', 'the S3-only boundary still bounds the added policy');

    await e.fails('SimulatePrincipalPolicy', { PolicySourceArn: `arn:aws:iam::${ACCT}:user/nobody`, ActionNames: ['s3:GetObject'] }, 'ERR_NO_SUCH_ENTITY');
    await e.fails('SimulatePrincipalPolicy', { PolicySourceArn: 'not-an-arn', ActionNames: ['s3:GetObject'] }, 'ERR_INVALID_INPUT');
    await e.fails('SimulatePrincipalPolicy', { PolicySourceArn: arn, ActionNames: ['nocolon'] }, 'ERR_INVALID_INPUT');
    await e.fails('SimulatePrincipalPolicy', { PolicySourceArn: arn, ActionNames: ['s3:GetObject'], PermissionsBoundaryPolicyInputList: [allow('s3:*'), allow('s3:*')] }, 'ERR_INVALID_INPUT');
    await e.fails('SimulatePrincipalPolicy', { PolicySourceArn: arn, ActionNames: ['s3:GetObject'], CallerArn: `arn:aws:iam::${ACCT}:role/r` }, 'ERR_INVALID_INPUT');
    await e.fails('SimulateCustomPolicy', { PolicyInputList: ['{not json'], ActionNames: ['s3:GetObject'] }, 'ERR_INVALID_INPUT');
  });

  it('roles: their policies and boundary; a resource policy needs CallerArn', async () => {
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
    await e.call('CreateRole', { RoleName: 'app', AssumeRolePolicyDocument: trust });
    await e.call('PutRolePolicy', { RoleName: 'app', PolicyName: 'q', PolicyDocument: allow('sqs:SendMessage') });
    const role = `arn:aws:iam::${ACCT}:role/app`;
    const r = await e.call('SimulatePrincipalPolicy', { PolicySourceArn: role, ActionNames: ['sqs:SendMessage'] });
    assert.deepEqual(r.EvaluationResults[0].MatchedStatements.map((m: any) => [m.SourcePolicyId, m.SourcePolicyType]), [['q', 'role']]);
    const rp = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCT}:root` }, Action: 'sqs:*', Resource: '*' }] });
    await e.fails('SimulatePrincipalPolicy', { PolicySourceArn: role, ActionNames: ['sqs:SendMessage'], ResourcePolicy: rp }, 'ERR_INVALID_INPUT');
  });

  it('cross-account resource policies: both sides must allow, with EvalDecisionDetails', async () => {
    const other = '111122223333';
    const bucket = 'arn:aws:s3:::shared';
    const caller = `arn:aws:iam::${ACCT}:user/alice`;
    const rp = (principal: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 's3:GetObject', Resource: `${bucket}/*` }] });
    const base = { PolicyInputList: [allow('s3:GetObject')], ActionNames: ['s3:GetObject'], ResourceArns: [`${bucket}/k`], CallerArn: caller, ResourceOwner: `arn:aws:iam::${other}:root` };
    const ok = (await e.call('SimulateCustomPolicy', { ...base, ResourcePolicy: rp(caller) })).EvaluationResults[0];
    assert.equal(ok.EvalDecision, 'allowed');
    assert.deepEqual(ok.EvalDecisionDetails, { 'IAM Policy': 'allowed', 'Resource Policy': 'allowed' });
    assert.ok(ok.MatchedStatements.some((m: any) => m.SourcePolicyId === 'ResourcePolicy' && m.SourcePolicyType === 'resource'));
    const no = (await e.call('SimulateCustomPolicy', { ...base, ResourcePolicy: rp(`arn:aws:iam::${ACCT}:user/someone-else`) })).EvaluationResults[0];
    assert.equal(no.EvalDecision, 'implicitDeny');
    assert.deepEqual(no.EvalDecisionDetails, { 'IAM Policy': 'allowed', 'Resource Policy': 'implicitDeny' });
    await e.fails('SimulateCustomPolicy', { ...base, ResourcePolicy: rp(caller), ResourceOwner: 'bob' }, 'ERR_INVALID_INPUT');
  });

  it('SCPs of a member account bound the simulation (OrganizationsDecisionDetail)', async () => {
    const mgmt = '999999999999';
    await e.store.createOrganization({ id: 'o-abcdefghij', arn: `arn:aws:organizations::${mgmt}:organization/o-abcdefghij`, managementAccountId: mgmt, managementAccountEmail: 'm@example.com', rootId: 'r-ab12', featureSet: 'ALL', createdAt: new Date(0) });
    await e.store.putAccount({ id: ACCT, arn: `arn:aws:organizations::${mgmt}:account/o-abcdefghij/${ACCT}`, name: 'member', email: 'a@example.com', status: 'ACTIVE', joinedMethod: 'CREATED', joinedTimestamp: new Date(0), parentId: 'r-ab12' });
    const scp = (id: string, content: string) => e.store.putOrgPolicy({ id, arn: `arn:aws:organizations::${mgmt}:policy/o-abcdefghij/service_control_policy/${id}`, name: id, description: '', type: 'SERVICE_CONTROL_POLICY', awsManaged: false, content });
    await scp('p-fullaccess', allow('*'));
    await scp('p-nos3', deny('s3:*'));
    await e.store.attachOrgPolicy('p-fullaccess', 'r-ab12');
    await e.store.attachOrgPolicy('p-fullaccess', ACCT);
    await e.store.attachOrgPolicy('p-nos3', ACCT);
    await e.call('CreateUser', { UserName: 'carol' });
    await e.call('PutUserPolicy', { UserName: 'carol', PolicyName: 'all', PolicyDocument: allow('*') });
    const r = await e.call('SimulatePrincipalPolicy', { PolicySourceArn: `arn:aws:iam::${ACCT}:user/carol`, ActionNames: ['s3:GetObject', 'sqs:SendMessage'] });
    const d = Object.fromEntries(r.EvaluationResults.map((x: any) => [x.EvalActionName, x]));
    assert.equal(d['s3:GetObject'].EvalDecision, 'explicitDeny');
    assert.deepEqual(d['s3:GetObject'].OrganizationsDecisionDetail, { AllowedByOrganizations: false });
    assert.equal(d['sqs:SendMessage'].EvalDecision, 'allowed');
    assert.deepEqual(d['sqs:SendMessage'].OrganizationsDecisionDetail, { AllowedByOrganizations: true });
  });

  it('pages results with MaxItems and Marker', async () => {
    const actions = ['s3:GetObject', 's3:PutObject', 's3:ListBucket', 's3:DeleteObject', 's3:GetBucketPolicy'];
    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const r = await e.call('SimulateCustomPolicy', { PolicyInputList: [allow('s3:*')], ActionNames: actions, MaxItems: 2, ...(marker ? { Marker: marker } : {}) });
      seen.push(...r.EvaluationResults.map((x: any) => x.EvalActionName));
      assert.equal(r.IsTruncated, r.Marker !== undefined);
      marker = r.Marker;
      pages++;
    } while (marker);
    assert.equal(pages, 3);
    assert.deepEqual(seen, actions);
  });

  it('GetContextKeysForCustomPolicy and GetContextKeysForPrincipalPolicy list referenced keys once, in order', async () => {
    assert.deepEqual((await e.call('GetContextKeysForCustomPolicy', { PolicyInputList: [v.withConditions] })).ContextKeyNames, v.withConditionsKeys);
    await e.call('CreateUser', { UserName: 'dave' });
    await e.call('CreateGroup', { GroupName: 'g' });
    await e.call('AddUserToGroup', { GroupName: 'g', UserName: 'dave' });
    await e.call('PutGroupPolicy', { GroupName: 'g', PolicyName: 'c', PolicyDocument: v.withConditions });
    const extra = allow('s3:*', '*', { Condition: { StringEquals: { 's3:prefix': 'home/', 'aws:SourceIp': 'x' } } });
    const r = await e.call('GetContextKeysForPrincipalPolicy', { PolicySourceArn: `arn:aws:iam::${ACCT}:user/dave`, PolicyInputList: [extra] });
    assert.deepEqual(r.ContextKeyNames, [...v.withConditionsKeys, 's3:prefix']);
    await e.fails('GetContextKeysForPrincipalPolicy', { PolicySourceArn: `arn:aws:iam::${ACCT}:group/none` }, 'ERR_NO_SUCH_ENTITY');
  });
});
