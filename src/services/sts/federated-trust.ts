/**
 * The trust decision for a federated caller (AssumeRoleWithSAML / AssumeRoleWithWebIdentity): only the role's trust
 * policy, naming the provider as `{"Federated": <provider ARN or issuer>}`, and the role account's resource control
 * policies decide; the request's `saml:*` or `<issuer>:*` keys, session tags and source identity are its conditions.
 * Every action (the assume action, sts:TagSession with tags, sts:SetSourceIdentity with a source identity) must be allowed.
 */
import { KamenError } from '../../errors.js';
import { authorize, buildRequestContext, type ContextInput } from '../../policy/index.js';
import type { Role } from '../../store/store.js';
import type { OperationContext } from '../types.js';
import type { AuthorizerSource } from './common.js';

/** What the trust decision is about. */
export interface FederatedRequest {
  action: 'sts:AssumeRoleWithSAML' | 'sts:AssumeRoleWithWebIdentity';
  /** The Federated principal value the trust policy must name (the provider ARN, as AWS matches it). */
  provider: string;
  role: Role;
  /** Condition keys supplied by the token (saml:aud, <issuer>:sub, …). */
  keys: Record<string, ContextInput>;
  tags?: Record<string, string>;
  transitiveTagKeys?: string[];
  sourceIdentity?: string;
  roleSessionName?: string;
}

/** AWS's refusal for every federated trust failure (and for a role the token does not map to). */
export function notAuthorized(action: FederatedRequest['action']): KamenError {
  return new KamenError('ERR_ACCESS_DENIED', `Not authorized to perform ${action}`);
}

/** Throws AccessDenied unless the role's trust policy (and RCPs) allow every action of the request. */
export async function checkFederatedTrust(ctx: OperationContext, authorizerFor: AuthorizerSource, r: FederatedRequest): Promise<void> {
  const authz = authorizerFor(ctx);
  const trust = authz.compile(r.role.assumeRolePolicyDocument, r.role.arn, 'resource');
  const rcps = await authz.resourceControlPolicies(r.role.accountId);
  const context: Record<string, ContextInput> = { ...r.keys, 'aws:FederatedProvider': r.provider };
  for (const t of r.role.tags) context[`aws:ResourceTag/${t.Key}`] = t.Value;
  if (r.tags) {
    for (const [k, v] of Object.entries(r.tags)) context[`aws:RequestTag/${k}`] = v;
    context['aws:TagKeys'] = Object.keys(r.tags);
  }
  if (r.transitiveTagKeys?.length) context['sts:TransitiveTagKeys'] = r.transitiveTagKeys;
  if (r.sourceIdentity !== undefined) context['sts:SourceIdentity'] = r.sourceIdentity;
  if (r.roleSessionName !== undefined) context['sts:RoleSessionName'] = r.roleSessionName;
  const actions: string[] = [r.action];
  if (r.tags && Object.keys(r.tags).length) actions.push('sts:TagSession');
  if (r.sourceIdentity !== undefined) actions.push('sts:SetSourceIdentity');
  for (const action of actions) {
    const req = buildRequestContext({
      principal: { kind: 'federated-user', arn: '', accountId: r.role.accountId, federatedProvider: r.provider, temporary: false },
      action,
      resource: r.role.arn,
      resourceAccount: r.role.accountId,
      now: ctx.clock.now(),
      sourceIp: ctx.sourceIp,
      secureTransport: ctx.secureTransport,
      region: ctx.region,
      context,
    });
    const set: Parameters<typeof authorize>[1] = { identity: [], resource: trust, resourceMustAllow: true };
    if (rcps) set.rcps = rcps;
    if (authorize(req, set).decision !== 'Allow') throw notAuthorized(r.action);
  }
}
