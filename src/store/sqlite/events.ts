/**
 * Audit events family (SQLite): append-only CloudTrail records stored in blocks (event-block.ts, migration 020), and
 * the page reads LookupEvents makes over them.
 */
import type { Database as Db, Statement } from 'better-sqlite3';
import type { EventLookupKey, EventQuery, EventStore, StoredEvent } from '../store.js';
import type { SqliteContext } from './db.js';
import { startEventWriter, type EventWriter } from './event-writer.js';
import { BLOCK_SPAN_MS, POSITIONS_PER_BLOCK, encodeBlocks, encodeDetached, matches, readBlock, storedEvent, type BlockEvent, type DetachedBatch, type EncodedBlock } from './event-block.js';
import { eventIdSecond } from '../rows/events.js';
import { isRangedKeyId, keyIdBounds, keyRowHolds } from './key-id-ranges.js';

/**
 * Prepares the block inserts on a connection and returns the function that stores blocks (in the caller's
 * transaction): the serving connection and the event writer thread (event-writer-worker.ts) share it.
 */
export function blockInserter(db: Db): (blocks: readonly EncodedBlock[]) => void {
  const insert = db.prepare('INSERT INTO event_blocks (account_id, aws_region, min_time, max_time, count, format, data) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const insertKey = db.prepare('INSERT OR IGNORE INTO event_keys (account_id, aws_region, attr, value, max_time, seq) VALUES (?, ?, ?, ?, ?, ?)');
  return (blocks) => {
    for (const b of blocks) {
      const data = Buffer.isBuffer(b.data) ? b.data : Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength);
      const seq = insert.run(b.accountId, b.awsRegion, b.minTime, b.maxTime, b.count, b.format, data).lastInsertRowid;
      for (const [attr, value] of b.keys) insertKey.run(b.accountId, b.awsRegion, attr, value, b.maxTime, seq);
    }
  };
}

/** A block as a lookup reads it. */
interface BlockRow {
  seq: number;
  min_time: number;
  max_time: number;
}

/** True when a lookup of this attribute seeks its key rows (a time-led event ID is sought by its second instead). */
function keyed(attr: { key: EventLookupKey; value: string }): boolean {
  return attr.key !== 'EventId' || eventIdSecond(attr.value) === undefined;
}

