/**
 * sts:AssumeRoleWithSAML (unsigned): the SAML response is verified against the provider named by PrincipalArn
 * (src/federation/saml: signature against the metadata certificates only, issuer, audience, recipient, time window,
 * replay, attributes); the assertion must map the user to RoleArn with that provider; the role's trust policy decides
 * with the `saml:*` keys; the session lasts DurationSeconds (≤ the role's MaxSessionDuration), shortened by the
 * assertion's SessionDuration.
 */
import { KamenError } from '../../errors.js';
import { assertValidSessionPolicy } from '../../authz/engine.js';
import { acceptedAudiences, acceptedRecipients, nameQualifier, verifySamlResponse, type IdpMetadata, type SamlClaims } from '../../federation/saml/index.js';
import { noProvider } from '../../federation/saml/errors.js';
import type { Role, SamlProvider } from '../../store/store.js';
import type { FederatedUserFacts, Operation, OperationContext, SessionInfo } from '../types.js';
import { MAX_SESSION_EXCEEDED } from './assume-role.js';
import { durationSeconds, isoSeconds, issueCredentials, packedPolicySize, policyArns, validationError, type AuthorizerSource } from './common.js';
import { checkFederatedTrust, notAuthorized } from './federated-trust.js';

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\u0021-\u007E]*\/)?([\w+=,.@-]{1,64})$/;
const PROVIDER_ARN = /^arn:aws:iam::(\d{12}):saml-provider\/[\w._-]{1,128}$/;

/** The console ACS URLs kamen accepts besides AWS's (ServiceDeps.samlAcsUrls). */
export function samlAcsUrls(ctx: Pick<OperationContext, 'deps'>): string[] {
  const v = ctx.deps['samlAcsUrls'];
  return Array.isArray(v) ? (v as string[]) : [];
}

/** Finds the SAML provider a PrincipalArn names ("Specified provider doesn't exist" otherwise). */
export async function samlProviderFor(ctx: OperationContext, principalArn: string): Promise<SamlProvider> {
  const provider = PROVIDER_ARN.test(principalArn) ? await ctx.store.getSamlProvider(principalArn) : undefined;
  if (!provider) throw noProvider();
  return provider;
}

/** Verifies a base64 SAMLResponse for `provider` at the context's time. */
export function verifyForProvider(ctx: OperationContext, provider: SamlProvider, samlResponse: string, metadataCache?: Map<string, IdpMetadata>): Promise<SamlClaims> {
  const extra = samlAcsUrls(ctx);
  const opts: Parameters<typeof verifySamlResponse>[1] = { provider, now: ctx.clock.now(), recipients: acceptedRecipients(extra), audiences: acceptedAudiences(extra), store: ctx.store };
  if (metadataCache) opts.metadataCache = metadataCache;
  return verifySamlResponse(samlResponse, opts);
}

/** The trust-policy condition keys AWS derives from a verified assertion. */
export function samlConditionKeys(claims: SamlClaims, provider: SamlProvider): Record<string, string | string[]> {
  const keys: Record<string, string | string[]> = {
    'saml:aud': claims.audience,
    'saml:iss': claims.issuer,
    'saml:sub': claims.subject,
    'saml:sub_type': claims.subjectType,
    'saml:namequalifier': nameQualifier(claims.issuer, provider.accountId, provider.name),
    'saml:doc': `${provider.accountId}/${provider.name}`,
    ...claims.attributes.conditionKeys,
  };
  return keys;
}

/** Everything a verified assertion yields for one chosen role: the trust check done, ready to issue. */
export interface SamlSessionPlan {
  role: Role;
  sessionName: string;
  info: SessionInfo;
  assumedArn: string;
  assumedId: string;
}

/** Trust check and session facts for `roleArn` from verified `claims` (shared by the API and the console sign-in). */
export async function planSamlSession(ctx: OperationContext, authorizerFor: AuthorizerSource, provider: SamlProvider, claims: SamlClaims, roleArn: string): Promise<SamlSessionPlan> {
  const action = 'sts:AssumeRoleWithSAML' as const;
  if (!claims.attributes.roles.some((r) => r.roleArn === roleArn && r.providerArn === provider.arn)) throw notAuthorized(action);
  if (!claims.subject) throw notAuthorized(action);
  const m = ROLE_ARN.exec(roleArn);
  const role = m ? await ctx.store.getRole(m[1]!, m[2]!) : undefined;
  if (!m || !role || role.arn !== roleArn) throw notAuthorized(action);
  const a = claims.attributes;
  const tags = Object.keys(a.principalTags).length ? a.principalTags : undefined;
  const transitive = tags ? a.transitiveTagKeys.filter((k) => Object.keys(tags).some((t) => t.toLowerCase() === k.toLowerCase())) : [];
  const req: Parameters<typeof checkFederatedTrust>[2] = { action, provider: provider.arn, role, keys: samlConditionKeys(claims, provider), roleSessionName: a.roleSessionName };
  if (tags) req.tags = tags;
  if (transitive.length) req.transitiveTagKeys = transitive;
  if (a.sourceIdentity !== undefined) req.sourceIdentity = a.sourceIdentity;
  await checkFederatedTrust(ctx, authorizerFor, req);
  const now = ctx.clock.now();
  const info: SessionInfo = {
    sourceArn: role.arn,
    roleName: role.roleName,
    roleId: role.roleId,
    sessionName: a.roleSessionName,
    issuedAt: isoSeconds(now),
    mfaAuthenticated: false,
    tokenType: 'assume-role',
  };
  if (a.sourceIdentity) info.sourceIdentity = a.sourceIdentity;
  if (tags) info.tags = tags;
  if (transitive.length) info.transitiveTagKeys = transitive;
  return {
    role,
    sessionName: a.roleSessionName,
    info,
    assumedArn: `arn:aws:sts::${role.accountId}:assumed-role/${role.roleName}/${a.roleSessionName}`,
    assumedId: `${role.roleId}:${a.roleSessionName}`,
  };
}

