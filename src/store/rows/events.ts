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

/** The lookup parameters in statement order (shared with the PostgreSQL family): account, region when given, value, bounds. */
export function pageParams(q: EventQuery): unknown[] {
  const end = q.after ? Math.min(q.endMs, q.after.timeMs) : q.endMs;
  const params: unknown[] = [q.accountId];
  if (q.region !== undefined) params.push(q.region);
  if (q.attribute) params.push(q.attribute.value);
  // No previous page: seq >= MAX never matches, so nothing is skipped.
  params.push(q.startMs, end, q.after?.timeMs ?? -1, q.after?.seq ?? Number.MAX_SAFE_INTEGER, q.limit);
  return params;
}
