/**
 * Property tests (fast-check): monotonicity of Deny and Allow, statement-order independence, wildcard expansion, the
 * root user bounded only by SCPs and RCPs, an applying RCP Deny always winning, and policy variables with no value.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compilePolicy, buildRequestContext, authorize, loadActionCatalog, compileGlob, evaluatePolicy } from '../../src/policy/index.js';
import type { PolicySet, PolicyType, StatementRef } from '../../src/policy/index.js';

const ACTIONS = ['s3:GetObject', 's3:PutObject', 'ec2:DescribeInstances', 'iam:CreateUser', 'sts:AssumeRole'];
const ACTION_PATTERNS = ['s3:GetObject', 's3:Get*', 's3:*', 'ec2:Describe*', 'iam:CreateUser', '*', 'S3:?etObject', 'sts:*'];
const RESOURCES = ['arn:aws:s3:::b/k', 'arn:aws:s3:::c/k', 'arn:aws:iam::111111111111:user/x', '*'];
const RESOURCE_PATTERNS = ['*', 'arn:aws:s3:::b/*', 'arn:aws:s3:::*', 'arn:aws:iam::111111111111:user/*', 'arn:aws:s3:::c/k'];
const CONDITIONS = [
  undefined,
  { Bool: { 'aws:MultiFactorAuthPresent': 'false' } },
  { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
  { StringEquals: { 'aws:PrincipalTag/team': 'eng' } },
  { StringNotEquals: { 'aws:RequestedRegion': 'us-east-1' } },
  { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
  { Null: { 'aws:TokenIssueTime': 'true' } },
];

type Stmt = Record<string, unknown>;
const stmt = (effect?: 'Allow' | 'Deny') =>
  fc.record({
    Effect: effect ? fc.constant(effect) : fc.constantFrom('Allow', 'Deny'),
    Action: fc.subarray(ACTION_PATTERNS, { minLength: 1 }),
    Resource: fc.subarray(RESOURCE_PATTERNS, { minLength: 1 }),
    cond: fc.constantFrom(...CONDITIONS),
  }).map(({ cond, ...s }): Stmt => (cond ? { ...s, Condition: cond } : s));

const policyList = fc.array(fc.array(stmt(), { minLength: 0, maxLength: 5 }), { minLength: 0, maxLength: 3 });
const request = fc.record({
  action: fc.constantFrom(...ACTIONS),
  resource: fc.constantFrom(...RESOURCES),
  session: fc.boolean(),
  mfa: fc.boolean(),
  team: fc.constantFrom('eng', 'ops'),
  region: fc.constantFrom('us-east-1', 'eu-west-1'),
  ip: fc.constantFrom('10.1.2.3', '192.0.2.1'),
});
const sets = fc.record({
  identity: policyList,
  boundary: fc.option(fc.array(stmt(), { maxLength: 4 }), { nil: undefined }),
  session: fc.option(policyList, { nil: undefined }),
  scps: fc.option(fc.array(policyList, { maxLength: 3 }), { nil: undefined }),
  rcps: fc.option(fc.array(policyList, { maxLength: 3 }), { nil: undefined }),
});
type Sets = { identity: Stmt[][]; boundary: Stmt[] | undefined; session: Stmt[][] | undefined; scps: Stmt[][][] | undefined; rcps?: Stmt[][][] | undefined };

function compile(s: Sets): PolicySet {
  const c = (sts: Stmt[], id: string, type: PolicyType) => compilePolicy(JSON.stringify({ Version: '2012-10-17', Statement: sts }), { id, type });
  const set: PolicySet = { identity: s.identity.map((p, i) => c(p, `i${i}`, 'identity')) };
  if (s.boundary) set.boundary = c(s.boundary, 'b', 'boundary');
  if (s.session) set.session = s.session.map((p, i) => c(p, `s${i}`, 'session'));
  if (s.scps) set.scps = s.scps.map((lvl, l) => lvl.map((p, i) => c(p, `scp${l}.${i}`, 'scp')));
  if (s.rcps) set.rcps = s.rcps.map((lvl, l) => lvl.map((p, i) => c(p, `rcp${l}.${i}`, 'rcp')));
  return set;
}

type Req = typeof request extends fc.Arbitrary<infer T> ? T : never;

function decide(s: Sets, r: Req) {
  const ctx = buildRequestContext({
    now: Date.UTC(2026, 0, 1),
    principal: r.session ? { arn: 'arn:aws:sts::111111111111:assumed-role/dev/s', mfaPresent: r.mfa, tags: { team: r.team }, tokenIssueTime: Date.UTC(2026, 0, 1) } : { arn: 'arn:aws:iam::111111111111:user/x', tags: { team: r.team } },
    action: r.action,
    resource: r.resource,
    region: r.region,
    sourceIp: r.ip,
  });
  return authorize(ctx, compile(s));
}

/** Puts a statement into one of the policy lists of a set (identity, boundary, session, an SCP or an RCP level). */
function addStatement(s: Sets, where: number, st: Stmt): Sets {
  const copy: Sets = JSON.parse(JSON.stringify(s)) as Sets;
  const slot = where % 5;
  if (slot === 4 && copy.rcps?.length) {
    const lvl = copy.rcps[where % copy.rcps.length]!;
    if (!lvl.length) lvl.push([]);
    lvl[where % lvl.length]!.push(st);
    return copy;
  }
  if (slot === 0 || slot === 4 || (slot === 1 && !copy.boundary) || (slot === 2 && !copy.session) || (slot === 3 && !copy.scps?.length)) {
    if (!copy.identity.length) copy.identity.push([]);
    copy.identity[where % copy.identity.length]!.push(st);
  } else if (slot === 1) copy.boundary!.push(st);
  else if (slot === 2) {
    if (!copy.session!.length) copy.session!.push([]);
    copy.session![where % copy.session!.length]!.push(st);
  } else {
    const lvl = copy.scps![where % copy.scps!.length]!;
    if (!lvl.length) lvl.push([]);
    lvl[where % lvl.length]!.push(st);
  }
  return copy;
}

