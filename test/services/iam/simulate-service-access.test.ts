import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ACCT, env, rootCaller, type Env } from './helpers.js';

const doc = (Statement: Record<string, unknown>[]) => JSON.stringify({ Version: '2012-10-17', Statement });

describe('ListPoliciesGrantingServiceAccess and SetSecurityTokenServicePreferences', () => {
  let e: Env;
  beforeEach(async () => {
    e = await env();
  });
  afterEach(async () => {
    await e.close();
  });

  it('lists, per namespace, the inline and managed policies of a user and its groups that allow the service', async () => {
    await e.call('CreateUser', { UserName: 'bob' });
    await e.call('CreateGroup', { GroupName: 'devs' });
    await e.call('AddUserToGroup', { GroupName: 'devs', UserName: 'bob' });
    await e.call('PutUserPolicy', { UserName: 'bob', PolicyName: 's3-read', PolicyDocument: doc([{ Effect: 'Allow', Action: 's3:Get*', Resource: '*' }]) });
    await e.call('PutUserPolicy', { UserName: 'bob', PolicyName: 'deny-only', PolicyDocument: doc([{ Effect: 'Deny', Action: 'iam:*', Resource: '*' }]) });
    await e.call('PutGroupPolicy', { GroupName: 'devs', PolicyName: 'not-s3', PolicyDocument: doc([{ Effect: 'Allow', NotAction: 's3:*', Resource: '*' }]) });
    await e.call('AttachGroupPolicy', { GroupName: 'devs', PolicyArn: 'arn:aws:iam::aws:policy/IAMReadOnlyAccess' });
    const r = await e.call('ListPoliciesGrantingServiceAccess', { Arn: `arn:aws:iam::${ACCT}:user/bob`, ServiceNamespaces: ['s3', 'iam', 'sqs'] });
    assert.equal(r.IsTruncated, false);
    const by = Object.fromEntries(r.PoliciesGrantingServiceAccess.map((x: any) => [x.ServiceNamespace, x.Policies]));
    assert.deepEqual(by['s3'], [{ PolicyName: 's3-read', PolicyType: 'INLINE', EntityType: 'USER', EntityName: 'bob' }]);
    assert.deepEqual(by['iam'], [
      { PolicyName: 'not-s3', PolicyType: 'INLINE', EntityType: 'GROUP', EntityName: 'devs' },
      { PolicyName: 'IAMReadOnlyAccess', PolicyType: 'MANAGED', PolicyArn: 'arn:aws:iam::aws:policy/IAMReadOnlyAccess' },
    ]);
    assert.deepEqual(by['sqs'], [{ PolicyName: 'not-s3', PolicyType: 'INLINE', EntityType: 'GROUP', EntityName: 'devs' }]);
    // A group's own listing has only its policies; a missing entity is NoSuchEntity.
    const g = await e.call('ListPoliciesGrantingServiceAccess', { Arn: `arn:aws:iam::${ACCT}:group/devs`, ServiceNamespaces: ['s3'] });
    assert.deepEqual(g.PoliciesGrantingServiceAccess, [{ ServiceNamespace: 's3', Policies: [] }]);
    await e.fails('ListPoliciesGrantingServiceAccess', { Arn: `arn:aws:iam::${ACCT}:role/none`, ServiceNamespaces: ['s3'] }, 'ERR_NO_SUCH_ENTITY');
    await e.fails('ListPoliciesGrantingServiceAccess', { Arn: 'arn:aws:s3:::bucket', ServiceNamespaces: ['s3'] }, 'ERR_INVALID_INPUT');
  });

  it('SetSecurityTokenServicePreferences sets the account GetAccountSummary reports as GlobalEndpointTokenVersion', async () => {
    assert.equal((await e.call('GetAccountSummary', {})).SummaryMap.GlobalEndpointTokenVersion, 1);
    await e.call('SetSecurityTokenServicePreferences', { GlobalEndpointTokenVersion: 'v2Token' });
    assert.equal((await e.call('GetAccountSummary', {})).SummaryMap.GlobalEndpointTokenVersion, 2);
    assert.equal((await e.call('GetAccountSummary', {}, rootCaller('210987654321'))).SummaryMap.GlobalEndpointTokenVersion, 1, 'another account keeps its own preference');
    await e.call('SetSecurityTokenServicePreferences', { GlobalEndpointTokenVersion: 'v1Token' });
    assert.equal((await e.call('GetAccountSummary', {})).SummaryMap.GlobalEndpointTokenVersion, 1);
  });
});
