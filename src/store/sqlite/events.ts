/** Audit events family: append-only CloudTrail records and the indexed page reads LookupEvents makes. */
import type { Database as Db, Statement } from 'better-sqlite3';
import type { EventLookupKey, EventQuery, EventStore, StoredEvent } from '../store.js';
import type { SqliteContext } from './db.js';
import { startEventWriter, type EventWriter } from './event-writer.js';
import { COLUMN, eventFromRow, eventIdSecond, pageParams, type EventRow } from '../rows/events.js';

/** The index a lookup pages along (attributes with a handful of values page along the account's time index). */
const INDEX: Readonly<Record<string, string>> = {
  none: 'events_region_time',
  ReadOnly: 'events_region_time',
  EventSource: 'events_region_time',
  EventId: 'events_region_time',
  EventName: 'events_region_event_name',
  Username: 'events_region_username',
  AccessKeyId: 'events_region_access_key',
};

/**
 * The page query for one attribute (or none), in one region or every region: newest first, bounded by time, skipping
 * the previous page's tail. With a region every index is a seek on (account, region[, value]); without one (the
 * store's own readers and tests) the account prefix is sought and the rows sorted.
 */
function pageSql(key: EventLookupKey | undefined, byRegion: boolean, legacyId: boolean): string {
  const tail = 'AND NOT (event_time = ? AND seq >= ?) ORDER BY event_time DESC, seq DESC LIMIT ?';
  const region = byRegion ? 'AND aws_region = ?' : '';
  if (key === 'ResourceType' || key === 'ResourceName') {
    return `SELECT e.* FROM events e WHERE e.seq IN (SELECT seq FROM event_resources WHERE account_id = ? ${region} AND ${COLUMN[key]} = ? AND event_time >= ? AND event_time <= ? ${tail})
            ORDER BY e.event_time DESC, e.seq DESC`;
  }
  if (legacyId) {
    // An event ID not led by its millisecond (an earlier kamen's random ones): the partial index of migration 019,
    // whose condition the query repeats word for word so that SQLite may use it.
    return `SELECT * FROM events INDEXED BY events_event_id_legacy WHERE account_id = ? ${region} AND event_id = ? AND substr(event_id, 15, 1) <> '7' AND event_time >= ? AND event_time <= ? ${tail}`;
  }
  const filter = key ? `AND ${COLUMN[key]} = ?` : '';
  // The planner cannot know an attribute's selectivity without statistics: name the index each lookup pages along
  // (a time-led EventId: pageParams bounds the time to the event's second).
  const index = byRegion ? `INDEXED BY ${INDEX[key ?? 'none'] ?? 'events_region_time'}` : '';
  return `SELECT * FROM events ${index} WHERE account_id = ? ${region} ${filter} AND event_time >= ? AND event_time <= ? ${tail}`;
}

/**
 * Prepares the event inserts on a connection and returns the function that appends events (in the caller's
 * transaction): the serving connection and the event writer thread (event-writer-worker.ts) share it.
 */
export function eventInserter(db: Db): (events: readonly StoredEvent[]) => void {
  const insert = db.prepare(
    `INSERT INTO events (account_id, event_id, event_time, event_name, event_source, read_only, username, access_key_id, resources, record, aws_region)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertResource = db.prepare('INSERT INTO event_resources (seq, account_id, event_time, resource_type, resource_name, aws_region) VALUES (?, ?, ?, ?, ?, ?)');
  return (events) => {
    for (const e of events) {
      const t = e.eventTime.getTime();
      const region = e.awsRegion ?? '';
      const seq = insert.run(e.accountId, e.eventId, t, e.eventName, e.eventSource, e.readOnly ? 'true' : 'false', e.username ?? null, e.accessKeyId ?? null, JSON.stringify(e.resources), e.record, region).lastInsertRowid;
      for (const r of e.resources) insertResource.run(seq, e.accountId, t, r.ResourceType, r.ResourceName, region);
    }
  };
}

/** Prepares the event statements once for this connection and returns the family's methods. */
export function eventsFamily(ctx: SqliteContext & { transaction<T>(fn: () => Promise<T>): Promise<T> }): EventStore {
  const { db, run } = ctx;
  const insertEvents = eventInserter(db);
  const pages = new Map<string, Statement>();
  const page = (q: EventQuery): Statement => {
    const key = q.attribute?.key;
    const byRegion = q.region !== undefined;
    const legacyId = key === 'EventId' && eventIdSecond(q.attribute!.value) === undefined;
    const k = `${key ?? ''}/${byRegion}/${legacyId}`;
    let s = pages.get(k);
    if (!s) pages.set(k, (s = db.prepare(pageSql(key, byRegion, legacyId))));
    return s;
  };
  const appendEvents = (events: readonly StoredEvent[]): Promise<void> =>
    run(() => {
      if (events.length === 0) return;
      ctx.atomic(() => insertEvents(events));
    });
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
    appendEventsDetached: async (events) => {
      if (events.length === 0) return;
      const w = writerFor();
      if (w) {
        try {
          await ctx.exclusive!(() => w.write(events));
          return;
        } catch {
          // The thread's transaction rolled back (or the thread is gone, or the batch could not be sent): nothing of
          // this batch is stored, so it is written here instead.
        }
      }
      await ctx.transaction(() => appendEvents(events));
    },
    lookupEvents: (q) => run(() => (page(q).all(...pageParams(q)) as EventRow[]).map(eventFromRow)),
  };
}