test('adding a Deny statement never turns a denial into an Allow', () => {
  fc.assert(
    fc.property(sets, request, stmt('Deny'), fc.nat(100), (s, r, deny, where) => {
      const before = decide(s, r);
      const after = decide(addStatement(s, where, deny), r);
      if (before.decision !== 'Allow') assert.notEqual(after.decision, 'Allow');
      if (before.decision === 'ExplicitDeny') assert.equal(after.decision, 'ExplicitDeny');
    }),
    { numRuns: 400 },
  );
});

test('adding an Allow statement never overturns an explicit Deny', () => {
  fc.assert(
    fc.property(sets, request, stmt('Allow'), fc.nat(100), (s, r, allow, where) => {
      const before = decide(s, r);
      const after = decide(addStatement(s, where, allow), r);
      if (before.decision === 'ExplicitDeny') {
        assert.equal(after.decision, 'ExplicitDeny');
        assert.equal(after.deniedBy, before.deniedBy);
      }
    }),
    { numRuns: 400 },
  );
});

test('statement order never matters', () => {
  fc.assert(
    fc.property(sets, request, fc.nat(1000), (s, r, seed) => {
      const shuffle = <T>(xs: T[]): T[] => xs.map((x, i) => [((i + 1) * (seed + 7919)) % 104729, x] as const).sort((a, b) => a[0] - b[0]).map(([, x]) => x);
      const reordered: Sets = {
        identity: shuffle(s.identity.map(shuffle)),
        boundary: s.boundary ? shuffle(s.boundary) : undefined,
        session: s.session ? shuffle(s.session.map(shuffle)) : undefined,
        scps: s.scps ? s.scps.map((lvl) => shuffle(lvl.map(shuffle))) : undefined,
        rcps: s.rcps ? s.rcps.map((lvl) => shuffle(lvl.map(shuffle))) : undefined,
      };
      const a = decide(s, r);
      const b = decide(reordered, r);
      assert.equal(b.decision, a.decision);
      assert.equal(b.deniedBy, a.deniedBy);
      assert.deepEqual(b.missingAllow, a.missingAllow);
      assert.equal(b.matchedStatements.length, a.matchedStatements.length);
    }),
    { numRuns: 400 },
  );
});

test('a wildcard action matches exactly the catalog actions its expansion lists', async () => {
  const catalog = await loadActionCatalog();
  const services = ['s3', 'ec2', 'iam', 'sts', 'kms', 'dynamodb'];
  const all = new Map(services.map((s) => [s, catalog.expand(`${s}:*`)]));
  for (const s of services) assert.ok(all.get(s)!.length > 5, `catalog knows ${s}`);
  fc.assert(
    fc.property(fc.constantFrom(...services), fc.nat(10000), fc.nat(40), fc.constantFrom('*', '?', '*'), (svc, pick, cut, wild) => {
      const names = all.get(svc)!;
      const base = names[pick % names.length]!;
      const name = base.slice(base.indexOf(':') + 1);
      const pattern = `${svc}:${name.slice(0, Math.min(cut, name.length))}${wild}`;
      const expanded = new Set(catalog.expand(pattern));
      const p = compilePolicy(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: pattern, Resource: '*' }] }), { id: 'w', type: 'identity' });
      for (const a of names) {
        const ctx = buildRequestContext({ now: 0, principal: { arn: 'arn:aws:iam::111111111111:user/x' }, action: a, resource: '*' });
        assert.equal(authorize(ctx, { identity: [p] }).decision === 'Allow', expanded.has(a), `${pattern} vs ${a}`);
      }
      assert.ok(compileGlob(pattern.toLowerCase())(base.toLowerCase()) === expanded.has(base));
    }),
    { numRuns: 60 },
  );
});

