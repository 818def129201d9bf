/** sts:AssumeRole: trust policy + caller identity (both sides across accounts), MFA, ExternalId, session policies and tags. */
import { KamenError } from '../../errors.js';
import { assertValidSessionPolicy, decide, deniedMessage } from '../../authz/engine.js';
import { sessionRoleIsCurrent } from '../../authz/session.js';
import type { Operation, OperationContext, SessionInfo } from '../types.js';
import { checkName, checkSessionTagKey, durationSeconds, isoSeconds, issueCredentials, packedPolicySize, policyArns, sessionTags, validationError, type AuthorizerSource } from './common.js';
import { verifyCallerMfa } from './mfa.js';

/** AWS's text when a role session asks for more than an hour. */
export const CHAINING_LIMIT = 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.';
/** AWS's text when a session tag would override a transitive tag carried from the calling session. */
export const TRANSITIVE_OVERRIDE = "One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session.";
/** AWS's text when DurationSeconds exceeds the role's MaxSessionDuration. */
export const MAX_SESSION_EXCEEDED = 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.';

/** AWS's text when root credentials call AssumeRole. */
export const ROOT_MAY_NOT_ASSUME = 'Roles may not be assumed by root accounts.';

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\u0021-\u007E]*\/)?([\w+=,.@-]{1,64})$/;

/** The denial AWS gives for a missing role and for a trust refusal alike. */
function notAuthorized(callerArn: string, roleArn: string, action = 'sts:AssumeRole'): KamenError {
  return new KamenError('ERR_ACCESS_DENIED', `User: ${callerArn} is not authorized to perform: ${action} on resource: ${roleArn}`);
}

