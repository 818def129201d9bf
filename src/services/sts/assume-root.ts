/**
 * sts:AssumeRoot: short-term credentials of a member account's root user for one privileged task, issued to a
 * principal of the organization's management account or of IAM's delegated administrator, once centralized root access
 * (RootSessions, with trusted access for IAM) is enabled. The session has the root user's access minus what the task
 * policy denies (the root-task policies are Deny-only: they deny every action the task does not need), within the
 * member account's SCPs.
 */
import { decide, deniedMessage } from '../../authz/engine.js';
import { KamenError } from '../../errors.js';
import type { Operation, OperationContext, SessionInfo } from '../types.js';
import { rootSessionsRefusal } from '../iam/organizations-root-access.js';
import { durationSeconds, isoSeconds, issueCredentials, validationError, type AuthorizerSource } from './common.js';

/** The AWS managed task policies AssumeRoot accepts (STS API reference, TaskPolicyArn). */
export const ROOT_TASK_POLICIES: ReadonlySet<string> = new Set([
  'arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials',
  'arn:aws:iam::aws:policy/root-task/IAMCreateRootUserPassword',
  'arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials',
  'arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy',
  'arn:aws:iam::aws:policy/root-task/SQSUnlockQueuePolicy',
]);

/** The member account a TargetPrincipal names: an account ID or its root ARN. */
function targetAccount(value: unknown): string {
  const m = /^(?:(\d{12})|arn:aws:iam::(\d{12}):root)$/.exec(String(value));
  if (!m) throw validationError(value, 'targetPrincipal', 'Member must be an account ID or an account root ARN');
  return (m[1] ?? m[2])!;
}

/**
 * sts:AssumeRoot on the member's root ARN, decided on the caller's identity side (its policies, boundary, session
 * policies, SCPs): the member account has no resource policy to consult, so the request is not cross-account.
 */
async function authorizeAssumeRoot(ctx: OperationContext, authorizerFor: AuthorizerSource, target: string, task: unknown, input: Record<string, unknown>): Promise<void> {
  const authz = authorizerFor(ctx);
  const caller = ctx.caller;
  const p = await authz.gatherPolicies(caller);
  const resource = `arn:aws:iam::${target}:root`;
  const conditions = () => {
    const keys = authz.conditionKeys(ctx, p, 'sts', 'AssumeRoot', input);
    if (typeof task === 'string') keys['sts:TaskPolicyArn'] = task;
    return keys;
  };
  const d = decide({ principalArn: caller.arn, principalAccount: caller.accountId, action: 'sts:AssumeRoot', resource, resourceAccount: caller.accountId, conditions }, p, undefined, false, caller);
  if (d.decision !== 'Allow') throw new KamenError('ERR_ACCESS_DENIED', deniedMessage(d, caller.arn, 'sts:AssumeRoot', resource));
}

/** Builds the AssumeRoot operation. */
export function assumeRoot(authorizerFor: AuthorizerSource): Operation {
  return async (ctx, input: Record<string, unknown>) => {
    const caller = ctx.caller;
    // "You cannot use root user credentials to make this call."
    if (caller.kind === 'root') throw new KamenError('ERR_ACCESS_DENIED', `User: ${caller.arn} is not authorized to perform: sts:AssumeRoot with root user credentials`);
    const target = targetAccount(input['TargetPrincipal']);
    const task = (input['TaskPolicyArn'] as { arn?: unknown } | undefined)?.arn;
    await authorizeAssumeRoot(ctx, authorizerFor, target, task, input);
    if (typeof task !== 'string' || !ROOT_TASK_POLICIES.has(task)) throw validationError(task, 'taskPolicyArn.arn', `Member must be one of the root task policies: [${[...ROOT_TASK_POLICIES].join(', ')}]`);
    const seconds = durationSeconds(input, 0, 900, 900);
    const org = await ctx.store.getOrganization();
    const denied = (why: string) => new KamenError('ERR_ACCESS_DENIED', `User: ${caller.arn} is not authorized to perform: sts:AssumeRoot on resource: arn:aws:iam::${target}:root ${why}`);
    if (!org || org.featureSet !== 'ALL') throw denied('because the account is not in an organization with all features enabled');
    const refusal = await rootSessionsRefusal(ctx.store, org, caller.accountId);
    if (refusal) throw denied(refusal);
    if (target === org.managementAccountId || !(await ctx.store.getAccount(target))) throw denied('because the target is not a member account of the organization');
    const info: SessionInfo = { sourceArn: caller.arn, sourceId: caller.userId, issuedAt: isoSeconds(ctx.clock.now()), mfaAuthenticated: false, sessionPolicyArns: [task], tokenType: 'assume-root' };
    const principal = { kind: 'root' as const, arn: `arn:aws:iam::${target}:root`, userId: target };
    return { Credentials: await issueCredentials(ctx, target, principal, info, seconds) };
  };
}
