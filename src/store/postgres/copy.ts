/**
 * `kamen store copy`: moves an installation's SQLite store (a data dir) into an empty PostgreSQL schema, table by table
 * in one PostgreSQL transaction, then verifies row counts and a sample of reads through both Store implementations.
 */
import path from 'node:path';
import fs from 'node:fs';
import Database from 'better-sqlite3';
import pg from 'pg';
import { isDeepStrictEqual } from 'node:util';
import { KamenError } from '../../errors.js';
import { DB_FILE, loadOrCreateMasterKey, openStore } from '../open.js';
import type { Store, StoredEvent } from '../store.js';
import { blockEvents, type StoredBlockRow } from '../sqlite/event-block.js';
import { parsePostgresUrl, SESSION_OPTIONS } from './index.js';
import { quoteIdent } from './migrate.js';
import { checkBlobFiles, copyBlobsInto, prepareBlobTables, referencedBlobs, verifyBlobs, type BlobCopyReport } from './copy-blobs.js';

export interface CopyOptions {
  /** The SQLite data dir (holding kamen.db and master.key). */
  fromDataDir: string;
  /** postgres://… of the target; its schema must hold no kamen rows yet. */
  toUrl: string;
  /** The target schema (default: the URL's `schema`, else public). */
  schema?: string;
  /** The master key, when not <fromDataDir>/master.key. */
  masterKey?: Buffer;
  /** Rows compared through both stores per entity kind (default 25). */
  sample?: number;
  /**
   * Where S3 object bytes go: 'postgres' copies them into the target's blob tables (for `kamen serve --object-store
   * postgres`); 'files' (default) leaves them in `<fromDataDir>/objects`, which every node must then mount.
   */
  objectStore?: 'files' | 'postgres';
}

export interface CopyReport {
  /** Rows copied per table (equal on both sides, or the copy fails). */
  tables: Record<string, number>;
  /** Entities read back through both stores and found equal. */
  sampled: number;
  /** The S3 object bytes: where they are now, how many, and how many were read back and compared. */
  objects: BlobCopyReport;
}

/** Tables kamen manages itself on each side: never copied. */
const SKIP = new Set(['schema_migrations', 'store_meta', 'sqlite_sequence', 'event_retention']);
/** SQLite's event blocks (migration 020): copied as PostgreSQL's per-event rows by copyEvents. */
const EVENT_TABLES = new Set(['event_blocks', 'event_keys']);
const BATCH = 500;

