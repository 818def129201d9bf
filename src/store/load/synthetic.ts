/** Synthetic get-account-authorization-details answers for benches and tests: `roles` roles (and a few users, groups, policies) in one account. */

/** The trust policy every synthetic role carries: any principal of the account may assume it. */
export function syntheticTrust(accountId: string): Record<string, unknown> {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: 'sts:AssumeRole' }] };
}

/** The name of the i-th synthetic role. */
export function syntheticRoleName(i: number): string {
  return `role-${String(i).padStart(7, '0')}`;
}

/** A file of `roles` roles named role-0000000…, each with one attached managed policy, plus `users` users in one group. */
export function syntheticDetails(accountId: string, roles: number, users = 0): Record<string, unknown> {
  const trust = syntheticTrust(accountId);
  const policyArn = `arn:aws:iam::${accountId}:policy/bench-read`;
  const doc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 'iam:GetRole'], Resource: '*' }] };
  const created = '2024-01-15T10:20:30Z';
  const RoleDetailList = new Array(roles);
  for (let i = 0; i < roles; i++) {
    const name = syntheticRoleName(i);
    RoleDetailList[i] = {
      Path: '/',
      RoleName: name,
      Arn: `arn:aws:iam::${accountId}:role/${name}`,
      CreateDate: created,
      AssumeRolePolicyDocument: trust,
      AttachedManagedPolicies: [{ PolicyName: 'bench-read', PolicyArn: policyArn }],
    };
  }
  const UserDetailList = [];
  for (let i = 0; i < users; i++) {
    const name = `user-${String(i).padStart(7, '0')}`;
    UserDetailList.push({ Path: '/', UserName: name, Arn: `arn:aws:iam::${accountId}:user/${name}`, CreateDate: created, GroupList: ['bench'], AttachedManagedPolicies: [] });
  }
  return {
    UserDetailList,
    GroupDetailList: users > 0 ? [{ Path: '/', GroupName: 'bench', Arn: `arn:aws:iam::${accountId}:group/bench`, CreateDate: created, GroupPolicyList: [], AttachedManagedPolicies: [{ PolicyName: 'ReadOnlyAccess', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }] }] : [],
    RoleDetailList,
    Policies: [{ PolicyName: 'bench-read', Path: '/', Arn: policyArn, DefaultVersionId: 'v1', CreateDate: created, UpdateDate: created, PolicyVersionList: [{ Document: encodeURIComponent(JSON.stringify(doc)), VersionId: 'v1', IsDefaultVersion: true, CreateDate: created }] }],
  };
}
