/**
 * Where audit events go: the store (append-only), and then every subscriber (a trail delivery worker reads from
 * here). Events of calls that changed nothing are queued and written together in one transaction: by the store's
 * detached append where it has one (SQLite file: a writer thread, so the inserts and their indexes cost the event loop
 * nothing), else on the serving connection; one batch per turn of the event loop, the next gathering while one is
 * written. A read-only call never waits for the disk, and flush() (called at shutdown) stores everything queued.
 */
import type { Store } from '../store/store.js';
import type { AuditEvent } from './types.js';

/** The audit event sink. */
export interface EventSink {
  /** Stores events now; inside an open store transaction they commit (or roll back) with it. */
  write(events: readonly AuditEvent[]): Promise<void>;
  /** Queues events to store shortly, in one transaction with the others queued meanwhile. */
  enqueue(events: readonly AuditEvent[]): void;
  /** Tells subscribers about events whose transaction committed. */
  published(events: readonly AuditEvent[]): void;
  /** Resolves once every queued event is stored. */
  flush(): Promise<void>;
  /** Calls `fn` with every batch of stored events; returns the function that stops it. */
  subscribe(fn: (events: readonly AuditEvent[]) => void): () => void;
}

/** Builds the sink over a store; `onError` hears of queued events that could not be stored. */
export function createEventSink(store: Store, onError: (err: unknown) => void): EventSink {
  const listeners = new Set<(events: readonly AuditEvent[]) => void>();
  let queue: AuditEvent[] = [];
  let pending: Promise<void> | undefined;
  const published = (events: readonly AuditEvent[]): void => {
    for (const fn of listeners) {
      try {
        fn(events);
      } catch (err) {
        onError(err);
      }
    }
  };
  const drain = async (): Promise<void> => {
    // One batch per turn of the event loop, and while a batch is being written the next one gathers: under load the
    // batches grow by themselves, and events stay in the order of the calls that made them.
    await new Promise<void>((r) => setImmediate(r));
    const batch = queue;
    queue = [];
    try {
      const rows = batch.map((e) => e.stored);
      // Off the event loop where the store can (a SQLite file's writer thread), else one group-committed transaction.
      if (store.appendEventsDetached) await store.appendEventsDetached(rows);
      else await store.transaction(() => store.appendEvents(rows));
      published(batch);
    } catch (err) {
      onError(err);
    }
    // Events queued while this batch was written go in the next one.
    pending = queue.length > 0 ? drain() : undefined;
  };
  return {
    write: (events) => store.appendEvents(events.map((e) => e.stored)),
    enqueue(events) {
      if (events.length === 0) return;
      for (const e of events) queue.push(e);
      pending ??= drain();
    },
    published,
    async flush() {
      while (pending) await pending;
    },
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}
