/** The decision memo is exact: it keeps only allows that read no context key, per gathered-policies object. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPolicyCache } from '../../src/policy/index.js';
import { createCompiler, createDecisionMemo, type RequestFacts } from '../../src/authz/engine.js';
import type { PrincipalPolicies } from '../../src/authz/policies.js';
import type { Caller } from '../../src/services/types.js';

const compile = createCompiler(createPolicyCache(10));
const A = '111111111111';
const caller: Caller = { kind: 'user', accountId: A, arn: `arn:aws:iam::${A}:user/u`, userId: 'AIDAMEMO0000000000001', userName: 'u', accessKeyId: 'AKIAMEMO000000000001' };
const policies = (doc: object): PrincipalPolicies => ({ identity: [compile(JSON.stringify(doc), 'p', 'identity')], principalTags: {} });
const facts = (action: string, resource: string, conditions: Record<string, string> = {}): RequestFacts => ({ principalArn: caller.arn, principalAccount: A, action, resource, conditions: () => conditions });

test('an allow that read no condition key is remembered; another resource or action is decided afresh', () => {
  const memo = createDecisionMemo();
  let built = 0;
  const p = policies({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:GetUser', Resource: `arn:aws:iam::${A}:user/*` }] });
  const counting = (action: string, resource: string): RequestFacts => ({ ...facts(action, resource), conditions: () => (built++, {}) });
  const first = memo.decide(counting('iam:GetUser', `arn:aws:iam::${A}:user/u`), p, caller);
  assert.equal(first.decision, 'Allow');
  assert.equal(memo.decide(counting('iam:GetUser', `arn:aws:iam::${A}:user/u`), p, caller), first, 'the same decision, remembered');
  assert.equal(built, 0, 'no condition key was ever built for these decisions');
  assert.equal(memo.decide(counting('iam:GetUser', `arn:aws:iam::222222222222:user/u`), p, caller).decision, 'ImplicitDeny');
  assert.equal(memo.decide(counting('iam:ListUsers', `arn:aws:iam::${A}:user/u`), p, caller).decision, 'ImplicitDeny');
});

test('a decision that read a condition key is never remembered (the next request may differ)', () => {
  const memo = createDecisionMemo();
  const p = policies({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }] });
  assert.equal(memo.decide(facts('iam:GetUser', '*', { 'aws:SourceIp': '10.1.2.3' }), p, caller).decision, 'Allow');
  assert.equal(memo.decide(facts('iam:GetUser', '*', { 'aws:SourceIp': '192.0.2.1' }), p, caller).decision, 'ImplicitDeny');
  const vars = policies({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:GetUser', Resource: `arn:aws:iam::${A}:user/\${aws:username}` }] });
  assert.equal(memo.decide(facts('iam:GetUser', `arn:aws:iam::${A}:user/u`, { 'aws:username': 'u' }), vars, caller).decision, 'Allow');
  assert.equal(memo.decide(facts('iam:GetUser', `arn:aws:iam::${A}:user/u`, { 'aws:username': 'v' }), vars, caller).decision, 'ImplicitDeny', 'a policy variable reads the keys too');
});

test('new gathered policies (a policy write) start afresh; denials are not remembered', () => {
  const memo = createDecisionMemo();
  const allowAll = policies({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
  assert.equal(memo.decide(facts('iam:DeleteUser', '*'), allowAll, caller).decision, 'Allow');
  const denied = policies({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' }] });
  assert.equal(memo.decide(facts('iam:DeleteUser', '*'), denied, caller).decision, 'ImplicitDeny', 'the other policies decide anew');
  const again = memo.decide(facts('iam:DeleteUser', '*'), denied, caller);
  assert.equal(again.decision, 'ImplicitDeny');
  assert.notEqual(again, memo.decide(facts('iam:DeleteUser', '*'), denied, caller), 'a denial is decided every time');
});

test('a decision that read only a service key (sts:ExternalId, read without building the global keys) is never remembered', () => {
  const memo = createDecisionMemo();
  const p = policies({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*', Condition: { StringEquals: { 'sts:ExternalId': 'right' } } }] });
  let built = 0;
  const withId = (id: string): RequestFacts => ({ ...facts('sts:AssumeRole', '*'), conditions: () => (built++, { 'sts:ExternalId': id }) });
  assert.equal(memo.decide(withId('right'), p, caller).decision, 'Allow');
  assert.equal(memo.decide(withId('wrong'), p, caller).decision, 'ImplicitDeny');
  assert.equal(memo.decide(withId('right'), p, caller).decision, 'Allow');
  assert.equal(built, 3, 'each decision read the request\'s own keys');
});

test("an allow given with the resource's account set (decided as the caller's own) is not lent to the same ARN decided cross-account", () => {
  const memo = createDecisionMemo();
  const p = policies({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'cloudtrail:GetTrail', Resource: '*' }] });
  const trail = 'arn:aws:cloudtrail:us-east-1:222222222222:trail/org';
  assert.equal(memo.decide({ ...facts('cloudtrail:GetTrail', trail), resourceAccount: A }, p, caller).decision, 'Allow');
  const cross = memo.decide(facts('cloudtrail:GetTrail', trail), p, caller);
  assert.deepEqual([cross.decision, cross.crossAccount], ['ImplicitDeny', true]);
});
