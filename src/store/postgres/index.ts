/** The PostgreSQL backend of the Store: a connection pool, the same migrations and semantics as SQLite, secrets encrypted or derived. */
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { PoolClient } from 'pg';
import { KamenError } from '../../errors.js';
import { createSecretCipher, createTemporarySecretDeriver, type SecretCipher } from '../crypto.js';
import type { Store } from '../store.js';
import { createContext, mapError } from './db.js';
import { createMarkerCodec } from '../markers.js';
import { applyMigrations } from './migrate.js';
import { changeChannel, instrumentWrites, newNodeId, startChangeListener, type ChangeListener } from './notify.js';
import { credentialsFamily } from './credentials.js';
import { federationFamily } from './federation.js';
import { groupsFamily } from './groups.js';
import { mfaFamily } from './mfa.js';
import { organizationFamily } from './organizations.js';
import { policiesFamily } from './policies.js';
import { principalBindingsFamily } from './principal-bindings.js';
import { eventsFamily } from './events.js';
import { eventRetentionFamily } from './event-retention.js';
import { s3Family } from './s3.js';
import { s3ConfigFamily } from './s3-config.js';
import { s3VersionsFamily } from './s3-versions.js';
import { serverCertificatesFamily } from './server-certificates.js';
import { userCredentialsFamily } from './user-credentials.js';
import { consoleSessionsFamily } from './console-sessions.js';
import { trailsFamily } from './trails.js';
import { rolesFamily } from './roles.js';
import { settingsFamily } from './settings.js';
import { delegationsFamily } from './delegations.js';
import { snapshotFamily } from './snapshot.js';
import { usersFamily } from './users.js';

export interface PostgresStoreOptions {
  /** postgres://user:password@host:port/database[?schema=name&…]; `schema` (default public) holds kamen's tables. */
  url: string;
  /** The 32-byte master key that encrypts secrets at rest. */
  masterKey: Buffer;
  /** Maximum pooled connections (default 10, at least 2: an open transaction holds one). */
  poolSize?: number;
  /** The schema holding kamen's tables; overrides the URL's `schema` parameter. */
  schema?: string;
  /** Where pool-level errors (an idle connection dropped by the server) are reported; default: ignored, the pool reconnects. */
  onPoolError?: (err: Error) => void;
}

/** The advisory lock class of the write lock (every write unit and store transaction holds it; see db.ts). */
export const WRITE_LOCK_CLASS = 0x6b6d7772; // 'kmwr'
/** libpq startup options every kamen session runs with. */
export const SESSION_OPTIONS = '-c synchronous_commit=on -c idle_in_transaction_session_timeout=60s';
const KEY_CHECK = 'master_key_check';
const KEY_CHECK_TEXT = 'kamen master key check';

/** bigint (int8) columns are milliseconds and counts, well inside 2^53: parse them as numbers. */
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === pg.types.builtins.INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/** The schema, the URL without kamen's own parameters, and the libpq `options` to keep. */
export function parsePostgresUrl(url: string): { connectionString: string; schema: string | undefined; options: string } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new KamenError('ERR_INTERNAL', 'The store URL must look like postgres://user:password@host:port/database.');
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    throw new KamenError('ERR_INTERNAL', 'The store URL must start with postgres:// or postgresql://.');
  }
  const schema = u.searchParams.get('schema') ?? undefined;
  const options = u.searchParams.get('options') ?? '';
  u.searchParams.delete('schema');
  u.searchParams.delete('options');
  return { connectionString: u.toString(), schema, options };
}

/** A 32-bit key naming `schema` inside an advisory lock class. */
export function schemaKey(schema: string): number {
  return createHash('sha256').update(schema).digest().readInt32BE(0);
}

