/** Migration 007: the audit events table (append-only CloudTrail records) and its lookup indexes. */
import type { Migration } from './index.js';

// One row per stored CloudTrail record, in the account that receives it. `seq` (the rowid: rows are never deleted, so
// each new one is the largest yet, without AUTOINCREMENT's extra write) orders events of the same millisecond
// (newest first = event_time DESC, seq DESC); every selective LookupEvents attribute has an index led by the account
// and ending in that order, so one filtered page reads only the rows it returns; ReadOnly and EventSource (a handful of
// values, each matching a large share of events) page along the time index, skipping few rows. Resources (type, name)
// are a side table with the same ordering. Triggers refuse UPDATE and DELETE: events are append-only.
const sqlite = `
CREATE TABLE events (
  seq           INTEGER PRIMARY KEY,
  account_id    TEXT NOT NULL,
  event_id      TEXT NOT NULL,
  event_time    INTEGER NOT NULL,
  event_name    TEXT NOT NULL,
  event_source  TEXT NOT NULL,
  read_only     TEXT NOT NULL,
  username      TEXT,
  access_key_id TEXT,
  resources     TEXT NOT NULL,
  record        TEXT NOT NULL
);
CREATE INDEX events_account_time ON events (account_id, event_time DESC, seq DESC);
CREATE INDEX events_event_id ON events (account_id, event_id);
CREATE INDEX events_event_name ON events (account_id, event_name, event_time DESC, seq DESC);
CREATE INDEX events_username ON events (account_id, username, event_time DESC, seq DESC);
CREATE INDEX events_access_key ON events (account_id, access_key_id, event_time DESC, seq DESC);
CREATE TABLE event_resources (
  seq           INTEGER NOT NULL,
  account_id    TEXT NOT NULL,
  event_time    INTEGER NOT NULL,
  resource_type TEXT NOT NULL,
  resource_name TEXT NOT NULL
);
CREATE INDEX event_resources_type ON event_resources (account_id, resource_type, event_time DESC, seq DESC);
CREATE INDEX event_resources_name ON event_resources (account_id, resource_name, event_time DESC, seq DESC);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER event_resources_no_update BEFORE UPDATE ON event_resources BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER event_resources_no_delete BEFORE DELETE ON event_resources BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
`;

const postgres = `
CREATE TABLE events (
  seq           bigserial PRIMARY KEY,
  account_id    text COLLATE "C" NOT NULL,
  event_id      text COLLATE "C" NOT NULL,
  event_time    bigint NOT NULL,
  event_name    text COLLATE "C" NOT NULL,
  event_source  text COLLATE "C" NOT NULL,
  read_only     text NOT NULL,
  username      text COLLATE "C",
  access_key_id text COLLATE "C",
  resources     text NOT NULL,
  record        text NOT NULL
);
CREATE INDEX events_account_time ON events (account_id, event_time DESC, seq DESC);
CREATE INDEX events_event_id ON events (account_id, event_id);
CREATE INDEX events_event_name ON events (account_id, event_name, event_time DESC, seq DESC);
CREATE INDEX events_username ON events (account_id, username, event_time DESC, seq DESC);
CREATE INDEX events_access_key ON events (account_id, access_key_id, event_time DESC, seq DESC);
CREATE TABLE event_resources (
  seq           bigint NOT NULL,
  account_id    text COLLATE "C" NOT NULL,
  event_time    bigint NOT NULL,
  resource_type text COLLATE "C" NOT NULL,
  resource_name text COLLATE "C" NOT NULL
);
CREATE INDEX event_resources_type ON event_resources (account_id, resource_type, event_time DESC, seq DESC);
CREATE INDEX event_resources_name ON event_resources (account_id, resource_name, event_time DESC, seq DESC);
CREATE FUNCTION kamen_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'events are append-only';
END;
$$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events FOR EACH ROW EXECUTE FUNCTION kamen_events_append_only();
CREATE TRIGGER event_resources_append_only BEFORE UPDATE OR DELETE ON event_resources FOR EACH ROW EXECUTE FUNCTION kamen_events_append_only();
`;

export const migration: Migration = { version: 7, name: 'events', sqlite, postgres };
