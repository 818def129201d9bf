/** authorize(): AWS's policy evaluation logic over SCPs, resource, identity, boundary and session policies. */
import type { Decision, PolicySet, PolicyType, RequestContext, StatementRef } from './types.js';
import { DENIED, evaluatePolicy } from './evaluate.js';
import { RCP_SERVICES, isServiceLinkedRole } from './rcp.js';

const EMPTY: PolicyType[] = [];

function make(ctx: RequestContext, decision: Decision['decision'], matched: StatementRef[], missing: PolicyType[], cross: boolean): Decision {
  return {
    decision,
    matchedStatements: matched,
    missingAllow: missing,
    action: ctx.action,
    resource: ctx.resource,
    principalArn: ctx.principal.arn,
    crossAccount: cross,
  };
}

/**
 * Decides a request. Case table (first row that fits wins):
 *   any Deny statement applies (SCP, RCP, boundary, session, resource, identity) → ExplicitDeny (deniedBy: first in that order)
 *   an SCP level (root → OUs → account) has no Allow                         → ImplicitDeny [scp]
 *   an RCP level of the resource owner's account has no Allow                → ImplicitDeny [rcp]
 *   anonymous or service principal: resource policy allows                   → Allow, else ImplicitDeny [resource]
 *   same account, resource policy names the user / session / federated user / "*" → Allow (identity, boundary, session not needed)
 *   same account, resource policy names the role ARN of the caller's session → Allow iff boundary and session policies allow
 *   resource policy required (cross-account, trust policy, resourceMustAllow) and it is absent or does not allow
 *                                                                             → ImplicitDeny [resource, + others lacking]
 *   root user (full access to its own account's resources), or identity policy allows, boundary (if any) allows,
 *   session policies (if any; required for federated users) allow           → Allow
 *   otherwise                                                                 → ImplicitDeny [those lacking]
 * SCPs bound the caller's account (never anonymous, service or service-linked-role callers); RCPs bound the resource
 * owner's account for the services RCPs support (every caller but service-linked roles).
 */
export function authorize(ctx: RequestContext, set: PolicySet): Decision {
  const matched: StatementRef[] = [];
  const p = ctx.principal;
  const anon = p.kind === 'anonymous' || p.kind === 'service';
  const cross = ctx.resourceAccount !== undefined && ctx.resourceAccount !== p.accountId;
  let deniedBy: PolicyType | undefined;

  const slr = set.scps !== undefined || set.rcps !== undefined ? isServiceLinkedRole(ctx) : false;
  // SCPs: every level must allow; any Deny wins.
  let scpOk = true;
  const scps = set.scps;
  if (scps !== undefined && !anon && !slr) {
    for (let l = 0; l < scps.length; l++) {
      const level = scps[l]!;
      let levelAllow = false;
      for (let j = 0; j < level.length; j++) {
        const r = evaluatePolicy(level[j]!, ctx, matched);
        if (r & DENIED) deniedBy ??= 'scp';
        if (r & 3) levelAllow = true;
      }
      if (!levelAllow) scpOk = false;
    }
  }
  // RCPs of the resource owner's account: the same rule, for every caller but service-linked roles.
  let rcpOk = true;
  const rcps = set.rcps;
  if (rcps !== undefined && !slr && RCP_SERVICES.has(ctx.service)) {
    for (let l = 0; l < rcps.length; l++) {
      const level = rcps[l]!;
      let levelAllow = false;
      for (let j = 0; j < level.length; j++) {
        const r = evaluatePolicy(level[j]!, ctx, matched);
        if (r & DENIED) deniedBy ??= 'rcp';
        if (r & 3) levelAllow = true;
      }
      if (!levelAllow) rcpOk = false;
    }
  }
  let boundaryOk = true;
  if (set.boundary !== undefined && !anon) {
    const r = evaluatePolicy(set.boundary, ctx, matched);
    if (r & DENIED) deniedBy ??= 'boundary';
    boundaryOk = (r & 3) !== 0;
  }
  // A federated user session (GetFederationToken) with no session policy has no permissions; a role session does.
  let sessionOk = !(p.kind === 'federated-user' && p.federatedProvider === undefined && set.session === undefined);
  const sess = set.session;
  if (sess !== undefined && !anon) {
    sessionOk = false;
    for (let j = 0; j < sess.length; j++) {
      const r = evaluatePolicy(sess[j]!, ctx, matched);
      if (r & DENIED) deniedBy ??= 'session';
      if (r & 3) sessionOk = true;
    }
  }
  let resourceAllow = 0;
  if (set.resource !== undefined) {
    const r = evaluatePolicy(set.resource, ctx, matched);
    if (r & DENIED) deniedBy ??= 'resource';
    resourceAllow = r & 3;
  }
  // The root user has full access to its own account's resources (no identity policy needed).
  const root = p.kind === 'root';
  let identityOk = root;
  if (!anon) {
    const ids = set.identity;
    for (let j = 0; j < ids.length; j++) {
      const r = evaluatePolicy(ids[j]!, ctx, matched);
      if (r & DENIED) deniedBy ??= 'identity';
      if (r & 3) identityOk = true;
    }
  }

  if (deniedBy !== undefined) {
    const d = make(ctx, 'ExplicitDeny', matched, EMPTY, cross);
    d.deniedBy = deniedBy;
    return d;
  }
  if (!scpOk) return make(ctx, 'ImplicitDeny', matched, ['scp'], cross);
  if (!rcpOk) return make(ctx, 'ImplicitDeny', matched, ['rcp'], cross);
  if (anon) {
    if (resourceAllow) return grant(make(ctx, 'Allow', matched, EMPTY, cross), 'resource');
    return make(ctx, 'ImplicitDeny', matched, ['resource'], cross);
  }
  if (!cross && resourceAllow === 3) return grant(make(ctx, 'Allow', matched, EMPTY, cross), 'resource-direct');
  if (!cross && resourceAllow === 2 && boundaryOk && sessionOk) return grant(make(ctx, 'Allow', matched, EMPTY, cross), 'resource-role');
  // A resource policy that must allow and is absent allows nothing (an implicit deny).
  const mustAllow = cross || (set.resourceMustAllow ?? (set.resource !== undefined && ctx.actionLower.startsWith('sts:')));
  const resourceOk = !mustAllow || resourceAllow !== 0;
  if (resourceOk && identityOk && boundaryOk && sessionOk) return grant(make(ctx, 'Allow', matched, EMPTY, cross), mustAllow ? 'resource+identity' : root ? 'root' : 'identity');
  const missing: PolicyType[] = [];
  if (!boundaryOk) missing.push('boundary');
  if (!sessionOk) missing.push('session');
  if (!resourceOk) missing.push('resource');
  if (!identityOk) missing.push('identity');
  return make(ctx, 'ImplicitDeny', matched, missing, cross);
}

function grant(d: Decision, how: string): Decision {
  d.grantedBy = how;
  return d;
}
