/** Runs the JSON policy vectors under test/vectors/policy/: evaluation (SCPs, RCPs, root …), conditions, matching, validation. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { vectorPath, readVectors } from '../helpers/paths.js';
import { compilePolicy, buildRequestContext, authorize, accessDeniedMessage, validatePolicy, assertValidPolicy, explainDecision } from '../../src/policy/index.js';
import type { PolicyKind, PolicySet, PolicyType, RequestFacts } from '../../src/policy/index.js';
import { isKamenError } from '../../src/errors.js';

type Doc = Record<string, unknown>;
interface EvalCase {
  name: string;
  policies: { identity?: Array<Doc | Doc[]>; resource?: Doc | Doc[]; scps?: Array<Array<Doc | Doc[]>>; rcps?: Array<Array<Doc | Doc[]>>; boundary?: Doc | Doc[]; session?: Array<Doc | Doc[]>; resourceMustAllow?: boolean };
  request: RequestFacts;
  expect: { decision: string; deniedBy?: string; missingAllow?: string[]; message?: string; matchedSids?: string[]; grantedBy?: string };
}
interface CondCase {
  name: string;
  condition: Doc;
  context?: Record<string, string | string[]>;
  principal?: RequestFacts['principal'];
  resource?: string;
  expect: boolean;
}
interface MatchCase {
  pattern?: string;
  action?: string;
  resourcePattern?: string;
  resource?: string;
  match: boolean;
}
interface ValCase {
  name: string;
  kind: PolicyKind;
  policy?: Doc | unknown;
  text?: string;
  limitChars?: number;
  errors: Array<{ message: string; code?: string; path?: string; line?: number; column?: number }>;
  warnings?: string[];
  throws?: string;
}

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const dir = vectorPath('policy');
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

function policySet(c: EvalCase['policies']): PolicySet {
  // A policy is a document or, as shorthand, its list of statements.
  const comp = (d: Doc | Doc[], id: string, type: PolicyType) => compilePolicy(JSON.stringify(Array.isArray(d) ? { Version: '2012-10-17', Statement: d } : d), { id, type });
  const set: PolicySet = { identity: (c.identity ?? []).map((d, i) => comp(d, `identity-${i}`, 'identity')) };
  if (c.resource) set.resource = comp(c.resource, 'resource', 'resource');
  if (c.scps) set.scps = c.scps.map((lvl, l) => lvl.map((d, i) => comp(d, `scp-${l}-${i}`, 'scp')));
  if (c.rcps) set.rcps = c.rcps.map((lvl, l) => lvl.map((d, i) => comp(d, `rcp-${l}-${i}`, 'rcp')));
  if (c.boundary) set.boundary = comp(c.boundary, 'boundary', 'boundary');
  if (c.session) set.session = c.session.map((d, i) => comp(d, `session-${i}`, 'session'));
  if (c.resourceMustAllow !== undefined) set.resourceMustAllow = c.resourceMustAllow;
  return set;
}

for (const file of files) {
  const data = readVectors<{ evaluation?: EvalCase[]; conditions?: CondCase[]; validation?: ValCase[]; matching?: MatchCase[] }>('policy', file);
  for (const c of data.matching ?? []) {
    const label = c.pattern !== undefined ? `action ${c.pattern} ~ ${c.action}` : `resource ${c.resourcePattern} ~ ${c.resource}`;
    test(`${file}: ${label} → ${c.match}`, () => {
      const st = c.pattern !== undefined ? { Effect: 'Allow', Action: c.pattern, Resource: '*' } : { Effect: 'Allow', Action: '*', Resource: c.resourcePattern };
      const p = compilePolicy(JSON.stringify({ Version: '2012-10-17', Statement: [st] }), { id: 'm', type: 'identity' });
      const ctx = buildRequestContext({ now: NOW, principal: { arn: 'arn:aws:iam::111111111111:user/alice' }, action: c.action ?? 's3:GetObject', resource: c.resource ?? '*', resourceAccount: '111111111111' });
      assert.equal(authorize(ctx, { identity: [p] }).decision === 'Allow', c.match);
    });
  }
  for (const c of data.evaluation ?? []) {
    test(`${file}: ${c.name}`, () => {
      const ctx = buildRequestContext({ now: NOW, ...c.request });
      const d = authorize(ctx, policySet(c.policies));
      const why = explainDecision(d).join('\n');
      assert.equal(d.decision, c.expect.decision, why);
      if (c.expect.deniedBy !== undefined) assert.equal(d.deniedBy, c.expect.deniedBy, why);
      if (c.expect.missingAllow !== undefined) assert.deepEqual(d.missingAllow, c.expect.missingAllow, why);
      if (c.expect.grantedBy !== undefined) assert.equal(d.grantedBy, c.expect.grantedBy, why);
      if (c.expect.matchedSids !== undefined)
        assert.deepEqual(d.matchedStatements.map((s) => s.sid ?? `#${s.index}`).sort(), c.expect.matchedSids.slice().sort(), why);
      if (c.expect.message !== undefined) {
        const res = typeof c.request.resource === 'string' ? c.request.resource : c.request.resource?.arn;
        const msg = accessDeniedMessage(d, { principalArn: ctx.principal.arn, action: c.request.action, ...(res ? { resource: res } : {}) });
        assert.equal(msg, c.expect.message);
      }
    });
  }
  for (const c of data.conditions ?? []) {
    test(`${file}: condition ${c.name}`, () => {
      const doc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: c.condition }] };
      assert.deepEqual(validatePolicy(JSON.stringify(doc), 'identity').errors, [], 'condition vector must be a valid policy');
      const p = compilePolicy(JSON.stringify(doc), { id: 'cond', type: 'identity' });
      const ctx = buildRequestContext({
        now: NOW,
        principal: c.principal ?? { kind: 'user', arn: 'arn:aws:iam::111111111111:user/alice', userId: 'AIDAALICE' },
        action: 's3:GetObject',
        resource: c.resource ?? 'arn:aws:s3:::bucket/key',
        ...(c.context ? { context: c.context } : {}),
      });
      assert.equal(authorize(ctx, { identity: [p] }).decision === 'Allow', c.expect);
    });
  }
  for (const c of data.validation ?? []) {
    test(`${file}: validate ${c.name}`, () => {
      const text = c.text ?? JSON.stringify(c.policy, null, 2);
      const opts = c.limitChars !== undefined ? { limitChars: c.limitChars } : {};
      const r = validatePolicy(text, c.kind, opts);
      assert.deepEqual(
        r.errors.map((e) => e.message),
        c.errors.map((e) => e.message),
        JSON.stringify(r.errors),
      );
      c.errors.forEach((e, i) => {
        const got = r.errors[i]!;
        if (e.code) assert.equal(got.code, e.code);
        if (e.path) assert.equal(got.path, e.path);
        if (e.line !== undefined) assert.equal(got.line, e.line);
        if (e.column !== undefined) assert.equal(got.column, e.column);
      });
      if (c.warnings) assert.deepEqual(r.warnings.map((w) => w.code), c.warnings);
      if (c.errors.length === 0) assert.doesNotThrow(() => assertValidPolicy(text, c.kind, opts));
      else
        assert.throws(
          () => assertValidPolicy(text, c.kind, opts),
          (err: unknown) => isKamenError(err, (c.throws ?? 'ERR_MALFORMED_POLICY_DOCUMENT') as never) && err.message === (r.errors.find((x) => x.code !== 'LimitExceeded') ?? r.errors[0])!.message,
        );
    });
  }
}