/** The SAML user a verified assertion names, as CloudTrail records it (in the role's account). */
export function samlUser(claims: SamlClaims, provider: SamlProvider, account: string): FederatedUserFacts {
  return { type: 'SAMLUser', qualifier: nameQualifier(claims.issuer, provider.accountId, provider.name), identityProvider: provider.arn, subject: claims.subject, account };
}

/** The answer's elements every SAML sign-in shares (the API's AssumeRoleWithSAML and the console's sign-in record). */
export function samlResponseElements(plan: SamlSessionPlan, claims: SamlClaims, provider: SamlProvider, credentials: unknown): Record<string, unknown> {
  return {
    Credentials: credentials,
    AssumedRoleUser: { AssumedRoleId: plan.assumedId, Arn: plan.assumedArn },
    Subject: claims.subject,
    SubjectType: claims.subjectType,
    Issuer: claims.issuer,
    Audience: claims.audience,
    NameQualifier: nameQualifier(claims.issuer, provider.accountId, provider.name),
  };
}

/** Builds the AssumeRoleWithSAML operation. */
export function assumeRoleWithSaml(authorizerFor: AuthorizerSource): Operation {
  const metadataCache = new Map<string, IdpMetadata>();
  return async (ctx: OperationContext, input: Record<string, unknown>) => {
    const roleArn = String(input['RoleArn'] ?? '');
    const principalArn = String(input['PrincipalArn'] ?? '');
    const assertion = input['SAMLAssertion'];
    if (typeof assertion !== 'string') throw new KamenError('ERR_VALIDATION', "1 validation error detected: Value null at 'sAMLAssertion' failed to satisfy constraint: Member must not be null");
    if (!ROLE_ARN.test(roleArn)) throw validationError(roleArn, 'roleArn', 'Member must satisfy the pattern of an IAM role ARN');
    const requested = durationSeconds(input, 900, 43200, 3600);
    const policy = typeof input['Policy'] === 'string' ? (input['Policy'] as string) : undefined;
    if (policy !== undefined) assertValidSessionPolicy(policy);
    const arns = policyArns(input);

    const provider = await samlProviderFor(ctx, principalArn);
    const claims = await verifyForProvider(ctx, provider, assertion, metadataCache);
    const plan = await planSamlSession(ctx, authorizerFor, provider, claims, roleArn).catch(async (err: unknown) => {
      // A call refused once the role is known is recorded in CloudTrail as the SAML user's, in the role's account.
      if (ctx.noteFederatedUser) {
        const m = ROLE_ARN.exec(roleArn);
        const role = m ? await ctx.store.getRole(m[1]!, m[2]!) : undefined;
        if (role && role.arn === roleArn) ctx.noteFederatedUser(samlUser(claims, provider, role.accountId));
      }
      throw err;
    });
    ctx.noteFederatedUser?.(samlUser(claims, provider, plan.role.accountId));
    if (requested > plan.role.maxSessionDuration) throw new KamenError('ERR_VALIDATION', MAX_SESSION_EXCEEDED);
    const seconds = Math.min(requested, claims.attributes.sessionDuration ?? requested);
    const packed = policy !== undefined || arns !== undefined || plan.info.tags ? packedPolicySize(policy, arns, plan.info.tags) : undefined;
    if (policy !== undefined) plan.info.sessionPolicy = policy;
    if (arns) plan.info.sessionPolicyArns = arns;

    // The issuance rate is counted per federated subject (the request itself is anonymous).
    const issuer: OperationContext = { ...ctx, caller: { ...ctx.caller, arn: `${provider.arn}/${claims.subject}` } };
    const Credentials = await issueCredentials(issuer, plan.role.accountId, { kind: 'assumed-role', arn: plan.assumedArn, userId: plan.assumedId }, plan.info, seconds);
    const out = samlResponseElements(plan, claims, provider, Credentials);
    if (packed !== undefined) out['PackedPolicySize'] = packed;
    if (plan.info.sourceIdentity) out['SourceIdentity'] = plan.info.sourceIdentity;
    return out;
  };
}
