/** The SQLite connection context shared by the store families: pragmas, migrations, the write gate, and row helpers. */
import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
import { KamenError } from '../../errors.js';
import type { SecretCipher } from '../crypto.js';
import { migrations } from '../migrations/index.js';
import { startCheckpointer } from './checkpointer.js';
import { NOT_A_READ, openDurableReader } from './durable-reader.js';
import type { Tag } from '../store.js';
import { parseTags, tagsJson } from '../rows/tags.js';

/** The tags column helpers, shared with the other backend (../rows/tags.ts). */
export { parseTags, tagsJson };

/** A FIFO async mutex: at most one holder; `unlock` hands the lock directly to the next waiter. */
export class Mutex {
  private locked = false;
  private readonly waiters: Array<() => void> = [];

  get isLocked(): boolean {
    return this.locked;
  }

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

/** The async context of an open store transaction; `active` turns false once it commits or rolls back. */
interface TxContext {
  active: boolean;
  depth: number;
}

/** What every family module gets: the connection, the cipher, and `run` to execute a synchronous unit of work. */
export interface SqliteContext {
  db: Db;
  cipher: SecretCipher;
  /**
   * Runs `fn` (synchronous SQLite work) as one step of the store: immediately when no transaction is open or when
   * called from inside the open transaction, otherwise after that transaction finishes (so no other request ever sees
   * or interleaves with uncommitted writes on the single connection).
   */
  run<T>(fn: () => T): Promise<T>;
  /** Runs synchronous `fn` atomically (BEGIN, or a SAVEPOINT when a transaction is already open). */
  atomic<T>(fn: () => T): T;
  /**
   * Runs `fn`, which must execute exactly one writing statement (atomic by itself), in the open batch without a
   * savepoint, and resolves once that batch is durable; inside a transaction it is simply part of it.
   */
  commitOne<T>(fn: () => T): Promise<T>;
  /** The clear() of every RowCache built over this context (a wholesale restore of the rows empties them all). */
  rowCaches?: Set<() => void>;
  /** Runs another connection's write `fn` while this connection holds no write lock (absent: no such connection). */
  exclusive?<T>(fn: () => Promise<T>): Promise<T>;
  /** The database file, when the store is a file (another connection, e.g. a writer thread, may open it). */
  filename?: string;
  /** Run by close() before the connection closes (families stop their threads' connections here). */
  beforeClose?: Set<() => Promise<void>>;
  /** True while `run` answers from the durable reader's snapshot (what it reads must not fill a cache of committed rows). */
  snapshotRead?(): boolean;
}

/** snapshotRun's answer when the durable reader has no usable snapshot now. */
const NO_SNAPSHOT: unique symbol = Symbol('no snapshot');

/** WAL frames (pages) past which the WAL is restarted from its beginning (about 16 MiB of 4 KiB pages). */
const RESTART_FRAMES = 4096;
/** After a failed WAL restart, the next attempt waits this long. */
const RESTART_RETRY_MS = 1000;

/** How a file database is made durable and read (all optional; tests replace the sync and the thresholds). */
export interface DurabilityOptions {
  /** The WAL file: batches are made durable by syncing it off the event loop. */
  walFile?: string;
  /** Syncs the WAL file (default: fdatasync on libuv's thread pool). */
  syncFile?: (fd: number) => Promise<void>;
  /** False: no durable reader (reads from outside a transaction wait for a pending batch as before). */
  durableReader?: boolean;
  /** WAL frames past which the reader steps aside and the WAL is restarted (default 4096). */
  restartFrames?: number;
  /** How often the checkpointer thread checkpoints, in ms (default 100). */
  checkpointMs?: number;
}

/** Opens a connection with kamen's pragmas and applies pending migrations. */
export function openDatabase(filename: string): Db {
  const db = new Database(filename);
  try {
    db.pragma('busy_timeout = 5000');
    if (filename !== ':memory:') {
      // WAL lets readers proceed during a write; synchronous=FULL fsyncs the WAL at every commit so an acknowledged
      // write survives power loss (NORMAL would only survive a process crash).
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (String(mode).toLowerCase() !== 'wal') throw new Error(`cannot enable WAL journal mode (got ${String(mode)})`);
    }
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // 64 MiB of page cache (SQLite's default is 2 MiB): the hot indexes stay in memory instead of being re-read.
    db.pragma('cache_size = -65536');
    // Savepoint (statement) journals in memory: every store transaction is a savepoint inside a batch.
    db.pragma('temp_store = MEMORY');
    applyMigrations(db);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Applies every migration not yet recorded in schema_migrations, each in its own transaction; safe to rerun. */
export function applyMigrations(db: Db): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map((r) => r.version),
  );
  const known = new Set(migrations.map((m) => m.version));
  for (const v of applied) {
    if (!known.has(v)) {
      throw new Error(`The database has schema migration ${v}, which this version of kamen does not know; upgrade kamen.`);
    }
  }
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const m of migrations) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sqlite);
      record.run(m.version, m.name, Date.now());
    }).immediate();
  }
}

