/** The Organizations service (JSON 1.1): the organization, accounts, OUs and service control policies. */
import type { ServiceDefinition, ServiceDeps } from '../types.js';
import * as acct from './accounts.js';
import * as pol from './policies.js';
import * as tree from './structure.js';

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
    },
  };
}
