/** The ordered list of schema migrations; each backend applies the dialect it understands, tracked in schema_migrations. */
import { migration as m001 } from './001_init.js';
import { migration as m002 } from './002_principal_bindings.js';
import { migration as m003 } from './003_federation.js';
import { migration as m004 } from './004_iam_credentials.js';
import { migration as m005 } from './005_console_sessions.js';
import { migration as m006 } from './006_s3.js';
import { migration as m007 } from './007_events.js';
import { migration as m009 } from './009_keyset_indexes.js';
import { migration as m010 } from './010_trails.js';
import { migration as m011 } from './011_s3_config.js';
import { migration as m012 } from './012_s3_versions.js';
import { migration as m014 } from './014_policy_usage_indexes.js';
import { migration as m016 } from './016_delegation_requests.js';
import { migration as m017 } from './017_event_regions.js';
import { migration as m018 } from './018_event_retention.js';
import { migration as m019 } from './019_event_id_time.js';
import { migration as m020 } from './020_event_blocks.js';

/** One numbered schema change: its SQLite text and its PostgreSQL text (each backend runs the one for its dialect). */
export interface Migration {
  version: number;
  name: string;
  sqlite: string;
  postgres: string;
}

/** Every migration, in the order it must be applied (versions strictly increasing). */
export const migrations: readonly Migration[] = [m001, m002, m003, m004, m005, m006, m007, m009, m010, m011, m012, m014, m016, m017, m018, m019, m020];
