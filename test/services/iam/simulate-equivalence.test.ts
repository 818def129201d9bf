/**
 * Property: the policy simulator decides as enforcement does. For generated identity, group, boundary and SCP
 * policies, operations and conditions, SimulatePrincipalPolicy's EvalDecision is `allowed` exactly when the real
 * authorizer (src/authz, the pipeline's step 5) lets the same user call the operation, given the request's context.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { createAuthorizer, type Authorizer } from '../../../src/authz/authorizer.js';
import { principalFacts } from '../../../src/authz/engine.js';
import { isKamenError } from '../../../src/errors.js';
import { buildRequestContext, contextKeys, createPolicyCache } from '../../../src/policy/index.js';
import { createIamService } from '../../../src/services/iam/index.js';
import type { Caller, OperationContext, ServiceDefinition } from '../../../src/services/types.js';
import { openStore } from '../../../src/store/open.js';
import type { Store } from '../../../src/store/store.js';
import { frozenClock } from '../../../src/clock.js';
import { ACCT, T0, catalog, rootCaller } from './helpers.js';

const MGMT = '999999999999';
const USER = 'sim-user';
const ACTIONS = ['iam:*', 'iam:Get*', 'iam:GetUser', 'iam:List*', 'iam:ListUserPolicies', 'iam:CreateUser', 'iam:GetAccountSummary', 's3:*', '*'];
const RESOURCES = ['*', `arn:aws:iam::${ACCT}:user/*`, `arn:aws:iam::${ACCT}:user/\${aws:username}`, `arn:aws:iam::${ACCT}:user/t*`, `arn:aws:iam::${ACCT}:user/new*`, `arn:aws:iam::${ACCT}:role/*`, `arn:aws:iam::${MGMT}:user/*`];
const CONDITIONS: Record<string, unknown>[] = [
  { StringEquals: { 'aws:username': USER } },
  { StringEquals: { 'aws:username': 'someone' } },
  { StringLike: { 'aws:PrincipalArn': `arn:aws:iam::*:user/sim*` } },
  { IpAddress: { 'aws:SourceIp': '127.0.0.0/8' } },
  { NotIpAddress: { 'aws:SourceIp': '127.0.0.0/8' } },
  { Bool: { 'aws:SecureTransport': 'false' } },
  { DateGreaterThan: { 'aws:CurrentTime': '2025-06-01T00:00:00Z' } },
  { DateGreaterThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } },
  { StringEquals: { 'aws:PrincipalTag/team': 'red' } },
  { StringEquals: { 'aws:ResourceTag/env': 'prod' } },
  { StringEqualsIfExists: { 'aws:RequestedRegion': 'eu-west-1' } },
  { Null: { 'aws:MultiFactorAuthPresent': 'true' } },
  { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': ['o-abcdefghij/*'] } },
];
const OPERATIONS: [string, Record<string, unknown>][] = [
  ['GetUser', { UserName: 'target' }],
  ['GetUser', {}],
  ['ListUserPolicies', { UserName: 'target' }],
  ['CreateUser', { UserName: 'newbie' }],
  ['GetAccountSummary', {}],
  ['GetRole', { RoleName: 'some-role' }],
];

/** Mostly `undefined`, sometimes a value (weights 7:3). */
const rarely = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ arbitrary: fc.constant(undefined), weight: 7 }, { arbitrary: arb, weight: 3 });
const statement = fc
  .record({
    Effect: fc.constantFrom('Allow', 'Allow', 'Allow', 'Deny'),
    Action: fc.oneof(fc.constantFrom(...ACTIONS), fc.uniqueArray(fc.constantFrom(...ACTIONS), { minLength: 1, maxLength: 3 })),
    Resource: fc.oneof(fc.constantFrom(...RESOURCES), fc.uniqueArray(fc.constantFrom(...RESOURCES), { minLength: 1, maxLength: 2 })),
    Condition: rarely(fc.constantFrom(...CONDITIONS)),
  })
  .map((st) => {
    const out: Record<string, unknown> = { Effect: st.Effect, Action: st.Action, Resource: st.Resource };
    if (st.Condition) out['Condition'] = st.Condition;
    return out;
  });
