/**
 * The PostgreSQL connection context shared by the store families: the pool, the write lock, transactions bound with
 * AsyncLocalStorage, savepoints, and the mapping of connection failures to ServiceUnavailable.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { KamenError } from '../../errors.js';
import type { SecretCipher } from '../crypto.js';
import type { Pool, PoolClient } from 'pg';

/** What a family runs statements on: an open transaction's client, or the pool. */
export interface Conn {
  /** The rows of one statement. */
  rows<R>(sql: string, params?: unknown[]): Promise<R[]>;
  /** The number of rows one statement changed. */
  run(sql: string, params?: unknown[]): Promise<number>;
}

/** The async context of an open store transaction; `active` turns false once it commits or rolls back. */
interface TxContext {
  conn: Conn;
  active: boolean;
  depth: number;
  /** Write units inside the transaction run one at a time (each is a savepoint; two interleaved ones would tangle). */
  writes: Mutex;
}

/** What every family module gets. */
export interface PgContext {
  cipher: SecretCipher;
  /** A read (or a write that needs no lock): inside an open transaction on its client, otherwise on any pooled client. */
  conn(): Conn;
  /**
   * Runs `fn` as one atomic, serialized unit of writes: inside an open transaction as a savepoint of it (a failure undoes
   * only `fn`'s statements and leaves the transaction usable), otherwise as its own transaction holding the write lock.
   */
  write<T>(fn: (c: Conn) => Promise<T>): Promise<T>;
}

/** A FIFO async mutex: at most one holder; `unlock` hands the lock directly to the next waiter. */
class Mutex {
  private locked = false;
  private readonly waiters: Array<() => void> = [];

  lock(): Promise<void> {
    if (!this.locked) {
      this.locked = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  unlock(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.locked = false;
  }
}

/** SQLSTATE classes and Node error codes that mean "the database is not reachable right now". */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08004', '08006']);
const UNAVAILABLE_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EPIPE', 'ENOENT', 'EHOSTUNREACH', 'EAI_AGAIN']);

/** True when `err` says PostgreSQL is unreachable, restarting or out of connections (not a fault of the request). */
export function isUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  if (typeof e.code === 'string' && (UNAVAILABLE_SQLSTATES.has(e.code) || UNAVAILABLE_ERRNOS.has(e.code))) return true;
  const m = typeof e.message === 'string' ? e.message : '';
  return /Connection terminated|connection timeout|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(m);
}

/** Maps a connection failure to AWS's ServiceUnavailable; anything else passes through unchanged. */
export function mapError(err: unknown): unknown {
  if (err instanceof KamenError) return err;
  if (isUnavailable(err)) return new KamenError('ERR_SERVICE_UNAVAILABLE', 'The request has failed due to a temporary failure of the server.');
  return err;
}

/** True when `err` is a PostgreSQL uniqueness violation. */
export function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === '23505';
}

/** Runs `fn`, turning a uniqueness violation into KamenError('ERR_ENTITY_ALREADY_EXISTS', message). */
export async function unique<T>(message: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isUniqueViolation(err)) throw new KamenError('ERR_ENTITY_ALREADY_EXISTS', message);
    throw err;
  }
}

/** A Conn over one checked-out client. */
function clientConn(client: PoolClient): Conn {
  return {
    rows: async <R>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as R[],
    run: async (sql, params) => (await client.query(sql, params)).rowCount ?? 0,
  };
}

