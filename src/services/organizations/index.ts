/** The Organizations service (JSON 1.1): the organization's lifecycle, handshakes, accounts, OUs, policies, tags and delegation. */
import type { ServiceDefinition, ServiceDeps } from '../types.js';
import * as acct from './accounts.js';
import * as pol from './policies.js';
import * as tree from './structure.js';
import * as types from './policy-types.js';
import * as life from './lifecycle.js';
import * as hs from './handshakes.js';
import * as admin from './admin.js';

export { orgPathForAccount } from './common.js';

/** Builds the Organizations ServiceDefinition. */
export function createOrganizationsService(_deps: ServiceDeps = {}): ServiceDefinition {
  return {
    name: 'organizations',
    protocol: 'json',
    operations: {
      DescribeOrganization: acct.describeOrganization(),
      CreateAccount: acct.createAccount(),
      DescribeCreateAccountStatus: acct.describeCreateAccountStatus(),
      ListCreateAccountStatus: acct.listCreateAccountStatus(),
      ListAccounts: acct.listAccounts(),
      ListAccountsForParent: acct.listAccountsForParent(),
      DescribeAccount: acct.describeAccount(),
      MoveAccount: acct.moveAccount(),
      ListRoots: tree.listRoots(),
      CreateOrganizationalUnit: tree.createOrganizationalUnit(),
      DescribeOrganizationalUnit: tree.describeOrganizationalUnit(),
      UpdateOrganizationalUnit: tree.updateOrganizationalUnit(),
      DeleteOrganizationalUnit: tree.deleteOrganizationalUnit(),
      ListOrganizationalUnitsForParent: tree.listOrganizationalUnitsForParent(),
      ListParents: tree.listParents(),
      ListChildren: tree.listChildren(),
      CreatePolicy: pol.createPolicy(),
      DescribePolicy: pol.describePolicy(),
      UpdatePolicy: pol.updatePolicy(),
      DeletePolicy: pol.deletePolicy(),
      ListPolicies: pol.listPolicies(),
      AttachPolicy: pol.attachPolicy(),
      DetachPolicy: pol.detachPolicy(),
      ListPoliciesForTarget: pol.listPoliciesForTarget(),
      ListTargetsForPolicy: pol.listTargetsForPolicy(),
      EnablePolicyType: types.enablePolicyType(),
      DisablePolicyType: types.disablePolicyType(),
      CreateOrganization: life.createOrganization(),
      DeleteOrganization: life.deleteOrganization(),
      LeaveOrganization: life.leaveOrganization(),
      RemoveAccountFromOrganization: life.removeAccountFromOrganization(),
      CloseAccount: life.closeAccount(),
      InviteAccountToOrganization: hs.inviteAccountToOrganization(),
      EnableAllFeatures: hs.enableAllFeatures(),
      AcceptHandshake: hs.acceptHandshake(),
      DeclineHandshake: hs.declineHandshake(),
      CancelHandshake: hs.cancelHandshake(),
      DescribeHandshake: hs.describeHandshake(),
      ListHandshakesForAccount: hs.listHandshakesForAccount(),
      ListHandshakesForOrganization: hs.listHandshakesForOrganization(),
      TagResource: admin.tagResource(),
      UntagResource: admin.untagResource(),
      ListTagsForResource: admin.listTagsForResource(),
      EnableAWSServiceAccess: admin.enableAwsServiceAccess(),
      DisableAWSServiceAccess: admin.disableAwsServiceAccess(),
      ListAWSServiceAccessForOrganization: admin.listAwsServiceAccessForOrganization(),
      RegisterDelegatedAdministrator: admin.registerDelegatedAdministrator(),
      DeregisterDelegatedAdministrator: admin.deregisterDelegatedAdministrator(),
      ListDelegatedAdministrators: admin.listDelegatedAdministrators(),
      ListDelegatedServicesForAccount: admin.listDelegatedServicesForAccount(),
      PutResourcePolicy: admin.putResourcePolicy(),
      DescribeResourcePolicy: admin.describeResourcePolicy(),
      DeleteResourcePolicy: admin.deleteResourcePolicy(),
      DescribeEffectivePolicy: admin.describeEffectivePolicy(),
    },
  };
}
