/** A SQLite store file as an earlier kamen left it: every migration before a version applied and recorded, none after. */
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrations } from '../../src/store/migrations/index.js';
import { DB_FILE } from '../../src/store/open.js';

/** Opens `<dir>/kamen.db` with the migrations before `version` applied (the caller adds rows and closes it). */
export function databaseBefore(dir: string, version: number): Database.Database {
  const db = new Database(path.join(dir, DB_FILE));
  db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  for (const m of migrations.filter((x) => x.version < version)) {
    db.exec(m.sqlite);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, 0);
  }
  return db;
}
