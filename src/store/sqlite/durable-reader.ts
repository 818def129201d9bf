/**
 * The durable reader: a second, read-only connection to the database file whose open read transaction pins a snapshot
 * of the last durable state, so reads from outside a transaction answer while a batch is open or its WAL sync runs.
 * db.ts decides when a snapshot may be pinned (only when everything committed is durable) and when it must end.
 */
import Database from 'better-sqlite3';
import type { Database as Db, Statement } from 'better-sqlite3';

/** Thrown inside a snapshot read that tried to write (or run something other than a read): the caller takes the writer's path. */
export const NOT_A_READ: unique symbol = Symbol('not a read');

/** A read-only connection pinning one snapshot at a time, and the routing db handed to the store families. */
export interface DurableReader {
  /**
   * The db the families prepare on: the serving connection's statements, whose get/all/iterate read from the pinned
   * snapshot while `read` runs (the reader's twin statement is prepared on first such use) and whose run throws then.
   */
  readonly db: Db;
  /** True while a snapshot is pinned. */
  readonly pinned: boolean;
  /** True while `read` runs its function against the snapshot (what it reads must not fill a cache of committed rows). */
  readonly reading: boolean;
  /** Ends the pinned snapshot (if any) and pins the state committed now; false (and nothing pinned) if that failed. */
  pin(): boolean;
  /** Ends the pinned snapshot, so the reader holds no WAL read mark. */
  unpin(): void;
  /** Runs synchronous `fn` against the pinned snapshot; NOT_A_READ when `fn` tried to write (its reads are discarded). */
  read<T>(fn: () => T): T | typeof NOT_A_READ;
  /** Called by other writing paths (e.g. `atomic`) during a snapshot read: abandons the read. */
  refuse(): never;
  close(): void;
}

type Method = 'get' | 'all' | 'iterate';
type Mode = 'pluck' | 'raw' | 'expand' | 'safeIntegers';

/** Opens the durable reader over the WAL database file `filename`, which the serving connection `db` has open. */
export function openDurableReader(db: Db, filename: string): DurableReader {
  const conn = new Database(filename, { readonly: true, fileMustExist: true });
  // A snapshot's pages are re-read after every refresh anyway (the pager drops its cache when the WAL changed).
  conn.pragma('cache_size = -8192');
  // Never block the event loop on a lock: a snapshot that cannot be pinned now leaves reads on the writer's path.
  conn.pragma('busy_timeout = 0');
  const begin = conn.prepare('BEGIN');
  // Any read of the file starts the WAL read transaction: the snapshot is fixed from here on.
  const touch = conn.prepare('SELECT 1 FROM sqlite_schema LIMIT 1').pluck();
  const end = conn.prepare('COMMIT');
  let pinned = false;
  let reading = false;
  /** Set when a snapshot read tried to write: the read is abandoned even if `fn` caught the throw. */
  let refused = false;
  const refuse = (): never => {
    refused = true;
    throw NOT_A_READ;
  };

  const proto = Object.getPrototypeOf(db.prepare('SELECT 1')) as Record<Method | Mode | 'run', (...args: unknown[]) => unknown>;

  /** Makes `main` (a serving-connection statement) answer reads from the snapshot while `reading`. */
  const route = (main: Statement): Statement => {
    let twin: Statement | undefined;
    const modes: Array<[Mode, unknown[]]> = [];
    const onReader = (): Statement => {
      if (!main.readonly) refuse();
      if (!twin) {
        twin = conn.prepare(main.source);
        for (const [mode, args] of modes) (twin[mode] as (...a: unknown[]) => unknown)(...args);
      }
      return twin;
    };
    const target = main as unknown as Record<string, unknown>;
    for (const method of ['get', 'all', 'iterate'] as const) {
      const own = proto[method];
      target[method] = function routed(...args: unknown[]): unknown {
        return reading ? (onReader()[method] as (...a: unknown[]) => unknown)(...args) : own.apply(main, args);
      };
    }
    const run = proto.run;
    target.run = function routed(...args: unknown[]): unknown {
      if (reading) refuse();
      return run.apply(main, args);
    };
    for (const mode of ['pluck', 'raw', 'expand', 'safeIntegers'] as const) {
      const own = proto[mode];
      target[mode] = function routed(...args: unknown[]): Statement {
        modes.push([mode, args]);
        if (twin) (twin[mode] as (...a: unknown[]) => unknown)(...args);
        own.apply(main, args);
        return main;
      };
    }
    return main;
  };

  // Everything else (exec, pragma, transaction, inTransaction, …) is the serving connection's own.
  const routedDb = Object.create(db) as Db;
  (routedDb as unknown as { prepare(sql: string): Statement }).prepare = (sql: string): Statement => route(db.prepare(sql));

  const unpin = (): void => {
    if (!pinned) return;
    pinned = false;
    try {
      end.run();
    } catch {
      if (conn.inTransaction) conn.exec('ROLLBACK');
    }
  };

  return {
    db: routedDb,
    get pinned() {
      return pinned;
    },
    get reading() {
      return reading;
    },
    pin() {
      unpin();
      try {
        begin.run();
        touch.get();
        pinned = true;
      } catch {
        if (conn.inTransaction) conn.exec('ROLLBACK');
      }
      return pinned;
    },
    unpin,
    read<T>(fn: () => T): T | typeof NOT_A_READ {
      reading = true;
      refused = false;
      try {
        const result = fn();
        return refused ? NOT_A_READ : result;
      } catch (err) {
        if (refused) return NOT_A_READ;
        throw err;
      } finally {
        reading = false;
      }
    },
    refuse,
    close() {
      unpin();
      conn.close();
    },
  };
}
