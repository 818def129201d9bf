/** Policies family: customer managed policies and their versions, inline policies, and managed policy attachments. */
import { KamenError } from '../../errors.js';
import {
  ms,
  nul,
  patchParams,
  same,
  setClause,
  tagsConv,
  tagsJson,
  unique,
  type SqliteContext,
} from './db.js';
import { pageRequest, toPage, type Paging } from '../markers.js';
import { pagePolicyEntities, type PolicyUse } from '../rows/policy-entities.js';
import type { PolicyUsageCount, PrincipalKind } from '../store.js';
import { toAttachment, toInline, toPolicy, toVersion, type AttachmentRow, type InlineRow, type PolicyRow, type VersionRow, type PoliciesMethods } from '../rows/policies.js';

/** The numeric part of a version id (v12 → 12), used to order versions newest first. */
function versionSeq(versionId: string): number {
  const m = /^v(\d+)$/.exec(versionId);
  return m ? Number(m[1]) : 0;
}

/** The table, name column and ID column of each principal kind. */
const PRINCIPAL_TABLES: Record<PrincipalKind, { table: string; name: string; id: string }> = {
  user: { table: 'iam_users', name: 'user_name', id: 'user_id' },
  group: { table: 'iam_groups', name: 'group_name', id: 'group_id' },
  role: { table: 'iam_roles', name: 'role_name', id: 'role_id' },
};

const PREFIX = '(@prefix IS NULL OR substr(x.path, 1, length(@prefix)) = @prefix)';

/** The seek of principals of one kind using a policy one way (migration 014's indexes), prepared once. */
function entitySeek(db: SqliteContext['db'], kind: PrincipalKind, use: PolicyUse): ReturnType<SqliteContext['db']['prepare']> {
  const t = PRINCIPAL_TABLES[kind];
  if (use === 'attached') {
    return db.prepare(`SELECT x.${t.name} AS name, x.${t.id} AS id FROM policy_attachments a
      JOIN ${t.table} x ON x.account_id = a.account_id AND x.${t.name} = a.principal_name
      WHERE a.account_id = @account_id AND a.policy_arn = @arn AND a.kind = '${kind}' AND a.principal_name > @after AND ${PREFIX}
      ORDER BY a.principal_name LIMIT @limit`);
  }
  return db.prepare(`SELECT x.${t.name} AS name, x.${t.id} AS id FROM ${t.table} x
    WHERE x.account_id = @account_id AND x.permissions_boundary_arn IS NOT NULL AND x.permissions_boundary_arn = @arn AND x.${t.name} > @after AND ${PREFIX}
    ORDER BY x.${t.name} LIMIT @limit`);
}

const VERSION_COLUMNS = `v.policy_arn, v.version_id, v.document, v.create_date,
  CASE WHEN v.version_id = p.default_version_id THEN 1 ELSE 0 END AS is_default`;

