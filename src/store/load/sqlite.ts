/** Bulk load, SQLite: a plan's rows written with prepared statements in one transaction of the data dir's database. */
import Database from 'better-sqlite3';
import { KamenError } from '../../errors.js';
import type { LoadPlan } from './plan.js';

/** Writes `plan` into the SQLite database `file` (already migrated) in one transaction: all of it or, on error, nothing. */
export function writePlanSqlite(file: string, plan: LoadPlan): void {
  const db = new Database(file, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    // A big page cache for this connection: the random unique IDs scatter inserts across the primary key indexes.
    db.pragma('cache_size = -262144');
    const a = plan.accountId;
    const s = {
      policyExists: db.prepare('SELECT 1 FROM policies WHERE arn = ? AND account_id = ?').pluck(),
      groupExists: db.prepare('SELECT 1 FROM iam_groups WHERE account_id = ? AND group_name = ?').pluck(),
      user: db.prepare(`INSERT INTO iam_users (user_id, account_id, user_name, path, arn, create_date, permissions_boundary_arn, tags)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
      group: db.prepare('INSERT INTO iam_groups (group_id, account_id, group_name, path, arn, create_date) VALUES (?, ?, ?, ?, ?, ?)'),
      role: db.prepare(`INSERT INTO iam_roles (role_id, account_id, role_name, path, arn, create_date, assume_role_policy, description,
        max_session_duration, permissions_boundary_arn, tags, last_used_date, last_used_region) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, 3600, ?, ?, ?, ?)`),
      policy: db.prepare(`INSERT INTO policies (arn, policy_id, account_id, policy_name, path, default_version_id, description, create_date,
        update_date, tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      version: db.prepare('INSERT INTO policy_versions (policy_arn, version_id, seq, document, create_date) VALUES (?, ?, ?, ?, ?)'),
      inline: db.prepare('INSERT INTO inline_policies (account_id, kind, principal_name, policy_name, document) VALUES (?, ?, ?, ?, ?)'),
      attach: db.prepare('INSERT INTO policy_attachments (account_id, kind, principal_name, policy_arn) VALUES (?, ?, ?, ?)'),
      member: db.prepare('INSERT INTO group_members (account_id, group_name, user_name) VALUES (?, ?, ?)'),
    };
    db.transaction(() => {
      for (const arn of plan.external.policies) {
        if (!s.policyExists.get(arn, a)) throw new KamenError('ERR_NO_SUCH_ENTITY', `Policy ${arn} does not exist or is not attachable.`);
      }
      for (const g of plan.external.groups) {
        if (!s.groupExists.get(a, g)) throw new KamenError('ERR_NO_SUCH_ENTITY', `The group with name ${g} cannot be found.`);
      }
      try {
        for (const p of plan.policies) s.policy.run(p.arn, p.id, a, p.name, p.path, p.defaultVersion, p.description, p.created, p.updated, p.tags);
        for (const v of plan.versions) s.version.run(v.arn, v.versionId, v.seq, v.document, v.created);
        for (const g of plan.groups) s.group.run(g.id, a, g.name, g.path, g.arn, g.created);
        for (const u of plan.users) s.user.run(u.id, a, u.name, u.path, u.arn, u.created, u.boundary, u.tags);
        for (const r of plan.roles) s.role.run(r.id, a, r.name, r.path, r.arn, r.created, r.trust, r.boundary, r.tags, r.lastUsed, r.lastRegion);
        for (const i of plan.inline) s.inline.run(a, i.kind, i.principal, i.name, i.document);
        for (const t of plan.attachments) s.attach.run(a, t.kind, t.principal, t.arn);
        for (const m of plan.members) s.member.run(a, m.group, m.user);
      } catch (err) {
        if (err instanceof Error && /UNIQUE constraint failed/.test(err.message)) {
          throw new KamenError('ERR_ENTITY_ALREADY_EXISTS', `An entity of the file already exists in account ${a} (${err.message}); nothing was loaded.`);
        }
        throw err;
      }
    }).immediate();
    // Move the loaded pages from the WAL into the database file now: a server opening a big WAL rebuilds its index first.
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}