/** The context plus the Store's `transaction` and `close`. */
export interface PgContextWithTx extends PgContext {
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * Builds the context over `pool`. Every write unit and every store transaction takes, in this order, an in-process FIFO
 * mutex (so one node ties up at most one pooled client waiting) and, inside its PostgreSQL transaction,
 * `pg_advisory_xact_lock(lockKey)` (so writers on every node sharing the schema run one at a time, like SQLite's
 * single writer). Reads never wait: they see committed data (READ COMMITTED).
 */
export function createContext(pool: Pool, cipher: SecretCipher, lockKey: readonly [number, number]): PgContextWithTx {
  const gate = new Mutex();
  const als = new AsyncLocalStorage<TxContext>();
  const beginSql = `BEGIN; SELECT pg_advisory_xact_lock(${lockKey[0] | 0}, ${lockKey[1] | 0})`;
  let closed = false;

  const inTx = (): TxContext | undefined => {
    const tx = als.getStore();
    return tx && tx.active ? tx : undefined;
  };

  const closedError = (): KamenError => new KamenError('ERR_INTERNAL', 'The store is closed.');
  const poolConn: Conn = {
    rows: async <R>(sql: string, params?: unknown[]) => {
      if (closed) throw closedError();
      try {
        return (await pool.query(sql, params)).rows as R[];
      } catch (err) {
        throw mapError(err);
      }
    },
    run: async (sql, params) => {
      if (closed) throw closedError();
      try {
        return (await pool.query(sql, params)).rowCount ?? 0;
      } catch (err) {
        throw mapError(err);
      }
    },
  };

  /** Runs `fn` in a savepoint of the open transaction `tx`. */
  const savepoint = async <T>(tx: TxContext, fn: () => Promise<T>): Promise<T> => {
    const name = `kamen_sp_${++tx.depth}`;
    try {
      await tx.conn.run(`SAVEPOINT ${name}`);
      try {
        const result = await fn();
        await tx.conn.run(`RELEASE ${name}`);
        return result;
      } catch (err) {
        await tx.conn.run(`ROLLBACK TO ${name}`).catch(() => {});
        throw err;
      }
    } finally {
      tx.depth--;
    }
  };

  /** Checks out a client, runs `fn` between BEGIN (+ the write lock) and COMMIT, ROLLBACK on failure; the gate is held. */
  const locked = async <T>(fn: (conn: Conn) => Promise<T>): Promise<T> => {
    await gate.lock();
    let client: PoolClient | undefined;
    let broken: unknown;
    const onClientError = (err: Error): void => {
      broken = err;
    };
    try {
      if (closed) throw closedError();
      client = await pool.connect();
      // A checked-out client has no 'error' listener of the pool's: without ours, a connection that dies between two
      // statements (fn awaiting something else) would be an uncaught exception, i.e. a crashed node.
      client.on('error', onClientError);
      const conn = clientConn(client);
      await client.query(beginSql);
      let result: T;
      try {
        result = await fn(conn);
      } catch (err) {
        await client.query('ROLLBACK').catch((e: unknown) => (broken = e));
        throw err;
      }
      await client.query('COMMIT');
      return result;
    } catch (err) {
      if (isUnavailable(err)) broken = err;
      throw mapError(err);
    } finally {
      // A client whose connection failed is destroyed, never handed to the next caller.
      client?.removeListener('error', onClientError);
      client?.release(broken ? (broken instanceof Error ? broken : true) : undefined);
      gate.unlock();
    }
  };

  const write = <T>(fn: (c: Conn) => Promise<T>): Promise<T> => {
    const tx = inTx();
    if (!tx) return locked(fn);
    return (async () => {
      await tx.writes.lock();
      try {
        return await savepoint(tx, () => fn(tx.conn));
      } finally {
        tx.writes.unlock();
      }
    })();
  };

  const transaction = <T>(fn: () => Promise<T>): Promise<T> => {
    const outer = inTx();
    if (outer) return savepoint(outer, fn);
    return locked(async (conn) => {
      const tx: TxContext = { conn, active: true, depth: 0, writes: new Mutex() };
      try {
        return await als.run(tx, fn);
      } finally {
        tx.active = false;
        // Async hooks cost every promise in the process something; keep them off while no transaction is open (the
        // gate guarantees none is: the next als.run turns them on again).
        als.disable();
      }
    });
  };

  const close = async (): Promise<void> => {
    if (closed) return;
    await gate.lock();
    try {
      if (!closed) {
        closed = true;
        await pool.end();
      }
    } finally {
      gate.unlock();
    }
  };

  return {
    cipher,
    conn: () => inTx()?.conn ?? poolConn,
    write,
    transaction,
    close,
  };
}
