/** A full copy of the SQLite store's rows and its restore, for drop-in mode's reset (POST /_kamen/reset). */
import type { SqliteContext } from './db.js';

/** Every row of every kamen table (store_meta and migration bookkeeping excluded), as read. */
export interface SqliteSnapshot {
  tables: Array<{ name: string; rows: Array<Record<string, unknown>> }>;
}

/** captureSnapshot / restoreSnapshot over one connection. */
export function snapshotFamily(ctx: SqliteContext) {
  const tableNames = (): string[] =>
    (ctx.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'store_meta' AND name NOT LIKE '%migration%' AND name NOT IN ('events', 'event_resources', 'event_blocks', 'event_keys') ORDER BY name").pluck().all() as string[]);
  return {
    /** Reads every row of every table in one step. */
    async captureSnapshot(): Promise<SqliteSnapshot> {
      return ctx.run(() => ({ tables: tableNames().map((name) => ({ name, rows: ctx.db.prepare(`SELECT * FROM "${name}"`).all() as Array<Record<string, unknown>> })) }));
    },
    /** Replaces every table's rows with the snapshot's, atomically (foreign keys checked at commit). */
    async restoreSnapshot(snapshot: SqliteSnapshot): Promise<void> {
      await ctx.run(() =>
        ctx.atomic(() => {
          ctx.db.pragma('defer_foreign_keys = ON');
          for (const name of tableNames()) ctx.db.prepare(`DELETE FROM "${name}"`).run();
          for (const t of snapshot.tables) {
            for (const row of t.rows) {
              const cols = Object.keys(row);
              ctx.db.prepare(`INSERT INTO "${t.name}" (${cols.map((c) => `"${c}"`).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`).run(...cols.map((c) => row[c]));
            }
          }
          for (const clear of ctx.rowCaches ?? []) clear();
        }),
      );
    },
  };
}
