/** The IAM service: users, groups, roles, managed and inline policies, keys, passwords, MFA, instance profiles, account, SAML and OIDC providers. */
import type { ServiceDefinition } from '../types.js';
import { accessKeyOperations } from './access-keys.js';
import { accountOperations } from './account.js';
import { attachmentOperations } from './attachments.js';
import type { IamDeps } from './common.js';
import { groupOperations } from './groups.js';
import { inlinePolicyOperations } from './inline-policies.js';
import { instanceProfileOperations } from './instance-profiles.js';
import { loginProfileOperations } from './login-profiles.js';
import { loadManagedPolicyCatalog, type ManagedPolicyCatalog } from './managed-catalog.js';
import { mfaOperations } from './mfa.js';
import { oidcProviderOperations } from './oidc-providers.js';
import { passwordPolicyOperations } from './password-policy.js';
import { policyOperations } from './policies.js';
import { policyVersionOperations } from './policy-versions.js';
import { roleOperations } from './roles.js';
import { samlProviderOperations } from './saml-providers.js';
import { protectServiceLinkedRoles, serviceLinkedRoleOperations } from './service-linked-roles.js';
import { serverCertificateOperations } from './server-certificates.js';
import { serviceSpecificCredentialOperations } from './service-specific-credentials.js';
import { signingCertificateOperations } from './signing-certificates.js';
import { sshKeyOperations } from './ssh-keys.js';
import { credentialReportOperations } from './credential-report.js';
import { loadServiceNames, storeActivitySource, type AccessActivitySource } from './access-activity.js';
import { lastAccessedOperations } from './last-accessed.js';
import { organizationsAccessReportOperations } from './organizations-access-report.js';
import { guardUserDeletion } from './user-credential-common.js';
import { userOperations } from './users.js';
import { policiesGrantingAccessOperations } from './policies-granting-access.js';
import { contextKeyOperations } from './simulate-context-keys.js';
import { simulateOperations } from './simulate.js';
import { stsPreferenceOperations } from './sts-preferences.js';
import { organizationsRootAccessOperations } from './organizations-root-access.js';
import { outboundFederationOperations } from './outbound-federation.js';
import { delegationRequestOperations } from './delegation-requests.js';
import { humanReadableSummaryOperations } from './human-readable-summary.js';

export type { IamDeps } from './common.js';
export { loadManagedPolicyCatalog, type ManagedPolicyCatalog, type ManagedCatalogEntry, type ManagedCatalogVersion } from './managed-catalog.js';
export { verifyTotp, totpCodeAt, totpStepAt } from './totp.js';

/**
 * Builds the IAM ServiceDefinition. `deps.managedPolicies` is the shared AWS managed policy catalog; when absent one
 * is created here (lazily indexed, so building the service costs nothing).
 */
export function createIamService(deps: Partial<IamDeps> & { [k: string]: unknown } = {}): ServiceDefinition {
  const given = deps.managedPolicies as ManagedPolicyCatalog | undefined;
  const managedPolicies: ManagedPolicyCatalog = given && typeof given.list === 'function' ? given : loadManagedPolicyCatalog();
  const full: IamDeps = { managedPolicies };
  // Last-accessed data: an audit trail passed as deps.accessActivity, else what the store records (per request's store).
  const activity = deps['accessActivity'] as AccessActivitySource | undefined;
  const sourceFor = (ctx: { store: Parameters<typeof storeActivitySource>[0] }) => activity ?? storeActivitySource(ctx.store);
  let names: ReadonlyMap<string, string> | undefined;
  const serviceNames = () => (names ??= loadServiceNames());
  return {
    name: 'iam',
    protocol: 'query',
    operations: guardUserDeletion(protectServiceLinkedRoles({
      ...userOperations(full),
      ...groupOperations(),
      ...roleOperations(full),
      ...policyOperations(full),
      ...policyVersionOperations(full),
      ...inlinePolicyOperations(),
      ...attachmentOperations(full),
      ...accessKeyOperations(),
      ...loginProfileOperations(),
      ...mfaOperations(),
      ...instanceProfileOperations(),
      ...accountOperations(full),
      ...passwordPolicyOperations(),
      ...samlProviderOperations(),
      ...oidcProviderOperations(),
      ...simulateOperations(full),
      ...contextKeyOperations(full),
      ...policiesGrantingAccessOperations(full),
      ...stsPreferenceOperations(),
      ...organizationsRootAccessOperations(),
      ...outboundFederationOperations(),
      ...delegationRequestOperations(),
      ...humanReadableSummaryOperations(),
      ...serviceLinkedRoleOperations(full),
      ...sshKeyOperations(),
      ...signingCertificateOperations(),
      ...serviceSpecificCredentialOperations(),
      ...serverCertificateOperations(),
      ...credentialReportOperations(),
      ...lastAccessedOperations(full, sourceFor, serviceNames),
      ...organizationsAccessReportOperations(sourceFor, serviceNames),
    })),
  };
}
