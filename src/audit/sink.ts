/**
 * Where audit events go: the store (append-only). Events of calls that changed nothing are queued and written
 * together: where the store has a detached queue (SQLite: each event queued as a flat list of its values, which a
 * writer thread encodes into blocks and stores) through that queue, else in one transaction on the serving connection; one batch per turn of the event loop, the next gathering while one is
 * written. A read-only call never waits for the disk, and flush() (called at shutdown) stores everything queued.
 */
import type { DetachedEventQueue, StoredEvent, Store } from '../store/store.js';
import type { AuditEvent } from './types.js';

/** The audit event sink. */
export interface EventSink {
  /** Stores events now; inside an open store transaction they commit (or roll back) with it. */
  write(events: readonly AuditEvent[]): Promise<void>;
  /** Queues events to store shortly, in one batch with the others queued meanwhile. */
  enqueue(events: readonly AuditEvent[]): void;
  /** Resolves once every queued event is stored. */
  flush(): Promise<void>;
}

/** A queue over the store's plain detached append (or a transaction): the events themselves, stored at flush. */
function listQueue(store: Store): DetachedEventQueue {
  let rows: StoredEvent[] = [];
  return {
    add: (e) => void rows.push(e),
    get size() {
      return rows.length;
    },
    flush() {
      const batch = rows;
      rows = [];
      if (store.appendEventsDetached) return store.appendEventsDetached(batch);
      return store.transaction(() => store.appendEvents(batch));
    },
  };
}

/** Builds the sink over a store; `onError` hears of queued events that could not be stored. */
export function createEventSink(store: Store, onError: (err: unknown) => void): EventSink {
  const queue = store.detachedEventQueue?.() ?? listQueue(store);
  let pending: Promise<void> | undefined;
  const drain = async (): Promise<void> => {
    // One batch per turn of the event loop, and while a batch is being written the next one gathers: under load the
    // batches grow by themselves, and events stay in the order of the calls that made them.
    await new Promise<void>((r) => setImmediate(r));
    try {
      await queue.flush();
    } catch (err) {
      onError(err);
    }
    // Events queued while this batch was written go in the next one.
    pending = queue.size > 0 ? drain() : undefined;
  };
  return {
    write: (events) => store.appendEvents(events.map((e) => e.stored)),
    enqueue(events) {
      if (events.length === 0) return;
      for (const e of events) queue.add(e.stored);
      pending ??= drain();
    },
    async flush() {
      while (pending) await pending;
    },
  };
}