/**
 * Builds the context: the write gate (mutex + AsyncLocalStorage), group commit, and `transaction` / `close`.
 *
 * Group commit: a store transaction runs as a SAVEPOINT inside one SQLite transaction (the batch) that stays open
 * while transactions keep arriving; the batch commits two turns of the event loop later and every transaction in it
 * resolves only once that commit is on disk. For a file database the COMMIT itself does not wait for the disk
 * (synchronous=NORMAL for that one statement); the WAL file is then fdatasync'ed on libuv's thread pool, so the
 * event loop keeps serving while the disk works and the next batch fills meanwhile. A batch commits only once the
 * previous one is durable, so at most one committed batch is ever waiting for its sync.
 *
 * Reads from outside a transaction, while a batch is open, a sync runs or a transaction holds the gate, answer at once
 * from the durable reader (durable-reader.ts): a read-only connection whose snapshot is re-pinned at each sync
 * completion (before that batch's transactions resolve), when everything committed is durable, so it holds every
 * acknowledged write and no row that is not on disk. Otherwise (no reader, a write, a snapshot not pinnable now) a call
 * waits until the batch open when it was made is committed and durable (and for an open transaction to finish); an
 * outside write that then lands in a newer open batch resolves only once that batch is durable too.
 */
export function createContext(db: Db, cipher: SecretCipher, durability: DurabilityOptions = {}): SqliteContext & {
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
} {
  const gate = new Mutex();
  const als = new AsyncLocalStorage<TxContext>();
  let closed = false;
  /** The open batch: settled once its COMMIT is durable (or it failed). */
  let batch: { committed: Promise<void>; resolve(): void; reject(err: unknown): void } | undefined;
  /** The WAL sync in flight (at most one: a batch commits only once the previous one is durable); it never rejects. */
  let syncing: Promise<void> | undefined;
  const walFd = durability.walFile ? fs.openSync(durability.walFile, 'r') : undefined;
  /** WAL checkpoints run on a worker thread, off the event loop (checkpointer.ts). */
  const dbFile = durability.walFile ? durability.walFile.slice(0, -'-wal'.length) : undefined;
  const checkpointer = dbFile ? startCheckpointer(db, dbFile, durability.checkpointMs) : undefined;
  /** The durable reader (file databases only): reads answered from the last durable state instead of waiting. */
  const reader = dbFile && durability.durableReader !== false ? openDurableReader(db, dbFile) : undefined;
  /** WAL frames at which the reader steps aside so the WAL can restart from its beginning (see restartWal). */
  const restartFrames = durability.restartFrames ?? RESTART_FRAMES;
  /** True from the decision to restart the WAL until that attempt ends: the reader pins nothing meanwhile. */
  let restarting = false;
  /** When the last restart attempt failed (ms epoch): the next waits RESTART_RETRY_MS. */
  let restartFailedAt = 0;
  const beforeClose = new Set<() => Promise<void>>();
  /** True while exclusive() runs another connection's write (the gate is held, no batch is open). */
  let exclusiveHeld = false;
  /** fdatasync of the WAL on the thread pool (replaceable in tests). */
  const syncWal = durability.syncFile ?? ((fd: number): Promise<void> => new Promise((res, rej) => fs.fdatasync(fd, (err) => (err ? rej(err) : res()))));

  const inTx = (): TxContext | undefined => {
    const tx = als.getStore();
    return tx && tx.active ? tx : undefined;
  };

  /** The statements every batch runs, prepared once. */
  const batchSql = {
    NORMAL: db.prepare('PRAGMA synchronous = NORMAL'),
    FULL: db.prepare('PRAGMA synchronous = FULL'),
    begin: db.prepare('BEGIN IMMEDIATE'),
    commit: db.prepare('COMMIT'),
    savepoint: db.prepare('SAVEPOINT kamen_tx'),
    release: db.prepare('RELEASE kamen_tx'),
    rollbackTo: db.prepare('ROLLBACK TO kamen_tx'),
    /** Rows changed on the connection so far (tells whether outside work wrote). */
    totalChanges: db.prepare('SELECT total_changes()').pluck(),
  };

  /** The COMMIT of a batch need not wait for the disk (syncWal does that off the loop); everything else does. */
  const setSynchronous = (mode: 'NORMAL' | 'FULL'): void => {
    if (walFd !== undefined) batchSql[mode].run();
  };

  const openBatch = (): NonNullable<typeof batch> => {
    setSynchronous('NORMAL'); // may not change inside a transaction, so it is set for the whole batch
    try {
      batchSql.begin.run();
    } catch (err) {
      setSynchronous('FULL');
      throw err;
    }
    let resolve!: () => void;
    let reject!: (err: unknown) => void;
    const committed = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
    committed.catch(() => {}); // observed by every transaction in the batch
    const b = { committed, resolve, reject };
    // The batch collects the writes of two turns of the event loop: under load a turn handles what one wave of
    // requests brought, and committing every other turn halves the per-commit work (BEGIN/COMMIT, WAL frames of the
    // shared pages, the sync and its thread hand-off) for a turn's worth of latency. Idle, both turns pass at once.
    setImmediate(() => setImmediate(() => void commitBatch(b)));
    return b;
  };

  /**
   * Commits `b` once the previous batch is durable (`b` keeps collecting transactions meanwhile) and the transactions
   * queued before it are done (the gate is FIFO), then makes it durable.
   */
  const commitBatch = async (b: NonNullable<typeof batch>): Promise<void> => {
    for (;;) {
      while (syncing) await syncing;
      await gate.lock();
      try {
        if (batch !== b) return;
        if (!syncing) {
          commitHeld(b);
          return;
        }
      } finally {
        gate.unlock();
      }
    }
  };

  /** Commits the open batch `b` now (the caller holds the gate; no sync is in flight) and starts making it durable. */
  const commitHeld = (b: NonNullable<typeof batch>): void => {
    batch = undefined;
    // Everything committed so far is durable: a snapshot pinned before this COMMIT holds exactly the durable state.
    if (reader && !reader.pinned && !restarting) reader.pin();
    try {
      if (db.inTransaction) batchSql.commit.run();
    } catch (err) {
      if (db.inTransaction) db.exec('ROLLBACK');
      b.reject(err);
      return;
    } finally {
      setSynchronous('FULL');
    }
    if (walFd === undefined) {
      b.resolve();
      return;
    }
    syncing = syncWal(walFd).then(
      () => {
        syncing = undefined;
        // Before the batch's transactions resolve, so that every acknowledged write is in the reader's snapshot.
        refreshReader();
        b.resolve();
      },
      (err: unknown) => {
        syncing = undefined;
        reader?.unpin();
        b.reject(err);
      },
    );
  };

  /**
   * At a sync completion (nothing committed is waiting for the disk): re-pin the reader's snapshot; unpin it when idle
   * (no batch open), so it holds no WAL read mark; and when the WAL has grown past `restartFrames`, unpin it and restart
   * the WAL from its beginning (a reader that always holds a read mark would keep SQLite from ever doing so).
   */
  const refreshReader = (): void => {
    if (!reader || restarting) return;
    if (checkpointer && checkpointer.walFrames() >= restartFrames && Date.now() - restartFailedAt >= RESTART_RETRY_MS) {
      reader.unpin();
      restarting = true;
      void restartWal();
      return;
    }
    if (batch) reader.pin();
    else reader.unpin();
  };

  /**
   * Restarts the WAL: the checkpointer thread runs a RESTART checkpoint while this connection holds no write lock and
   * no read transaction (under `exclusive`) and the reader holds no snapshot; reads meanwhile run on this connection.
   */
  const restartWal = async (): Promise<void> => {
    try {
      const ok = await exclusive(() => checkpointer!.restart());
      if (!ok) restartFailedAt = Date.now();
    } catch {
      restartFailedAt = Date.now();
    } finally {
      restarting = false;
    }
  };

  /**
   * Runs `fn` (work another connection to the same file does, e.g. the event writer thread) while this connection
   * holds no write lock and opens none: the open batch is committed first, and transactions wait (asynchronously) on
   * the gate until `fn` settles, so neither connection ever blocks the event loop waiting for the other's lock.
   */
  const exclusive = async <T>(fn: () => Promise<T>): Promise<T> => {
    await gate.lock();
    try {
      if (closed) throw new KamenError('ERR_INTERNAL', 'The store is closed.');
      checkBatchAlive();
      while (batch && syncing) await syncing;
      checkBatchAlive();
      if (batch) commitHeld(batch);
      exclusiveHeld = true;
      return await fn();
    } finally {
      exclusiveHeld = false;
      // The other connection's rows (events appended by the writer thread) are not in a snapshot pinned before them:
      // the next read pins a new one (or reads this connection when nothing is pending).
      if (!restarting) reader?.unpin();
      gate.unlock();
    }
  };

  /** A batch SQLite rolled back by itself (e.g. disk full) loses every transaction in it: fail them all. */
  const checkBatchAlive = (): void => {
    if (batch && !db.inTransaction) {
      const lost = batch;
      batch = undefined;
      setSynchronous('FULL');
      lost.reject(new KamenError('ERR_INTERNAL', 'The store could not commit the transaction.'));
    }
  };

  /**
   * Runs outside work now. With no batch open a write autocommits at synchronous=FULL (durable when it returns); a write
   * that lands in an open batch (one opened after the call's own wait) is part of that batch and is acknowledged only
   * once the batch is durable, like commitOne's. A read never waits for the batch it runs in.
   */
  const outside = <T>(fn: () => T): T | Promise<T> => {
    checkBatchAlive();
    const open = batch;
    if (!open && !reader?.pinned) return fn();
    const before = batchSql.totalChanges.get() as number;
    try {
      const result = fn();
      if (!open || (batchSql.totalChanges.get() as number) === before) return result;
      return open.committed.then(() => result);
    } finally {
      // An autocommit write is acknowledged at once, and the snapshot does not hold it: no snapshot until the next pin.
      if (!open && (batchSql.totalChanges.get() as number) !== before) reader!.unpin();
      checkBatchAlive();
    }
  };

  /**
   * Runs read-only `fn` against the durable reader's snapshot, pinning one when everything committed is durable (no
   * sync in flight); NO_SNAPSHOT when none is usable now, NOT_A_READ when `fn` tried to write (its reads discarded).
   */
  const snapshotRun = <T>(fn: () => T): T | typeof NOT_A_READ | typeof NO_SNAPSHOT => {
    if (!reader || restarting || closed) return NO_SNAPSHOT;
    if (!reader.pinned && (syncing || !reader.pin())) return NO_SNAPSHOT;
    return reader.read(fn);
  };

  /** True while a read on this connection could wait or show rows not yet durable (a batch, a sync, a transaction). */
  const busy = (): boolean => batch !== undefined || syncing !== undefined || (gate.isLocked && !exclusiveHeld);

  const run = async <T>(fn: () => T): Promise<T> => {
    if (inTx()) return fn();
    const earlier = batch ? batch.committed : syncing;
    let read: T | typeof NOT_A_READ | typeof NO_SNAPSHOT = NO_SNAPSHOT;
    // A read answers at once from the last durable state, which holds every acknowledged write.
    if (busy()) read = snapshotRun(fn);
    if (read !== NO_SNAPSHOT && read !== NOT_A_READ) return read;
    // Wait once for the batch open (or syncing) when the call came; waiting again for every later batch would let a
    // steady stream of writes starve reads. A later batch holds only finished transactions, never a half-done one.
    if (earlier) await earlier.catch(() => {});
    // That sync's completion pinned a snapshot, unless the reader stepped aside (a WAL restart): then wait for what is
    // committed or open to be durable, a few times at most (no starvation), so the read still shows no unsynced row.
    for (let tries = 0; reader && read === NO_SNAPSHOT && busy() && tries < 3; tries++) {
      read = snapshotRun(fn);
      const pending = syncing ?? batch?.committed;
      if (read !== NO_SNAPSHOT || !pending) break;
      await pending.catch(() => {});
    }
    if (read !== NO_SNAPSHOT && read !== NOT_A_READ) return read;
    // While another connection writes (exclusive) no transaction is open here: reads go ahead (a rare outside write
    // waits for that connection's commit in SQLite's busy handler).
    if (!gate.isLocked || exclusiveHeld) return outside(fn);
    await gate.lock();
    let pending: T | Promise<T>;
    try {
      pending = outside(fn);
    } finally {
      gate.unlock();
    }
    // the gate is free again before waiting for the batch: its commit needs the gate
    return pending;
  };

  const atomic = <T>(fn: () => T): T => {
    if (reader?.reading) reader.refuse();
    // IMMEDIATE takes the write lock at BEGIN, where SQLite's busy handler waits for another connection's write (the
    // event writer thread's, under exclusive()). A deferred transaction that read first would get SQLITE_BUSY at once
    // on its first write, since the busy handler is never called to upgrade a read transaction. Inside an open
    // transaction this is a savepoint either way.
    return db.transaction(fn).immediate();
  };

  const commitOne = async <T>(fn: () => T): Promise<T> => {
    if (inTx()) return fn();
    // A free gate means no transaction is open, and this runs to its end before any other code: no lock needed.
    const waited = gate.isLocked;
    if (waited) await gate.lock();
    let mine: NonNullable<typeof batch>;
    let result: T;
    try {
      if (closed) throw new KamenError('ERR_INTERNAL', 'The store is closed.');
      mine = batch ??= openBatch();
      try {
        // A failing statement undoes only itself (SQLite's statement rollback); the batch stays open for the others.
        result = fn();
      } finally {
        checkBatchAlive();
      }
    } finally {
      if (waited) gate.unlock();
    }
    await mine.committed;
    return result;
  };

  const transaction = async <T>(fn: () => Promise<T>): Promise<T> => {
    const outer = inTx();
    if (outer) {
      // Nested: a savepoint, so a failing inner transaction undoes only its own writes.
      const name = `kamen_sp_${++outer.depth}`;
      db.exec(`SAVEPOINT ${name}`);
      try {
        const result = await fn();
        db.exec(`RELEASE ${name}`);
        return result;
      } catch (err) {
        if (db.inTransaction) {
          db.exec(`ROLLBACK TO ${name}`);
          db.exec(`RELEASE ${name}`);
        }
        throw err;
      } finally {
        outer.depth--;
      }
    }
    await gate.lock();
    const tx: TxContext = { active: true, depth: 0 };
    let mine: NonNullable<typeof batch>;
    let result: T;
    try {
      if (closed) throw new KamenError('ERR_INTERNAL', 'The store is closed.');
      mine = batch ??= openBatch();
      batchSql.savepoint.run();
      try {
        result = await als.run(tx, fn);
        tx.active = false;
        batchSql.release.run();
      } catch (err) {
        tx.active = false;
        if (db.inTransaction) {
          batchSql.rollbackTo.run();
          batchSql.release.run();
        }
        checkBatchAlive();
        throw err;
      }
      checkBatchAlive();
    } finally {
      tx.active = false;
      // Async hooks cost every promise in the process something; keep them off while no transaction is open.
      als.disable();
      gate.unlock();
    }
    await mine.committed;
    return result;
  };

  const close = async (): Promise<void> => {
    if (closed) return;
    await gate.lock();
    try {
      if (!closed) {
        closed = true;
        while (syncing) await syncing;
        // No read answers from the snapshot any more: the last batch's writes are acknowledged below.
        reader?.close();
        if (batch) {
          const b = batch;
          batch = undefined;
          try {
            if (db.inTransaction) db.exec('COMMIT');
            if (walFd !== undefined) fs.fdatasyncSync(walFd);
            b.resolve();
          } catch (err) {
            b.reject(err);
          }
        }
        await checkpointer?.stop();
        for (const stop of beforeClose) await stop().catch(() => {});
        db.close();
        if (walFd !== undefined) fs.closeSync(walFd);
      }
    } finally {
      gate.unlock();
    }
  };

  return {
    db: reader ? reader.db : db,
    cipher,
    run,
    atomic,
    commitOne,
    transaction,
    close,
    exclusive,
    ...(dbFile ? { filename: dbFile } : {}),
    beforeClose,
    rowCaches: new Set<() => void>(),
    snapshotRead: () => reader?.reading === true,
  };
}