/** Builds the AssumeRole operation. */
export function assumeRole(authorizerFor: AuthorizerSource): Operation {
  return async (ctx: OperationContext, input: Record<string, unknown>) => {
    const authz = authorizerFor(ctx);
    const caller = ctx.caller;
    const roleArn = input['RoleArn'];
    if (typeof roleArn !== 'string') throw new KamenError('ERR_VALIDATION', "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null");
    if (roleArn.length < 20) throw validationError(roleArn, 'roleArn', 'Member must have length greater than or equal to 20');
    const sessionName = checkName(input['RoleSessionName'], 'roleSessionName', 2, 64);
    const chained = caller.kind === 'assumed-role';
    // AWS refuses root credentials (and root's GetSessionToken sessions) outright, before looking at the role.
    if (caller.kind === 'root') throw new KamenError('ERR_ACCESS_DENIED', ROOT_MAY_NOT_ASSUME);
    if (caller.kind === 'federated-user' || caller.session?.tokenType === 'federation-token') throw notAuthorized(caller.arn, roleArn);
    const requested = durationSeconds(input, 900, 43200, 3600);
    if (chained && requested > 3600) throw new KamenError('ERR_VALIDATION', CHAINING_LIMIT);
    const externalId = input['ExternalId'];
    if (externalId !== undefined && (typeof externalId !== 'string' || externalId.length < 2 || externalId.length > 1224)) {
      throw validationError(externalId, 'externalId', 'Member must have length greater than or equal to 2');
    }
    const policy = typeof input['Policy'] === 'string' ? (input['Policy'] as string) : undefined;
    if (policy !== undefined) assertValidSessionPolicy(policy);
    const arns = policyArns(input);
    const tags = sessionTags(input);
    const transitive = Array.isArray(input['TransitiveTagKeys']) ? (input['TransitiveTagKeys'] as string[]) : undefined;
    for (const k of transitive ?? []) checkSessionTagKey(String(k));
    if (transitive?.length && (!tags || transitive.some((k) => !Object.keys(tags).some((t) => t.toLowerCase() === k.toLowerCase())))) {
      throw new KamenError('ERR_INVALID_PARAMETER_VALUE', 'The specified transitive tag key must be included in the requested tags.');
    }
    const sourceIdentity = typeof input['SourceIdentity'] === 'string' ? (input['SourceIdentity'] as string) : undefined;
    if (sourceIdentity !== undefined) checkName(sourceIdentity, 'sourceIdentity', 2, 64);
    if (caller.session?.sourceIdentity && sourceIdentity !== undefined && sourceIdentity !== caller.session.sourceIdentity) {
      throw new KamenError('ERR_ACCESS_DENIED', 'SourceIdentity cannot be changed in a role chain.');
    }
    // Without SerialNumber and TokenCode there is nothing to verify (and no turn to wait).
    const mfa = input['SerialNumber'] === undefined && input['TokenCode'] === undefined ? false : await verifyCallerMfa(ctx, caller, input);

    const m = ROLE_ARN.exec(roleArn);
    const role = m ? await ctx.store.getRole(m[1]!, m[2]!) : undefined;
    if (!m || !role) throw notAuthorized(caller.arn, roleArn);
    // A session whose role was deleted is not trusted by a policy naming that role's ARN (it binds the role's ID).
    if (chained && !(await sessionRoleIsCurrent(ctx.store, caller))) throw notAuthorized(caller.arn, roleArn);
    const roleAccount = m[1]!;
    if (!chained && requested > role.maxSessionDuration) throw new KamenError('ERR_VALIDATION', MAX_SESSION_EXCEEDED);

    // Carry the caller's transitive session tags (role chaining); they cannot be overridden.
    const carried: Record<string, string> = {};
    const carriedKeys: string[] = [];
    if (chained) {
      for (const k of caller.session?.transitiveTagKeys ?? []) {
        const v = caller.session?.tags?.[k];
        if (v === undefined) continue;
        if (tags && Object.keys(tags).some((t) => t.toLowerCase() === k.toLowerCase())) {
          throw new KamenError('ERR_INVALID_PARAMETER_VALUE', TRANSITIVE_OVERRIDE);
        }
        carried[k] = v;
        carriedKeys.push(k);
      }
    }
    const packed = policy !== undefined || arns !== undefined || tags !== undefined ? packedPolicySize(policy, arns, tags) : undefined;

    // Authorization: the trust policy must allow; the caller's identity side must allow across accounts (and in the
    // same account unless the trust names the caller itself); SCPs, boundaries and session policies of the caller apply.
    const p = await authz.gatherPolicies(caller);
    const conditions = authz.conditionKeys(ctx, p);
    if (mfa) {
      conditions['aws:MultiFactorAuthPresent'] = 'true';
      conditions['aws:MultiFactorAuthAge'] = '0';
    }
    if (typeof externalId === 'string') conditions['sts:ExternalId'] = externalId;
    conditions['sts:RoleSessionName'] = sessionName;
    const effectiveSourceIdentity = sourceIdentity ?? caller.session?.sourceIdentity;
    if (sourceIdentity !== undefined) conditions['sts:SourceIdentity'] = sourceIdentity;
    for (const t of role.tags) conditions[`aws:ResourceTag/${t.Key}`] = t.Value;
    if (tags) {
      for (const [k, v] of Object.entries(tags)) conditions[`aws:RequestTag/${k}`] = v;
      conditions['aws:TagKeys'] = Object.keys(tags);
    }
    if (transitive?.length) conditions['sts:TransitiveTagKeys'] = transitive;
    const trust = authz.compile(role.assumeRolePolicyDocument, role.arn, 'resource');
    // The role's account's resource control policies bound every caller (member accounts only).
    const rcps = await authz.resourceControlPolicies(roleAccount);
    // Session tags need sts:TagSession and a new source identity sts:SetSourceIdentity, on both sides.
    const actions = ['sts:AssumeRole'];
    if (tags) actions.push('sts:TagSession');
    if (sourceIdentity !== undefined && !caller.session?.sourceIdentity) actions.push('sts:SetSourceIdentity');
    for (const action of actions) {
      const facts: Parameters<typeof decide>[0] = { principalArn: caller.arn, principalAccount: caller.accountId, action, resource: role.arn, resourceAccount: roleAccount, conditions };
      if (rcps) facts.rcps = rcps;
      const d = decide(facts, p, trust, true, caller);
      if (d.decision === 'Allow') continue;
      // A trust policy that does not let the caller in reads like a missing role; an identity-side refusal says why.
      const trustRefused = d.deniedBy === 'resource' || d.missingAllow.includes('resource');
      throw trustRefused ? notAuthorized(caller.arn, roleArn, action) : new KamenError('ERR_ACCESS_DENIED', deniedMessage(d, caller.arn, action, roleArn));
    }

    const now = ctx.clock.now();
    const assumedArn = `arn:aws:sts::${roleAccount}:assumed-role/${role.roleName}/${sessionName}`;
    const assumedId = `${role.roleId}:${sessionName}`;
    const allTags = { ...carried, ...(tags ?? {}) };
    const info: SessionInfo = {
      sourceArn: role.arn,
      roleName: role.roleName,
      roleId: role.roleId,
      sessionName,
      issuedAt: isoSeconds(now),
      mfaAuthenticated: mfa || caller.session?.mfaAuthenticated === true,
      tokenType: 'assume-role',
    };
    if (info.mfaAuthenticated) info.mfaAuthenticatedAt = mfa ? isoSeconds(now) : caller.session?.mfaAuthenticatedAt ?? caller.session?.issuedAt ?? isoSeconds(now);
    if (effectiveSourceIdentity) info.sourceIdentity = effectiveSourceIdentity;
    if (policy !== undefined) info.sessionPolicy = policy;
    if (arns) info.sessionPolicyArns = arns;
    if (Object.keys(allTags).length) info.tags = allTags;
    const transitiveAll = [...carriedKeys, ...(transitive ?? [])];
    if (transitiveAll.length) info.transitiveTagKeys = transitiveAll;
    if (chained) info.chained = true;
    const seconds = chained ? Math.min(requested, 3600) : requested;
    // One commit: the credentials, and the role's "last used" stamp (refreshed at most once a minute per region).
    const stamp = !role.lastUsed || role.lastUsed.region !== ctx.region || now - role.lastUsed.date.getTime() >= 60_000;
    const issue = () => issueCredentials(ctx, roleAccount, { kind: 'assumed-role', arn: assumedArn, userId: assumedId }, info, seconds, { sealed: true });
    const Credentials = !stamp
      ? await issue()
      : await ctx.store.transaction(async () => {
          const c = await issue();
          await ctx.store.updateRole(roleAccount, role.roleName, { lastUsed: { date: new Date(now), region: ctx.region } });
          return c;
        });
    const out: Record<string, unknown> = { Credentials, AssumedRoleUser: { AssumedRoleId: assumedId, Arn: assumedArn } };
    if (packed !== undefined) out['PackedPolicySize'] = packed;
    if (effectiveSourceIdentity) out['SourceIdentity'] = effectiveSourceIdentity;
    return out;
  };
}
