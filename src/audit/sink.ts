/**
 * Where audit events go: the store (append-only). A call that changes state writes its events in its own transaction;
 * the events of calls that changed nothing are queued as rows of facts (event-row.ts) and stored together: through the
 * store's appendEventRows where it has one (SQLite file: its writer thread stores the events' facts), else
 * rendered here and appended in one transaction on the serving connection; one batch at most every BATCH_INTERVAL_MS
 * (and per turn of the event loop), the next gathering while one is written. A read-only call never waits for the disk, and flush() (called at shutdown)
 * stores everything queued.
 */
import type { Store } from '../store/store.js';
import { EventRowBatch, eventsFromRows, sharedRowBuffer } from './event-row.js';
import { ElementsMemo } from './elements.js';
import { createIdentityCache, pushEventRows } from './record.js';
import type { CallFacts } from './types.js';

/** The audit event sink. */
export interface EventSink {
  /** Stores the call's events now; inside an open store transaction they commit (or roll back) with it. */
  write(facts: CallFacts): Promise<void>;
  /**
   * Queues the call's events to store shortly, in one batch with the others queued meanwhile. Past MAX_QUEUED_EVENTS
   * waiting to be stored it answers a promise the caller awaits before it answers its client, so a store that falls
   * behind slows callers down instead of filling memory.
   */
  enqueue(facts: CallFacts): Promise<void> | undefined;
  /** Resolves once every queued event is stored. */
  flush(): Promise<void>;
}

/** Queued events past which callers wait for the store (each is a few hundred bytes; a first row, a few KB). */
export const MAX_QUEUED_EVENTS = 20_000;

/**
 * A batch goes to the store at least this long after the one before it went (at once when the last went longer ago):
 * a store's cost per batch (handing it to the writer thread, waking that thread, its answer, the serving connection's
 * gate and snapshot around the thread's transaction, the transaction, the index pages its lookup keys dirty, the
 * checkpoint of those pages) is shared by the events of 100 ms under load instead of those of one turn of the event
 * loop, and an event waits at most this long more to be stored (CloudTrail itself shows an event minutes later).
 * Measured over HTTP at 18,000 AssumeRoles a second, in the same run: 100 ms cost recording them about 1.7 µs of
 * event-loop CPU and 2.7 µs of process CPU less a call than 25 ms; and 25 ms cost 1 to 5 µs of process CPU less than 10.
 */
export const BATCH_INTERVAL_MS = 100;

/** Builds the sink over a store; `onError` hears of queued events that could not be stored. */
export function createEventSink(store: Store, onError: (err: unknown) => void): EventSink {
  // Each caller's userIdentity is written once and reused for every event it makes (the credential cache keeps the
  // caller object while the key is unchanged).
  const identities = createIdentityCache();
  // A client's repeated calls repeat their parameters and most of their responses: their text is reused.
  const elements = new ElementsMemo();
  const storeRows = (rows: Uint8Array): Promise<void> => (store.appendEventRows ? store.appendEventRows(rows) : store.transaction(() => store.appendEvents(eventsFromRows(rows))));
  // The batch gathering, in memory shared with the writer thread (handed to it without a copy); the buffer of the
  // batch stored last is the next one's, so the two take turns.
  let batch = new EventRowBatch(sharedRowBuffer());
  let spare: Buffer | undefined;
  let pending: Promise<void> | undefined;
  /** Events of the batch being stored. */
  let writing = 0;
  const flush = async (): Promise<void> => {
    while (pending) await pending;
  };
  /** When the last batch went to the store (performance.now()). */
  let lastBatch = -Infinity;
  const drain = async (): Promise<void> => {
    // At most one batch per turn of the event loop and per BATCH_INTERVAL_MS, and while a batch is being written the
    // next one gathers: under load the batches grow by themselves, and events stay in the order of the calls that
    // made them.
    await new Promise<void>((r) => setImmediate(r));
    // Checked again after each timer: timers run by the event loop's clock, which can lag the precise one (seen by
    // several milliseconds on a loaded virtual machine), so one may fire early.
    for (let wait = lastBatch + BATCH_INTERVAL_MS - performance.now(); wait > 0; wait = lastBatch + BATCH_INTERVAL_MS - performance.now()) {
      await new Promise<void>((r) => setTimeout(r, wait));
    }
    const sent = batch;
    const rows = sent.bytes();
    writing = sent.rows;
    batch = new EventRowBatch(spare ?? sharedRowBuffer(sent.buffer.length));
    spare = undefined;
    // Taken just before the batch goes: the next batch goes the whole interval after this.
    lastBatch = performance.now();
    try {
      await storeRows(rows);
    } catch (err) {
      onError(err);
    }
    // Stored (or given up on): nothing reads its rows any more, so the next batch writes over them.
    spare = sent.buffer;
    writing = 0;
    // Events queued while this batch was written go in the next one.
    pending = batch.rows > 0 ? drain() : undefined;
  };
  return {
    write(facts) {
      const own = new EventRowBatch();
      pushEventRows(own, facts, identities, elements);
      return own.rows === 0 ? Promise.resolve() : store.appendEvents(eventsFromRows(own.bytes()));
    },
    enqueue(facts) {
      pushEventRows(batch, facts, identities, elements);
      if (batch.rows === 0) return undefined;
      pending ??= drain();
      return batch.rows + writing < MAX_QUEUED_EVENTS ? undefined : flush();
    },
    flush,
  };
}
