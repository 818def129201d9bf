/** Facts about organization policies that bound requests: RCP-supported services and service-linked roles. */
import type { RequestContext } from './types.js';

/**
 * The services whose actions resource control policies bound (AWS Organizations, "List of AWS services that support
 * RCPs"); an RCP statement naming another service's action is refused on write and never applies.
 */
export const RCP_SERVICES: ReadonlySet<string> = new Set(['s3', 'sts', 'kms', 'sqs', 'secretsmanager', 'cognito-identity', 'logs', 'dynamodb', 'ecr', 'aoss']);

/** True when the request comes from a service-linked role's session (SCPs and RCPs do not restrict those). */
export function isServiceLinkedRole(ctx: RequestContext): boolean {
  const r = ctx.principal.roleArn;
  return r !== undefined && r.includes(':role/aws-service-role/');
}
