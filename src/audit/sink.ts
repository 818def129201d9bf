/**
 * Where audit events go: the store (append-only), and then every subscriber (a trail delivery worker reads from
 * here). Events of calls that changed nothing are queued and written together, one group-committed transaction per
 * turn of the event loop, so a read-only call never waits for the disk.
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
    await new Promise<void>((r) => setImmediate(r));
    const batch = queue;
    queue = [];
    try {
      await store.transaction(() => store.appendEvents(batch.map((e) => e.stored)));
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