/** Copies the SQLite store of `fromDataDir` into PostgreSQL and verifies it; throws (and copies nothing) on any mismatch. */
export async function copySqliteToPostgres(opts: CopyOptions): Promise<CopyReport> {
  const file = path.join(opts.fromDataDir, DB_FILE);
  if (!fs.existsSync(file)) throw new KamenError('ERR_INTERNAL', `${file} does not exist: --from must be a kamen data dir.`);
  const masterKey = opts.masterKey ?? loadOrCreateMasterKey(opts.fromDataDir);
  const schema = opts.schema ?? parsePostgresUrl(opts.toUrl).schema ?? 'public';
  // Opening both stores migrates each to this build's schema version and checks the master key on both sides.
  const source = await openStore({ dataDir: opts.fromDataDir, masterKey });
  await source.close();
  const target = await openStore({ url: opts.toUrl, schema, masterKey, poolSize: 2 });
  await target.close();

  const objectStore = opts.objectStore ?? 'files';
  const objectsDir = path.join(opts.fromDataDir, 'objects');
  if (objectStore === 'postgres') await prepareBlobTables(opts.toUrl, schema);

  const db = new Database(file, { readonly: true, fileMustExist: true });
  // Every object's bytes must be on disk before anything is copied.
  let blobIds: string[];
  let blobBytes: number;
  try {
    blobIds = referencedBlobs(db);
    blobBytes = checkBlobFiles(objectsDir, blobIds);
  } catch (err) {
    db.close();
    throw err;
  }
  let blobsSampled = 0;
  const parsed = parsePostgresUrl(opts.toUrl);
  const client = new pg.Client({ connectionString: parsed.connectionString, options: `${parsed.options} ${SESSION_OPTIONS} -c search_path=${schema}`.trim() });
  await client.connect();
  const tables: Record<string, number> = {};
  try {
    const names = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as Array<{ name: string }>)
      .map((r) => r.name)
      .filter((n) => !SKIP.has(n) && !EVENT_TABLES.has(n));
    const order = await dependencyOrder(client, schema, names);
    await client.query('BEGIN');
    try {
      for (const table of order) {
        const existing = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${quoteIdent(table)}`);
        if (Number(existing.rows[0]!.n) > 0) throw new KamenError('ERR_INTERNAL', `The target schema ${schema} already holds rows in ${table}; copy into an empty one.`);
        tables[table] = await copyTable(db, client, schema, table);
      }
      if ((db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'event_blocks'").pluck().get() as number) > 0) {
        for (const table of ['events', 'event_resources']) {
          const existing = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${quoteIdent(table)}`);
          if (Number(existing.rows[0]!.n) > 0) throw new KamenError('ERR_INTERNAL', `The target schema ${schema} already holds rows in ${table}; copy into an empty one.`);
        }
        Object.assign(tables, await copyEvents(db, client, schema));
      }
      for (const table of Object.keys(tables)) {
        const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${quoteIdent(table)}`);
        if (Number(rows[0]!.n) !== tables[table]) throw new KamenError('ERR_INTERNAL', `Row count mismatch in ${table} after the copy.`);
      }
      if (objectStore === 'postgres') {
        const held = await client.query<{ n: string }>('SELECT count(*) AS n FROM s3_blobs');
        if (Number(held.rows[0]!.n) > 0) throw new KamenError('ERR_INTERNAL', `The target schema ${schema} already holds object bytes (s3_blobs); copy into an empty one.`);
        await copyBlobsInto(client, objectsDir, blobIds);
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    }
    if (objectStore === 'postgres') blobsSampled = await verifyBlobs(opts.toUrl, schema, client, objectsDir, blobIds, opts.sample ?? 25);
  } finally {
    db.close();
    await client.end();
  }
  const sampled = await verifySample(opts.fromDataDir, opts.toUrl, schema, masterKey, opts.sample ?? 25);
  return { tables, sampled, objects: { where: objectStore === 'postgres' ? 'postgres' : objectsDir, blobs: blobIds.length, bytes: blobBytes, sampled: blobsSampled } };
}

/** The tables in an order where every table comes after the ones its foreign keys reference. */
async function dependencyOrder(client: pg.Client, schema: string, names: string[]): Promise<string[]> {
  const { rows } = await client.query<{ child: string; parent: string }>(
    `SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent FROM pg_constraint c
     JOIN pg_namespace n ON n.oid = c.connamespace WHERE c.contype = 'f' AND n.nspname = $1`,
    [schema],
  );
  const bare = (t: string): string => t.replace(/^.*\./, '').replace(/"/g, '');
  const deps = new Map<string, Set<string>>(names.map((n) => [n, new Set<string>()]));
  for (const r of rows) deps.get(bare(r.child))?.add(bare(r.parent));
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

/** Copies one table's rows in batches, converting 0/1 to booleans where PostgreSQL has a boolean column; returns the count. */
async function copyTable(db: Database.Database, client: pg.Client, schema: string, table: string): Promise<number> {
  const { rows: cols } = await client.query<{ column_name: string; data_type: string; is_identity: string }>(
    `SELECT column_name, data_type, is_identity FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2`,
    [schema, table],
  );
  if (cols.length === 0) throw new KamenError('ERR_INTERNAL', `The target has no table ${table}.`);
  const sqliteCols = new Set((db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as Array<{ name: string }>).map((r) => r.name));
  const columns = cols.filter((c) => sqliteCols.has(c.column_name));
  const missing = [...sqliteCols].filter((c) => !columns.some((x) => x.column_name === c));
  if (missing.length > 0) throw new KamenError('ERR_INTERNAL', `The target's ${table} lacks columns ${missing.join(', ')}.`);
  const identity = columns.some((c) => c.is_identity === 'YES');
  const list = columns.map((c) => quoteIdent(c.column_name)).join(', ');
  const convert = columns.map((c) => (c.data_type === 'boolean' ? (v: unknown) => (v === null ? null : v === 1 || v === true) : (v: unknown) => v));
  const stmt = db.prepare(`SELECT ${list} FROM ${quoteIdent(table)}`).raw(true);
  let count = 0;
  let batch: unknown[][] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const params: unknown[] = [];
    const tuples = batch.map((row) => '(' + row.map((v, i) => (params.push(convert[i]!(v)), `$${params.length}`)).join(', ') + ')');
    await client.query(`INSERT INTO ${quoteIdent(table)} (${list}) ${identity ? 'OVERRIDING SYSTEM VALUE ' : ''}VALUES ${tuples.join(', ')}`, params);
    count += batch.length;
    batch = [];
  };
  const perBatch = Math.max(1, Math.min(BATCH, Math.floor(60_000 / columns.length)));
  for (const row of stmt.iterate() as Iterable<unknown[]>) {
    batch.push(row);
    if (batch.length >= perBatch) await flush();
  }
  await flush();
  if (identity) {
    for (const c of columns.filter((x) => x.is_identity === 'YES')) {
      await client.query(
        `SELECT setval(pg_get_serial_sequence($1, $2), coalesce((SELECT max(${quoteIdent(c.column_name)}) FROM ${quoteIdent(table)}), 0) + 1, false)`,
        [`${quoteIdent(schema)}.${quoteIdent(table)}`, c.column_name],
      );
    }
  }
  return count;
}

/**
 * Copies the SQLite store's event blocks into PostgreSQL's events and event_resources, each event under its SQLite
 * position (so trail positions, copied as they are, keep pointing at the same events); returns the row counts.
 */
