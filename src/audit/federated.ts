/**
 * The identity of an unsigned federation call as CloudTrail records it: AssumeRoleWithSAML's caller is a `SAMLUser`,
 * AssumeRoleWithWebIdentity's a `WebIdentityUser`, both recorded in the assumed role's account (the IAM User Guide's
 * "Logging IAM and AWS STS API calls with AWS CloudTrail": the caller's account has no record of these calls).
 */
import type { Caller, FederatedUserFacts } from '../services/types.js';
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

/** The address AWS records for the AssumeRoleWithSAML its sign-in service makes for a console SAML sign-in. */
export const SIGNIN_SOURCE_IP = 'AWS Internal';
/** The user agent of that call (the sign-in service's internal SDK), as the IAM User Guide's example shows it. */
export const SIGNIN_USER_AGENT = 'aws-internal/3 aws-sdk-java/1.12.772 Linux/5.10.227-219.884.amzn2int.x86_64 OpenJDK_64-Bit_Server_VM/17.0.13+11-LTS java/17.0.13 kotlin/1.3.72 vendor/Amazon.com_Inc. cfg/retry-mode/standard';

/** What a console SAML sign-in asked STS for, from the verified assertion and the chosen role. */
export interface ConsoleSamlCall {
  requestId: string;
  nowMs: number;
  /** The browser reached the console over TLS (then the record has TLS details, as the console's other calls). */
  tls: boolean;
  roleArn: string;
  principalArn: string;
  durationSeconds: number;
  assertionId: string;
  roleSessionName: string;
  sourceIdentity?: string | undefined;
  principalTags?: Record<string, string> | undefined;
  transitiveTagKeys?: string[] | undefined;
}

/**
 * The AssumeRoleWithSAML event of a console SAML sign-in (the IAM User Guide's example): made by AWS's sign-in service,
 * so from "AWS Internal" with its SDK's user agent; requestParameters name the assertion ID, the session's name, source
 * identity and tags, the role, the provider and the duration. `result` is the call's answer (its secrets are omitted
 * when recorded), or its failure once the role is known, with the SAML user it names.
 */
export function consoleSamlFacts(c: ConsoleSamlCall, result: { output: Record<string, unknown> } | { error: { code: string; message: string }; user: FederatedUserFacts }): CallFacts {
  const anonymous: Caller = { kind: 'anonymous', accountId: '', arn: '', userId: 'anonymous', accessKeyId: '' };
  const params: Record<string, unknown> = { sAMLAssertionID: c.assertionId, roleSessionName: c.roleSessionName };
  if (c.sourceIdentity !== undefined) params['sourceIdentity'] = c.sourceIdentity;
  if (c.principalTags && Object.keys(c.principalTags).length) params['principalTags'] = c.principalTags;
  if (c.transitiveTagKeys && c.transitiveTagKeys.length) params['transitiveTagKeys'] = c.transitiveTagKeys;
  params['roleArn'] = c.roleArn;
  params['principalArn'] = c.principalArn;
  params['durationSeconds'] = c.durationSeconds;
  const f: CallFacts = {
    requestId: c.requestId,
    eventTimeMs: c.nowMs,
    service: 'sts',
    operation: 'AssumeRoleWithSAML',
    region: 'us-east-1',
    sourceIp: SIGNIN_SOURCE_IP,
    userAgent: SIGNIN_USER_AGENT,
    secureTransport: c.tls,
    caller: anonymous,
    input: { RoleArn: c.roleArn, PrincipalArn: c.principalArn, DurationSeconds: c.durationSeconds },
    requestParameters: params,
  };
  if (c.tls) f.tlsHost = 'sts.amazonaws.com';
  if ('output' in result) f.output = result.output;
  else {
    f.error = result.error;
    f.federated = result.user;
  }
  return f;
}
