/** Migration 017: the region of each stored event (CloudTrail event history is per region), and region-led lookup indexes. */
import type { Migration } from './index.js';

// LookupEvents answers the events of the region it is called in (awsRegion; global services' events are us-east-1's).
// The region is a column of events and of event_resources, filled for the rows already stored from their record, and
// every paging lookup index is now led by (account, region) so a filtered page of one region stays one index seek; the
// account-only ones are dropped (their writes would cost every audited call for no reader). The EventId index stays
// (account, event_id): it finds at most one row, whose region is then checked. The append-only
// triggers are lifted only for the one backfill statement and put back as they were.
const sqlite = `
ALTER TABLE events ADD COLUMN aws_region TEXT NOT NULL DEFAULT '';
ALTER TABLE event_resources ADD COLUMN aws_region TEXT NOT NULL DEFAULT '';
DROP TRIGGER events_no_update;
DROP TRIGGER event_resources_no_update;
UPDATE events SET aws_region = COALESCE(json_extract(record, '$.awsRegion'), '');
UPDATE event_resources SET aws_region = COALESCE((SELECT e.aws_region FROM events e WHERE e.seq = event_resources.seq), '');
CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER event_resources_no_update BEFORE UPDATE ON event_resources BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
DROP INDEX events_account_time;
DROP INDEX events_event_name;
DROP INDEX events_username;
DROP INDEX events_access_key;
DROP INDEX event_resources_type;
DROP INDEX event_resources_name;
CREATE INDEX events_region_time ON events (account_id, aws_region, event_time DESC, seq DESC);
CREATE INDEX events_region_event_name ON events (account_id, aws_region, event_name, event_time DESC, seq DESC);
CREATE INDEX events_region_username ON events (account_id, aws_region, username, event_time DESC, seq DESC);
CREATE INDEX events_region_access_key ON events (account_id, aws_region, access_key_id, event_time DESC, seq DESC);
CREATE INDEX event_resources_region_type ON event_resources (account_id, aws_region, resource_type, event_time DESC, seq DESC);
CREATE INDEX event_resources_region_name ON event_resources (account_id, aws_region, resource_name, event_time DESC, seq DESC);
`;

const postgres = `
ALTER TABLE events ADD COLUMN aws_region text COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE event_resources ADD COLUMN aws_region text COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE events DISABLE TRIGGER events_append_only;
ALTER TABLE event_resources DISABLE TRIGGER event_resources_append_only;
UPDATE events SET aws_region = COALESCE(record::jsonb->>'awsRegion', '');
UPDATE event_resources r SET aws_region = e.aws_region FROM events e WHERE e.seq = r.seq;
ALTER TABLE events ENABLE TRIGGER events_append_only;
ALTER TABLE event_resources ENABLE TRIGGER event_resources_append_only;
DROP INDEX events_account_time;
DROP INDEX events_event_name;
DROP INDEX events_username;
DROP INDEX events_access_key;
DROP INDEX event_resources_type;
DROP INDEX event_resources_name;
CREATE INDEX events_region_time ON events (account_id, aws_region, event_time DESC, seq DESC);
CREATE INDEX events_region_event_name ON events (account_id, aws_region, event_name, event_time DESC, seq DESC);
CREATE INDEX events_region_username ON events (account_id, aws_region, username, event_time DESC, seq DESC);
CREATE INDEX events_region_access_key ON events (account_id, aws_region, access_key_id, event_time DESC, seq DESC);
CREATE INDEX event_resources_region_type ON event_resources (account_id, aws_region, resource_type, event_time DESC, seq DESC);
CREATE INDEX event_resources_region_name ON event_resources (account_id, aws_region, resource_name, event_time DESC, seq DESC);
`;

export const migration: Migration = { version: 17, name: 'event_regions', sqlite, postgres };
