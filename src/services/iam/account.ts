/** Account-level IAM: account aliases, GetAccountSummary, GetAccountAuthorizationDetails. */
import { KamenError } from '../../errors.js';
import type { Operation, OperationContext } from '../types.js';
import { policyNameOfArn } from './attachments.js';
import { account, catalogOf, encodeDoc, groupOut, listAll, paginate, roleOut, userOut, instanceProfileOut, profileRoles, type IamDeps, type Input } from './common.js';
import { accountPolicyUsage, awsPolicyOut, localPolicyOut } from './policies.js';
import { versionOut } from './policy-versions.js';
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

function attachedList(arns: string[]): Input[] {
  return arns.map((arn) => ({ PolicyName: policyNameOfArn(arn).name, PolicyArn: arn }));
}

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

    GetAccountAuthorizationDetails: async (ctx, input: Input) => {
      const acct = account(ctx);
      const s = ctx.store;
      const filter: string[] | undefined = Array.isArray(input['Filter']) && input['Filter'].length > 0 ? input['Filter'] : undefined;
      const want = (k: string) => !filter || filter.includes(k);
      type Row = { list: string; build: () => Promise<Input> };
      const rows: Row[] = [];
      if (want('User')) {
        for (const u of await listAll((o) => s.listUsers(acct, o))) {
          rows.push({
            list: 'UserDetailList',
            build: async () => {
              const base = userOut(u, true);
              const o: Input = { Path: base['Path'], UserName: u.userName, UserId: u.userId, Arn: u.arn, CreateDate: u.createDate };
              const inline = await s.listInlinePolicies(acct, 'user', u.userName);
              if (inline.length > 0) o['UserPolicyList'] = inline.map((p) => ({ PolicyName: p.policyName, PolicyDocument: encodeDoc(p.document) }));
              o['GroupList'] = (await listAll((x) => s.listGroupsForUser(acct, u.userName, x))).map((g) => g.groupName);
              o['AttachedManagedPolicies'] = attachedList(await s.listAttachedPolicies(acct, 'user', u.userName));
              if (base['PermissionsBoundary']) o['PermissionsBoundary'] = base['PermissionsBoundary'];
              if (base['Tags']) o['Tags'] = base['Tags'];
              return o;
            },
          });
        }
      }
      if (want('Group')) {
        for (const g of await listAll((o) => s.listGroups(acct, o))) {
          rows.push({
            list: 'GroupDetailList',
            build: async () => {
              const o: Input = groupOut(g);
              o['GroupPolicyList'] = (await s.listInlinePolicies(acct, 'group', g.groupName)).map((p) => ({ PolicyName: p.policyName, PolicyDocument: encodeDoc(p.document) }));
              o['AttachedManagedPolicies'] = attachedList(await s.listAttachedPolicies(acct, 'group', g.groupName));
              return o;
            },
          });
        }
      }
      if (want('Role')) {
        for (const r of await listAll((o) => s.listRoles(acct, o))) {
          rows.push({
            list: 'RoleDetailList',
            build: async () => {
              const base = roleOut(r, true);
              const o: Input = { Path: r.path, RoleName: r.roleName, RoleId: r.roleId, Arn: r.arn, CreateDate: r.createDate, AssumeRolePolicyDocument: base['AssumeRolePolicyDocument'] };
              const profiles = await s.listInstanceProfilesForRole(acct, r.roleName);
              const list: Input[] = [];
              for (const p of profiles) list.push(instanceProfileOut(p, await profileRoles(ctx, p)));
              o['InstanceProfileList'] = list;
              o['RolePolicyList'] = (await s.listInlinePolicies(acct, 'role', r.roleName)).map((p) => ({ PolicyName: p.policyName, PolicyDocument: encodeDoc(p.document) }));
              o['AttachedManagedPolicies'] = attachedList(await s.listAttachedPolicies(acct, 'role', r.roleName));
              if (base['PermissionsBoundary']) o['PermissionsBoundary'] = base['PermissionsBoundary'];
              if (base['Tags']) o['Tags'] = base['Tags'];
              o['RoleLastUsed'] = base['RoleLastUsed'];
              return o;
            },
          });
        }
      }
      if (want('LocalManagedPolicy') || want('AWSManagedPolicy')) {
        const usage = await accountPolicyUsage(ctx);
        if (want('LocalManagedPolicy')) {
          for (const p of await listAll((o) => s.listPolicies(acct, o))) {
            rows.push({
              list: 'Policies',
              build: async () => {
                const o = localPolicyOut(p, usage.get(p.arn), { description: true });
                o['PolicyVersionList'] = (await s.listPolicyVersions(p.arn)).map((v) => versionOut(v, true));
                return o;
              },
            });
          }
        }
        if (want('AWSManagedPolicy')) {
          // AWS lists the AWS managed policies in use in the account (attached or used as a boundary).
          const catalog = catalogOf(deps, ctx);
          for (const [arn] of usage) {
            const e = arn.startsWith('arn:aws:iam::aws:policy/') ? catalog.get(arn) : undefined;
            if (!e) continue;
            rows.push({
              list: 'Policies',
              build: async () => {
                const o = awsPolicyOut(e, usage.get(arn));
                o['PolicyVersionList'] = [versionOut({ versionId: e.defaultVersionId, document: e.document, isDefaultVersion: true, createDate: e.updateDate }, true)];
                return o;
              },
            });
          }
        }
      }
      const page = paginate(rows, input);
      const out: Input = { UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] };
      for (const r of page.items) (out[r.list] as Input[]).push(await r.build());
      out['IsTruncated'] = page.IsTruncated;
      if (page.Marker) out['Marker'] = page.Marker;
      return out;
    },
  };
}
