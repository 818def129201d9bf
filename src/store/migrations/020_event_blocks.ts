/** Migration 020 (SQLite): audit events are stored in blocks, one row per account and region per write, with lookup keys. */
import type { Migration } from './index.js';

// Recording every call as its own row with five index entries was most of what auditing cost. Events are now stored
// as blocks (src/store/sqlite/event-block.ts): one row holds the encoded events of one account and region written
// together, and event_keys holds one row per distinct lookup attribute value of a block, which LookupEvents seeks.
// An event's position is its block's row ID × 4096 + its index in the block.
// The events already stored become one block each (format 1: the row's columns as a JSON array), keeping their
// positions' order: block N is the former event N, so a trail's position N becomes N × 4096. Their keys include the
// event ID (events made by earlier versions may have random IDs, which a lookup cannot bound in time).
// Blocks and keys are append-only as events were: UPDATE is refused, DELETE only inside the retention sweep.
// PostgreSQL keeps one row per event (its inserts are not on the serving process's CPU).
const sqlite = `
CREATE TABLE event_blocks (
  seq        INTEGER PRIMARY KEY,
  account_id TEXT    NOT NULL,
  aws_region TEXT    NOT NULL,
  min_time   INTEGER NOT NULL,
  max_time   INTEGER NOT NULL,
  count      INTEGER NOT NULL,
  format     INTEGER NOT NULL,
  data       BLOB    NOT NULL
);
CREATE INDEX event_blocks_time ON event_blocks (account_id, aws_region, max_time, min_time);
CREATE TABLE event_keys (
  account_id TEXT    NOT NULL,
  aws_region TEXT    NOT NULL,
  attr       TEXT    NOT NULL,
  value      TEXT    NOT NULL,
  max_time   INTEGER NOT NULL,
  seq        INTEGER NOT NULL,
  PRIMARY KEY (account_id, aws_region, attr, value, max_time, seq)
) WITHOUT ROWID;
INSERT INTO event_blocks (seq, account_id, aws_region, min_time, max_time, count, format, data)
  SELECT seq, account_id, aws_region, event_time, event_time, 1, 1,
         json_array(event_id, event_time, event_name, event_source, read_only, username, access_key_id, json(resources), record)
  FROM events;
INSERT OR IGNORE INTO event_keys (account_id, aws_region, attr, value, max_time, seq)
            SELECT account_id, aws_region, 'EventName', event_name, event_time, seq FROM events
  UNION ALL SELECT account_id, aws_region, 'EventSource', event_source, event_time, seq FROM events
  UNION ALL SELECT account_id, aws_region, 'ReadOnly', read_only, event_time, seq FROM events
  UNION ALL SELECT account_id, aws_region, 'Username', username, event_time, seq FROM events WHERE username IS NOT NULL
  UNION ALL SELECT account_id, aws_region, 'AccessKeyId', access_key_id, event_time, seq FROM events WHERE access_key_id IS NOT NULL
  UNION ALL SELECT account_id, aws_region, 'EventId', event_id, event_time, seq FROM events
  UNION ALL SELECT account_id, aws_region, 'ResourceType', resource_type, event_time, seq FROM event_resources
  UNION ALL SELECT account_id, aws_region, 'ResourceName', resource_name, event_time, seq FROM event_resources;
UPDATE trails SET position = position * 4096;
DROP TABLE event_resources;
DROP TABLE events;
CREATE TRIGGER event_blocks_no_update BEFORE UPDATE ON event_blocks BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER event_keys_no_update BEFORE UPDATE ON event_keys BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER event_blocks_no_delete BEFORE DELETE ON event_blocks
  WHEN (SELECT sweeping FROM event_retention WHERE id = 1) IS NOT 1
  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER event_keys_no_delete BEFORE DELETE ON event_keys
  WHEN (SELECT sweeping FROM event_retention WHERE id = 1) IS NOT 1
  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
`;

const postgres = `
SELECT 1;
`;

export const migration: Migration = { version: 20, name: 'event_blocks', sqlite, postgres };
