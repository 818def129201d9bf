/**
 * The identity of an unsigned federation call as CloudTrail records it: AssumeRoleWithSAML's caller is a `SAMLUser`,
 * AssumeRoleWithWebIdentity's a `WebIdentityUser`, both recorded in the assumed role's account (the IAM User Guide's
 * "Logging IAM and AWS STS API calls with AWS CloudTrail": the caller's account has no record of these calls).
 */
import type { FederatedUserFacts } from '../services/types.js';
import type { CallFacts, UserIdentity } from './types.js';

/** What an unsigned federation call's record needs beyond its facts: who, in which account, its LookupEvents user name. */
export interface FederatedParts {
  identity: UserIdentity;
  account: string;
  username: string;
}

const ROLE_ACCOUNT = /^arn:[^:]+:(?:iam|sts)::(\d{12}):/;

/** The userIdentity of a federation call from its facts: the answer when it succeeded, else what it learned before failing; undefined when nothing names the user. */
export function federatedParts(f: CallFacts): FederatedParts | undefined {
  const out = f.output as Record<string, unknown> | undefined;
  if (out && !f.error) {
    const arn = (out['AssumedRoleUser'] as { Arn?: unknown } | undefined)?.Arn;
    const account = typeof arn === 'string' ? ROLE_ACCOUNT.exec(arn)?.[1] : undefined;
    if (!account) return undefined;
    if (f.operation === 'AssumeRoleWithSAML') {
      const subject = String(out['Subject'] ?? '');
      return parts({ type: 'SAMLUser', qualifier: String(out['NameQualifier'] ?? ''), identityProvider: String(f.input?.['PrincipalArn'] ?? ''), subject, account });
    }
    const subject = String(out['SubjectFromWebIdentityToken'] ?? '');
    return parts({ type: 'WebIdentityUser', qualifier: String(out['Provider'] ?? ''), identityProvider: String(out['Provider'] ?? ''), subject, audience: String(out['Audience'] ?? ''), account });
  }
  return f.federated ? parts(f.federated) : undefined;
}

function parts(p: FederatedUserFacts): FederatedParts {
  const principalId = p.type === 'SAMLUser' ? `${p.qualifier}:${p.subject}` : `${p.qualifier}:${p.audience ?? ''}:${p.subject}`;
  return { identity: { type: p.type, principalId, userName: p.subject, identityProvider: p.identityProvider }, account: p.account, username: p.subject };
}