/** Prepares the policy statements once for this connection and returns the family's methods. */
export function policiesFamily(ctx: SqliteContext & Paging): PoliciesMethods {
  const { db, run } = ctx;
  const s = {
    insert: db.prepare(`INSERT INTO policies (arn, policy_id, account_id, policy_name, path, default_version_id,
      description, create_date, update_date, tags) VALUES (@arn, @policy_id, @account_id, @policy_name, @path,
      @default_version_id, @description, @create_date, @update_date, @tags)`),
    get: db.prepare('SELECT * FROM policies WHERE arn = ?'),
    update: db.prepare(`UPDATE policies SET ${setClause('default_version_id', 'defaultVersionId')},
      ${setClause('update_date', 'updateDate')}, ${setClause('tags', 'tags')}, ${setClause('description', 'description')}
      WHERE arn = @arn`),
    delete: db.prepare('DELETE FROM policies WHERE arn = ?'),
    listAfter: db.prepare(`SELECT * FROM policies WHERE account_id = @account_id
      AND policy_name >= @name AND (policy_name > @name OR arn > @arn)
      AND (@prefix IS NULL OR substr(path, 1, length(@prefix)) = @prefix)
      ORDER BY policy_name LIMIT @limit`),
    usageAttached: db.prepare(`SELECT policy_arn AS arn, count(*) AS n FROM policy_attachments
      WHERE policy_arn IN (SELECT value FROM json_each(@arns)) AND account_id = @account_id GROUP BY policy_arn`),
    usageUsers: db.prepare(`SELECT permissions_boundary_arn AS arn, count(*) AS n FROM iam_users
      WHERE account_id = @account_id AND permissions_boundary_arn IS NOT NULL AND permissions_boundary_arn IN (SELECT value FROM json_each(@arns)) GROUP BY permissions_boundary_arn`),
    usageRoles: db.prepare(`SELECT permissions_boundary_arn AS arn, count(*) AS n FROM iam_roles
      WHERE account_id = @account_id AND permissions_boundary_arn IS NOT NULL AND permissions_boundary_arn IN (SELECT value FROM json_each(@arns)) GROUP BY permissions_boundary_arn`),
    list: db.prepare(`SELECT * FROM policies WHERE account_id = @account_id
      AND policy_name > @after
      AND (@prefix IS NULL OR substr(path, 1, length(@prefix)) = @prefix)
      ORDER BY policy_name LIMIT @limit`),
    insertVersion: db.prepare(`INSERT INTO policy_versions (policy_arn, version_id, seq, document, create_date)
      VALUES (@policy_arn, @version_id, @seq, @document, @create_date)`),
    setDefault: db.prepare('UPDATE policies SET default_version_id = ? WHERE arn = ?'),
    getVersion: db.prepare(`SELECT ${VERSION_COLUMNS} FROM policy_versions v JOIN policies p ON p.arn = v.policy_arn
      WHERE v.policy_arn = ? AND v.version_id = ?`),
    listVersions: db.prepare(`SELECT ${VERSION_COLUMNS} FROM policy_versions v JOIN policies p ON p.arn = v.policy_arn
      WHERE v.policy_arn = ? ORDER BY v.seq DESC, v.create_date DESC`),
    deleteVersion: db.prepare('DELETE FROM policy_versions WHERE policy_arn = ? AND version_id = ?'),

    putInline: db.prepare(`INSERT INTO inline_policies (account_id, kind, principal_name, policy_name, document)
      VALUES (@account_id, @kind, @principal_name, @policy_name, @document)
      ON CONFLICT (account_id, kind, principal_name, policy_name) DO UPDATE SET document = excluded.document`),
    getInline: db.prepare(`SELECT * FROM inline_policies WHERE account_id = ? AND kind = ? AND principal_name = ? AND policy_name = ?`),
    deleteInline: db.prepare(`DELETE FROM inline_policies WHERE account_id = ? AND kind = ? AND principal_name = ? AND policy_name = ?`),
    listInline: db.prepare(`SELECT * FROM inline_policies WHERE account_id = ? AND kind = ? AND principal_name = ? ORDER BY policy_name`),

    attach: db.prepare(`INSERT OR IGNORE INTO policy_attachments (account_id, kind, principal_name, policy_arn)
      VALUES (@account_id, @kind, @principal_name, @policy_arn)`),
    detach: db.prepare(`DELETE FROM policy_attachments
      WHERE account_id = @account_id AND kind = @kind AND principal_name = @principal_name AND policy_arn = @policy_arn`),
    attached: db.prepare(`SELECT policy_arn FROM policy_attachments WHERE account_id = ? AND kind = ? AND principal_name = ?
      ORDER BY policy_arn`).pluck(),
    attachments: db.prepare(`SELECT * FROM policy_attachments WHERE account_id = ? AND policy_arn = ?
      ORDER BY kind, principal_name`),
    countAttachments: db.prepare('SELECT count(*) FROM policy_attachments WHERE policy_arn = ?').pluck(),
  };

  const seeks = new Map<string, ReturnType<typeof db.prepare>>();
  for (const kind of ['user', 'group', 'role'] as const) {
    seeks.set(`${kind} attached`, entitySeek(db, kind, 'attached'));
    if (kind !== 'group') seeks.set(`${kind} boundary`, entitySeek(db, kind, 'boundary'));
  }

  return {
    createPolicy: (policy, firstVersion) => run(() => {
      ctx.atomic(() => {
        unique(`A policy called ${policy.policyName} already exists. Duplicate names are not allowed.`, () =>
          s.insert.run({
            arn: policy.arn,
            policy_id: policy.policyId,
            account_id: policy.accountId,
            policy_name: policy.policyName,
            path: policy.path,
            default_version_id: policy.defaultVersionId,
            description: nul(policy.description),
            create_date: policy.createDate.getTime(),
            update_date: policy.updateDate.getTime(),
            tags: tagsJson(policy.tags),
          }),
        );
        s.insertVersion.run({
          policy_arn: policy.arn,
          version_id: firstVersion.versionId,
          seq: versionSeq(firstVersion.versionId),
          document: firstVersion.document,
          create_date: firstVersion.createDate.getTime(),
        });
      });
    }),
    getPolicy: (arn) => run(() => {
      const r = s.get.get(arn) as PolicyRow | undefined;
      return r ? toPolicy(r) : undefined;
    }),
    updatePolicy: (arn, patch) => run(() => {
      const params = patchParams(patch, { defaultVersionId: same, updateDate: ms, tags: tagsConv, description: same });
      if (params.has_defaultVersionId && params.defaultVersionId === null) params.has_defaultVersionId = 0;
      if (params.has_updateDate && params.updateDate === null) params.has_updateDate = 0;
      if (params.has_tags && params.tags === null) params.tags = '[]';
      s.update.run({ ...params, arn });
    }),
    deletePolicy: (arn) => run(() => {
      if ((s.countAttachments.get(arn) as number) > 0) {
        throw new KamenError('ERR_DELETE_CONFLICT', 'Cannot delete a policy attached to entities.');
      }
      s.delete.run(arn); // versions go with it (ON DELETE CASCADE)
    }),
    listPolicies: (accountId, opts) => run(() => {
      const p = pageRequest(ctx, ['iam:policies', accountId], opts, ['string']);
      const rows = s.list.all({ account_id: accountId, after: p.after?.[0] ?? '', prefix: p.pathPrefix, limit: p.limit + 1 }) as PolicyRow[];
      return toPage(ctx, p, rows, toPolicy, (r) => [r.policy_name]);
    }),
    listPoliciesAfter: (accountId, after, limit, pathPrefix) => run(() =>
      (s.listAfter.all({ account_id: accountId, name: after?.name ?? '', arn: after?.arn ?? '', prefix: pathPrefix || null, limit }) as PolicyRow[]).map(toPolicy),
    ),
    countPolicyUsage: (accountId, arns) => run(() => {
      const out = new Map<string, PolicyUsageCount>();
      if (arns.length === 0) return out;
      const params = { account_id: accountId, arns: JSON.stringify(arns) };
      const at = (arn: string): PolicyUsageCount => {
        let u = out.get(arn);
        if (!u) out.set(arn, (u = { attachments: 0, boundaries: 0 }));
        return u;
      };
      for (const r of s.usageAttached.all(params) as Array<{ arn: string; n: number }>) at(r.arn).attachments += r.n;
      for (const q of [s.usageUsers, s.usageRoles]) for (const r of q.all(params) as Array<{ arn: string; n: number }>) at(r.arn).boundaries += r.n;
      return out;
    }),
    listPolicyEntities: (accountId, policyArn, filter, opts) =>
      pagePolicyEntities(ctx, accountId, policyArn, filter, opts, (kind, use, after, limit, prefix) =>
        run(() => seeks.get(`${kind} ${use}`)!.all({ account_id: accountId, arn: policyArn, after, limit, prefix }) as Array<{ name: string; id: string }>),
      ),
    createPolicyVersion: (version) => run(() => {
      ctx.atomic(() => {
        unique(`Policy version ${version.versionId} already exists.`, () =>
          s.insertVersion.run({
            policy_arn: version.policyArn,
            version_id: version.versionId,
            seq: versionSeq(version.versionId),
            document: version.document,
            create_date: version.createDate.getTime(),
          }),
        );
        if (version.isDefaultVersion) s.setDefault.run(version.versionId, version.policyArn);
      });
    }),
    getPolicyVersion: (policyArn, versionId) => run(() => {
      const r = s.getVersion.get(policyArn, versionId) as VersionRow | undefined;
      return r ? toVersion(r) : undefined;
    }),
    listPolicyVersions: (policyArn) => run(() => (s.listVersions.all(policyArn) as VersionRow[]).map(toVersion)),
    deletePolicyVersion: (policyArn, versionId) => run(() => {
      s.deleteVersion.run(policyArn, versionId);
    }),
    setDefaultPolicyVersion: (policyArn, versionId) => run(() => {
      s.setDefault.run(versionId, policyArn);
    }),

    putInlinePolicy: (policy) => run(() => {
      s.putInline.run({
        account_id: policy.accountId,
        kind: policy.kind,
        principal_name: policy.principalName,
        policy_name: policy.policyName,
        document: policy.document,
      });
    }),
    getInlinePolicy: (accountId, kind, principalName, policyName) => run(() => {
      const r = s.getInline.get(accountId, kind, principalName, policyName) as InlineRow | undefined;
      return r ? toInline(r) : undefined;
    }),
    deleteInlinePolicy: (accountId, kind, principalName, policyName) => run(() => {
      s.deleteInline.run(accountId, kind, principalName, policyName);
    }),
    listInlinePolicies: (accountId, kind, principalName) => run(() =>
      (s.listInline.all(accountId, kind, principalName) as InlineRow[]).map(toInline),
    ),

    attachPolicy: (att) => run(() => {
      s.attach.run({ account_id: att.accountId, kind: att.kind, principal_name: att.principalName, policy_arn: att.policyArn });
    }),
    detachPolicy: (att) => run(() => {
      s.detach.run({ account_id: att.accountId, kind: att.kind, principal_name: att.principalName, policy_arn: att.policyArn });
    }),
    listAttachedPolicies: (accountId, kind, principalName) => run(() => s.attached.all(accountId, kind, principalName) as string[]),
    listPolicyAttachments: (accountId, policyArn) => run(() =>
      (s.attachments.all(accountId, policyArn) as AttachmentRow[]).map(toAttachment),
    ),
    countPolicyAttachments: (policyArn) => run(() => s.countAttachments.get(policyArn) as number),
  };
}
