/**
 * The event writer thread's handle: audit events that need not commit with a change (reads, failures) are appended by
 * a worker thread over its own connection to the database file, so the SQLite work of recording every call (the row,
 * its lookup indexes, the resources) stays off the event loop. The caller holds the serving connection's gate
 * (SqliteContext.exclusive) while the thread writes, so the two connections never wait on each other's lock.
 */
import { Worker } from 'node:worker_threads';
import { stopWorker } from './stop-worker.js';
import type { StoredEvent } from '../store.js';

/** A running writer; `failed` turns true once the thread is gone (its callers then write on the serving connection). */
export interface EventWriter {
  /** Appends `events` in one transaction of the thread's connection; resolves once committed. */
  write(events: readonly StoredEvent[]): Promise<void>;
  /** Closes the thread's connection. */
  stop(): Promise<void>;
  readonly failed: boolean;
}

/**
 * A batch of events as one text: per event its columns as a JSON array, U+0000, its record (JSON text), U+0001. JSON
 * text never holds a raw control character, so neither separator can occur inside, and the record, most of the bytes,
 * is copied rather than escaped again.
 */
export function encodeEvents(events: readonly StoredEvent[]): string {
  let text = '';
  for (const e of events) {
    if (e.record.includes('\u0000') || e.record.includes('\u0001')) throw new Error('an event record that is not JSON text');
    text += JSON.stringify([e.accountId, e.eventId, e.eventTime.getTime(), e.eventName, e.eventSource, e.readOnly, e.username ?? null, e.accessKeyId ?? null, e.resources, e.awsRegion ?? null]);
    text += '\u0000';
    text += e.record;
    text += '\u0001';
  }
  return text;
}

/** The events encodeEvents encoded. */
export function decodeEvents(text: string): StoredEvent[] {
  type Columns = [string, string, number, string, string, boolean, string | null, string | null, StoredEvent['resources'], string | null];
  const out: StoredEvent[] = [];
  let at = 0;
  while (at < text.length) {
    const sep = text.indexOf('\u0000', at);
    const end = text.indexOf('\u0001', sep);
    const [accountId, eventId, t, eventName, eventSource, readOnly, username, accessKeyId, resources, awsRegion] = JSON.parse(text.slice(at, sep)) as Columns;
    const e: StoredEvent = { accountId, eventId, eventTime: new Date(t), eventName, eventSource, readOnly, resources, record: text.slice(sep + 1, end) };
    if (username !== null) e.username = username;
    if (accessKeyId !== null) e.accessKeyId = accessKeyId;
    if (awsRegion !== null) e.awsRegion = awsRegion;
    out.push(e);
    at = end + 1;
  }
  return out;
}

/** Starts the writer thread on the database file `filename`. */
export function startEventWriter(filename: string): EventWriter {
  const pending = new Map<number, { resolve(): void; reject(err: unknown): void }>();
  let next = 0;
  let failed = false;
  let stopping = false;
  let worker: Worker;
  try {
    worker = new Worker(new URL('./event-writer-worker.js', import.meta.url), { workerData: { filename } });
  } catch {
    return { write: () => Promise.reject(new Error('no event writer thread')), stop: async () => {}, failed: true };
  }
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const fail = (err: unknown): void => {
    failed = true;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  worker.on('message', (msg: { id: number; error?: string }) => {
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (pending.size === 0 && !stopping) worker.unref();
    if (msg.error === undefined) p.resolve();
    else p.reject(new Error(msg.error));
  });
  worker.on('error', fail);
  worker.once('exit', () => fail(new Error('the event writer thread exited')));
  return {
    get failed() {
      return failed;
    },
    write(events) {
      if (failed) return Promise.reject(new Error('the event writer thread is gone'));
      // One string per batch: a structured clone of the event objects cost the event loop more than the inserts.
      let text: string;
      try {
        text = encodeEvents(events);
      } catch (err) {
        return Promise.reject(err);
      }
      const id = ++next;
      return new Promise<void>((resolve, reject) => {
        // Referenced while a batch is out, so the process waits for its answer; idle, the thread keeps nothing alive.
        if (pending.size === 0) worker.ref();
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, events: text });
      });
    },
    async stop() {
      if (failed) return;
      stopping = true;
      await stopWorker(worker, exited);
      failed = true;
    },
  };
}
