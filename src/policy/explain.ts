/** explainDecision(): the evaluation steps of a decision as human-readable lines (for the web console). */
import type { Decision, PolicyType, StatementRef } from './types.js';
import { denialReason } from './messages.js';

const LABEL: Record<PolicyType, string> = {
  scp: 'Service control policies',
  rcp: 'Resource control policies',
  boundary: 'Permissions boundary',
  session: 'Session policies',
  resource: 'Resource-based policy',
  identity: 'Identity-based policies',
};

function stmt(s: StatementRef): string {
  return `${s.effect} statement ${s.sid ? `"${s.sid}"` : `#${s.index}`} in ${s.policyType} policy ${s.policyId}`;
}

/** Step-by-step lines: the request, each applying statement, the checks that failed, and the result. */
export function explainDecision(decision: Decision): string[] {
  const lines: string[] = [];
  lines.push(`Request: ${decision.principalArn || 'anonymous'} → ${decision.action} on ${decision.resource}${decision.crossAccount ? ' (cross-account)' : ''}`);
  const denies = decision.matchedStatements.filter((s) => s.effect === 'Deny');
  const allows = decision.matchedStatements.filter((s) => s.effect === 'Allow');
  lines.push(denies.length ? `1. Explicit deny check: ${denies.length} Deny statement(s) apply.` : '1. Explicit deny check: no Deny statement applies.');
  for (const s of denies) lines.push(`   - ${stmt(s)}`);
  lines.push(allows.length ? `2. Allow statements that apply: ${allows.length}.` : '2. No Allow statement applies.');
  for (const s of allows) lines.push(`   - ${stmt(s)}`);
  if (decision.decision === 'ExplicitDeny') lines.push(`3. Result: explicitly denied by the ${LABEL[decision.deniedBy ?? 'identity'].toLowerCase()} — an explicit deny overrides every allow.`);
  else if (decision.decision === 'ImplicitDeny') {
    for (const t of decision.missingAllow) lines.push(`3. ${LABEL[t]}: no statement allows this request.`);
    lines.push(`4. Result: implicitly denied (${denialReason(decision, decision.action)}).`);
  } else {
    const how: Record<string, string> = {
      identity: 'an identity-based policy allows it and every other applicable policy type allows it',
      'resource-direct': 'the resource-based policy names this principal directly (same account)',
      'resource-role': 'the resource-based policy names the role of this session; boundary and session policies allow it',
      'resource+identity': 'both the resource-based policy and the identity-based policies allow it',
      resource: 'the resource-based policy allows it',
      root: "the root user has full access to its account's resources, within the organization's policies",
    };
    lines.push(`3. Result: allowed — ${how[decision.grantedBy ?? 'identity'] ?? decision.grantedBy}.`);
  }
  return lines;
}
