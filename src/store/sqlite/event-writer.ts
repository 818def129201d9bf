/**
 * The event writer thread's handle: audit events that need not commit with a change (reads, failures) are stored by
 * a worker thread over its own connection to the database file, so the SQLite work of recording every call stays off
 * the event loop. A batch arrives as rows of facts (src/audit/event-row.ts), which the thread stores as they are
 * (FORMAT_ROWS blocks, a segment of one account and region each) or as facts (FORMAT_FACTS blocks; records are rendered
 * when read), or as stored events (FORMAT_BINARY blocks). The
 * caller holds the serving connection's gate (SqliteContext.exclusive) while the thread writes, so the two
 * connections never wait on each other's lock.
 */
import type { DetachedBatch } from './event-block.js';
import { startWorkerRpc } from './worker-rpc.js';

/** A running writer; `failed` turns true once the thread is gone (its callers then write on the serving connection). */
export interface EventWriter {
  /** Stores a batch in one transaction of the thread's connection; resolves once committed. */
  write(batch: DetachedBatch): Promise<void>;
  /** Closes the thread's connection. */
  stop(): Promise<void>;
  readonly failed: boolean;
}

/** Starts the writer thread on the database file `filename`. */
export function startEventWriter(filename: string): EventWriter {
  const rpc = startWorkerRpc(new URL('./event-writer-worker.js', import.meta.url), filename, 'event writer', () => undefined);
  if (!rpc) return { write: () => Promise.reject(new Error('no event writer thread')), stop: async () => {}, failed: true };
  return {
    get failed() {
      return rpc.failed;
    },
    // Rows in shared memory are read by the thread where they are (their poster writes over them only once this
    // settles), events are copied to it: either way a batch the thread failed to store can be stored here.
    write: (batch) => rpc.call(batch),
    stop: () => rpc.stop(),
  };
}