/** A point-read cache of committed rows; the family that owns the table empties it on every write to that table. */
export interface RowCache<T> {
  /**
   * The entity (a copy): a cached one at once, without waiting for an open transaction or a pending sync (no write has
   * touched that committed row since it was read); else `load()` run as a store step, kept only outside a transaction.
   */
  read(key: string, load: () => T | undefined): Promise<T | undefined>;
  clear(): void;
}

/** Builds a RowCache over the context's `run`; `copy` makes the copies callers may change freely. */
export function createRowCache<T>(ctx: Pick<SqliteContext, 'db' | 'run' | 'rowCaches' | 'snapshotRead'>, copy: (v: T) => T, max = 10_000): RowCache<T> {
  const map = new Map<string, T>();
  ctx.rowCaches?.add(() => map.clear());
  return {
    read(key, load) {
      const hit = map.get(key);
      if (hit !== undefined) return Promise.resolve(copy(hit));
      return ctx.run(() => {
        const again = map.get(key);
        if (again !== undefined) return copy(again);
        const v = load();
        // Never from a snapshot: its row may be older than a write that already emptied the cache.
        if (v !== undefined && !ctx.db.inTransaction && !ctx.snapshotRead?.()) {
          if (map.size >= max) map.clear();
          map.set(key, copy(v));
        }
        return v;
      });
    },
    clear: () => map.clear(),
  };
}

