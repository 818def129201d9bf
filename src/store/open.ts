/** Opens kamen's store for a data dir: picks the backend and resolves the master key (given, or <dataDir>/master.key). */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { KamenError } from '../errors.js';
import { parseMasterKeyText } from './crypto.js';
import { openSqliteStore } from './sqlite/index.js';
import type { Store } from './store.js';

export interface OpenStoreOptions {
  /** Directory holding kamen.db (and master.key); undefined or ':memory:' keeps everything in memory. */
  dataDir?: string;
  /** 32-byte key encrypting secrets at rest; otherwise <dataDir>/master.key (created once, mode 0600) or, in memory, a random one. */
  masterKey?: Buffer;
  /** The storage backend; only 'sqlite' exists today ('postgres' is reserved). */
  backend?: 'sqlite' | 'postgres';
}

/** The database file name inside the data dir. */
export const DB_FILE = 'kamen.db';
/** The master key file name inside the data dir. */
export const MASTER_KEY_FILE = 'master.key';

/** Opens the store described by `opts`. */
export async function openStore(opts: OpenStoreOptions = {}): Promise<Store> {
  const backend = opts.backend ?? 'sqlite';
  if (backend !== 'sqlite') throw new KamenError('ERR_INTERNAL', `The ${backend} store backend is not available yet.`);
  const memory = opts.dataDir === undefined || opts.dataDir === ':memory:';
  if (opts.masterKey !== undefined && opts.masterKey.length !== 32) {
    throw new KamenError('ERR_INTERNAL', 'The master key must be exactly 32 bytes.');
  }
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
