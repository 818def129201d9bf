/** Organizations family: the organization, member accounts, OUs, CreateAccount statuses, and SCPs with their targets. */
import { KamenError } from '../../errors.js';
import type { Account, OrganizationStore } from '../store.js';
import { fromDate, nul, type SqliteContext } from './db.js';
import { pageRequest, toPage, type Paging } from '../markers.js';
import { toAccount, toCas, toOrg, toOrgPolicy, toOu, type AccountRow, type CasRow, type OrgPolicyRow, type OrgRow, type OuRow } from '../rows/organizations.js';

/** Extra Organizations methods beyond the original contract (additive, see store.ts). */
export type OrganizationFamily = OrganizationStore;

/** Prepares the Organizations statements once for this connection and returns the family's methods. */
export function organizationFamily(ctx: SqliteContext & Paging): OrganizationFamily {
  const { db, run } = ctx;
  const s = {
    getOrg: db.prepare('SELECT * FROM organization LIMIT 1'),
    insertOrg: db.prepare(`INSERT INTO organization (id, arn, management_account_id, management_account_email, root_id,
      feature_set, created_at) VALUES (@id, @arn, @management_account_id, @management_account_email, @root_id, @feature_set, @created_at)`),
    deleteOrg: db.prepare('DELETE FROM organization'),
    putAccount: db.prepare(`INSERT INTO org_accounts (id, arn, name, email, status, joined_method, joined_timestamp, parent_id)
      VALUES (@id, @arn, @name, @email, @status, @joined_method, @joined_timestamp, @parent_id)
      ON CONFLICT (id) DO UPDATE SET arn = excluded.arn, name = excluded.name, email = excluded.email,
        status = excluded.status, joined_method = excluded.joined_method, joined_timestamp = excluded.joined_timestamp,
        parent_id = excluded.parent_id`),
    getAccount: db.prepare('SELECT * FROM org_accounts WHERE id = ?'),
    deleteAccount: db.prepare('DELETE FROM org_accounts WHERE id = ?'),
    deleteTargetAttachments: db.prepare('DELETE FROM org_policy_targets WHERE target_id = ?'),
    listAccounts: db.prepare(`SELECT * FROM org_accounts
      WHERE (joined_timestamp, id) > (@after_t, @after_id)
      ORDER BY joined_timestamp, id LIMIT @limit`),
    listAccountsForParent: db.prepare(`SELECT * FROM org_accounts WHERE parent_id = @parent
      AND (joined_timestamp, id) > (@after_t, @after_id)
      ORDER BY joined_timestamp, id LIMIT @limit`),
    putOu: db.prepare(`INSERT INTO org_ous (id, arn, name, parent_id) VALUES (@id, @arn, @name, @parent_id)
      ON CONFLICT (id) DO UPDATE SET arn = excluded.arn, name = excluded.name, parent_id = excluded.parent_id`),
    getOu: db.prepare('SELECT * FROM org_ous WHERE id = ?'),
    listOus: db.prepare(`SELECT * FROM org_ous WHERE parent_id = @parent
      AND (name, id) > (@after_name, @after_id)
      ORDER BY name, id LIMIT @limit`),
    deleteOu: db.prepare('DELETE FROM org_ous WHERE id = ?'),
    putCas: db.prepare(`INSERT INTO org_create_account_status (id, account_name, state, requested_timestamp,
      completed_timestamp, account_id, failure_reason) VALUES (@id, @account_name, @state, @requested_timestamp,
      @completed_timestamp, @account_id, @failure_reason)
      ON CONFLICT (id) DO UPDATE SET account_name = excluded.account_name, state = excluded.state,
        requested_timestamp = excluded.requested_timestamp, completed_timestamp = excluded.completed_timestamp,
        account_id = excluded.account_id, failure_reason = excluded.failure_reason`),
    getCas: db.prepare('SELECT * FROM org_create_account_status WHERE id = ?'),
    putPolicy: db.prepare(`INSERT INTO org_policies (id, arn, name, description, type, aws_managed, content)
      VALUES (@id, @arn, @name, @description, @type, @aws_managed, @content)
      ON CONFLICT (id) DO UPDATE SET arn = excluded.arn, name = excluded.name, description = excluded.description,
        type = excluded.type, aws_managed = excluded.aws_managed, content = excluded.content`),
    getPolicy: db.prepare('SELECT * FROM org_policies WHERE id = ?'),
    listPolicies: db.prepare('SELECT * FROM org_policies ORDER BY name, id'),
    deletePolicy: db.prepare('DELETE FROM org_policies WHERE id = ?'),
    attach: db.prepare('INSERT OR IGNORE INTO org_policy_targets (policy_id, target_id) VALUES (?, ?)'),
    detach: db.prepare('DELETE FROM org_policy_targets WHERE policy_id = ? AND target_id = ?'),
    targets: db.prepare('SELECT target_id FROM org_policy_targets WHERE policy_id = ? ORDER BY seq'),
    policiesForTarget: db.prepare(`SELECT p.* FROM org_policy_targets t JOIN org_policies p ON p.id = t.policy_id
      WHERE t.target_id = ? ORDER BY p.name, p.id`),
  };

  const accountParams = (a: Account) => ({
    id: a.id,
    arn: a.arn,
    name: a.name,
    email: a.email,
    status: a.status,
    joined_method: a.joinedMethod,
    joined_timestamp: a.joinedTimestamp.getTime(),
    parent_id: a.parentId,
  });

  return {
    getOrganization: () => run(() => {
      const r = s.getOrg.get() as OrgRow | undefined;
      return r ? toOrg(r) : undefined;
    }),
    createOrganization: (org) => run(() => {
      if (s.getOrg.get()) throw new KamenError('ERR_ENTITY_ALREADY_EXISTS', 'An organization already exists.');
      s.insertOrg.run({
        id: org.id,
        arn: org.arn,
        management_account_id: org.managementAccountId,
        management_account_email: org.managementAccountEmail,
        root_id: org.rootId,
        feature_set: org.featureSet,
        created_at: org.createdAt.getTime(),
      });
    }),
    deleteOrganization: () => run(() => {
      s.deleteOrg.run();
    }),
    putAccount: (account) => run(() => {
      s.putAccount.run(accountParams(account));
    }),
    getAccount: (id) => run(() => {
      const r = s.getAccount.get(id) as AccountRow | undefined;
      return r ? toAccount(r) : undefined;
    }),
    deleteAccount: (id) => run(() => {
      ctx.atomic(() => {
        s.deleteTargetAttachments.run(id);
        s.deleteAccount.run(id);
      });
    }),
    listAccounts: (opts) => run(() => {
      const p = pageRequest(ctx, ['org:accounts'], opts, ['number', 'string'], 'ERR_ORG_INVALID_INPUT');
      const rows = s.listAccounts.all({ after_t: p.after?.[0] ?? -1, after_id: p.after?.[1] ?? '', limit: p.limit + 1 }) as AccountRow[];
      return toPage(ctx, p, rows, toAccount, (r) => [r.joined_timestamp, r.id]);
    }),
    listAccountsForParent: (parentId, opts) => run(() => {
      const p = pageRequest(ctx, ['org:accounts-for-parent', parentId], opts, ['number', 'string'], 'ERR_ORG_INVALID_INPUT');
      const rows = s.listAccountsForParent.all({
        parent: parentId,
        after_t: p.after?.[0] ?? -1,
        after_id: p.after?.[1] ?? '',
        limit: p.limit + 1,
      }) as AccountRow[];
      return toPage(ctx, p, rows, toAccount, (r) => [r.joined_timestamp, r.id]);
    }),
    putOrganizationalUnit: (ou) => run(() => {
      s.putOu.run({ id: ou.id, arn: ou.arn, name: ou.name, parent_id: ou.parentId });
    }),
    getOrganizationalUnit: (id) => run(() => {
      const r = s.getOu.get(id) as OuRow | undefined;
      return r ? toOu(r) : undefined;
    }),
    listOrganizationalUnitsForParent: (parentId, opts) => run(() => {
      const p = pageRequest(ctx, ['org:ous-for-parent', parentId], opts, ['string', 'string'], 'ERR_ORG_INVALID_INPUT');
      const rows = s.listOus.all({
        parent: parentId,
        after_name: p.after?.[0] ?? '',
        after_id: p.after?.[1] ?? '',
        limit: p.limit + 1,
      }) as OuRow[];
      return toPage(ctx, p, rows, toOu, (r) => [r.name, r.id]);
    }),
    deleteOrganizationalUnit: (id) => run(() => {
      ctx.atomic(() => {
        s.deleteTargetAttachments.run(id);
        s.deleteOu.run(id);
      });
    }),
    putCreateAccountStatus: (st) => run(() => {
      s.putCas.run({
        id: st.id,
        account_name: st.accountName,
        state: st.state,
        requested_timestamp: st.requestedTimestamp.getTime(),
        completed_timestamp: fromDate(st.completedTimestamp),
        account_id: nul(st.accountId),
        failure_reason: nul(st.failureReason),
      });
    }),
    getCreateAccountStatus: (id) => run(() => {
      const r = s.getCas.get(id) as CasRow | undefined;
      return r ? toCas(r) : undefined;
    }),
    putOrgPolicy: (policy) => run(() => {
      s.putPolicy.run({
        id: policy.id,
        arn: policy.arn,
        name: policy.name,
        description: policy.description,
        type: policy.type,
        aws_managed: policy.awsManaged ? 1 : 0,
        content: policy.content,
      });
    }),
    getOrgPolicy: (id) => run(() => {
      const r = s.getPolicy.get(id) as OrgPolicyRow | undefined;
      return r ? toOrgPolicy(r) : undefined;
    }),
    listOrgPolicies: () => run(() => (s.listPolicies.all() as OrgPolicyRow[]).map(toOrgPolicy)),
    deleteOrgPolicy: (id) => run(() => {
      s.deletePolicy.run(id); // its target rows go with it (ON DELETE CASCADE)
    }),
    attachOrgPolicy: (policyId, targetId) => run(() => {
      s.attach.run(policyId, targetId);
    }),
    detachOrgPolicy: (policyId, targetId) => run(() => {
      s.detach.run(policyId, targetId);
    }),
    listOrgPolicyTargets: (policyId) => run(() => (s.targets.all(policyId) as Array<{ target_id: string }>).map((r) => r.target_id)),
    listOrgPoliciesForTarget: (targetId) => run(() => (s.policiesForTarget.all(targetId) as OrgPolicyRow[]).map(toOrgPolicy)),
  };
}