async function copyEvents(db: Database.Database, client: pg.Client, schema: string): Promise<Record<string, number>> {
  const blocks = db.prepare('SELECT seq, account_id, aws_region, format, data FROM event_blocks ORDER BY seq');
  let events = 0;
  let resources = 0;
  let batch: Array<StoredEvent & { seq: number }> = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const params: unknown[] = [];
    const p = (v: unknown): string => (params.push(v), `$${params.length}`);
    const rows = batch.map((e) => `(${[e.seq, e.accountId, e.eventId, e.eventTime.getTime(), e.eventName, e.eventSource, e.readOnly ? 'true' : 'false', e.username ?? null, e.accessKeyId ?? null, JSON.stringify(e.resources), e.record, e.awsRegion ?? ''].map(p).join(', ')})`);
    await client.query(`INSERT INTO events (seq, account_id, event_id, event_time, event_name, event_source, read_only, username, access_key_id, resources, record, aws_region) OVERRIDING SYSTEM VALUE VALUES ${rows.join(', ')}`, params);
    events += batch.length;
    const res = batch.flatMap((e) => e.resources.map((r) => [e.seq, e.accountId, e.eventTime.getTime(), r.ResourceType, r.ResourceName, e.awsRegion ?? '']));
    for (let i = 0; i < res.length; i += BATCH) {
      const part = res.slice(i, i + BATCH);
      const rp: unknown[] = [];
      const tuples = part.map((r) => `(${r.map((v) => (rp.push(v), `$${rp.length}`)).join(', ')})`);
      await client.query(`INSERT INTO event_resources (seq, account_id, event_time, resource_type, resource_name, aws_region) VALUES ${tuples.join(', ')}`, rp);
      resources += part.length;
    }
    batch = [];
  };
  for (const b of blocks.iterate() as Iterable<StoredBlockRow>) {
    for (const e of blockEvents(b)) {
      batch.push(e);
      if (batch.length >= 400) await flush();
    }
  }
  await flush();
  await client.query(`SELECT setval(pg_get_serial_sequence($1, 'seq'), coalesce((SELECT max(seq) FROM events), 0) + 1, false)`, [`${quoteIdent(schema)}.events`]);
  return { events, event_resources: resources };
}

/** Reads a sample of every kind of entity through both stores and requires equal answers; returns how many were compared. */
async function verifySample(dataDir: string, url: string, schema: string, masterKey: Buffer, sample: number): Promise<number> {
  const a = await openStore({ dataDir, masterKey });
  const b = await openStore({ url, schema, masterKey, poolSize: 2 });
  let compared = 0;
  const same = async (what: string, read: (s: Store) => Promise<unknown>): Promise<void> => {
    const [x, y] = [await read(a), await read(b)];
    if (!isDeepStrictEqual(x, y)) throw new KamenError('ERR_INTERNAL', `Verification failed: ${what} differs between SQLite and PostgreSQL.`);
    compared++;
  };
  try {
    await same('the organization', (s) => s.getOrganization());
    const accounts = (await a.listAccounts({ maxItems: sample })).items;
    await same('the account listing', async (s) => (await s.listAccounts({ maxItems: sample })).items);
    for (const acct of accounts) {
      await same(`root user of ${acct.id}`, (s) => s.getRootUser(acct.id));
      await same(`alias of ${acct.id}`, (s) => s.getAccountAlias(acct.id));
      const users = (await a.listUsers(acct.id, { maxItems: sample })).items;
      await same(`users of ${acct.id}`, async (s) => (await s.listUsers(acct.id, { maxItems: sample })).items);
      for (const u of users) {
        await same(`access keys of ${u.userName}`, (s) => s.listAccessKeys(acct.id, u.userName));
        await same(`groups of ${u.userName}`, async (s) => (await s.listGroupsForUser(acct.id, u.userName)).items);
        await same(`login profile of ${u.userName}`, (s) => s.getLoginProfile(acct.id, u.userName));
      }
      await same(`root keys of ${acct.id}`, (s) => s.listAccessKeys(acct.id, undefined));
      const roles = (await a.listRoles(acct.id, { maxItems: sample })).items;
      await same(`roles of ${acct.id}`, async (s) => (await s.listRoles(acct.id, { maxItems: sample })).items);
      for (const r of roles) await same(`policies of role ${r.roleName}`, (s) => s.listAttachedPolicies(acct.id, 'role', r.roleName));
      const policies = (await a.listPolicies(acct.id, { maxItems: sample })).items;
      for (const p of policies) await same(`versions of ${p.arn}`, (s) => s.listPolicyVersions(p.arn));
      await same(`MFA devices of ${acct.id}`, (s) => s.listMfaDevices(acct.id));
    }
    await same('SCPs', (s) => s.listOrgPolicies());
  } finally {
    await a.close();
    await b.close();
  }
  return compared;
}
