/** Account-level IAM: account aliases, GetAccountSummary, GetAccountAuthorizationDetails. */
import { KamenError } from '../../errors.js';
import type { Operation, OperationContext } from '../types.js';
import { account, listAll, type IamDeps, type Input } from './common.js';
import { authorizationDetails } from './authorization-details.js';
import { globalEndpointTokenVersion } from './sts-preferences.js';

/** IAM's default quotas as GetAccountSummary reports them. */
export const SUMMARY_QUOTAS: Record<string, number> = {
  UsersQuota: 5000,
  GroupsQuota: 300,
  RolesQuota: 1000,
  PoliciesQuota: 1500,
  InstanceProfilesQuota: 1000,
  ServerCertificatesQuota: 20,
  UserPolicySizeQuota: 2048,
  GroupPolicySizeQuota: 5120,
  RolePolicySizeQuota: 10240,
  GroupsPerUserQuota: 10,
  SigningCertificatesPerUserQuota: 2,
  AccessKeysPerUserQuota: 2,
  AttachedPoliciesPerGroupQuota: 10,
  AttachedPoliciesPerRoleQuota: 10,
  AttachedPoliciesPerUserQuota: 10,
  PolicySizeQuota: 6144,
  PolicyVersionsInUseQuota: 10000,
  VersionsPerPolicyQuota: 5,
  AssumeRolePolicySizeQuota: 2048,
  GlobalEndpointTokenVersion: 1,
};

async function summary(ctx: OperationContext): Promise<Record<string, number>> {
  const acct = account(ctx);
  const s = ctx.store;
  const users = await listAll((o) => s.listUsers(acct, o));
  const groups = await listAll((o) => s.listGroups(acct, o));
  const roles = await listAll((o) => s.listRoles(acct, o));
  const policies = await listAll((o) => s.listPolicies(acct, o));
  const profiles = await listAll((o) => s.listInstanceProfiles(acct, o));
  const mfa = await s.listMfaDevices(acct);
  let versions = 0;
  for (const p of policies) versions += (await s.listPolicyVersions(p.arn)).length;
  const root = await s.getRootUser(acct);
  const rootKeys = await s.listAccessKeys(acct, undefined);
  return {
    ...SUMMARY_QUOTAS,
    Users: users.length,
    Groups: groups.length,
    Roles: roles.length,
    Policies: policies.length,
    InstanceProfiles: profiles.length,
    ServerCertificates: 0,
    Providers: 0,
    MFADevices: mfa.length,
    MFADevicesInUse: mfa.filter((d) => d.enableDate !== undefined).length,
    AccountMFAEnabled: mfa.some((d) => d.enableDate !== undefined && d.userName === undefined) ? 1 : 0,
    AccountAccessKeysPresent: rootKeys.length > 0 ? 1 : 0,
    AccountPasswordPresent: root ? 1 : 0,
    AccountSigningCertificatesPresent: 0,
    PolicyVersionsInUse: versions,
    GlobalEndpointTokenVersion: await globalEndpointTokenVersion(s, acct),
  };
}

/** The account operations. */
export function accountOperations(deps: IamDeps): Record<string, Operation> {
  return {
    CreateAccountAlias: async (ctx, input: Input) => {
      const alias = String(input['AccountAlias']);
      await ctx.store.transaction(async () => {
        const owner = await ctx.store.getAccountIdByAlias(alias);
        if (owner !== undefined && owner !== account(ctx)) throw new KamenError('ERR_ENTITY_ALREADY_EXISTS', `The account alias ${alias} already exists.`);
        await ctx.store.setAccountAlias(account(ctx), alias);
      });
      return {};
    },

    DeleteAccountAlias: async (ctx, input: Input) => {
      const alias = String(input['AccountAlias']);
      // One transaction: a concurrent CreateAccountAlias cannot replace the alias between the check and the delete.
      await ctx.store.transaction(async () => {
        const current = await ctx.store.getAccountAlias(account(ctx));
        if (current !== alias) throw new KamenError('ERR_NO_SUCH_ENTITY', `The account alias ${alias} cannot be found.`);
        await ctx.store.setAccountAlias(account(ctx), undefined);
      });
      return {};
    },

    ListAccountAliases: async (ctx) => {
      const alias = await ctx.store.getAccountAlias(account(ctx));
      return { AccountAliases: alias ? [alias] : [], IsTruncated: false };
    },

    GetAccountSummary: async (ctx) => ({ SummaryMap: await summary(ctx) }),

    GetAccountAuthorizationDetails: (ctx, input: Input) => authorizationDetails(deps, ctx, input),
  };
}
