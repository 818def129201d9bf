/** Migration 019: EventId lookups seek the time index (an event ID is led by its millisecond), so events lose an index. */
import type { Migration } from './index.js';

// Every event ID kamen makes is led by its event's millisecond (record.ts, newEventId: the UUID version 7 layout), so an
// EventId lookup knows the second the event is stored under and seeks the (account, region, time) index to it: the
// (account, event_id) index, one more index write for every audited call, is dropped. Event IDs made before that
// layout (random, version 4) keep a partial index that new events never enter (SQLite; its condition is repeated
// word for word by the lookup of such an ID, which is how SQLite lets a query use a partial index). PostgreSQL keeps
// its index (its lookups are unchanged).
const sqlite = `
DROP INDEX events_event_id;
CREATE INDEX events_event_id_legacy ON events (account_id, event_id) WHERE substr(event_id, 15, 1) <> '7';
`;

const postgres = `
SELECT 1;
`;

export const migration: Migration = { version: 19, name: 'event_id_time', sqlite, postgres };
