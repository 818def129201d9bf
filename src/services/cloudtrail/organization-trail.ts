/** IsOrganizationTrail: only the management account of an organization with all features may set it. */
import type { OperationContext } from '../types.js';
import { ctError } from './errors.js';

/** The organization ID for an organization trail of the caller, or CloudTrail's error when the caller may not make one. */
export async function organizationForTrail(ctx: OperationContext): Promise<string> {
  const org = await ctx.store.getOrganization();
  const member = org ? await ctx.store.getAccount(ctx.caller.accountId) : undefined;
  if (!org || !member) throw ctError('OrganizationsNotInUseException', 'This account is not a member of an organization.');
  if (org.managementAccountId !== ctx.caller.accountId) {
    throw ctError('NotOrganizationMasterAccountException', `The request failed because account ${ctx.caller.accountId} is not the management account of an organization.`);
  }
  if (org.featureSet !== 'ALL') throw ctError('OrganizationNotInAllFeaturesModeException', 'This operation requires that all features are enabled in your organization.');
  return org.id;
}
