/** Migration 011: S3 bucket configuration — object ownership, bucket tags and ACLs, and account-level Block Public Access. */
import type { Migration } from './index.js';

// Bucket settings live on the bucket row (they go with it when the bucket is deleted): `ownership` is the
// ObjectOwnership rule (NULL = BucketOwnerEnforced, the default), `tags` the tag set as JSON (NULL = NoSuchTagSet),
// `acl` the access control list as JSON (NULL = the owner's FULL_CONTROL). Object tags and ACLs travel with the object
// record (its stored headers). Block Public Access at account level (S3 Control) is one row per account.
const sqlite = `
ALTER TABLE s3_buckets ADD COLUMN ownership TEXT;
ALTER TABLE s3_buckets ADD COLUMN tags TEXT;
ALTER TABLE s3_buckets ADD COLUMN acl TEXT;
CREATE TABLE s3_account_public_access_block (
  account_id TEXT PRIMARY KEY,
  config     TEXT NOT NULL
);
`;

const postgres = `
ALTER TABLE s3_buckets ADD COLUMN ownership text;
ALTER TABLE s3_buckets ADD COLUMN tags text;
ALTER TABLE s3_buckets ADD COLUMN acl text;
CREATE TABLE s3_account_public_access_block (
  account_id text COLLATE "C" PRIMARY KEY,
  config     text NOT NULL
);
`;

export const migration: Migration = { version: 11, name: 's3_config', sqlite, postgres };
