/**
 * Syntactic checks of ARN-typed parameters that AWS makes while parsing a request, after the model's constraints and
 * before authorization: a malformed ARN is a 400 with AWS's text, never NoSuchEntity or AccessDenied.
 */
import { KamenError } from '../errors.js';

/** How one ARN-typed member is checked. */
export type ArnParamKind =
  /** An IAM managed policy ARN (PolicyArn, PermissionsBoundary). */
  | 'iam-policy'
  /** The role ARN STS is asked to assume: any well-formed ARN passes here (which role it names is the trust's business). */
  | 'sts-role';

/** The members checked per operation, by service endpoint prefix (a module-level constant table). */
const TABLE: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, ArnParamKind>>>>>> = {
  iam: {
    ...each(
      [
        'AttachUserPolicy',
        'AttachGroupPolicy',
        'AttachRolePolicy',
        'DetachUserPolicy',
        'DetachGroupPolicy',
        'DetachRolePolicy',
        'GetPolicy',
        'DeletePolicy',
        'GetPolicyVersion',
        'CreatePolicyVersion',
        'DeletePolicyVersion',
        'ListPolicyVersions',
        'SetDefaultPolicyVersion',
        'ListEntitiesForPolicy',
        'TagPolicy',
        'UntagPolicy',
        'ListPolicyTags',
      ],
      { PolicyArn: 'iam-policy' },
    ),
    ...each(['CreateUser', 'CreateRole', 'PutUserPermissionsBoundary', 'PutRolePermissionsBoundary'], { PermissionsBoundary: 'iam-policy' }),
  },
  sts: each(['AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity'], { RoleArn: 'sts-role' }),
};

function each(ops: string[], members: Record<string, ArnParamKind>): Record<string, Record<string, ArnParamKind>> {
  const out: Record<string, Record<string, ArnParamKind>> = {};
  for (const op of ops) out[op] = members;
  return out;
}

/** The ARN members an operation of `service` (endpoint prefix) checks at parse time; undefined when none. */
export function arnParamsOf(service: string | undefined, operation: string): Readonly<Record<string, ArnParamKind>> | undefined {
  return service === undefined ? undefined : TABLE[service]?.[operation];
}

/** The six parts of a well-formed ARN (`arn:partition:service:region:account:resource`), else undefined. */
export function splitArn(arn: string): { partition: string; service: string; region: string; account: string; resource: string } | undefined {
  // The first five colons delimit the parts; the resource is everything after the fifth (it may hold colons).
  if (!arn.startsWith('arn:')) return undefined;
  const c2 = arn.indexOf(':', 4);
  const c3 = c2 < 0 ? -1 : arn.indexOf(':', c2 + 1);
  const c4 = c3 < 0 ? -1 : arn.indexOf(':', c3 + 1);
  const c5 = c4 < 0 ? -1 : arn.indexOf(':', c4 + 1);
  if (c5 < 0) return undefined;
  const partition = arn.slice(4, c2);
  const service = arn.slice(c2 + 1, c3);
  const resource = arn.slice(c5 + 1);
  if (partition === '' || service === '' || resource === '') return undefined;
  return { partition, service, region: arn.slice(c3 + 1, c4), account: arn.slice(c4 + 1, c5), resource };
}

const POLICY_RESOURCE = /^policy\/(?:[\u0021-\u007E]*\/)?[\w+=,.@-]+$/;
const POLICY_ACCOUNT = /^(?:\d{12}|aws)$/;

/**
 * Throws AWS's error for a malformed ARN member: an IAM policy ARN that does not parse is ValidationError
 * "ARN x is not valid."; one that parses but names no managed policy is InvalidInput with the same text; one in another
 * partition is ValidationError "Invalid ARN partition"; a role ARN to assume that does not parse is ValidationError
 * "x is invalid".
 */
export function checkArnParam(kind: ArnParamKind, value: string): void {
  const arn = splitArn(value);
  if (kind === 'sts-role') {
    if (!arn) throw new KamenError('ERR_VALIDATION', `${value} is invalid`);
    return;
  }
  if (!arn) throw new KamenError('ERR_VALIDATION', `ARN ${value} is not valid.`);
  if (arn.service === 'iam' && arn.partition !== 'aws') throw new KamenError('ERR_VALIDATION', 'Invalid ARN partition');
  if (arn.service !== 'iam' || arn.region !== '' || !POLICY_ACCOUNT.test(arn.account) || arn.resource.includes(':') || !POLICY_RESOURCE.test(arn.resource)) {
    throw new KamenError('ERR_INVALID_INPUT', `ARN ${value} is not valid.`);
  }
}

/** Checks every ARN member of a parsed input (members absent from the input are left to the operation). */
export function checkArnParams(members: Readonly<Record<string, ArnParamKind>>, input: Record<string, unknown>): void {
  for (const name in members) {
    const v = input[name];
    if (typeof v === 'string') checkArnParam(members[name]!, v);
  }
}
