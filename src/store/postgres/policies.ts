/** Policies family (PostgreSQL): customer managed policies and versions, inline policies, managed policy attachments. */
import { KamenError } from '../../errors.js';
import type { PgContext } from './db.js';
import { fold, ms, prefixCond, same, setList, tagsConv, tagsJson, nul } from './rows.js';
import { pageRequest, toPage, type Paging } from '../markers.js';
import { pagePolicyEntities } from '../rows/policy-entities.js';
import type { PolicyUsageCount, PrincipalKind } from '../store.js';
import { toAttachment, toInline, toPolicy, toVersion, type AttachmentRow, type InlineRow, type PolicyRow, type VersionRow, type PoliciesMethods } from '../rows/policies.js';

/** The numeric part of a version id (v12 → 12), used to order versions newest first. */
function versionSeq(versionId: string): number {
  const m = /^v(\d{1,9})$/.exec(versionId);
  return m ? Number(m[1]) : 0;
}

const VERSION_COLUMNS = `v.policy_arn, v.version_id, v.document, v.create_date, (v.version_id = p.default_version_id) AS is_default`;
const INSERT_VERSION = `INSERT INTO policy_versions (policy_arn, version_id, seq, document, create_date) VALUES ($1, $2, $3, $4, $5)
  ON CONFLICT DO NOTHING`;

/** The table, name column and ID column of each principal kind. */
const PRINCIPAL_TABLES: Record<PrincipalKind, { table: string; name: string; id: string }> = {
  user: { table: 'iam_users', name: 'user_name', id: 'user_id' },
  group: { table: 'iam_groups', name: 'group_name', id: 'group_id' },
  role: { table: 'iam_roles', name: 'role_name', id: 'role_id' },
};

/** The seek of principals of one kind attached to a policy ($1 account, $2 ARN, $3 folded name after, $4 prefix, $5 limit). */
function attachedSql(kind: PrincipalKind): string {
  const t = PRINCIPAL_TABLES[kind];
  return `SELECT x.${t.name} AS name, x.${t.id} AS id FROM policy_attachments a
    JOIN ${t.table} x ON x.account_id = a.account_id AND lower(x.${t.name}) = lower(a.principal_name)
    WHERE a.account_id = $1 AND a.policy_arn = $2 AND a.kind = '${kind}' AND lower(a.principal_name) > $3::text AND ${prefixCond(4)}
    ORDER BY lower(a.principal_name) LIMIT $5`;
}

/** The seek of users or roles a policy bounds, with attachedSql's parameters. */
function boundarySql(kind: PrincipalKind): string {
  const t = PRINCIPAL_TABLES[kind];
  return `SELECT ${t.name} AS name, ${t.id} AS id FROM ${t.table}
    WHERE account_id = $1 AND permissions_boundary_arn IS NOT NULL AND permissions_boundary_arn = $2 AND lower(${t.name}) > $3::text AND ${prefixCond(4)}
    ORDER BY lower(${t.name}) LIMIT $5`;
}

