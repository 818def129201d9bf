/** The trust policy the create-role wizard writes for the trusted entity "AWS account", as AWS's console writes it. */

/** The wizard's trusted-entity choices. */
export interface AccountTrustOptions {
  /** The trusted account (this account's ID for "This account"). */
  accountId: string;
  requireExternalId?: boolean;
  externalId?: string;
  requireMfa?: boolean;
}

/** A problem with the options (message for the form), or undefined when they are usable. */
export function trustOptionsProblem(o: AccountTrustOptions): string | undefined {
  if (!/^\d{12}$/.test(o.accountId)) return 'Account ID must be 12 digits.';
  if (o.requireExternalId) {
    const id = o.externalId ?? '';
    if (id.length < 2 || id.length > 1224) return 'External ID must be 2 to 1224 characters.';
    if (!/^[\w+=,.@:/-]+$/.test(id)) return 'External ID may contain only letters, digits and +=,.@:/-_';
  }
  return undefined;
}

/** The trust policy document (an object; JSON.stringify it with 4 spaces as the console shows it). */
export function buildAccountTrustPolicy(o: AccountTrustOptions): Record<string, unknown> {
  const statement: Record<string, unknown> = {
    Effect: 'Allow',
    Principal: { AWS: `arn:aws:iam::${o.accountId}:root` },
    Action: 'sts:AssumeRole',
  };
  const condition: Record<string, Record<string, string>> = {};
  if (o.requireExternalId) condition['StringEquals'] = { 'sts:ExternalId': o.externalId ?? '' };
  if (o.requireMfa) condition['Bool'] = { 'aws:MultiFactorAuthPresent': 'true' };
  if (Object.keys(condition).length) statement['Condition'] = condition;
  return { Version: '2012-10-17', Statement: [statement] };
}
