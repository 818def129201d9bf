/** Policy engine benchmark: compile time and decisions/s for four representative cases (median of 7 runs). */
import { compilePolicy, buildRequestContext, authorize } from '../src/policy/index.js';
import type { CompiledPolicy, PolicySet, RequestContext } from '../src/policy/index.js';

const ACCT = '111111111111';
const OTHER = '222222222222';

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

function measure(fn: () => unknown, ms = 150): number {
  // Warm up, then count calls in a fixed window.
  for (let i = 0; i < 20000; i++) fn();
  let n = 0;
  const end = performance.now() + ms;
  while (performance.now() < end) {
    for (let i = 0; i < 1000; i++) fn();
    n += 1000;
  }
  return (n / ms) * 1000;
}

function compileTime(texts: Array<[string, Parameters<typeof compilePolicy>[1]]>): number {
  const runs: number[] = [];
  for (let r = 0; r < 7; r++) {
    const t0 = performance.now();
    for (let i = 0; i < 200; i++) for (const [t, m] of texts) compilePolicy(t, m);
    runs.push(((performance.now() - t0) * 1000) / 200);
  }
  return median(runs);
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function report(label: string, texts: Array<[string, Parameters<typeof compilePolicy>[1]]>, ctxs: RequestContext[], set: PolicySet): void {
  const rates: number[] = [];
  let k = 0;
  for (let r = 0; r < 7; r++) rates.push(measure(() => authorize(ctxs[k++ % ctxs.length]!, set)));
  console.log(`policy ${label}: ${fmt(median(rates))} decisions/s (median of 7); compile ${compileTime(texts).toFixed(1)} µs`);
}

/** Runs the four cases and prints one line each. */
export async function run(): Promise<void> {
  const now = Date.UTC(2026, 0, 1);
  // (A) 3 statements with an MFA deny.
  const aText = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/*' },
      { Effect: 'Deny', Action: '*', Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } },
      { Effect: 'Allow', Action: 'ec2:Describe*', Resource: '*' },
    ],
  });
  const aMeta = { id: 'A', type: 'identity' as const };
  const a = compilePolicy(aText, aMeta);
  const sess = { arn: `arn:aws:sts::${ACCT}:assumed-role/dev/s1`, roleId: 'AROAEXAMPLE', mfaPresent: true, tokenIssueTime: now - 60000 };
  const aCtx = [
    buildRequestContext({ principal: sess, action: 's3:GetObject', resource: 'arn:aws:s3:::bucket/key.txt', now }),
    buildRequestContext({ principal: sess, action: 'ec2:DescribeInstances', resource: '*', now }),
    buildRequestContext({ principal: { ...sess, mfaPresent: false }, action: 's3:GetObject', resource: 'arn:aws:s3:::bucket/key.txt', now }),
  ];
  report('A (3 stmts, MFA deny)', [[aText, aMeta]], aCtx, { identity: [a] });

  // (B) cross-account AssumeRole: trust policy with sts:ExternalId + the caller's identity policy.
  const trustText = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OTHER}:root` }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': 'ext-123' } } }],
  });
  const idText = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${ACCT}:role/*` }] });
  const trust = compilePolicy(trustText, { id: 'trust', type: 'resource' });
  const id = compilePolicy(idText, { id: 'caller', type: 'identity' });
  const bCtx = [buildRequestContext({ principal: { arn: `arn:aws:iam::${OTHER}:user/bob`, userId: 'AIDAEXAMPLE' }, action: 'sts:AssumeRole', resource: `arn:aws:iam::${ACCT}:role/x`, now, context: { 'sts:ExternalId': 'ext-123' } })];
  report('B (cross-account AssumeRole, ExternalId)', [[trustText, { id: 'trust', type: 'resource' }], [idText, { id: 'caller', type: 'identity' }]], bCtx, { identity: [id], resource: trust });

  // (C) a role with 10 managed policies of 20 statements each, wildcards included.
  const services = ['s3', 'ec2', 'iam', 'sqs', 'sns', 'dynamodb', 'lambda', 'kms', 'logs', 'cloudwatch'];
  const cTexts: Array<[string, { id: string; type: 'identity' }]> = [];
  for (let p = 0; p < 10; p++) {
    const st = [];
    for (let i = 0; i < 20; i++) {
      const svc = services[(p + i) % services.length]!;
      st.push({
        Sid: `S${p}x${i}`,
        Effect: i % 7 === 6 ? 'Deny' : 'Allow',
        Action: i % 3 === 0 ? [`${svc}:Get*`, `${svc}:List*`] : [`${svc}:Put${i}Thing`, `${svc}:Describe?${i}`],
        Resource: i % 2 ? `arn:aws:${svc}:*:${ACCT}:thing/${p}/*` : `arn:aws:${svc}:us-east-1:${ACCT}:*`,
        ...(i % 5 === 4 ? { Condition: { StringLike: { 'aws:PrincipalTag/team': ['eng*', 'ops'] } } } : {}),
      });
    }
    cTexts.push([JSON.stringify({ Version: '2012-10-17', Statement: st }), { id: `arn:aws:iam::${ACCT}:policy/p${p}`, type: 'identity' }]);
  }
  const cPols: CompiledPolicy[] = cTexts.map(([t, m]) => compilePolicy(t, m));
  const role = { arn: `arn:aws:sts::${ACCT}:assumed-role/app/s`, roleId: 'AROAEXAMPLE', tags: { team: 'engineering' }, tokenIssueTime: now };
  const cCtx = [
    buildRequestContext({ principal: role, action: 'dynamodb:GetItem', resource: `arn:aws:dynamodb:us-east-1:${ACCT}:table/t`, now }),
    buildRequestContext({ principal: role, action: 'sqs:SendMessage', resource: `arn:aws:sqs:us-east-1:${ACCT}:q`, now }),
  ];
  report('C (10 managed policies x 20 stmts)', cTexts, cCtx, { identity: cPols });

  // (D) an SCP chain of 3 levels plus a permissions boundary.
  const full = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'FullAWSAccess', Effect: 'Allow', Action: '*', Resource: '*' }] });
  const regionDeny = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Deny', NotAction: ['iam:*', 'sts:*', 'organizations:*'], Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': ['us-east-1', 'eu-west-1'] } } }],
  });
  const boundaryText = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:*', 'ec2:*'], Resource: '*' }] });
  const dTexts: Array<[string, { id: string; type: 'scp' | 'boundary' | 'identity' }]> = [
    [full, { id: 'root-full', type: 'scp' }],
    [regionDeny, { id: 'ou-region', type: 'scp' }],
    [full, { id: 'acct-full', type: 'scp' }],
    [boundaryText, { id: 'boundary', type: 'boundary' }],
    [aText, { id: 'A', type: 'identity' }],
  ];
  const [r0, r1, r2, bnd] = dTexts.map(([t, m]) => compilePolicy(t, m));
  const dCtx = [buildRequestContext({ principal: sess, action: 'ec2:DescribeInstances', resource: '*', region: 'us-east-1', now })];
  report('D (3-level SCP chain + boundary)', dTexts, dCtx, { identity: [a], scps: [[r0!], [r1!, r2!], [r2!]], boundary: bnd! });

  // Context building cost, reported separately (callers build one context per request).
  const rates: number[] = [];
  for (let r = 0; r < 7; r++) rates.push(measure(() => buildRequestContext({ principal: sess, action: 's3:GetObject', resource: 'arn:aws:s3:::bucket/key.txt', now })));
  console.log(`policy buildRequestContext: ${fmt(median(rates))} contexts/s (median of 7)`);
}