test('the per-service statement index gives the same result as checking every statement', () => {
  fc.assert(
    fc.property(fc.array(stmt(), { minLength: 1, maxLength: 12 }), request, (sts, r) => {
      const p = compilePolicy(JSON.stringify({ Version: '2012-10-17', Statement: sts }), { id: 'x', type: 'identity' });
      const ctx = buildRequestContext({ now: 0, principal: { arn: 'arn:aws:iam::111111111111:user/x', tags: { team: r.team } }, action: r.action, resource: r.resource, region: r.region, sourceIp: r.ip });
      const matched: StatementRef[] = [];
      const got = evaluatePolicy(p, ctx, matched);
      let allow = 0;
      let deny = 0;
      const naive: number[] = [];
      for (const s of p.statements) {
        if (s.matchAction(ctx.actionLower) && s.matchResource(ctx) && s.matchPrincipal(ctx) && s.matchConditions(ctx)) {
          naive.push(s.ref.index);
          if (s.deny) deny = 4;
          else allow = 3;
        }
      }
      assert.equal(got, deny | allow);
      assert.deepEqual(matched.map((m) => m.index).sort((a, b) => a - b), naive);
    }),
    { numRuns: 500 },
  );
});

/** Whether an organization policy chain lets a request through: no Deny applies and every level has an applying Allow. */
function chainPasses(chain: Stmt[][][] | undefined, type: PolicyType, ctx: ReturnType<typeof buildRequestContext>): { deny: boolean; allowAll: boolean } {
  let deny = false;
  let allowAll = true;
  for (const [l, lvl] of (chain ?? []).entries()) {
    let any = false;
    for (const [i, sts] of lvl.entries()) {
      const r = evaluatePolicy(compilePolicy(JSON.stringify({ Version: '2012-10-17', Statement: sts }), { id: `${type}${l}.${i}`, type }), ctx, []);
      if (r & 4) deny = true;
      if (r & 3) any = true;
    }
    if (!any) allowAll = false;
  }
  return { deny, allowAll };
}

const RCP_BOUND = new Set(['s3', 'sts']);

test('the root user is allowed on its own account exactly when its SCPs and (for RCP services) RCPs let the request through', () => {
  fc.assert(
    fc.property(sets, request, (s, r) => {
      const ctx = buildRequestContext({ now: Date.UTC(2026, 0, 1), principal: { arn: 'arn:aws:iam::111111111111:root' }, action: r.action, resource: r.resource, resourceAccount: '111111111111', region: r.region, sourceIp: r.ip });
      const root: Sets = { identity: [], boundary: undefined, session: undefined, scps: s.scps, rcps: s.rcps };
      const d = authorize(ctx, compile(root));
      const scp = chainPasses(s.scps, 'scp', ctx);
      const rcp = RCP_BOUND.has(ctx.service) ? chainPasses(s.rcps, 'rcp', ctx) : { deny: false, allowAll: true };
      const expected = scp.deny || rcp.deny ? 'ExplicitDeny' : scp.allowAll && rcp.allowAll ? 'Allow' : 'ImplicitDeny';
      assert.equal(d.decision, expected);
      if (expected === 'ExplicitDeny') assert.equal(d.deniedBy, scp.deny ? 'scp' : 'rcp');
    }),
    { numRuns: 400 },
  );
});

