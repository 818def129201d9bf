/** Console sessions family (SQLite): web console sessions, their data encrypted under the master key. */
import type { ConsoleSessionRecord, ConsoleSessionStore } from '../store.js';
import type { SqliteContext } from './db.js';

interface SessionRow {
  id: string;
  expires_at: number;
  data_enc: string;
}

/** Prepares the statements once for this connection and returns the family's methods (migration 005's table). */
export function consoleSessionsFamily(ctx: SqliteContext): ConsoleSessionStore {
  const { db, run, cipher } = ctx;
  const s = {
    put: db.prepare(
      `INSERT INTO console_sessions (id, expires_at, data_enc) VALUES (?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET expires_at = excluded.expires_at, data_enc = excluded.data_enc`,
    ),
    get: db.prepare('SELECT * FROM console_sessions WHERE id = ?'),
    remove: db.prepare('DELETE FROM console_sessions WHERE id = ?'),
    expire: db.prepare('DELETE FROM console_sessions WHERE expires_at <= ?'),
  };
  return {
    putConsoleSession: (r) =>
      run(() => {
        s.put.run(r.id, r.expiresAt.getTime(), cipher.encrypt(r.data));
      }),
    getConsoleSession: (id) =>
      run(() => {
        const row = s.get.get(id) as SessionRow | undefined;
        return row ? ({ id: row.id, expiresAt: new Date(row.expires_at), data: cipher.decrypt(row.data_enc) } satisfies ConsoleSessionRecord) : undefined;
      }),
    deleteConsoleSession: (id) =>
      run(() => {
        s.remove.run(id);
      }),
    deleteExpiredConsoleSessions: (now) => run(() => s.expire.run(now.getTime()).changes),
  };
}
