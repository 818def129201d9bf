/**
 * Event retention (SQLite): deletes the oldest expired event blocks in bounded chunks, the only DELETE the triggers let
 * through. On a database file a chunk runs on a thread with its own connection (event-retention-worker.ts) while the
 * serving connection holds no write lock (SqliteContext.exclusive), so the deletes stay off the event loop.
 */
import { startWorkerRpc } from './worker-rpc.js';
import type { Database as Db } from 'better-sqlite3';
import type { EventRetentionStore } from '../store.js';
import type { SqliteContext } from './db.js';
import { FORMAT_ROW, POSITIONS_PER_BLOCK, keysOf, readBlock } from './event-block.js';
import { rangeRowBounds } from './key-id-ranges.js';

/**
 * Prepares one chunk's statements on `db` and returns the chunk (to run inside a transaction of that connection):
 * below the exclusive bound min(newest block, block of the lowest position of a logging trail) it reads the oldest
 * blocks until they hold `limit` events or more (whole blocks: it passes `limit` by less than one block), stops at the first block holding an event not older than `beforeMs`, and deletes
 * that run of blocks with their key rows while `event_retention.sweeping` is 1 (migration 018), set and cleared by the
 * chunk itself. Resolves with how many events went.
 */
export function retentionChunk(db: Db): (beforeMs: number, limit: number) => number {
  const s = {
    // The newest block stays (a new rowid is max + 1: deleting it would let a position be reused under a trail's
    // feet), and so does every block from the one holding the lowest position of a logging trail on.
    bound: db
      .prepare(
        `SELECT MIN(b) FROM (SELECT MAX(seq) AS b FROM event_blocks
           UNION ALL SELECT position / ${POSITIONS_PER_BLOCK} AS b FROM trails WHERE json_extract(config, '$.isLogging') = 1)`,
      )
      .pluck(),
    oldest: db.prepare('SELECT seq, account_id, aws_region, max_time, count, format, data FROM event_blocks WHERE seq < ? ORDER BY seq'),
    on: db.prepare('UPDATE event_retention SET sweeping = 1 WHERE id = 1'),
    off: db.prepare('UPDATE event_retention SET sweeping = 0 WHERE id = 1'),
    key: db.prepare('DELETE FROM event_keys WHERE account_id = ? AND aws_region = ? AND attr = ? AND value = ? AND max_time = ? AND seq = ?'),
    // A range of temporary key IDs: the block's rows of its prefix, whatever their shape (key-id-ranges.ts).
    keyRange: db.prepare('DELETE FROM event_keys WHERE account_id = ? AND aws_region = ? AND attr = ? AND value >= ? AND value < ? AND max_time = ? AND seq = ?'),
    blocks: db.prepare('DELETE FROM event_blocks WHERE seq <= ?'),
  };
  type Row = { seq: number; account_id: string; aws_region: string; max_time: number; count: number; format: number; data: Uint8Array | string };
  return (beforeMs, limit) => {
    const bound = s.bound.get() as number | null;
    if (bound === null || limit <= 0) return 0;
    // The run of oldest blocks whose events are all expired: the first block with a younger event ends it (blocks are
    // appended in time order, so what follows it is younger too, give or take a batch's milliseconds).
    const run: Row[] = [];
    let n = 0;
    const rows = s.oldest.iterate(bound) as IterableIterator<Row>;
    try {
      for (const b of rows) {
        if (b.max_time >= beforeMs || n >= limit) break;
        run.push(b);
        n += b.count;
      }
    } finally {
      rows.return?.();
    }
    if (run.length === 0) return 0;
    s.on.run();
    for (const b of run) {
      for (const [attr, value] of keysOf(readBlock(b.format, b.data), b.format === FORMAT_ROW)) {
        const range = rangeRowBounds(attr, value);
        if (range) s.keyRange.run(b.account_id, b.aws_region, attr, range.prefix, range.end, b.max_time, b.seq);
        else s.key.run(b.account_id, b.aws_region, attr, value, b.max_time, b.seq);
      }
    }
    s.blocks.run(run[run.length - 1]!.seq);
    s.off.run();
    return n;
  };
}

/** The retention thread's handle; `failed` turns true once the thread is gone (chunks then run on the serving connection). */
interface RetentionThread {
  run(beforeMs: number, limit: number): Promise<number>;
  stop(): Promise<void>;
  readonly failed: boolean;
}

/** Starts the retention thread on the database file `filename`. */
function startRetentionThread(filename: string): RetentionThread {
  const rpc = startWorkerRpc(new URL('./event-retention-worker.js', import.meta.url), filename, 'event retention', (a) => (a['n'] as number | undefined) ?? 0);
  if (!rpc) return { run: () => Promise.reject(new Error('no event retention thread')), stop: async () => {}, failed: true };
  return {
    get failed() {
      return rpc.failed;
    },
    run: (beforeMs, limit) => rpc.call({ beforeMs, limit }),
    stop: () => rpc.stop(),
  };
}

/** Returns `deleteExpiredEvents` over the context: on the retention thread for a file, else in a store transaction. */
export function eventRetentionFamily(ctx: SqliteContext & { transaction<T>(fn: () => Promise<T>): Promise<T> }): EventRetentionStore {
  const chunk = retentionChunk(ctx.db);
  // The oldest block's newest event time: when it is not old enough there is nothing to do (no thread, no write lock).
  const oldest = ctx.db.prepare('SELECT max_time FROM event_blocks ORDER BY seq LIMIT 1').pluck();
  let thread: RetentionThread | undefined;
  const threadFor = (): RetentionThread | undefined => {
    if (!ctx.filename || !ctx.exclusive) return undefined;
    if (!thread) {
      const t = (thread = startRetentionThread(ctx.filename));
      ctx.beforeClose?.add(() => t.stop());
    }
    return thread.failed ? undefined : thread;
  };
  return {
    deleteExpiredEvents: async (before, limit) => {
      const first = (await ctx.run(() => oldest.get())) as number | undefined;
      if (first === undefined || first >= before.getTime() || limit <= 0) return 0;
      const t = threadFor();
      if (t) {
        try {
          return await ctx.exclusive!(() => t.run(before.getTime(), limit));
        } catch (err) {
          // The thread's transaction rolled back (nothing of the chunk is deleted): a chunk the thread refused
          // reports its error; with the thread gone the chunk runs here instead.
          if (!t.failed) throw err;
        }
      }
      // A store transaction (not `run`): it waits asynchronously on the write gate, never in SQLite's busy handler.
      return ctx.transaction(async () => chunk(before.getTime(), limit));
    },
  };
}
