/** Turns any error the CLI meets into one sentence an operator can act on (no stack trace unless --debug). */
import { CliError } from './cli-error.js';

/** The one-line message for `err`; `dataDir` names the data dir in database errors when known. */
export function operatorMessage(err: unknown, dataDir?: string): string {
  if (err instanceof CliError) return err.message;
  const e = err as NodeJS.ErrnoException & { code?: string };
  const where = dataDir ? ` in ${dataDir}` : '';
  switch (e?.code) {
    case 'SQLITE_NOTADB':
    case 'SQLITE_CORRUPT':
      return `the database${where} (kamen.db) is corrupted or not a kamen database: restore it from a backup, or start with an empty --data-dir`;
    case 'SQLITE_CANTOPEN':
    case 'SQLITE_READONLY':
      return `cannot open the database${where} for writing: check the data dir's permissions`;
    case 'SQLITE_FULL':
    case 'ENOSPC':
      return `the disk holding the data dir is full: free some space and start again`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied${e.path ? ` on ${e.path}` : ''}: check the data dir's permissions, or choose another with --data-dir`;
    case 'EISDIR':
      return `cannot write ${(e as { dest?: string }).dest ?? e.path ?? 'a file'} in the data dir: a directory is in the way; remove it, or choose another --data-dir`;
    case 'EROFS':
    case 'EIO':
      return `cannot write to the data dir (${e.code}: ${e.message}): check the disk, or choose another --data-dir`;
    case 'ECONNREFUSED':
      return `cannot reach the PostgreSQL server (${e.message}): check --store / KAMEN_DATABASE_URL and that PostgreSQL runs`;
    default:
      break;
  }
  const message = err instanceof Error ? err.message : String(err);
  if (/Cannot decrypt a stored secret/.test(message)) return `${message} Use the master key this data was written with.`;
  return message;
}

/** Prints the operator message (or the full stack with --debug) to stderr. */
export function reportError(err: unknown, opts: { debug: boolean; dataDir?: string }): void {
  if (opts.debug) console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  else console.error(`kamen: ${operatorMessage(err, opts.dataDir)}`);
}
