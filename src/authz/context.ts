/** The global condition keys of one request (aws:SourceIp, aws:CurrentTime, MFA, principal facts, tags …). */
import type { Caller, OperationContext } from '../services/types.js';
import { isoSeconds } from '../policy/index.js';
import type { PrincipalPolicies } from './policies.js';

/** Condition key → value(s), keys spelled as AWS documents them. */
export type ConditionValues = Record<string, string | string[]>;

const PRINCIPAL_TYPE: Record<Caller['kind'], string> = { root: 'Account', user: 'User', 'assumed-role': 'AssumedRole', 'federated-user': 'FederatedUser', anonymous: 'Anonymous' };

/** The aws:* keys that describe the principal, the session and the connection. */
export function globalConditionKeys(ctx: Pick<OperationContext, 'caller' | 'clock' | 'region' | 'sourceIp' | 'secureTransport'>, principal: Pick<PrincipalPolicies, 'principalTags' | 'orgId' | 'orgPath'>): ConditionValues {
  const c = ctx.caller;
  const now = ctx.clock.now();
  const keys: ConditionValues = {
    'aws:CurrentTime': isoSeconds(now),
    'aws:EpochTime': String(Math.floor(now / 1000)),
    'aws:SecureTransport': ctx.secureTransport ? 'true' : 'false',
    // IPv4 peers reach a dual-stack socket as ::ffff:a.b.c.d; AWS reports them as plain IPv4.
    'aws:SourceIp': ctx.sourceIp.startsWith('::ffff:') && ctx.sourceIp.includes('.') ? ctx.sourceIp.slice(7) : ctx.sourceIp,
    'aws:RequestedRegion': ctx.region,
    'aws:PrincipalArn': principalArnForConditions(c),
    'aws:PrincipalAccount': c.accountId,
    'aws:PrincipalType': PRINCIPAL_TYPE[c.kind],
    'aws:userid': c.userId,
    'aws:PrincipalIsAWSService': 'false',
    'aws:ViaAWSService': 'false',
  };
  if (c.kind === 'user' && c.userName) keys['aws:username'] = c.userName;
  if (principal.orgId) keys['aws:PrincipalOrgID'] = principal.orgId;
  if (principal.orgPath) keys['aws:PrincipalOrgPaths'] = [principal.orgPath];
  const tagKeys = Object.keys(principal.principalTags);
  for (const k of tagKeys) keys[`aws:PrincipalTag/${k}`] = principal.principalTags[k]!;
  const s = c.session;
  if (s) {
    // Temporary credentials always carry the MFA facts (false when no MFA); long-term keys carry none.
    keys['aws:MultiFactorAuthPresent'] = s.mfaAuthenticated ? 'true' : 'false';
    if (s.mfaAuthenticated) {
      const at = Date.parse(s.mfaAuthenticatedAt ?? s.issuedAt);
      keys['aws:MultiFactorAuthAge'] = String(Math.max(0, Math.floor((now - at) / 1000)));
    }
    keys['aws:TokenIssueTime'] = s.issuedAt;
    if (s.sourceIdentity) keys['aws:SourceIdentity'] = s.sourceIdentity;
  }
  return keys;
}

/** aws:PrincipalArn: for a role session, the role's ARN (not the assumed-role ARN). */
function principalArnForConditions(c: Caller): string {
  if (c.kind === 'assumed-role' && c.session?.sourceArn) return c.session.sourceArn;
  return c.arn;
}

/** Request keys derived from the operation's input: aws:RequestTag/*, aws:TagKeys, iam:PolicyARN, iam:PermissionsBoundary, iam:AWSServiceName, iam:OrganizationsPolicyId. */
export function inputConditionKeys(service: string, operation: string, input: Record<string, unknown>, into: ConditionValues): void {
  const tags = input['Tags'];
  if (Array.isArray(tags) && tags.length) {
    const keys: string[] = [];
    for (const t of tags as Array<{ Key?: unknown; Value?: unknown }>) {
      if (typeof t?.Key !== 'string') continue;
      keys.push(t.Key);
      into[`aws:RequestTag/${t.Key}`] = typeof t.Value === 'string' ? t.Value : '';
    }
    into['aws:TagKeys'] = keys;
  }
  const tagKeys = input['TagKeys'];
  if (Array.isArray(tagKeys) && tagKeys.length && operation.startsWith('Untag')) into['aws:TagKeys'] = tagKeys.filter((k) => typeof k === 'string') as string[];
  if (service === 'iam') {
    if (typeof input['PolicyArn'] === 'string' && /^(Attach|Detach)(User|Group|Role)Policy$/.test(operation)) into['iam:PolicyARN'] = input['PolicyArn'];
    if (typeof input['PermissionsBoundary'] === 'string') into['iam:PermissionsBoundary'] = input['PermissionsBoundary'];
    if (operation === 'CreateServiceLinkedRole' && typeof input['AWSServiceName'] === 'string') into['iam:AWSServiceName'] = input['AWSServiceName'];
    if (operation === 'GenerateOrganizationsAccessReport' && typeof input['OrganizationsPolicyId'] === 'string') into['iam:OrganizationsPolicyId'] = input['OrganizationsPolicyId'];
  }
  if (service === 'sts' && operation === 'GetWebIdentityToken') {
    if (Array.isArray(input['Audience'])) into['sts:IdentityTokenAudience'] = (input['Audience'] as unknown[]).filter((a) => typeof a === 'string') as string[];
    into['sts:DurationSeconds'] = String(typeof input['DurationSeconds'] === 'number' ? input['DurationSeconds'] : 300);
    if (typeof input['SigningAlgorithm'] === 'string') into['sts:SigningAlgorithm'] = input['SigningAlgorithm'];
  }
  if (service === 's3') s3ConditionKeys(input, into);
}

/** The input member under which the S3 front passes keys it resolved from stored state (object and bucket tags). */
export const S3_RESOLVED_CONDITION_KEYS = 'x-kamen-s3-condition-keys';

/** S3's request keys from the parsed input: listing parameters and the upload's encryption and ACL headers. */
function s3ConditionKeys(input: Record<string, unknown>, into: ConditionValues): void {
  const resolved = input[S3_RESOLVED_CONDITION_KEYS];
  if (resolved && typeof resolved === 'object') Object.assign(into, resolved as ConditionValues);
  if (typeof input['Prefix'] === 'string') into['s3:prefix'] = input['Prefix'];
  if (typeof input['Delimiter'] === 'string') into['s3:delimiter'] = input['Delimiter'];
  if (typeof input['MaxKeys'] === 'number') into['s3:max-keys'] = String(input['MaxKeys']);
  if (typeof input['ServerSideEncryption'] === 'string') into['s3:x-amz-server-side-encryption'] = input['ServerSideEncryption'];
  if (typeof input['ACL'] === 'string') into['s3:x-amz-acl'] = input['ACL'];
}
