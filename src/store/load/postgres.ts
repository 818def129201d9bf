/**
 * Bulk load, PostgreSQL: a plan's rows written as multi-row INSERTs (one `unnest` of column arrays per 20,000 rows) in
 * one transaction holding the store's write lock, so nodes serving the schema see all of the file or none of it.
 */
import pg from 'pg';
import { KamenError } from '../../errors.js';
import { parsePostgresUrl, schemaKey, SESSION_OPTIONS, WRITE_LOCK_CLASS } from '../postgres/index.js';
import type { LoadPlan } from './plan.js';

const CHUNK = 20000;

/** One table's insert: its columns with their PostgreSQL array types; `account_id` is bound once. */
interface Table {
  name: string;
  columns: Array<[string, string]>;
}

const T = {
  policies: { name: 'policies', columns: [['arn', 'text'], ['policy_id', 'text'], ['policy_name', 'text'], ['path', 'text'], ['default_version_id', 'text'], ['description', 'text'], ['create_date', 'bigint'], ['update_date', 'bigint'], ['tags', 'text']] },
  versions: { name: 'policy_versions', columns: [['policy_arn', 'text'], ['version_id', 'text'], ['seq', 'integer'], ['document', 'text'], ['create_date', 'bigint']] },
  groups: { name: 'iam_groups', columns: [['group_id', 'text'], ['group_name', 'text'], ['path', 'text'], ['arn', 'text'], ['create_date', 'bigint']] },
  users: { name: 'iam_users', columns: [['user_id', 'text'], ['user_name', 'text'], ['path', 'text'], ['arn', 'text'], ['create_date', 'bigint'], ['permissions_boundary_arn', 'text'], ['tags', 'text']] },
  roles: { name: 'iam_roles', columns: [['role_id', 'text'], ['role_name', 'text'], ['path', 'text'], ['arn', 'text'], ['create_date', 'bigint'], ['assume_role_policy', 'text'], ['permissions_boundary_arn', 'text'], ['tags', 'text'], ['last_used_date', 'bigint'], ['last_used_region', 'text']] },
  inline: { name: 'inline_policies', columns: [['kind', 'text'], ['principal_name', 'text'], ['policy_name', 'text'], ['document', 'text']] },
  attach: { name: 'policy_attachments', columns: [['kind', 'text'], ['principal_name', 'text'], ['policy_arn', 'text']] },
  members: { name: 'group_members', columns: [['group_name', 'text'], ['user_name', 'text']] },
} satisfies Record<string, Table>;

/** The INSERT … SELECT … FROM unnest(…) of `t` (policy_versions has no account_id; roles get the default session length). */
function insertSql(t: Table): string {
  const withAccount = t.name !== 'policy_versions';
  const cols = t.columns.map((c) => c[0]);
  const first = withAccount ? 2 : 1;
  const arrays = t.columns.map((c, i) => `$${i + first}::${c[1]}[]`).join(', ');
  const extra = t.name === 'iam_roles' ? ', max_session_duration' : '';
  const extraValue = t.name === 'iam_roles' ? ', 3600' : '';
  return `INSERT INTO ${t.name} (${withAccount ? 'account_id, ' : ''}${cols.join(', ')}${extra})
    SELECT ${withAccount ? '$1::text, ' : ''}${cols.map((c) => `u.${c}`).join(', ')}${extraValue} FROM unnest(${arrays}) AS u(${cols.join(', ')})`;
}

async function insertMany(c: pg.Client, t: Table, accountId: string, rows: unknown[][]): Promise<void> {
  const sql = insertSql(t);
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    const columns = t.columns.map((_, k) => chunk.map((r) => r[k]));
    await c.query(sql, t.name === 'policy_versions' ? columns : [accountId, ...columns]);
  }
}

/** Writes `plan` into the PostgreSQL store at `url` (already migrated) in one transaction: all of it or, on error, nothing. */
export async function writePlanPostgres(url: string, schema: string, plan: LoadPlan): Promise<void> {
  const parsed = parsePostgresUrl(url);
  const c = new pg.Client({ connectionString: parsed.connectionString, options: `${parsed.options} ${SESSION_OPTIONS} -c search_path=${schema}`.trim() });
  await c.connect();
  const a = plan.accountId;
  try {
    await c.query('BEGIN');
    await c.query('SELECT pg_advisory_xact_lock($1, $2)', [WRITE_LOCK_CLASS, schemaKey(schema)]);
    if (plan.external.policies.size > 0) {
      const want = [...plan.external.policies];
      const found = new Set((await c.query<{ arn: string }>('SELECT arn FROM policies WHERE account_id = $1 AND arn = ANY($2::text[])', [a, want])).rows.map((r) => r.arn));
      const missing = want.find((x) => !found.has(x));
      if (missing) throw new KamenError('ERR_NO_SUCH_ENTITY', `Policy ${missing} does not exist or is not attachable.`);
    }
    if (plan.external.groups.size > 0) {
      const want = [...plan.external.groups];
      const found = new Set((await c.query<{ n: string }>('SELECT lower(group_name) AS n FROM iam_groups WHERE account_id = $1 AND lower(group_name) = ANY($2::text[])', [a, want.map((g) => g.toLowerCase())])).rows.map((r) => r.n));
      const missing = want.find((g) => !found.has(g.toLowerCase()));
      if (missing) throw new KamenError('ERR_NO_SUCH_ENTITY', `The group with name ${missing} cannot be found.`);
    }
    try {
      await insertMany(c, T.policies, a, plan.policies.map((p) => [p.arn, p.id, p.name, p.path, p.defaultVersion, p.description, p.created, p.updated, p.tags]));
      await insertMany(c, T.versions, a, plan.versions.map((v) => [v.arn, v.versionId, v.seq, v.document, v.created]));
      await insertMany(c, T.groups, a, plan.groups.map((g) => [g.id, g.name, g.path, g.arn, g.created]));
      await insertMany(c, T.users, a, plan.users.map((u) => [u.id, u.name, u.path, u.arn, u.created, u.boundary, u.tags]));
      await insertMany(c, T.roles, a, plan.roles.map((r) => [r.id, r.name, r.path, r.arn, r.created, r.trust, r.boundary, r.tags, r.lastUsed, r.lastRegion]));
      await insertMany(c, T.inline, a, plan.inline.map((i) => [i.kind, i.principal, i.name, i.document]));
      await insertMany(c, T.attach, a, plan.attachments.map((t) => [t.kind, t.principal, t.arn]));
      await insertMany(c, T.members, a, plan.members.map((m) => [m.group, m.user]));
    } catch (err) {
      if ((err as { code?: string }).code === '23505') {
        throw new KamenError('ERR_ENTITY_ALREADY_EXISTS', `An entity of the file already exists in account ${a} (${(err as Error).message}); nothing was loaded.`);
      }
      throw err;
    }
    await c.query('COMMIT');
    // Fresh statistics for what was just loaded: without them the planner may choose scans for the point lookups of
    // every request (GetRole, AssumeRole) until autovacuum gets to the tables.
    await c.query(`ANALYZE ${Object.values(T).map((t) => t.name).join(', ')}`);
  } catch (err) {
    await c.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    await c.end();
  }
}