// ---- row helpers ------------------------------------------------------------------------------------------------

/** ms epoch → Date (undefined for NULL). */
export function toDate(ms: number | null | undefined): Date | undefined {
  return ms === null || ms === undefined ? undefined : new Date(ms);
}

/** Date → ms epoch (null for undefined). */
export function fromDate(d: Date | undefined | null): number | null {
  return d ? d.getTime() : null;
}

/** undefined → null, for binding optional values. */
export function nul<T>(v: T | undefined): T | null {
  return v === undefined ? null : v;
}

/** True when `err` is a SQLite uniqueness (or primary key) violation. */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Runs `fn`, turning a uniqueness violation into KamenError('ERR_ENTITY_ALREADY_EXISTS', message). */
export function unique<T>(message: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (isUniqueViolation(err)) throw new KamenError('ERR_ENTITY_ALREADY_EXISTS', message);
    throw err;
  }
}

// ---- pagination -------------------------------------------------------------------------------------------------

// Keyset pagination (signed markers, page requests) lives in ../markers.ts, shared with the PostgreSQL backend.

/**
 * Builds a patch binding for `UPDATE … SET col = CASE WHEN @has_x THEN @x ELSE col END`: for each field, `has_<f>`
 * is 1 when the patch has the key (even with value undefined, which clears the column) and `<f>` is its value.
 */
export function patchParams(patch: object, fields: Record<string, (v: unknown) => unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, conv] of Object.entries(fields)) {
    const has = Object.prototype.hasOwnProperty.call(patch, field);
    out['has_' + field] = has ? 1 : 0;
    const v = has ? (patch as Record<string, unknown>)[field] : undefined;
    out[field] = v === undefined ? null : conv(v);
  }
  return out;
}

/** The SQL fragment `col = CASE WHEN @has_f THEN @f ELSE col END` for a patchable field. */
export function setClause(column: string, field: string): string {
  return `${column} = CASE WHEN @has_${field} THEN @${field} ELSE ${column} END`;
}

/** Identity converter for patchParams. */
export const same = (v: unknown): unknown => v;
/** Date converter for patchParams. */
export const ms = (v: unknown): unknown => (v as Date).getTime();
/** Tags converter for patchParams. */
export const tagsConv = (v: unknown): unknown => tagsJson(v as Tag[]);
