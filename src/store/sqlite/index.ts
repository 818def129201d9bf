/** The SQLite backend of the Store: one better-sqlite3 connection, statements prepared per instance, secrets encrypted or derived. */
import { KamenError } from '../../errors.js';
import { createSecretCipher, createTemporarySecretDeriver, type SecretCipher } from '../crypto.js';
import type { Store } from '../store.js';
import { createContext, openDatabase } from './db.js';
import { createMarkerCodec } from '../markers.js';
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
import type { Database as Db } from 'better-sqlite3';

export interface SqliteStoreOptions {
  /** A database file path, or ':memory:'. */
  filename: string;
  /** The 32-byte master key that encrypts secrets at rest. */
  masterKey: Buffer;
}

const KEY_CHECK = 'master_key_check';
const KEY_CHECK_TEXT = 'kamen master key check';

/** Opens (creating and migrating as needed) a SQLite store; fails with a clear error when the master key is wrong. */
export function openSqliteStore(opts: SqliteStoreOptions): Store {
  const cipher = createSecretCipher(opts.masterKey);
  const db = openDatabase(opts.filename);
  try {
    verifyMasterKey(db, cipher);
  } catch (err) {
    db.close();
    throw err;
  }
  // A file database in WAL mode: batches are made durable by syncing the WAL file off the event loop.
  const wal = opts.filename !== ':memory:' && String(db.pragma('journal_mode', { simple: true })).toLowerCase() === 'wal';
  const ctx = { ...createContext(db, cipher, wal ? { walFile: opts.filename + '-wal' } : {}), markers: createMarkerCodec(opts.masterKey) };
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
    close: ctx.close,
  };
  return store;
}

/** Records an encrypted canary on first open and checks it on later opens, so a wrong key fails at startup. */
function verifyMasterKey(db: Db, cipher: SecretCipher): void {
  const row = db.prepare('SELECT value FROM store_meta WHERE key = ?').pluck().get(KEY_CHECK) as string | undefined;
  if (row === undefined) {
    db.prepare('INSERT INTO store_meta (key, value) VALUES (?, ?)').run(KEY_CHECK, cipher.encrypt(KEY_CHECK_TEXT));
    return;
  }
  let text: string | undefined;
  try {
    text = cipher.decrypt(row);
  } catch {
    text = undefined;
  }
  if (text !== KEY_CHECK_TEXT) {
    throw new KamenError(
      'ERR_INTERNAL',
      'The master key does not match the one this data directory was created with ' +
        '(check KAMEN_MASTER_KEY or <data-dir>/master.key); stored secrets cannot be decrypted.',
    );
  }
}
