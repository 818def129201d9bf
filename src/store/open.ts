/**
 * Opens kamen's store: SQLite in the data dir by default, PostgreSQL when a postgres:// URL is given (the data dir then
 * still holds master.key); resolves the master key (given, or <dataDir>/master.key).
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { KamenError } from '../errors.js';
import { parseMasterKeyText } from './crypto.js';
import { openSqliteStore } from './sqlite/index.js';
import { openPostgresStore } from './postgres/index.js';
import type { Store } from './store.js';

export interface OpenStoreOptions {
  /** Directory holding kamen.db (and master.key); undefined or ':memory:' keeps everything in memory. */
  dataDir?: string;
  /** 32-byte key encrypting secrets at rest; otherwise <dataDir>/master.key (created once, mode 0600) or, in memory, a random one. */
  masterKey?: Buffer;
  /** The storage backend; default: 'postgres' when `url` is given, else 'sqlite'. */
  backend?: 'sqlite' | 'postgres';
  /** postgres://user:password@host:port/database[?schema=name]: selects the PostgreSQL backend. */
  url?: string;
  /** PostgreSQL: the maximum number of pooled connections (default 10). */
  poolSize?: number;
  /** PostgreSQL: the schema holding kamen's tables (default: the URL's `schema` parameter, else public). */
  schema?: string;
}

/** True when `text` names a PostgreSQL database (postgres:// or postgresql://). */
export function isPostgresUrl(text: string | undefined): text is string {
  return text !== undefined && /^postgres(ql)?:\/\//i.test(text);
}

/** The database file name inside the data dir. */
export const DB_FILE = 'kamen.db';
/** The master key file name inside the data dir. */
export const MASTER_KEY_FILE = 'master.key';

/** Opens the store described by `opts`. */
export async function openStore(opts: OpenStoreOptions = {}): Promise<Store> {
  const backend = opts.backend ?? (opts.url !== undefined ? 'postgres' : 'sqlite');
  const memory = opts.dataDir === undefined || opts.dataDir === ':memory:';
  if (opts.masterKey !== undefined && opts.masterKey.length !== 32) {
    throw new KamenError('ERR_INTERNAL', 'The master key must be exactly 32 bytes.');
  }
  if (backend === 'postgres') {
    if (!isPostgresUrl(opts.url)) throw new KamenError('ERR_INTERNAL', 'The PostgreSQL store needs a postgres:// URL.');
    let masterKey = opts.masterKey;
    if (masterKey === undefined) {
      if (memory) throw new KamenError('ERR_INTERNAL', 'The PostgreSQL store needs a master key: a data dir holding master.key, or KAMEN_MASTER_KEY.');
      fs.mkdirSync(opts.dataDir as string, { recursive: true, mode: 0o700 });
      masterKey = loadOrCreateMasterKey(opts.dataDir as string);
    }
    const pgOpts: Parameters<typeof openPostgresStore>[0] = { url: opts.url, masterKey };
    if (opts.poolSize !== undefined) pgOpts.poolSize = opts.poolSize;
    if (opts.schema !== undefined) pgOpts.schema = opts.schema;
    return openPostgresStore(pgOpts);
  }
  if (backend !== 'sqlite') throw new KamenError('ERR_INTERNAL', `Unknown store backend ${String(backend)}.`);
  if (memory) return openSqliteStore({ filename: ':memory:', masterKey: opts.masterKey ?? randomBytes(32) });
  const dataDir = opts.dataDir as string;
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const masterKey = opts.masterKey ?? loadOrCreateMasterKey(dataDir);
  const filename = path.join(dataDir, DB_FILE);
  // Created owner-only before SQLite opens it (SQLite gives the -wal/-shm files the database file's permissions).
  fs.closeSync(fs.openSync(filename, 'a', 0o600));
  return openSqliteStore({ filename, masterKey });
}

/** Reads <dataDir>/master.key (base64 or hex of 32 bytes), creating it with a random key (mode 0600) the first time. */
export function loadOrCreateMasterKey(dataDir: string): Buffer {
  const file = path.join(dataDir, MASTER_KEY_FILE);
  try {
    const key = randomBytes(32);
    // 'wx' fails if the file exists, so two processes starting together cannot both create one.
    const fd = fs.openSync(file, 'wx', 0o600);
    try {
      fs.writeSync(fd, key.toString('base64') + '\n');
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.chmodSync(file, 0o600);
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const text = fs.readFileSync(file, 'utf8');
  try {
    return parseMasterKeyText(text);
  } catch {
    throw new KamenError('ERR_INTERNAL', `${file} does not hold a 32-byte key (base64 or hex).`);
  }
}