test('an applying RCP Deny always wins for member-owned resources of RCP services, whoever calls', () => {
  const principals = [
    { arn: 'arn:aws:iam::111111111111:user/x' },
    { arn: 'arn:aws:iam::111111111111:root' },
    { arn: 'arn:aws:iam::999999999999:user/outsider' },
    { kind: 'anonymous' as const },
    { kind: 'assumed-role' as const, arn: 'arn:aws:sts::111111111111:assumed-role/dev/s', roleArn: 'arn:aws:iam::111111111111:role/dev' },
  ];
  const everyone = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }] };
  fc.assert(
    fc.property(sets, request, fc.constantFrom(...principals), fc.nat(100), fc.boolean(), (s, r, principal, where, withResource) => {
      const denyAll: Stmt = { Effect: 'Deny', Principal: '*', Action: '*', Resource: '*' };
      const rcps = s.rcps?.length ? s.rcps : [[[]]];
      const withDeny: Sets = JSON.parse(JSON.stringify({ ...s, rcps })) as Sets;
      const lvl = withDeny.rcps![where % withDeny.rcps!.length]!;
      if (!lvl.length) lvl.push([]);
      lvl[where % lvl.length]!.push(denyAll);
      const ctx = buildRequestContext({ now: Date.UTC(2026, 0, 1), principal, action: r.action, resource: r.resource, resourceAccount: '111111111111', region: r.region, sourceIp: r.ip });
      const set = compile(withDeny);
      if (withResource) set.resource = compilePolicy(JSON.stringify(everyone), { id: 'res', type: 'resource' });
      const d = authorize(ctx, set);
      if (RCP_BOUND.has(ctx.service)) {
        assert.equal(d.decision, 'ExplicitDeny');
        // An SCP Deny is named first (SCPs never bound anonymous callers); otherwise the RCP is.
        const scpDeny = principal.kind !== 'anonymous' && chainPasses(s.scps, 'scp', ctx).deny;
        assert.equal(d.deniedBy, scpDeny ? 'scp' : 'rcp');
      } else {
        // RCPs do not bound other services: the same decision as without them.
        const without = compile({ ...s, rcps: undefined });
        if (withResource) without.resource = set.resource!;
        assert.equal(d.decision, authorize(buildRequestContext({ now: Date.UTC(2026, 0, 1), principal, action: r.action, resource: r.resource, resourceAccount: '111111111111', region: r.region, sourceIp: r.ip }), without).decision);
      }
    }),
    { numRuns: 400 },
  );
});

test('a Deny guarded by a negated operator against a policy variable with no value always applies', () => {
  const negated = ['StringNotEquals', 'StringNotEqualsIgnoreCase', 'StringNotLike', 'StringNotEqualsIfExists'];
  fc.assert(
    fc.property(fc.constantFrom(...negated), fc.string({ minLength: 1, maxLength: 12 }), fc.constantFrom(...ACTIONS), (op, value, action) => {
      const deny = { Effect: 'Deny', Action: '*', Resource: '*', Condition: { [op]: { 'aws:ResourceTag/Team': '${aws:PrincipalTag/Team}' } } };
      const p = compilePolicy(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }, deny] }), { id: 'v', type: 'identity' });
      const ctx = buildRequestContext({ now: 0, principal: { arn: 'arn:aws:iam::111111111111:user/x', tags: { Other: value } }, action, resource: '*', resourceTags: { Team: value } });
      assert.equal(authorize(ctx, { identity: [p] }).decision, 'ExplicitDeny');
    }),
    { numRuns: 200 },
  );
});

test('property: one key read alone (contextValues) answers exactly what the whole set of keys holds, for every key', async () => {
  const { contextKeys, contextValues } = await import('../../src/policy/index.js');
  const names = ['sts:ExternalId', 'STS:externalid', 'iam:PassedToService', 's3:prefix', 'aws:SourceIp', 'AWS:sourceip', 'aws:PrincipalTag/team', 'aws:username', 'aws:CurrentTime', 'x:y'];
  const value = fc.oneof(fc.constant(undefined), fc.string({ maxLength: 4 }), fc.array(fc.string({ maxLength: 3 }), { maxLength: 3 }), fc.boolean(), fc.integer());
  fc.assert(
    fc.property(fc.dictionary(fc.constantFrom(...names), value), fc.constantFrom(...names), fc.boolean(), (given, asked, assumed) => {
      const facts = {
        principal: assumed
          ? { arn: 'arn:aws:sts::111111111111:assumed-role/r/s', accountId: '111111111111', roleId: 'AROAPROP', tags: { team: 'eng' } }
          : { arn: 'arn:aws:iam::111111111111:user/u', accountId: '111111111111', userName: 'u', tags: { team: 'ops' } },
        action: 'sts:AssumeRole',
        resource: '*',
        sourceIp: '10.0.0.1',
        now: 1_700_000_000_000,
        context: given as Record<string, string | string[] | boolean | number | undefined>,
      };
      const alone = buildRequestContext(facts);
      const whole = buildRequestContext(facts);
      assert.deepEqual(contextValues(alone, asked), contextKeys(whole).get(asked.toLowerCase()));
    }),
    { numRuns: 2000 },
  );
});
