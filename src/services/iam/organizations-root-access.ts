/**
 * Centralized root access for member accounts: Enable/DisableOrganizationsRootCredentialsManagement,
 * Enable/DisableOrganizationsRootSessions and ListOrganizationsFeatures. They need an organization with all features
 * and trusted access for iam.amazonaws.com; the management account enables, and it or IAM's delegated administrator
 * disables and lists. sts:AssumeRoot reads `rootSessionsCaller` before it issues a session.
 */
import { KamenError } from '../../errors.js';
import type { Organization, Store } from '../../store/store.js';
import { STATE_KEYS, readState, type DelegatedAdminRecord } from '../organizations/state.js';
import type { Operation, OperationContext } from '../types.js';

/** IAM's service principal, whose trusted access and delegated administrator these features use. */
export const IAM_SERVICE_PRINCIPAL = 'iam.amazonaws.com';

/** The features of centralized root access (FeatureType). */
export type RootAccessFeature = 'RootCredentialsManagement' | 'RootSessions';

/** Settings key of the enabled features, recorded with the organization they belong to. */
const FEATURES_KEY = 'iam.organizationsFeatures';

interface FeaturesRecord {
  organizationId: string;
  features: RootAccessFeature[];
}

/** AWS's texts for the errors (IAM API reference). */
const MSG = {
  noOrg: 'The request was rejected because no organization is associated with your account.',
  notAllFeatures: 'The request was rejected because your organization does not have All features enabled. For more information, see Available feature sets in the Organizations User Guide.',
  noTrustedAccess: 'The request was rejected because trusted access is not enabled for IAM in Organizations. For details, see IAM and Organizations in the Organizations User Guide.',
  notManagementOrAdmin: 'The request was rejected because the account making the request is not the management account or delegated administrator account for centralized root access.',
  notManagement: 'The request was rejected because the account making the request is not the management account for the organization.',
} as const;

/** The features enabled for `org` (none once the organization they were enabled for is gone). */
async function enabledFeatures(store: Store, org: Organization): Promise<RootAccessFeature[]> {
  const rec = await readState<FeaturesRecord | null>(store, FEATURES_KEY, null);
  return rec && rec.organizationId === org.id ? rec.features : [];
}

/** True when trusted access for IAM is enabled in the organization. */
async function iamTrustedAccess(store: Store): Promise<boolean> {
  const list = await readState<Array<{ ServicePrincipal: string }>>(store, STATE_KEYS.serviceAccess, []);
  return list.some((x) => x.ServicePrincipal === IAM_SERVICE_PRINCIPAL);
}

/** True when `accountId` is a registered delegated administrator for IAM. */
async function isIamDelegatedAdmin(store: Store, accountId: string): Promise<boolean> {
  const list = await readState<DelegatedAdminRecord[]>(store, STATE_KEYS.delegatedAdmins, []);
  return list.some((x) => x.accountId === accountId && x.servicePrincipal === IAM_SERVICE_PRINCIPAL);
}

/**
 * The organization when the caller's account may use centralized root access, checked in order: an organization that
 * holds the account, all features, the caller is the management account (`managementOnly`) or it or IAM's delegated
 * administrator, and trusted access for IAM.
 */
async function requireRootAccessCaller(ctx: OperationContext, managementOnly: boolean): Promise<Organization> {
  const store = ctx.store;
  const org = await store.getOrganization();
  const caller = ctx.caller.accountId;
  if (!org || (caller !== org.managementAccountId && !(await store.getAccount(caller)))) throw new KamenError('ERR_IAM_ORGANIZATION_NOT_FOUND', MSG.noOrg);
  if (org.featureSet !== 'ALL') throw new KamenError('ERR_IAM_ORGANIZATION_NOT_ALL_FEATURES', MSG.notAllFeatures);
  if (caller !== org.managementAccountId) {
    if (managementOnly) throw new KamenError('ERR_IAM_CALLER_NOT_MANAGEMENT', MSG.notManagement);
    if (!(await isIamDelegatedAdmin(store, caller))) throw new KamenError('ERR_IAM_NOT_MANAGEMENT_OR_DELEGATED_ADMIN', MSG.notManagementOrAdmin);
  }
  if (!(await iamTrustedAccess(store))) throw new KamenError('ERR_IAM_SERVICE_ACCESS_NOT_ENABLED', MSG.noTrustedAccess);
  return org;
}

/** Turns one feature on or off in one transaction; answers the organization ID and every enabled feature. */
function toggle(feature: RootAccessFeature, on: boolean): Operation {
  return async (ctx) => {
    const org = await requireRootAccessCaller(ctx, on);
    const features = await ctx.store.transaction(async () => {
      const now = await enabledFeatures(ctx.store, org);
      const next = on ? (now.includes(feature) ? now : [...now, feature]) : now.filter((f) => f !== feature);
      const rec: FeaturesRecord = { organizationId: org.id, features: next };
      await ctx.store.setSetting(FEATURES_KEY, JSON.stringify(rec));
      return next;
    });
    return { OrganizationId: org.id, EnabledFeatures: features };
  };
}

/**
 * Whether `callerAccount` may start privileged root sessions in `org`'s member accounts now: root sessions enabled,
 * trusted access for IAM on, and the caller the management account or IAM's delegated administrator. Returns the
 * reason it may not (for AssumeRoot's AccessDenied), or undefined.
 */
export async function rootSessionsRefusal(store: Store, org: Organization, callerAccount: string): Promise<string | undefined> {
  if (callerAccount !== org.managementAccountId && !(await isIamDelegatedAdmin(store, callerAccount))) {
    return "because only the organization's management account or IAM's delegated administrator can start privileged root sessions";
  }
  if (!(await iamTrustedAccess(store)) || !(await enabledFeatures(store, org)).includes('RootSessions')) {
    return 'because centralized root access (RootSessions) is not enabled for the organization';
  }
  return undefined;
}

/** The centralized root access operations. */
export function organizationsRootAccessOperations(): Record<string, Operation> {
  return {
    EnableOrganizationsRootCredentialsManagement: toggle('RootCredentialsManagement', true),
    DisableOrganizationsRootCredentialsManagement: toggle('RootCredentialsManagement', false),
    EnableOrganizationsRootSessions: toggle('RootSessions', true),
    DisableOrganizationsRootSessions: toggle('RootSessions', false),
    ListOrganizationsFeatures: async (ctx) => {
      const org = await requireRootAccessCaller(ctx, false);
      return { OrganizationId: org.id, EnabledFeatures: await enabledFeatures(ctx.store, org) };
    },
  };
}
