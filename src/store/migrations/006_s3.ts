/** Migration 006: S3 bucket and object metadata (object bytes live in the blob store under <data-dir>/objects). */
import type { Migration } from './index.js';

// Bucket names are global across accounts (the primary key). Object keys compare as bytes (SQLite's BINARY collation
// on UTF-8 text, PostgreSQL's "C" collation), which is S3's listing order.
const sqlite = `
CREATE TABLE s3_buckets (
  name                TEXT PRIMARY KEY,
  account_id          TEXT NOT NULL,
  region              TEXT NOT NULL,
  created_at          INTEGER NOT NULL,
  policy              TEXT,
  public_access_block TEXT
);
CREATE INDEX s3_buckets_account ON s3_buckets (account_id, name);
CREATE TABLE s3_objects (
  bucket        TEXT NOT NULL,
  key           TEXT NOT NULL,
  size          INTEGER NOT NULL,
  etag          TEXT NOT NULL,
  last_modified INTEGER NOT NULL,
  blob_id       TEXT NOT NULL,
  metadata      TEXT NOT NULL,
  headers       TEXT NOT NULL,
  checksums     TEXT NOT NULL,
  PRIMARY KEY (bucket, key)
);
CREATE TABLE s3_uploads (
  upload_id     TEXT PRIMARY KEY,
  bucket        TEXT NOT NULL,
  key           TEXT NOT NULL,
  initiated     INTEGER NOT NULL,
  initiator_arn TEXT NOT NULL,
  metadata      TEXT NOT NULL,
  headers       TEXT NOT NULL
);
CREATE INDEX s3_uploads_bucket ON s3_uploads (bucket, key, initiated);
CREATE TABLE s3_parts (
  upload_id     TEXT NOT NULL,
  part_number   INTEGER NOT NULL,
  size          INTEGER NOT NULL,
  etag          TEXT NOT NULL,
  blob_id       TEXT NOT NULL,
  last_modified INTEGER NOT NULL,
  PRIMARY KEY (upload_id, part_number)
);
`;

const postgres = `
CREATE TABLE s3_buckets (
  name                text COLLATE "C" PRIMARY KEY,
  account_id          text COLLATE "C" NOT NULL,
  region              text NOT NULL,
  created_at          bigint NOT NULL,
  policy              text,
  public_access_block text
);
CREATE INDEX s3_buckets_account ON s3_buckets (account_id, name);
CREATE TABLE s3_objects (
  bucket        text COLLATE "C" NOT NULL,
  key           text COLLATE "C" NOT NULL,
  size          bigint NOT NULL,
  etag          text NOT NULL,
  last_modified bigint NOT NULL,
  blob_id       text NOT NULL,
  metadata      text NOT NULL,
  headers       text NOT NULL,
  checksums     text NOT NULL,
  PRIMARY KEY (bucket, key)
);
CREATE TABLE s3_uploads (
  upload_id     text COLLATE "C" PRIMARY KEY,
  bucket        text COLLATE "C" NOT NULL,
  key           text COLLATE "C" NOT NULL,
  initiated     bigint NOT NULL,
  initiator_arn text NOT NULL,
  metadata      text NOT NULL,
  headers       text NOT NULL
);
CREATE INDEX s3_uploads_bucket ON s3_uploads (bucket, key, initiated);
CREATE TABLE s3_parts (
  upload_id     text COLLATE "C" NOT NULL,
  part_number   integer NOT NULL,
  size          bigint NOT NULL,
  etag          text NOT NULL,
  blob_id       text NOT NULL,
  last_modified bigint NOT NULL,
  PRIMARY KEY (upload_id, part_number)
);
`;

export const migration: Migration = { version: 6, name: 's3', sqlite, postgres };
