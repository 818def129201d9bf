/** Migration 018: CloudTrail event retention — events may be deleted, but only by the retention sweep. */
import type { Migration } from './index.js';

// Events stay append-only for everything but the retention sweep (src/store/*/event-retention.ts). UPDATE is still
// refused always. DELETE is refused unless the sweep's own transaction has switched retention on:
// - SQLite: a one-row control table `event_retention` whose `sweeping` is 1 only between the sweep's two UPDATEs inside
//   one transaction (so it is never 1 in committed data); the delete triggers check it (a missing row refuses too);
// - PostgreSQL: the transaction-local setting `kamen.event_retention = 'on'` (set_config(…, true)), read by the
//   trigger function; TRUNCATE of either table is refused as well.
// The sweep deletes an event's resource rows by their event's position, so event_resources gets an index on seq.
const sqlite = `
CREATE TABLE event_retention (
  id       INTEGER PRIMARY KEY CHECK (id = 1),
  sweeping INTEGER NOT NULL DEFAULT 0 CHECK (sweeping IN (0, 1))
);
INSERT INTO event_retention (id, sweeping) VALUES (1, 0);
DROP TRIGGER events_no_delete;
DROP TRIGGER event_resources_no_delete;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
  WHEN (SELECT sweeping FROM event_retention WHERE id = 1) IS NOT 1
  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER event_resources_no_delete BEFORE DELETE ON event_resources
  WHEN (SELECT sweeping FROM event_retention WHERE id = 1) IS NOT 1
  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE INDEX event_resources_seq ON event_resources (seq);
`;

const postgres = `
CREATE OR REPLACE FUNCTION kamen_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('kamen.event_retention', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'events are append-only';
END;
$$;
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events FOR EACH STATEMENT EXECUTE FUNCTION kamen_events_append_only();
CREATE TRIGGER event_resources_no_truncate BEFORE TRUNCATE ON event_resources FOR EACH STATEMENT EXECUTE FUNCTION kamen_events_append_only();
CREATE INDEX event_resources_seq ON event_resources (seq);
`;

export const migration: Migration = { version: 18, name: 'event_retention', sqlite, postgres };
