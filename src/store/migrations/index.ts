/** The ordered list of schema migrations; each backend applies the dialect it understands, tracked in schema_migrations. */
import { migration as m001 } from './001_init.js';

/** One numbered schema change; `sqlite` is its SQLite text (a `postgres` text joins it when that backend lands). */
export interface Migration {
  version: number;
  name: string;
  sqlite: string;
  postgres?: string;
}

/** Every migration, in the order it must be applied (versions strictly increasing). */
export const migrations: readonly Migration[] = [m001];
