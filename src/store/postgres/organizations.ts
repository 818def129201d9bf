/** Organizations family (PostgreSQL): the organization, accounts, OUs, CreateAccount statuses, and SCPs with targets. */
import { KamenError } from '../../errors.js';
import type { OrganizationStore } from '../store.js';
import type { PgContext } from './db.js';
import { fold, nul } from './rows.js';
import { pageRequest, toPage, type Paging } from '../markers.js';
import { toAccount, toCas, toOrg, toOrgPolicy, toOu, type AccountRow, type CasRow, type OrgPolicyRow, type OrgRow, type OuRow } from '../rows/organizations.js';

const ACCOUNT_KEY = ['number', 'string'] as const;
const OU_KEY = ['string', 'string'] as const;

/** The Organizations family's methods over the context. */
export function organizationFamily(ctx: PgContext & Paging): OrganizationStore {
  const { conn, write } = ctx;
  const one = async <R>(sql: string, params: unknown[]): Promise<R | undefined> => (await conn().rows<R>(sql, params))[0];

  return {
    getOrganization: async () => {
      const r = await one<OrgRow>('SELECT * FROM organization LIMIT 1', []);
      return r ? toOrg(r) : undefined;
    },
    createOrganization: (org) =>
      write(async (c) => {
        if ((await c.rows('SELECT 1 FROM organization LIMIT 1')).length > 0) {
          throw new KamenError('ERR_ENTITY_ALREADY_EXISTS', 'An organization already exists.');
        }
        await c.run(
          `INSERT INTO organization (id, arn, management_account_id, management_account_email, root_id, feature_set, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [org.id, org.arn, org.managementAccountId, org.managementAccountEmail, org.rootId, org.featureSet, org.createdAt.getTime()],
        );
      }),
    deleteOrganization: () =>
      write(async (c) => {
        await c.run('DELETE FROM organization');
      }),
    putAccount: (a) =>
      write(async (c) => {
        await c.run(
          `INSERT INTO org_accounts (id, arn, name, email, status, joined_method, joined_timestamp, parent_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (id) DO UPDATE SET arn = excluded.arn, name = excluded.name, email = excluded.email,
             status = excluded.status, joined_method = excluded.joined_method, joined_timestamp = excluded.joined_timestamp,
             parent_id = excluded.parent_id`,
          [a.id, a.arn, a.name, a.email, a.status, a.joinedMethod, a.joinedTimestamp.getTime(), a.parentId],
        );
      }),
    getAccount: async (id) => {
      const r = await one<AccountRow>('SELECT * FROM org_accounts WHERE id = $1', [id]);
      return r ? toAccount(r) : undefined;
    },
    deleteAccount: (id) =>
      write(async (c) => {
        await c.run('DELETE FROM org_policy_targets WHERE target_id = $1', [id]);
        await c.run('DELETE FROM org_accounts WHERE id = $1', [id]);
      }),
    listAccounts: async (opts) => {
      const p = pageRequest(ctx, ['org:accounts'], opts, ACCOUNT_KEY, 'ERR_ORG_INVALID_INPUT');
      const rows = await conn().rows<AccountRow>(
        `SELECT * FROM org_accounts WHERE (joined_timestamp, id) > ($1::bigint, $2::text)
         ORDER BY joined_timestamp, id LIMIT $3`,
        [p.after?.[0] ?? -1, p.after?.[1] ?? '', p.limit + 1],
      );
      return toPage(ctx, p, rows, toAccount, (r) => [r.joined_timestamp, r.id]);
    },
    listAccountsForParent: async (parentId, opts) => {
      const p = pageRequest(ctx, ['org:accounts-for-parent', parentId], opts, ACCOUNT_KEY, 'ERR_ORG_INVALID_INPUT');
      const rows = await conn().rows<AccountRow>(
        `SELECT * FROM org_accounts WHERE parent_id = $1 AND (joined_timestamp, id) > ($2::bigint, $3::text)
         ORDER BY joined_timestamp, id LIMIT $4`,
        [parentId, p.after?.[0] ?? -1, p.after?.[1] ?? '', p.limit + 1],
      );
      return toPage(ctx, p, rows, toAccount, (r) => [r.joined_timestamp, r.id]);
    },
    putOrganizationalUnit: (ou) =>
      write(async (c) => {
        await c.run(
          `INSERT INTO org_ous (id, arn, name, parent_id) VALUES ($1, $2, $3, $4)
           ON CONFLICT (id) DO UPDATE SET arn = excluded.arn, name = excluded.name, parent_id = excluded.parent_id`,
          [ou.id, ou.arn, ou.name, ou.parentId],
        );
      }),
    getOrganizationalUnit: async (id) => {
      const r = await one<OuRow>('SELECT * FROM org_ous WHERE id = $1', [id]);
      return r ? toOu(r) : undefined;
    },
    listOrganizationalUnitsForParent: async (parentId, opts) => {
      const p = pageRequest(ctx, ['org:ous-for-parent', parentId], opts, OU_KEY, 'ERR_ORG_INVALID_INPUT');
      const rows = await conn().rows<OuRow>(
        `SELECT * FROM org_ous WHERE parent_id = $1 AND (lower(name), id) > ($2::text, $3::text)
         ORDER BY lower(name), id LIMIT $4`,
        [parentId, p.after?.[0] ?? '', p.after?.[1] ?? '', p.limit + 1],
      );
      return toPage(ctx, p, rows, toOu, (r) => [fold(r.name), r.id]);
    },
    deleteOrganizationalUnit: (id) =>
      write(async (c) => {
        await c.run('DELETE FROM org_policy_targets WHERE target_id = $1', [id]);
        await c.run('DELETE FROM org_ous WHERE id = $1', [id]);
      }),
    putCreateAccountStatus: (st) =>
      write(async (c) => {
        await c.run(
          `INSERT INTO org_create_account_status (id, account_name, state, requested_timestamp, completed_timestamp, account_id,
             failure_reason) VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (id) DO UPDATE SET account_name = excluded.account_name, state = excluded.state,
             requested_timestamp = excluded.requested_timestamp, completed_timestamp = excluded.completed_timestamp,
             account_id = excluded.account_id, failure_reason = excluded.failure_reason`,
          [
            st.id,
            st.accountName,
            st.state,
            st.requestedTimestamp.getTime(),
            st.completedTimestamp ? st.completedTimestamp.getTime() : null,
            nul(st.accountId),
            nul(st.failureReason),
          ],
        );
      }),
    getCreateAccountStatus: async (id) => {
      const r = await one<CasRow>('SELECT * FROM org_create_account_status WHERE id = $1', [id]);
      return r ? toCas(r) : undefined;
    },
    putOrgPolicy: (policy) =>
      write(async (c) => {
        await c.run(
          `INSERT INTO org_policies (id, arn, name, description, type, aws_managed, content) VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (id) DO UPDATE SET arn = excluded.arn, name = excluded.name, description = excluded.description,
             type = excluded.type, aws_managed = excluded.aws_managed, content = excluded.content`,
          [policy.id, policy.arn, policy.name, policy.description, policy.type, policy.awsManaged, policy.content],
        );
      }),
    getOrgPolicy: async (id) => {
      const r = await one<OrgPolicyRow>('SELECT * FROM org_policies WHERE id = $1', [id]);
      return r ? toOrgPolicy(r) : undefined;
    },
    listOrgPolicies: async () => (await conn().rows<OrgPolicyRow>('SELECT * FROM org_policies ORDER BY lower(name), id')).map(toOrgPolicy),
    deleteOrgPolicy: (id) =>
      write(async (c) => {
        await c.run('DELETE FROM org_policies WHERE id = $1', [id]); // its target rows go with it (ON DELETE CASCADE)
      }),
    attachOrgPolicy: (policyId, targetId) =>
      write(async (c) => {
        await c.run('INSERT INTO org_policy_targets (policy_id, target_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [policyId, targetId]);
      }),
    detachOrgPolicy: (policyId, targetId) =>
      write(async (c) => {
        await c.run('DELETE FROM org_policy_targets WHERE policy_id = $1 AND target_id = $2', [policyId, targetId]);
      }),
    listOrgPolicyTargets: async (policyId) =>
      (await conn().rows<{ target_id: string }>('SELECT target_id FROM org_policy_targets WHERE policy_id = $1 ORDER BY seq', [policyId])).map((r) => r.target_id),
    listOrgPoliciesForTarget: async (targetId) =>
      (
        await conn().rows<OrgPolicyRow>(
          `SELECT p.* FROM org_policy_targets t JOIN org_policies p ON p.id = t.policy_id WHERE t.target_id = $1 ORDER BY lower(p.name), p.id`,
          [targetId],
        )
      ).map(toOrgPolicy),
  };
}
