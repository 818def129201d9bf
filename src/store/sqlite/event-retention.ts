/**
 * Event retention (SQLite): deletes the oldest expired events in bounded chunks, the only DELETE the triggers let
 * through. On a database file a chunk runs on a thread with its own connection (event-retention-worker.ts) while the
 * serving connection holds no write lock (SqliteContext.exclusive), so the deletes stay off the event loop.
 */
import { startWorkerRpc } from './worker-rpc.js';
import type { Database as Db } from 'better-sqlite3';
import type { EventRetentionStore } from '../store.js';
import type { SqliteContext } from './db.js';

/**
 * Prepares one chunk's statements on `db` and returns the chunk (to run inside a transaction of that connection):
 * within the exclusive bound min(newest position, lowest position of a logging trail) it reads up to `limit` of the
 * oldest positions, stops at the first event not older than `beforeMs`, and deletes that run of events with their
 * resource rows while `event_retention.sweeping` is 1 (migration 018), set and cleared by the chunk itself.
 */
export function retentionChunk(db: Db): (beforeMs: number, limit: number) => number {
  const s = {
    // The newest event stays (a new rowid is max + 1: deleting it would let a position be reused under a trail's
    // feet), and so does every event at or after the lowest position of a logging trail.
    bound: db
      .prepare(
        `SELECT MIN(b) FROM (SELECT MAX(seq) AS b FROM events
           UNION ALL SELECT position AS b FROM trails WHERE json_extract(config, '$.isLogging') = 1)`,
      )
      .pluck(),
    oldest: db.prepare('SELECT seq, event_time FROM events WHERE seq < ? ORDER BY seq LIMIT ?').raw(true),
    on: db.prepare('UPDATE event_retention SET sweeping = 1 WHERE id = 1'),
    off: db.prepare('UPDATE event_retention SET sweeping = 0 WHERE id = 1'),
    resources: db.prepare('DELETE FROM event_resources WHERE seq <= ?'),
    events: db.prepare('DELETE FROM events WHERE seq <= ?'),
  };
  return (beforeMs, limit) => {
    const bound = s.bound.get() as number | null;
    if (bound === null || limit <= 0) return 0;
    // The run of oldest positions that are all expired: the first younger event ends it (events are appended in time
    // order, so what follows it is younger too, give or take a batch's milliseconds).
    let last: number | undefined;
    for (const [seq, time] of s.oldest.iterate(bound, limit) as Iterable<[number, number]>) {
      if (time >= beforeMs) break;
      last = seq;
    }
    if (last === undefined) return 0;
    s.on.run();
    s.resources.run(last);
    const n = s.events.run(last).changes;
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
  // The oldest event's time: when it is not old enough there is nothing to do (no thread, no write lock).
  const oldest = ctx.db.prepare('SELECT event_time FROM events ORDER BY seq LIMIT 1').pluck();
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
