/** Applies the schema migrations' PostgreSQL texts once, under a session advisory lock so nodes starting together take turns. */
import type { PoolClient } from 'pg';
import { migrations } from '../migrations/index.js';

/** The advisory lock class of kamen's migration lock (the write lock uses another; see db.ts). */
export const MIGRATION_LOCK_CLASS = 0x6b6d6d67; // 'kmmg'

/**
 * Creates the schema when needed and applies every migration not yet recorded in schema_migrations, each in its own
 * transaction, while holding `pg_advisory_lock(MIGRATION_LOCK_CLASS, lockKey)`; refuses a database carrying a migration
 * this build does not know. `run` is called inside the lock with the same client before it is released.
 */
export async function applyMigrations(
  client: PoolClient,
  schema: string,
  lockKey: number,
  run: (client: PoolClient) => Promise<void>,
): Promise<void> {
  await client.query('SELECT pg_advisory_lock($1, $2)', [MIGRATION_LOCK_CLASS, lockKey]);
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${quoteIdent(schema)}.schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)`);
    const applied = new Set(
      (await client.query<{ version: number }>(`SELECT version FROM ${quoteIdent(schema)}.schema_migrations`)).rows.map((r) => r.version),
    );
    const known = new Set(migrations.map((m) => m.version));
    for (const v of applied) {
      if (!known.has(v)) throw new Error(`The database has schema migration ${v}, which this version of kamen does not know; upgrade kamen.`);
    }
    for (const m of migrations) {
      if (applied.has(m.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(`SET LOCAL search_path TO ${quoteIdent(schema)}`);
        await client.query(m.postgres);
        await client.query(`INSERT INTO ${quoteIdent(schema)}.schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`, [
          m.version,
          m.name,
          Date.now(),
        ]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      }
    }
    await run(client);
  } finally {
    await client.query('SELECT pg_advisory_unlock($1, $2)', [MIGRATION_LOCK_CLASS, lockKey]).catch(() => {});
  }
}

/** Quotes an SQL identifier. */
export function quoteIdent(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}