/** The policies family's methods over the context. */
export function policiesFamily(ctx: PgContext & Paging): PoliciesMethods {
  const { conn, write } = ctx;
  return {
    createPolicy: (policy, firstVersion) =>
      write(async (c) => {
        const n = await c.run(
          `INSERT INTO policies (arn, policy_id, account_id, policy_name, path, default_version_id, description, create_date,
             update_date, tags) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
          [
            policy.arn,
            policy.policyId,
            policy.accountId,
            policy.policyName,
            policy.path,
            policy.defaultVersionId,
            nul(policy.description),
            policy.createDate.getTime(),
            policy.updateDate.getTime(),
            tagsJson(policy.tags),
          ],
        );
        if (n === 0) {
          throw new KamenError('ERR_ENTITY_ALREADY_EXISTS', `A policy called ${policy.policyName} already exists. Duplicate names are not allowed.`);
        }
        await c.run(INSERT_VERSION, [policy.arn, firstVersion.versionId, versionSeq(firstVersion.versionId), firstVersion.document, firstVersion.createDate.getTime()]);
      }),
    getPolicy: async (arn) => {
      const [r] = await conn().rows<PolicyRow>('SELECT * FROM policies WHERE arn = $1', [arn]);
      return r ? toPolicy(r) : undefined;
    },
    updatePolicy: (arn, patch) =>
      write(async (c) => {
        const p: Record<string, unknown> = { ...patch };
        // The default version and update date cannot be cleared; cleared tags are an empty list.
        if ('defaultVersionId' in p && p.defaultVersionId === undefined) delete p.defaultVersionId;
        if ('updateDate' in p && p.updateDate === undefined) delete p.updateDate;
        if ('tags' in p && p.tags === undefined) p.tags = [];
        const set = setList(
          p,
          { defaultVersionId: ['default_version_id', same], updateDate: ['update_date', ms], tags: ['tags', tagsConv], description: ['description', same] },
          2,
        );
        if (set) await c.run(`UPDATE policies SET ${set.sql} WHERE arn = $1`, [arn, ...set.params]);
      }),
    deletePolicy: (arn) =>
      write(async (c) => {
        const attached = await c.rows('SELECT 1 FROM policy_attachments WHERE policy_arn = $1 LIMIT 1', [arn]);
        if (attached.length > 0) throw new KamenError('ERR_DELETE_CONFLICT', 'Cannot delete a policy attached to entities.');
        await c.run('DELETE FROM policies WHERE arn = $1', [arn]); // versions go with it (ON DELETE CASCADE)
      }),
    listPolicies: async (accountId, opts) => {
      const p = pageRequest(ctx, ['iam:policies', accountId], opts, ['string']);
      const rows = await conn().rows<PolicyRow>(
        `SELECT * FROM policies WHERE account_id = $1 AND lower(policy_name) > $2::text AND ${prefixCond(3)}
         ORDER BY lower(policy_name) LIMIT $4`,
        [accountId, p.after?.[0] ?? '', p.pathPrefix, p.limit + 1],
      );
      return toPage(ctx, p, rows, toPolicy, (r) => [fold(r.policy_name)]);
    },
    listPoliciesAfter: async (accountId, after, limit, pathPrefix) => {
      const rows = await conn().rows<PolicyRow>(
        `SELECT * FROM policies WHERE account_id = $1 AND lower(policy_name) >= $2::text
           AND (lower(policy_name) > $2::text OR arn > $3::text) AND ${prefixCond(4)}
         ORDER BY lower(policy_name) LIMIT $5`,
        [accountId, after?.name ?? '', after?.arn ?? '', pathPrefix || null, limit],
      );
      return rows.map(toPolicy);
    },
    countPolicyUsage: async (accountId, arns) => {
      const out = new Map<string, PolicyUsageCount>();
      if (arns.length === 0) return out;
      const rows = await conn().rows<{ arn: string; n: string; boundary: boolean }>(
        `SELECT policy_arn AS arn, count(*) AS n, false AS boundary FROM policy_attachments
           WHERE policy_arn = ANY($2::text[]) AND account_id = $1 GROUP BY policy_arn
         UNION ALL SELECT permissions_boundary_arn, count(*), true FROM iam_users
           WHERE account_id = $1 AND permissions_boundary_arn IS NOT NULL AND permissions_boundary_arn = ANY($2::text[]) GROUP BY permissions_boundary_arn
         UNION ALL SELECT permissions_boundary_arn, count(*), true FROM iam_roles
           WHERE account_id = $1 AND permissions_boundary_arn IS NOT NULL AND permissions_boundary_arn = ANY($2::text[]) GROUP BY permissions_boundary_arn`,
        [accountId, [...arns]],
      );
      for (const r of rows) {
        let u = out.get(r.arn);
        if (!u) out.set(r.arn, (u = { attachments: 0, boundaries: 0 }));
        if (r.boundary) u.boundaries += Number(r.n);
        else u.attachments += Number(r.n);
      }
      return out;
    },
    listPolicyEntities: (accountId, policyArn, filter, opts) =>
      pagePolicyEntities(ctx, accountId, policyArn, filter, opts, (kind, use, after, limit, prefix) =>
        conn().rows<{ name: string; id: string }>(use === 'attached' ? attachedSql(kind) : boundarySql(kind), [accountId, policyArn, after, prefix, limit]),
      ),
    createPolicyVersion: (version) =>
      write(async (c) => {
        const n = await c.run(INSERT_VERSION, [version.policyArn, version.versionId, versionSeq(version.versionId), version.document, version.createDate.getTime()]);
        if (n === 0) throw new KamenError('ERR_ENTITY_ALREADY_EXISTS', `Policy version ${version.versionId} already exists.`);
        if (version.isDefaultVersion) await c.run('UPDATE policies SET default_version_id = $1 WHERE arn = $2', [version.versionId, version.policyArn]);
      }),
    getPolicyVersion: async (policyArn, versionId) => {
      const [r] = await conn().rows<VersionRow>(
        `SELECT ${VERSION_COLUMNS} FROM policy_versions v JOIN policies p ON p.arn = v.policy_arn WHERE v.policy_arn = $1 AND v.version_id = $2`,
        [policyArn, versionId],
      );
      return r ? toVersion(r) : undefined;
    },
    listPolicyVersions: async (policyArn) =>
      (
        await conn().rows<VersionRow>(
          `SELECT ${VERSION_COLUMNS} FROM policy_versions v JOIN policies p ON p.arn = v.policy_arn WHERE v.policy_arn = $1
           ORDER BY v.seq DESC, v.create_date DESC`,
          [policyArn],
        )
      ).map(toVersion),
    deletePolicyVersion: (policyArn, versionId) =>
      write(async (c) => {
        await c.run('DELETE FROM policy_versions WHERE policy_arn = $1 AND version_id = $2', [policyArn, versionId]);
      }),
    setDefaultPolicyVersion: (policyArn, versionId) =>
      write(async (c) => {
        await c.run('UPDATE policies SET default_version_id = $1 WHERE arn = $2', [versionId, policyArn]);
      }),

    putInlinePolicy: (policy) =>
      write(async (c) => {
        await c.run(
          `INSERT INTO inline_policies (account_id, kind, principal_name, policy_name, document) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (account_id, kind, lower(principal_name), lower(policy_name)) DO UPDATE SET document = excluded.document`,
          [policy.accountId, policy.kind, policy.principalName, policy.policyName, policy.document],
        );
      }),
    getInlinePolicy: async (accountId, kind, principalName, policyName) => {
      const [r] = await conn().rows<InlineRow>(
        'SELECT * FROM inline_policies WHERE account_id = $1 AND kind = $2 AND lower(principal_name) = $3 AND lower(policy_name) = $4',
        [accountId, kind, fold(principalName), fold(policyName)],
      );
      return r ? toInline(r) : undefined;
    },
    deleteInlinePolicy: (accountId, kind, principalName, policyName) =>
      write(async (c) => {
        await c.run('DELETE FROM inline_policies WHERE account_id = $1 AND kind = $2 AND lower(principal_name) = $3 AND lower(policy_name) = $4', [
          accountId,
          kind,
          fold(principalName),
          fold(policyName),
        ]);
      }),
    listInlinePolicies: async (accountId, kind, principalName) =>
      (
        await conn().rows<InlineRow>(
          'SELECT * FROM inline_policies WHERE account_id = $1 AND kind = $2 AND lower(principal_name) = $3 ORDER BY lower(policy_name)',
          [accountId, kind, fold(principalName)],
        )
      ).map(toInline),

    attachPolicy: (att) =>
      write(async (c) => {
        await c.run('INSERT INTO policy_attachments (account_id, kind, principal_name, policy_arn) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [
          att.accountId,
          att.kind,
          att.principalName,
          att.policyArn,
        ]);
      }),
    detachPolicy: (att) =>
      write(async (c) => {
        await c.run('DELETE FROM policy_attachments WHERE account_id = $1 AND kind = $2 AND lower(principal_name) = $3 AND policy_arn = $4', [
          att.accountId,
          att.kind,
          fold(att.principalName),
          att.policyArn,
        ]);
      }),
    listAttachedPolicies: async (accountId, kind, principalName) =>
      (
        await conn().rows<{ policy_arn: string }>(
          'SELECT policy_arn FROM policy_attachments WHERE account_id = $1 AND kind = $2 AND lower(principal_name) = $3 ORDER BY policy_arn',
          [accountId, kind, fold(principalName)],
        )
      ).map((r) => r.policy_arn),
    listPolicyAttachments: async (accountId, policyArn) =>
      (
        await conn().rows<AttachmentRow>('SELECT * FROM policy_attachments WHERE account_id = $1 AND policy_arn = $2 ORDER BY kind, lower(principal_name)', [
          accountId,
          policyArn,
        ])
      ).map(toAttachment),
    countPolicyAttachments: async (policyArn) =>
      (await conn().rows<{ n: number }>('SELECT count(*) AS n FROM policy_attachments WHERE policy_arn = $1', [policyArn]))[0]!.n,
  };
}