/** Opens (creating the schema and migrating as needed) a PostgreSQL store; fails with a clear error when the master key is wrong. */
export async function openPostgresStore(opts: PostgresStoreOptions): Promise<Store> {
  const cipher = createSecretCipher(opts.masterKey);
  const parsed = parsePostgresUrl(opts.url);
  const schema = opts.schema ?? parsed.schema ?? 'public';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new KamenError('ERR_INTERNAL', 'The store schema must be a lower-case SQL identifier (letters, digits, _).');
  }
  const poolSize = opts.poolSize ?? 10;
  // One client may be held by an open transaction (or waiting for the write lock): reads need at least one more.
  if (!Number.isInteger(poolSize) || poolSize < 2 || poolSize > 1000) throw new KamenError('ERR_INTERNAL', 'The pool size must be an integer from 2 to 1000.');
  const pool = new pg.Pool({
    connectionString: parsed.connectionString,
    max: poolSize,
    // Every session: acknowledged commits are flushed to disk (durability does not depend on the server's default);
    // kamen's schema on the search path; a session stuck inside a transaction (holding the write lock every node
    // waits for) is ended by the server after a minute.
    options: `${parsed.options} ${SESSION_OPTIONS} -c search_path=${schema}`.trim(),
    // Dead peers (a partition, a server host gone) are noticed by TCP keepalive instead of hanging a pooled client.
    keepAlive: true,
    types,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    // Idle pooled connections do not keep the process alive (a server is kept alive by its listeners).
    allowExitOnIdle: true,
  });
  // A pooled idle connection the server drops emits 'error' on the pool: report it, never crash; the pool reconnects.
  pool.on('error', (err) => opts.onPoolError?.(err));
  const key = schemaKey(schema);
  let client: PoolClient | undefined;
  try {
    client = await pool.connect();
    await applyMigrations(client, schema, key, (c) => verifyMasterKey(c, cipher));
  } catch (err) {
    client?.release(true);
    client = undefined;
    await pool.end().catch(() => {});
    throw mapError(err);
  } finally {
    client?.release();
  }
  const ctx = { ...createContext(pool, cipher, [WRITE_LOCK_CLASS, key]), markers: createMarkerCodec(opts.masterKey) };
  // Other nodes' committed writes, for this node's caches (notify.ts); a store without it could not be shared.
  const node = newNodeId();
  const channel = changeChannel(schema);
  let changes: ChangeListener;
  try {
    changes = await startChangeListener({ connectionString: parsed.connectionString, options: `${parsed.options} ${SESSION_OPTIONS} -c search_path=${schema}`.trim(), channel, node, ...(opts.onPoolError ? { onError: opts.onPoolError } : {}) });
  } catch (err) {
    await pool.end().catch(() => {});
    throw mapError(err);
  }
  const store: Store = {
    ...organizationFamily(ctx),
    ...usersFamily(ctx),
    ...groupsFamily(ctx),
    ...rolesFamily(ctx),
    ...policiesFamily(ctx),
    ...credentialsFamily(ctx, createTemporarySecretDeriver(opts.masterKey)),
    ...mfaFamily(ctx),
    ...settingsFamily(ctx),
    ...principalBindingsFamily(ctx),
    ...eventsFamily(ctx),
    ...eventRetentionFamily(ctx),
    ...s3Family(ctx),
    ...s3ConfigFamily(ctx),
    ...s3VersionsFamily(ctx),
    ...userCredentialsFamily(ctx),
    ...serverCertificatesFamily(ctx),
    ...federationFamily(ctx),
    ...consoleSessionsFamily(ctx),
    ...trailsFamily(ctx),
    ...delegationsFamily(ctx),
    ...snapshotFamily(ctx),
    transaction: ctx.transaction,
    markers: ctx.markers,
    close: async () => {
      await changes.close();
      await ctx.close();
    },
    subscribeChanges: (listener) => changes.subscribe(listener),
  };
  instrumentWrites(store, ctx, node, channel);
  return store;
}

/** Records an encrypted canary on first open and checks it on later opens, so a wrong key fails at startup. */
async function verifyMasterKey(client: PoolClient, cipher: SecretCipher): Promise<void> {
  await client.query('INSERT INTO store_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [KEY_CHECK, cipher.encrypt(KEY_CHECK_TEXT)]);
  const { rows } = await client.query<{ value: string }>('SELECT value FROM store_meta WHERE key = $1', [KEY_CHECK]);
  let text: string | undefined;
  try {
    text = cipher.decrypt(rows[0]!.value);
  } catch {
    text = undefined;
  }
  if (text !== KEY_CHECK_TEXT) {
    throw new KamenError(
      'ERR_INTERNAL',
      'The master key does not match the one this database was created with ' +
        '(check KAMEN_MASTER_KEY or <data-dir>/master.key); stored secrets cannot be decrypted.',
    );
  }
}
