/** Unit tests of the public API around authorize(): request context keys, messages, explanations, cache, catalog, errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildRequestContext,
  contextValues,
  compilePolicy,
  createPolicyCache,
  authorize,
  accessDeniedMessage,
  explainDecision,
  assertValidPolicy,
  validatePolicy,
  loadActionCatalog,
  createActionCatalog,
  withResource,
  isoSeconds,
  operatorNames,
  parseOperator,
} from '../../src/policy/index.js';
import { isKamenError } from '../../src/errors.js';
import { frozenClock } from '../../src/clock.js';

const clock = frozenClock(Date.UTC(2026, 2, 1, 8, 30, 0));
const ALLOW_ALL = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}';

test('long-term user keys: no MFA keys, no TokenIssueTime, aws:username set', () => {
  const ctx = buildRequestContext({ now: clock.now(), principal: { arn: 'arn:aws:iam::111111111111:user/dev/alice', userId: 'AIDAX' }, action: 'iam:ListUsers' });
  assert.equal(ctx.principal.kind, 'user');
  assert.equal(contextValues(ctx, 'aws:MultiFactorAuthPresent'), undefined);
  assert.equal(contextValues(ctx, 'aws:MultiFactorAuthAge'), undefined);
  assert.equal(contextValues(ctx, 'aws:TokenIssueTime'), undefined);
  assert.deepEqual(contextValues(ctx, 'aws:username'), ['alice']);
  assert.deepEqual(contextValues(ctx, 'aws:userid'), ['AIDAX']);
  assert.deepEqual(contextValues(ctx, 'aws:PrincipalType'), ['User']);
  assert.deepEqual(contextValues(ctx, 'aws:PrincipalAccount'), ['111111111111']);
  assert.deepEqual(contextValues(ctx, 'aws:CurrentTime'), ['2026-03-01T08:30:00Z']);
  assert.deepEqual(contextValues(ctx, 'aws:EpochTime'), [String(clock.now() / 1000)]);
  assert.deepEqual(contextValues(ctx, 'aws:SecureTransport'), ['true']);
  assert.equal(ctx.resource, '*');
});

test('role session: PrincipalArn is the role, userid is roleId:session, MFA facts present', () => {
  const ctx = buildRequestContext({
    now: clock.now(),
    principal: { arn: 'arn:aws:sts::111111111111:assumed-role/dev/s1', roleId: 'AROAX', mfaPresent: true, mfaAuthenticatedAt: clock.now() - 90_000, tokenIssueTime: clock.now() - 100_000, sourceIdentity: 'alice', orgId: 'o-1', tags: { team: 'eng' } },
    action: 's3:GetObject',
    resource: 'arn:aws:s3:::b/k',
    sourceIp: '10.0.0.1',
    region: 'eu-west-1',
    context: { 'sts:ExternalId': 'e', 's3:max-keys': 5 },
  });
  assert.equal(ctx.principal.roleArn, 'arn:aws:iam::111111111111:role/dev');
  assert.deepEqual(contextValues(ctx, 'aws:PrincipalArn'), ['arn:aws:iam::111111111111:role/dev']);
  assert.deepEqual(contextValues(ctx, 'aws:userid'), ['AROAX:s1']);
  assert.deepEqual(contextValues(ctx, 'aws:MultiFactorAuthPresent'), ['true']);
  assert.deepEqual(contextValues(ctx, 'aws:MultiFactorAuthAge'), ['90']);
  assert.deepEqual(contextValues(ctx, 'aws:TokenIssueTime'), ['2026-03-01T08:28:20Z']);
  assert.deepEqual(contextValues(ctx, 'aws:SourceIdentity'), ['alice']);
  assert.deepEqual(contextValues(ctx, 'aws:PrincipalOrgID'), ['o-1']);
  assert.deepEqual(contextValues(ctx, 'aws:principaltag/TEAM'), ['eng']);
  assert.deepEqual(contextValues(ctx, 'aws:PrincipalType'), ['AssumedRole']);
  assert.deepEqual(contextValues(ctx, 'aws:SourceIp'), ['10.0.0.1']);
  assert.deepEqual(contextValues(ctx, 'aws:RequestedRegion'), ['eu-west-1']);
  assert.deepEqual(contextValues(ctx, 'sts:externalid'), ['e']);
  assert.deepEqual(contextValues(ctx, 's3:max-keys'), ['5']);
  assert.equal(contextValues(ctx, 'aws:username'), undefined);
});

test('role session with a path: the role ARN comes from aws:PrincipalArn when given', () => {
  const ctx = buildRequestContext({ principal: { arn: 'arn:aws:sts::111111111111:assumed-role/dev/s1' }, action: 'a:b', context: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:role/team/dev' } });
  assert.equal(ctx.principal.roleArn, 'arn:aws:iam::111111111111:role/team/dev');
});

test('session without MFA: MultiFactorAuthPresent is false and the age is absent', () => {
  const ctx = buildRequestContext({ principal: { arn: 'arn:aws:sts::111111111111:assumed-role/dev/s1' }, action: 'a:b' });
  assert.deepEqual(contextValues(ctx, 'aws:MultiFactorAuthPresent'), ['false']);
  assert.equal(contextValues(ctx, 'aws:MultiFactorAuthAge'), undefined);
});

test('anonymous and root principals', () => {
  const anon = buildRequestContext({ principal: { kind: 'anonymous' }, action: 's3:GetObject' });
  assert.deepEqual(contextValues(anon, 'aws:PrincipalType'), ['Anonymous']);
  assert.equal(contextValues(anon, 'aws:PrincipalArn'), undefined);
  const root = buildRequestContext({ principal: { arn: 'arn:aws:iam::111111111111:root' }, action: 's3:GetObject' });
  assert.equal(root.principal.kind, 'root');
  assert.deepEqual(contextValues(root, 'aws:PrincipalType'), ['Account']);
  assert.deepEqual(contextValues(root, 'aws:userid'), ['111111111111']);
});

test('accessDeniedMessage leaves out the resource clause for "*" and says nothing extra for Allow', () => {
  const ctx = buildRequestContext({ principal: { arn: 'arn:aws:iam::111111111111:user/a' }, action: 'iam:ListUsers', resource: '*' });
  const d = authorize(ctx, { identity: [] });
  assert.equal(accessDeniedMessage(d, { principalArn: 'arn:aws:iam::111111111111:user/a', action: 'iam:ListUsers', resource: '*' }), 'User: arn:aws:iam::111111111111:user/a is not authorized to perform: iam:ListUsers because no identity-based policy allows the iam:ListUsers action');
  const ok = authorize(ctx, { identity: [compilePolicy(ALLOW_ALL, { id: 'p', type: 'identity' })] });
  assert.equal(ok.decision, 'Allow');
});

test('explainDecision names the statements and the failing policy type', () => {
  const ctx = buildRequestContext({ principal: { arn: 'arn:aws:iam::111111111111:user/a' }, action: 's3:GetObject', resource: 'arn:aws:s3:::b/k' });
  const idp = compilePolicy('{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":"s3:Get*","Resource":"*"}]}', { id: 'ReadOnly', type: 'identity' });
  const bnd = compilePolicy('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}', { id: 'Boundary', type: 'boundary' });
  const lines = explainDecision(authorize(ctx, { identity: [idp], boundary: bnd }));
  assert.ok(lines.some((l) => l.includes('"Read"') && l.includes('ReadOnly')), lines.join('\n'));
  assert.ok(lines.some((l) => l.includes('Permissions boundary: no statement allows')), lines.join('\n'));
  assert.ok(lines.at(-1)!.includes('because no permissions boundary allows the s3:GetObject action'), lines.join('\n'));
});

test('createPolicyCache returns the compiled policy for a known text and evicts beyond max', () => {
  const cache = createPolicyCache(2);
  const a = cache.get(ALLOW_ALL, { id: 'a', type: 'identity' });
  assert.equal(cache.get(ALLOW_ALL, { id: 'a', type: 'identity' }), a);
  cache.get(ALLOW_ALL, { id: 'b', type: 'identity' });
  cache.get(ALLOW_ALL, { id: 'c', type: 'identity' });
  assert.equal(cache.size(), 2);
  assert.notEqual(cache.get(ALLOW_ALL, { id: 'a', type: 'identity' }), a);
});

test('compilePolicy throws MalformedPolicyDocument for non-JSON; assertValidPolicy uses the first error', () => {
  assert.throws(() => compilePolicy('{nope', { id: 'x', type: 'identity' }), (e: unknown) => isKamenError(e, 'ERR_MALFORMED_POLICY_DOCUMENT'));
  assert.throws(
    () => assertValidPolicy('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"AWS":"nobody"}}]}', 'trust'),
    (e: unknown) => isKamenError(e, 'ERR_MALFORMED_POLICY_DOCUMENT') && e.message === 'Invalid principal in policy: "AWS":"nobody"',
  );
  assert.doesNotThrow(() => assertValidPolicy(ALLOW_ALL, 'identity'));
});

test('catalog: action lookup, expansion, and validation warnings for unknown services and actions', async () => {
  const catalog = await loadActionCatalog();
  assert.equal(catalog.action('STS:assumerole')?.name, 'sts:AssumeRole');
  assert.ok(catalog.action('sts:AssumeRole')!.conditionKeys.includes('sts:ExternalId'));
  assert.deepEqual(catalog.action('sts:AssumeRole')!.resourceTypes.map((r) => r.name), ['role']);
  const gets = catalog.expand('s3:GetObject*');
  assert.ok(gets.includes('s3:GetObject') && gets.includes('s3:GetObjectAcl'));
  assert.ok(gets.every((a) => a.toLowerCase().startsWith('s3:getobject')));
  assert.ok(catalog.expand('*:CreateUser').includes('iam:CreateUser'));
  const r = validatePolicy('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["nosuchsvc:Get","s3:NoSuchThing","s3:Get*"],"Resource":"*"}]}', 'identity', { catalog });
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.warnings.map((w) => [w.code, w.path]), [['UnknownService', '$.Statement[0].Action[0]'], ['UnknownAction', '$.Statement[0].Action[1]']]);
  assert.equal(catalog.conditionKeyKnown('aws:PrincipalTag/team'), true);
  assert.equal(catalog.conditionKeyKnown('AWS:SourceIp'), true);
  assert.equal(catalog.conditionKeyKnown('sts:ExternalId'), true);
  assert.equal(catalog.conditionKeyKnown('s3:prefix'), true);
  assert.equal(catalog.conditionKeyKnown('aws:NoSuchKey'), false);
  assert.equal(catalog.conditionKeyKnown('token.actions.githubusercontent.com:aud'), undefined);
  const k = validatePolicy('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:SourceIP":"x","aws:Nope":"y","s3:prefix":"p"}}}]}', 'identity', { catalog });
  assert.deepEqual(k.warnings.map((w) => w.code + ' ' + w.path), ['UnknownConditionKey $.Statement[0].Condition.StringEquals["aws:Nope"]']);
  const small = createActionCatalog({ x: { doit: { name: 'DoIt' } } });
  assert.deepEqual(small.expand('X:d*'), ['x:DoIt']);
});

test('problems carry line and column of the offending value', () => {
  const text = '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow", "Action": "s3:*",\n     "Resource": "bucket"}\n  ]\n}';
  const [e] = validatePolicy(text, 'identity').errors;
  assert.equal(e!.path, '$.Statement[0].Resource');
  assert.equal(e!.line, 5);
  assert.equal(e!.column, 18);
});

test('withResource re-aims a context, updating aws:ResourceAccount', () => {
  const ctx = buildRequestContext({ principal: { arn: 'arn:aws:iam::111111111111:user/a' }, action: 'sqs:SendMessage', resource: 'arn:aws:sqs:us-east-1:111111111111:q' });
  const other = withResource(ctx, 'arn:aws:sqs:us-east-1:222222222222:q');
  assert.equal(other.resourceAccount, '222222222222');
  assert.deepEqual(contextValues(other, 'aws:ResourceAccount'), ['222222222222']);
  assert.deepEqual(contextValues(ctx, 'aws:ResourceAccount'), ['111111111111']);
  const p = compilePolicy(ALLOW_ALL, { id: 'p', type: 'identity' });
  assert.equal(authorize(ctx, { identity: [p] }).decision, 'Allow');
  assert.deepEqual(authorize(other, { identity: [p] }).missingAllow, ['resource']);
});

test('isoSeconds agrees with Date#toISOString across eras', () => {
  for (const ms of [0, 951782400000, 4102444799999, Date.UTC(2024, 1, 29, 23, 59, 59), Date.UTC(1969, 11, 31, 23, 59, 59), 1768478400123]) {
    assert.equal(isoSeconds(ms), new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));
  }
  // the same second again (remembered), its neighbours, and back
  const t = 1768478400000;
  for (const ms of [t, t + 1, t + 999, t + 1000, t - 1, t, t - 1000, t + 86_400_000, t]) {
    assert.equal(isoSeconds(ms), new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));
  }
});

test('deeply nested or huge garbage is a syntax error, not a crash', () => {
  const deep = '['.repeat(100000);
  const r = validatePolicy(deep, 'identity');
  assert.deepEqual(r.errors.map((e) => e.message), ['Syntax errors in policy.']);
  assert.equal(r.errors[0]!.line, 1);
  assert.throws(() => assertValidPolicy(deep, 'identity'), (e: unknown) => isKamenError(e, 'ERR_MALFORMED_POLICY_DOCUMENT'));
});

test('many sibling statements and values do not count as nesting', () => {
  const st = Array.from({ length: 200 }, (_, i) => ({ Sid: `S${i}`, Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['*'], Condition: { StringEquals: { 's3:prefix': [`p${i}`] } } }));
  const r = validatePolicy(JSON.stringify({ Version: '2012-10-17', Statement: st }), 'identity', { limitChars: 1_000_000 });
  assert.deepEqual(r.errors, []);
});

test('the registry holds every operator AWS documents, each also with IfExists and the set qualifiers', () => {
  const documented = [
    'StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike', 'StringNotLike',
    'NumericEquals', 'NumericNotEquals', 'NumericLessThan', 'NumericLessThanEquals', 'NumericGreaterThan', 'NumericGreaterThanEquals',
    'DateEquals', 'DateNotEquals', 'DateLessThan', 'DateLessThanEquals', 'DateGreaterThan', 'DateGreaterThanEquals',
    'Bool', 'BinaryEquals', 'IpAddress', 'NotIpAddress', 'ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike', 'Null',
  ];
  assert.deepEqual(operatorNames.slice().sort(), documented.slice().sort());
  for (const op of documented) {
    assert.equal(parseOperator(op)?.def.name, op);
    if (op === 'Null') continue;
    assert.equal(parseOperator(`${op}IfExists`)?.ifExists, true);
    assert.equal(parseOperator(`ForAnyValue:${op}`)?.qualifier, 'any');
    assert.equal(parseOperator(`ForAllValues:${op}IfExists`)?.qualifier, 'all');
  }
  assert.equal(parseOperator('ForSomeValues:StringEquals'), undefined);
});
