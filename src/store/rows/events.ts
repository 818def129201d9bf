/** Audit events rows shared by both backends: the row, the column each lookup attribute filters, the mapper, the page parameters. */
import type { EventLookupKey, EventQuery, StoredEvent } from '../store.js';

export interface EventRow {
  seq: number;
  account_id: string;
  event_id: string;
  event_time: number;
  event_name: string;
  event_source: string;
  read_only: string;
  username: string | null;
  access_key_id: string | null;
  aws_region: string;
  resources: string;
  record: string;
}

/** The events column each lookup attribute filters (resource attributes go through event_resources). */
export const COLUMN: Readonly<Record<EventLookupKey, string>> = {
  EventId: 'event_id',
  EventName: 'event_name',
  ReadOnly: 'read_only',
  Username: 'username',
  EventSource: 'event_source',
  AccessKeyId: 'access_key_id',
  ResourceType: 'resource_type',
  ResourceName: 'resource_name',
};

/** Converts a row to the stored event with its position. */
export function eventFromRow(r: EventRow): StoredEvent & { seq: number } {
  const e: StoredEvent & { seq: number } = {
    seq: Number(r.seq),
    accountId: r.account_id,
    eventId: r.event_id,
    eventTime: new Date(Number(r.event_time)),
    eventName: r.event_name,
    eventSource: r.event_source,
    readOnly: r.read_only === 'true',
    resources: JSON.parse(r.resources) as StoredEvent['resources'],
    record: r.record,
  };
  if (r.username !== null) e.username = r.username;
  if (r.access_key_id !== null) e.accessKeyId = r.access_key_id;
  if (r.aws_region) e.awsRegion = r.aws_region;
  return e;
}

const TIME_LED_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The second (epoch ms) an event whose ID is led by its millisecond (every ID kamen makes: record.ts, newEventId) is
 * stored under; undefined for any other ID (a random one an earlier kamen made, or one kamen never made).
 */
export function eventIdSecond(eventId: string): number | undefined {
  if (!TIME_LED_ID.test(eventId)) return undefined;
  const ms = parseInt(eventId.slice(0, 8) + eventId.slice(9, 13), 16);
  return ms - (ms % 1000);
}

/**
 * The lookup parameters in statement order (shared with the PostgreSQL family): account, region when given, value,
 * bounds. An EventId lookup of a time-led ID is bounded to the second the event is stored under, so it is one seek
 * of the time index.
 */
export function pageParams(q: EventQuery): unknown[] {
  let start = q.startMs;
  let end = q.after ? Math.min(q.endMs, q.after.timeMs) : q.endMs;
  if (q.attribute?.key === 'EventId') {
    const second = eventIdSecond(q.attribute.value);
    if (second !== undefined) {
      start = Math.max(start, second);
      end = Math.min(end, second);
    }
  }
  const params: unknown[] = [q.accountId];
  if (q.region !== undefined) params.push(q.region);
  if (q.attribute) params.push(q.attribute.value);
  // No previous page: seq >= MAX never matches, so nothing is skipped.
  params.push(start, end, q.after?.timeMs ?? -1, q.after?.seq ?? Number.MAX_SAFE_INTEGER, q.limit);
  return params;
}
