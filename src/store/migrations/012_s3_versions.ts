/** Migration 012: S3 versioning — the bucket's versioning state, version IDs, noncurrent versions and delete markers. */
import type { Migration } from './index.js';

// `s3_objects` keeps each key's current version (its version ID; 'null' for objects written while versioning was
// never enabled or suspended). Noncurrent versions and every delete marker live in `s3_versions`. `seq` orders the
// versions of one key (newest highest) across both tables; a delete marker has no blob (NULL `blob_id`). `s3_uploads_initiated` serves the multipart sweep.
const sqlite = `
ALTER TABLE s3_buckets ADD COLUMN versioning TEXT;
ALTER TABLE s3_objects ADD COLUMN version_id TEXT NOT NULL DEFAULT 'null';
ALTER TABLE s3_objects ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
CREATE TABLE s3_versions (
  bucket        TEXT NOT NULL,
  key           TEXT NOT NULL,
  version_id    TEXT NOT NULL,
  seq           INTEGER NOT NULL,
  delete_marker INTEGER NOT NULL,
  size          INTEGER NOT NULL,
  etag          TEXT NOT NULL,
  last_modified INTEGER NOT NULL,
  blob_id       TEXT,
  metadata      TEXT NOT NULL,
  headers       TEXT NOT NULL,
  checksums     TEXT NOT NULL,
  PRIMARY KEY (bucket, key, version_id)
);
CREATE INDEX s3_versions_order ON s3_versions (bucket, key, seq);
CREATE INDEX s3_uploads_initiated ON s3_uploads (initiated);
`;

const postgres = `
ALTER TABLE s3_buckets ADD COLUMN versioning text;
ALTER TABLE s3_objects ADD COLUMN version_id text COLLATE "C" NOT NULL DEFAULT 'null';
ALTER TABLE s3_objects ADD COLUMN seq bigint NOT NULL DEFAULT 0;
CREATE TABLE s3_versions (
  bucket        text COLLATE "C" NOT NULL,
  key           text COLLATE "C" NOT NULL,
  version_id    text COLLATE "C" NOT NULL,
  seq           bigint NOT NULL,
  delete_marker integer NOT NULL,
  size          bigint NOT NULL,
  etag          text NOT NULL,
  last_modified bigint NOT NULL,
  blob_id       text,
  metadata      text NOT NULL,
  headers       text NOT NULL,
  checksums     text NOT NULL,
  PRIMARY KEY (bucket, key, version_id)
);
CREATE INDEX s3_versions_order ON s3_versions (bucket, key, seq);
CREATE INDEX s3_uploads_initiated ON s3_uploads (initiated);
`;

export const migration: Migration = { version: 12, name: 's3_versions', sqlite, postgres };