/** Prepares the event statements once for this connection and returns the family's methods. */
export function eventsFamily(ctx: SqliteContext & { transaction<T>(fn: () => Promise<T>): Promise<T> }): EventStore {
  const { db, run } = ctx;
  const insertBlocks = blockInserter(db);
  const s = {
    // Newest block first (by its newest event); a block spans at most BLOCK_SPAN_MS, so one whose newest event is
    // later than the page's end by more than that holds nothing for the page.
    blocks: db.prepare(
      `SELECT rowid AS seq, min_time, max_time FROM event_blocks INDEXED BY event_blocks_time
       WHERE account_id = ? AND aws_region = ? AND max_time >= ? AND max_time <= ? ORDER BY max_time DESC, min_time DESC, seq DESC`,
    ),
    keyed: db.prepare(
      `SELECT k.seq AS seq, b.min_time AS min_time, k.max_time AS max_time FROM event_keys k JOIN event_blocks b ON b.seq = k.seq
       WHERE k.account_id = ? AND k.aws_region = ? AND k.attr = ? AND k.value = ? AND k.max_time >= ? AND k.max_time <= ?
       ORDER BY k.max_time DESC, k.seq DESC`,
    ),
    // A temporary key ID: the key rows of its prefix (ranges, and keys written before ranges), kept by keyRowHolds.
    keyIdRows: db.prepare(
      `SELECT k.seq AS seq, b.min_time AS min_time, k.max_time AS max_time, k.value AS value FROM event_keys k JOIN event_blocks b ON b.seq = k.seq
       WHERE k.account_id = ? AND k.aws_region = ? AND k.attr = ? AND k.value >= ? AND k.value < ? AND k.max_time >= ? AND k.max_time <= ?
       ORDER BY k.max_time DESC, k.seq DESC`,
    ),
    data: db.prepare('SELECT format, data FROM event_blocks WHERE seq = ?'),
    regions: db.prepare('SELECT DISTINCT aws_region FROM event_blocks WHERE account_id = ?').pluck(),
  } satisfies Record<string, Statement>;

  /** The blocks that may hold a page's events, newest first: by the attribute's key rows, else by time. */
  function* blockRows(accountId: string, region: string, attr: EventQuery['attribute'], from: number, to: number): Generator<BlockRow, void, undefined> {
    if (attr && isRangedKeyId(attr.key, attr.value)) {
      const { prefix, end } = keyIdBounds(attr.value);
      for (const row of (s.keyIdRows as Statement<unknown[]>).iterate(accountId, region, attr.key, prefix, end, from, to) as IterableIterator<BlockRow & { value: string }>) {
        if (keyRowHolds(row.value, attr.value)) yield row;
      }
      return;
    }
    yield* (attr && keyed(attr) ? (s.keyed as Statement<unknown[]>).iterate(accountId, region, attr.key, attr.value, from, to) : (s.blocks as Statement<unknown[]>).iterate(accountId, region, from, to)) as IterableIterator<BlockRow>;
  }

  /** One region's page: reads blocks newest first until no further block can hold an event of the page. */
  const lookupRegion = (q: EventQuery, region: string): Array<StoredEvent & { seq: number }> => {
    let start = q.startMs;
    let end = q.after ? Math.min(q.endMs, q.after.timeMs) : q.endMs;
    const attr = q.attribute;
    if (attr?.key === 'EventId') {
      const second = eventIdSecond(attr.value);
      if (second !== undefined) {
        start = Math.max(start, second);
        end = Math.min(end, second);
      }
    }
    if (start > end || q.limit <= 0) return [];
    const rows = blockRows(q.accountId, region, attr, start, end + BLOCK_SPAN_MS);
    const found: Array<{ seq: number; pos: number; data: Uint8Array | string; e: BlockEvent }> = [];
    try {
      for (const b of rows) {
        // Sorted newest first: once the page is full, a block whose newest event is older than the page's last
        // holds nothing that belongs on it.
        if (found.length >= q.limit && b.max_time < found[q.limit - 1]!.e.time) break;
        if (b.min_time > end) continue;
        const row = s.data.get(b.seq) as { format: number; data: Uint8Array | string };
        for (const e of readBlock(row.format, row.data)) {
          if (e.time < start || e.time > end) continue;
          const pos = b.seq * POSITIONS_PER_BLOCK + e.index;
          if (q.after && e.time === q.after.timeMs && pos >= q.after.seq) continue;
          if (attr && !matches(e, attr.key, attr.value)) continue;
          found.push({ seq: b.seq, pos, data: row.data, e });
        }
        found.sort((x, y) => y.e.time - x.e.time || y.pos - x.pos);
        if (found.length > q.limit) found.length = q.limit;
      }
    } finally {
      rows.return?.();
    }
    return found.map((f) => storedEvent(f.seq, q.accountId, region, f.data, f.e));
  };

  const lookupEvents = (q: EventQuery): Array<StoredEvent & { seq: number }> => {
    if (q.region !== undefined) return lookupRegion(q, q.region);
    // Every region's events (the store's own readers): each region's page, merged.
    const all = (s.regions.all(q.accountId) as string[]).flatMap((r) => lookupRegion(q, r));
    all.sort((x, y) => y.eventTime.getTime() - x.eventTime.getTime() || y.seq - x.seq);
    return all.slice(0, q.limit);
  };

  /** Stores encoded blocks (in the caller's transaction). */
  const insertEncoded = (blocks: readonly EncodedBlock[]): Promise<void> =>
    run(() => {
      if (blocks.length > 0) ctx.atomic(() => insertBlocks(blocks));
    });
  const appendEvents = (events: readonly StoredEvent[]): Promise<void> => insertEncoded(encodeBlocks(events));
  /** Stores a batch outside every transaction: on the writer thread where there is one, else here. */
  const storeDetached = async (batch: DetachedBatch): Promise<void> => {
    if ('events' in batch ? batch.events.length === 0 : batch.rows.length === 0) return;
    const w = writerFor();
    if (w) {
      try {
        await ctx.exclusive!(() => w.write(batch));
        return;
      } catch {
        // The thread's transaction rolled back (or the thread is gone, or the batch could not be sent): nothing of
        // this batch is stored, so it is written here instead.
      }
    }
    const blocks = encodeDetached(batch);
    await ctx.transaction(() => insertEncoded(blocks));
  };
  // A file database appends detached events from a writer thread with its own connection (started on first use);
  // an in-memory one, or a writer thread that failed, appends them here in a group-committed transaction.
  let writer: EventWriter | undefined;
  const writerFor = (): EventWriter | undefined => {
    if (!ctx.filename || !ctx.exclusive) return undefined;
    if (!writer) {
      const w = (writer = startEventWriter(ctx.filename));
      ctx.beforeClose?.add(() => w.stop());
    }
    return writer.failed ? undefined : writer;
  };
  return {
    appendEvents,
    appendEventsDetached: (events) => storeDetached({ events }),
    appendEventRows: (rows) => storeDetached({ rows }),
    lookupEvents: (q) => run(() => lookupEvents(q)),
  };
}
