/**
 * Moves WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside the COMMIT that crosses the
 * threshold: it copies the WAL (4 MB by default) into the database file and fsyncs both, blocking the event loop for
 * milliseconds every few thousand writes; under an audited load that was the costliest step of every write. Here a
 * worker thread with its own connection checkpoints (PASSIVE) on a timer, and the serving connection keeps an automatic
 * checkpoint only as a backstop at a much larger WAL size, for when the worker is gone or falls behind.
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
}

/** Starts checkpointing `filename` (a WAL database `db` is connected to) from a worker thread every `intervalMs`. */
export function startCheckpointer(db: Db, filename: string, intervalMs = 100): Checkpointer {
  let worker: Worker | undefined;
  try {
    worker = new Worker(new URL('./checkpoint-worker.js', import.meta.url), { workerData: { filename, intervalMs } });
  } catch {
    return { stop: async () => {} };
  }
  const w = worker;
  w.unref();
  let alive = true;
  const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
  const fallBack = (): void => {
    if (!alive) return;
    alive = false;
    if (db.open) db.pragma(`wal_autocheckpoint = ${DEFAULT_PAGES}`);
  };
  // Only once the worker's connection is open does the serving connection leave checkpoints to it.
  w.once('message', (msg) => {
    if (msg === 'ready' && alive && db.open) db.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
  });
  w.on('error', fallBack);
  w.once('exit', fallBack);
  return {
    async stop() {
      if (!alive) return;
      await stopWorker(w, exited);
      fallBack();
    },
  };
}
