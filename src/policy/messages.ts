/** AWS's AccessDenied message texts for a decision. */
import type { Decision, PolicyType } from './types.js';

const NAME: Record<PolicyType, string> = {
  scp: 'service control policy',
  rcp: 'resource control policy',
  boundary: 'permissions boundary',
  session: 'session policy',
  resource: 'resource-based policy',
  identity: 'identity-based policy',
};
const ARTICLE: Record<PolicyType, string> = { scp: 'a', rcp: 'a', boundary: 'a', session: 'a', resource: 'a', identity: 'an' };

/** The "because …" / "with an explicit deny …" clause of a denial, or '' for an Allow. */
export function denialReason(decision: Decision, action: string): string {
  if (decision.decision === 'ExplicitDeny') {
    const t = decision.deniedBy ?? 'identity';
    return `with an explicit deny in ${ARTICLE[t]} ${NAME[t]}`;
  }
  if (decision.decision === 'ImplicitDeny') {
    const t = decision.missingAllow[0] ?? 'identity';
    return `because no ${NAME[t]} allows the ${action} action`;
  }
  return '';
}

/**
 * AWS's AccessDenied text, e.g. "User: arn:… is not authorized to perform: sts:AssumeRole on resource: arn:… because no
 * identity-based policy allows the sts:AssumeRole action"; the resource clause is left out for '*' or no resource.
 */
export function accessDeniedMessage(decision: Decision, req: { principalArn: string; action: string; resource?: string }): string {
  const who = req.principalArn ? `User: ${req.principalArn}` : 'User: anonymous';
  const on = req.resource && req.resource !== '*' ? ` on resource: ${req.resource}` : '';
  const why = denialReason(decision, req.action);
  return `${who} is not authorized to perform: ${req.action}${on}${why ? ' ' + why : ''}`;
}
