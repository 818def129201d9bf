/**
 * `kamen store load` and the benches' bulk load: checks a get-account-authorization-details answer as IAM would
 * (`plan.ts`), then writes it into the store in one transaction (SQLite: prepared statements; PostgreSQL: multi-row
 * INSERTs), so a refused or failed file leaves nothing behind. The store must not be served from this data dir meanwhile.
 */
import path from 'node:path';
import { parsePostgresUrl } from '../postgres/index.js';
import { DB_FILE, openStore } from '../open.js';
import { planLoad, type LoadPlan } from './plan.js';
import { writePlanSqlite } from './sqlite.js';
import { writePlanPostgres } from './postgres.js';

export { planLoad, type LoadPlan } from './plan.js';

/** Where to load and what. */
export interface LoadOptions {
  /** The SQLite data dir (or, with `url`, the dir holding master.key when `masterKey` is not given). */
  dataDir?: string;
  /** postgres://… selects the PostgreSQL store. */
  url?: string;
  masterKey?: Buffer;
  /** The parsed get-account-authorization-details JSON. */
  details: unknown;
  /** Load into this account instead of the one the file's ARNs name. */
  accountId?: string;
  /** Whether an AWS managed policy ARN exists (the managed policy catalog). */
  isAwsManaged(arn: string): boolean;
  /** Skip opening the store first (migrations and master key already checked by the caller, e.g. a bench loading many accounts). */
  opened?: boolean;
  now?: number;
}

/** What was loaded and how fast. */
export interface LoadReport {
  accountId: string;
  users: number;
  groups: number;
  roles: number;
  policies: number;
  /** Seconds spent checking and writing. */
  seconds: number;
  /** Roles (or, with no roles, entities) per second. */
  rate: number;
}

/** Opens the store once, so it is migrated to this build's schema and the master key is checked. */
export async function prepareStore(opts: Pick<LoadOptions, 'dataDir' | 'url' | 'masterKey'>): Promise<void> {
  const store = await openStore({ ...(opts.url ? { url: opts.url, poolSize: 2 } : {}), ...(opts.dataDir ? { dataDir: opts.dataDir } : {}), ...(opts.masterKey ? { masterKey: opts.masterKey } : {}) });
  // A timer holds the event loop while the store closes: its helpers (worker threads, unref'd timers) do not.
  const hold = setInterval(() => {}, 1000);
  try {
    await store.close();
  } finally {
    clearInterval(hold);
  }
}

/** Checks and loads one file; throws (loading nothing) on the first problem. */
export async function loadAuthorizationDetails(opts: LoadOptions): Promise<LoadReport> {
  if (!opts.opened) await prepareStore(opts);
  const started = performance.now();
  const plan: LoadPlan = planLoad(opts.details, { isAwsManaged: opts.isAwsManaged, now: opts.now ?? Date.now(), ...(opts.accountId ? { accountId: opts.accountId } : {}) });
  if (opts.url) await writePlanPostgres(opts.url, parsePostgresUrl(opts.url).schema ?? 'public', plan);
  else if (opts.dataDir) writePlanSqlite(path.join(opts.dataDir, DB_FILE), plan);
  else throw new Error('loadAuthorizationDetails needs a data dir or a postgres:// URL');
  const seconds = (performance.now() - started) / 1000;
  const entities = plan.roles.length || plan.users.length + plan.groups.length + plan.policies.length;
  return { accountId: plan.accountId, users: plan.users.length, groups: plan.groups.length, roles: plan.roles.length, policies: plan.policies.length, seconds, rate: seconds > 0 ? entities / seconds : entities };
}
