/** The IAM service: users, groups, roles, managed and inline policies, keys, passwords, MFA, instance profiles, account. */
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
import { passwordPolicyOperations } from './password-policy.js';
import { policyOperations } from './policies.js';
import { policyVersionOperations } from './policy-versions.js';
import { roleOperations } from './roles.js';
import { userOperations } from './users.js';

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
  return {
    name: 'iam',
    protocol: 'query',
    operations: {
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
    },
  };
}