const doc = (Statement: Record<string, unknown>[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const policy = fc.array(statement, { minLength: 1, maxLength: 3 }).map(doc);
/** A bound (boundary, SCP) that allows most things and may deny or condition some. */
const bound = fc.array(statement, { minLength: 1, maxLength: 2 }).map((sts) => doc([{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }, ...sts]));
const scenario = fc.record({
  userPolicies: fc.array(policy, { minLength: 0, maxLength: 2 }),
  groupPolicy: rarely(policy),
  boundary: rarely(fc.oneof(policy, bound)),
  scp: rarely(fc.oneof(policy, bound)),
  operation: fc.constantFrom(...OPERATIONS),
  sourceIp: fc.constantFrom('127.0.0.1', '10.1.2.3'),
  secureTransport: fc.boolean(),
});

describe('simulator ≡ enforcement', () => {
  let store: Store;
  let iam: ServiceDefinition;
  let authorizer: Authorizer;
  let caller: Caller;
  const clock = frozenClock(T0);
  const ctxFor = (c: Caller, extra: Partial<OperationContext> = {}): OperationContext => ({ requestId: 'r', caller: c, store, clock, region: 'us-east-1', sourceIp: '127.0.0.1', secureTransport: true, deps: { authorizer }, ...extra });
  const call = (op: string, input: Record<string, unknown>) => iam.operations[op]!(ctxFor(rootCaller()), input);

  before(async () => {
    store = await openStore({ dataDir: ':memory:' });
    authorizer = createAuthorizer({ store, clock, managedPolicies: catalog, policyCache: createPolicyCache(2000), principalCacheSize: 0 });
    iam = createIamService({ managedPolicies: catalog });
    const user = (await call('CreateUser', { UserName: USER, Tags: [{ Key: 'team', Value: 'red' }] })).User;
    await call('CreateUser', { UserName: 'target', Tags: [{ Key: 'env', Value: 'prod' }] });
    await call('CreateGroup', { GroupName: 'team' });
    await call('AddUserToGroup', { GroupName: 'team', UserName: USER });
    caller = { kind: 'user', accountId: ACCT, arn: user.Arn, userId: user.UserId, accessKeyId: 'AKIASIMULATORTEST000', userName: USER };
    await store.createOrganization({ id: 'o-abcdefghij', arn: `arn:aws:organizations::${MGMT}:organization/o-abcdefghij`, managementAccountId: MGMT, managementAccountEmail: 'm@example.com', rootId: 'r-ab12', featureSet: 'ALL', createdAt: new Date(0) });
    await store.putAccount({ id: ACCT, arn: `arn:aws:organizations::${MGMT}:account/o-abcdefghij/${ACCT}`, name: 'member', email: 'a@example.com', status: 'ACTIVE', joinedMethod: 'CREATED', joinedTimestamp: new Date(0), parentId: 'r-ab12' });
    await store.putOrgPolicy({ id: 'p-fullaccess', arn: `arn:aws:organizations::${MGMT}:policy/o-abcdefghij/service_control_policy/p-fullaccess`, name: 'FullAWSAccess', description: '', type: 'SERVICE_CONTROL_POLICY', awsManaged: true, content: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}' });
    await store.attachOrgPolicy('p-fullaccess', 'r-ab12');
  });
  after(async () => {
    await store.close();
  });

  it('SimulatePrincipalPolicy decides as the authorizer does', async () => {
    let n = 0;
    const seen = { allowed: 0, denied: 0 };
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        n++;
        // The user's, group's, boundary and SCP policies of this case (replacing the previous case's).
        for (const name of await store.listInlinePolicies(ACCT, 'user', USER)) await call('DeleteUserPolicy', { UserName: USER, PolicyName: name.policyName });
        for (const [i, doc] of s.userPolicies.entries()) await call('PutUserPolicy', { UserName: USER, PolicyName: `p${i}`, PolicyDocument: doc });
        if (s.groupPolicy) await call('PutGroupPolicy', { GroupName: 'team', PolicyName: 'g', PolicyDocument: s.groupPolicy });
        else if ((await store.listInlinePolicies(ACCT, 'group', 'team')).length) await call('DeleteGroupPolicy', { GroupName: 'team', PolicyName: 'g' });
        if (s.boundary) {
          const arn = (await call('CreatePolicy', { PolicyName: `b${n}`, PolicyDocument: s.boundary })).Policy.Arn;
          await call('PutUserPermissionsBoundary', { UserName: USER, PermissionsBoundary: arn });
        } else if ((await store.getUser(ACCT, USER))?.permissionsBoundaryArn) await call('DeleteUserPermissionsBoundary', { UserName: USER });
        await store.detachOrgPolicy('p-case', ACCT).catch(() => undefined);
        await store.detachOrgPolicy('p-fullaccess', ACCT).catch(() => undefined);
        if (s.scp) {
          await store.putOrgPolicy({ id: 'p-case', arn: `arn:aws:organizations::${MGMT}:policy/o-abcdefghij/service_control_policy/p-case`, name: 'case', description: '', type: 'SERVICE_CONTROL_POLICY', awsManaged: false, content: s.scp });
          await store.attachOrgPolicy('p-case', ACCT);
        } else await store.attachOrgPolicy('p-fullaccess', ACCT);

        // Enforcement: the authorizer on the operation, as the pipeline calls it.
        const [op, input] = s.operation;
        const opCtx = ctxFor(caller, { sourceIp: s.sourceIp, secureTransport: s.secureTransport });
        let enforced = true;
        try {
          await authorizer.authorizeOperation(opCtx, 'iam', op, input);
        } catch (err) {
          if (!isKamenError(err) || err.code !== 'ERR_ACCESS_DENIED') throw err;
          enforced = false;
        }

        // The same request simulated: its action and resource, and every condition key enforcement's context has.
        const target = await authorizer.operationTarget('iam', op, input, caller);
        const p = await authorizer.gatherPolicies(caller);
        const keys = authorizer.conditionKeys(opCtx, p, 'iam', op, input);
        for (const [k, val] of Object.entries(target.resourceTags ?? {})) keys[`aws:ResourceTag/${k}`] = val;
        const resource = target.resources[0]!;
        const full = contextKeys(buildRequestContext({ principal: principalFacts(caller), action: target.action, resource, context: keys }));
        const ContextEntries = [...full].map(([name, values]) => ({ ContextKeyName: name, ContextKeyType: 'stringList', ContextKeyValues: values }));
        const sim = await iam.operations['SimulatePrincipalPolicy']!(ctxFor(rootCaller()), {
          PolicySourceArn: caller.arn,
          ActionNames: [target.action],
          ...(resource === '*' ? {} : { ResourceArns: [resource] }),
          ContextEntries,
        });
        const decision = sim.EvaluationResults[0].EvalDecision;
        if (enforced) seen.allowed++;
        else seen.denied++;
        assert.equal(decision === 'allowed', enforced, `${op} ${JSON.stringify(input)} → simulator ${decision}, enforcement ${enforced ? 'allowed' : 'denied'}`);
      }),
      { numRuns: 150, seed: 20261203 },
    );
    // The generator reaches both outcomes (a property that only ever saw denials would prove little).
    assert.ok(seen.allowed > 10 && seen.denied > 10, JSON.stringify(seen));
  });
});
