/**
 * A full copy of the PostgreSQL store's rows and its restore, for drop-in mode's reset (POST /_kamen/reset). Rows travel
 * as PostgreSQL's own JSON (row_to_json out, json_populate_recordset in), so every column type round-trips exactly;
 * the restore empties and refills every table in one write transaction, and the store's change feed then tells every
 * node to forget what it cached (the method is a write like any other: see notify.ts).
 */
import type { Conn, PgContextWithTx } from './db.js';
import { quoteIdent } from './migrate.js';

/** Every row of every kamen table (bookkeeping and the audit trail excluded), as JSON text per table. */
export interface PostgresSnapshot {
  tables: Array<{ name: string; rows: string }>;
}

/** Tables a reset leaves alone: migration bookkeeping, the master key check, and the audit trail (as on SQLite). */
const KEPT = new Set(['schema_migrations', 'store_meta', 'events', 'event_resources']);

/** The kamen tables of the current schema, each after the tables its foreign keys reference. */
async function tablesInDependencyOrder(c: Conn): Promise<string[]> {
  const names = (await c.rows<{ name: string }>('SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename'))
    .map((r) => r.name)
    .filter((n) => !KEPT.has(n));
  const fks = await c.rows<{ child: string; parent: string }>(
    `SELECT cl.relname AS child, pl.relname AS parent FROM pg_constraint k
     JOIN pg_class cl ON cl.oid = k.conrelid JOIN pg_class pl ON pl.oid = k.confrelid
     JOIN pg_namespace n ON n.oid = k.connamespace WHERE k.contype = 'f' AND n.nspname = current_schema()`,
  );
  const deps = new Map<string, string[]>(names.map((n) => [n, []]));
  for (const f of fks) if (f.child !== f.parent) deps.get(f.child)?.push(f.parent);
  const out: string[] = [];
  const visit = (n: string, seen: Set<string>): void => {
    if (out.includes(n) || seen.has(n)) return;
    seen.add(n);
    for (const p of deps.get(n) ?? []) if (deps.has(p)) visit(p, seen);
    out.push(n);
  };
  for (const n of names) visit(n, new Set());
  return out;
}

/** captureSnapshot / restoreSnapshot over the store's context. */
export function snapshotFamily(ctx: PgContextWithTx) {
  return {
    /** Reads every row of every table inside one transaction (a consistent cut). */
    async captureSnapshot(): Promise<PostgresSnapshot> {
      return ctx.transaction(async () => {
        const c = ctx.conn();
        const tables: PostgresSnapshot['tables'] = [];
        for (const name of await tablesInDependencyOrder(c)) {
          const [r] = await c.rows<{ rows: string }>(`SELECT coalesce(json_agg(row_to_json(t)), '[]'::json)::text AS rows FROM ${quoteIdent(name)} t`);
          tables.push({ name, rows: r!.rows });
        }
        return { tables };
      });
    },
    /** Replaces every table's rows with the snapshot's in one write transaction (tables emptied together, refilled parents first). */
    async restoreSnapshot(snapshot: PostgresSnapshot): Promise<void> {
      await ctx.write(async (c) => {
        const names = await tablesInDependencyOrder(c);
        if (names.length) await c.run(`TRUNCATE ${names.map(quoteIdent).join(', ')}`);
        const known = new Set(names);
        for (const t of snapshot.tables) {
          if (!known.has(t.name) || t.rows === '[]') continue;
          const q = quoteIdent(t.name);
          await c.run(`INSERT INTO ${q} OVERRIDING SYSTEM VALUE SELECT * FROM json_populate_recordset(NULL::${q}, $1::json)`, [t.rows]);
        }
      });
    },
  };
}
