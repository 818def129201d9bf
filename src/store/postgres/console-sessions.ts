/** Console sessions family (PostgreSQL): web console sessions, their data encrypted under the master key. */
import type { ConsoleSessionStore } from '../store.js';
import type { PgContext } from './db.js';

interface SessionRow {
  id: string;
  expires_at: string | number;
  data_enc: string;
}

/** The family's methods over the shared context (migration 005 creates the table). */
export function consoleSessionsFamily(ctx: PgContext): ConsoleSessionStore {
  return {
    putConsoleSession: (r) =>
      ctx.write(async (c) => {
        await c.run(
          `INSERT INTO console_sessions (id, expires_at, data_enc) VALUES ($1, $2, $3)
           ON CONFLICT (id) DO UPDATE SET expires_at = excluded.expires_at, data_enc = excluded.data_enc`,
          [r.id, r.expiresAt.getTime(), ctx.cipher.encrypt(r.data)],
        );
      }),
    getConsoleSession: async (id) => {
      const rows = await ctx.conn().rows<SessionRow>('SELECT * FROM console_sessions WHERE id = $1', [id]);
      const row = rows[0];
      return row ? { id: row.id, expiresAt: new Date(Number(row.expires_at)), data: ctx.cipher.decrypt(row.data_enc) } : undefined;
    },
    deleteConsoleSession: (id) =>
      ctx.write(async (c) => {
        await c.run('DELETE FROM console_sessions WHERE id = $1', [id]);
      }),
    deleteExpiredConsoleSessions: async (now) => {
      let n = 0;
      await ctx.write(async (c) => {
        const rows = await c.rows<{ id: string }>('DELETE FROM console_sessions WHERE expires_at <= $1 RETURNING id', [now.getTime()]);
        n = rows.length;
      });
      return n;
    },
  };
}
