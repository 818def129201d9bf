/**
 * Moves WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside the COMMIT that crosses the
 * threshold: it copies the WAL (4 MB by default) into the database file and fsyncs both, blocking the event loop for
 * milliseconds every few thousand writes; under an audited load that was the costliest step of every write. Here a
 * worker thread with its own connection checkpoints (PASSIVE) on a timer, and the serving connection keeps an automatic
 * checkpoint only as a backstop at a much larger WAL size, for when the worker is gone or falls behind. The worker
 * reports the WAL's size after each checkpoint, and on request runs a RESTART checkpoint, which rewinds the WAL to its
 * beginning (the store asks for one while neither of its connections holds a read mark; see db.ts).
 */
import { Worker } from 'node:worker_threads';
import { stopWorker } from './stop-worker.js';
import type { Database as Db } from 'better-sqlite3';

/** WAL pages at which the serving connection checkpoints by itself (SQLite's default is 1000). */
const BACKSTOP_PAGES = 16_384;
/** SQLite's default threshold, restored when the worker stops or fails. */
const DEFAULT_PAGES = 1000;

/** A running checkpointer; `stop` closes its connection (before the serving connection closes, so that one checkpoints last). */
export interface Checkpointer {
  stop(): Promise<void>;
  /** The WAL's size in frames at the worker's last checkpoint (0 before the first, or without a worker). */
  walFrames(): number;
  /**
   * Copies the whole WAL into the database and waits for no reader to use it (a RESTART checkpoint); true when that
   * succeeded, so that the next write (with no reader holding a read mark meanwhile) starts the WAL over from its beginning.
   */
  restart(): Promise<boolean>;
}

/** What the worker posts after each checkpoint: SQLite's (busy, log, checkpointed) and whether it was a RESTART. */
interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
  restart: boolean;
}

/** Starts checkpointing `filename` (a WAL database `db` is connected to) from a worker thread every `intervalMs`. */
export function startCheckpointer(db: Db, filename: string, intervalMs = 100): Checkpointer {
  let worker: Worker | undefined;
  try {
    worker = new Worker(new URL('./checkpoint-worker.js', import.meta.url), { workerData: { filename, intervalMs } });
  } catch {
    return { stop: async () => {}, walFrames: () => 0, restart: async () => false };
  }
  const w = worker;
  w.unref();
  let alive = true;
  let frames = 0;
  /** The callers waiting for the RESTART checkpoint in progress. */
  let restarts: Array<(ok: boolean) => void> = [];
  const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
  const fallBack = (): void => {
    if (!alive) return;
    alive = false;
    frames = 0;
    for (const done of restarts.splice(0)) done(false);
    if (db.open) db.pragma(`wal_autocheckpoint = ${DEFAULT_PAGES}`);
  };
  // Only once the worker's connection is open does the serving connection leave checkpoints to it.
  w.on('message', (msg: 'ready' | CheckpointResult) => {
    if (msg === 'ready') {
      if (alive && db.open) db.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
      return;
    }
    frames = msg.log;
    if (!msg.restart) return;
    const done = restarts;
    restarts = [];
    // Done when every frame was copied and no reader was left on the WAL: the next write then starts it over.
    for (const d of done) d(msg.busy === 0 && msg.log === msg.checkpointed);
  });
  w.on('error', fallBack);
  w.once('exit', fallBack);
  return {
    async stop() {
      if (!alive) return;
      await stopWorker(w, exited);
      fallBack();
    },
    walFrames: () => frames,
    restart() {
      if (!alive) return Promise.resolve(false);
      return new Promise<boolean>((resolve) => {
        restarts.push(resolve);
        if (restarts.length === 1) w.postMessage('restart');
      });
    },
  };
}
