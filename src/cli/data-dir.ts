/**
 * The data dir as the CLI sees it: checks that it is usable, the lock a running `kamen serve` holds in it
 * (serve.json: pid and real URLs, which `kamen env` reads), and the marker saying the bootstrap summary was shown.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DB_FILE, MASTER_KEY_FILE } from '../store/open.js';
import { CliError } from './cli-error.js';

/** The file a running server keeps in its data dir. */
export const SERVE_FILE = 'serve.json';
/** Present once the first start's bootstrap summary has been printed. */
export const SHOWN_FILE = 'bootstrap-shown';

/** What serve.json records about the server running on a data dir. */
export interface ServeRecord {
  pid: number;
  endpoint: string;
  console?: string;
  caPath: string;
}

/** Throws a CliError unless `dir` is (or can become) a writable directory. */
export function checkDataDir(dir: string): void {
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new CliError(`cannot read the data dir ${dir} (${(err as NodeJS.ErrnoException).code}): check its permissions, or choose another with --data-dir`);
  }
  if (st && !st.isDirectory()) throw new CliError(`the data dir ${dir} is a file, not a directory: choose another with --data-dir`);
  if (!st) {
    try {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch (err) {
      throw new CliError(`cannot create the data dir ${dir} (${(err as NodeJS.ErrnoException).code}): choose a writable place with --data-dir`);
    }
  }
  try {
    fs.accessSync(dir, fs.constants.W_OK | fs.constants.R_OK | fs.constants.X_OK);
  } catch {
    throw new CliError(`the data dir ${dir} is not writable: fix its permissions, or choose another with --data-dir`);
  }
}

/** True when the data dir holds kamen state (a database or a bootstrap record). */
export function holdsKamenState(dir: string): boolean {
  return fs.existsSync(path.join(dir, DB_FILE)) || fs.existsSync(path.join(dir, 'bootstrap.json'));
}

/** Throws when the SQLite database exists but its master key is gone (a new key would make every stored secret unreadable). */
export function checkMasterKeyPresent(dir: string, masterKeyFromEnv: boolean): void {
  if (masterKeyFromEnv) return;
  const db = path.join(dir, DB_FILE);
  if (fs.existsSync(db) && fs.statSync(db).size > 0 && !fs.existsSync(path.join(dir, MASTER_KEY_FILE))) {
    throw new CliError(`${dir} holds ${DB_FILE} but not ${MASTER_KEY_FILE}, the key its secrets are encrypted with: restore ${path.join(dir, MASTER_KEY_FILE)} from a backup or set KAMEN_MASTER_KEY`);
  }
}

/** True when a process with this pid is running. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The record of the server running on `dir`, or undefined when none runs (a stale record is ignored). */
export function readServeRecord(dir: string): ServeRecord | undefined {
  let rec: ServeRecord;
  try {
    rec = JSON.parse(fs.readFileSync(path.join(dir, SERVE_FILE), 'utf8')) as ServeRecord;
  } catch {
    return undefined;
  }
  return Number.isInteger(rec.pid) && rec.pid > 0 && alive(rec.pid) ? rec : undefined;
}

/** The lock of one serving process on a data dir. */
export interface DataDirLock {
  /** Records the real URLs once the ports are bound. */
  publish(rec: Omit<ServeRecord, 'pid'>): void;
  release(): void;
}

/** Takes the data dir for this process; refuses when another live `kamen serve` holds it (a stale lock is replaced). */
export function lockDataDir(dir: string): DataDirLock {
  const file = path.join(dir, SERVE_FILE);
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx', 0o600);
      fs.writeSync(fd, JSON.stringify({ pid: process.pid }) + '\n');
      fs.closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new CliError(`cannot write ${file} (${(err as NodeJS.ErrnoException).code}): check the data dir's permissions`);
      const other = readServeRecord(dir);
      if (other && other.pid !== process.pid) {
        throw new CliError(`another kamen serve (pid ${other.pid}${other.endpoint ? `, ${other.endpoint}` : ''}) is already using the data dir ${dir}: stop it first, or choose another --data-dir`);
      }
      if (attempt > 0) throw new CliError(`cannot take the lock ${file}: remove it if no kamen serve uses ${dir}`);
      fs.rmSync(file, { force: true });
    }
  }
  return {
    publish(rec) {
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify({ pid: process.pid, ...rec }, null, 2) + '\n', { mode: 0o600 });
      fs.renameSync(tmp, file);
    },
    release() {
      const cur = readServeRecord(dir);
      if (!cur || cur.pid === process.pid) fs.rmSync(file, { force: true });
    },
  };
}

/** True until the bootstrap summary has been printed once. */
export function bootstrapSummaryPending(dir: string): boolean {
  return !fs.existsSync(path.join(dir, SHOWN_FILE));
}

/** Records that the bootstrap summary was printed. */
export function markBootstrapSummaryShown(dir: string): void {
  fs.writeFileSync(path.join(dir, SHOWN_FILE), new Date().toISOString() + '\n', { mode: 0o600 });
}
