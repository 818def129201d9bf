/** Migration 016: IAM delegation requests (temporary delegation), one row per request. */
import type { Migration } from './index.js';

// Indexed columns are the ones the store filters on (the caller's listing, the trade-in token's hash); `data` holds the
// request's other fields as JSON. `token_hash` is the SHA-256 (hex) of the trade-in token, never the token itself.
const sqlite = `
CREATE TABLE delegation_requests (
  id                   TEXT PRIMARY KEY,
  requestor_account_id TEXT NOT NULL,
  owner_account_id     TEXT,
  owner_id             TEXT,
  state                TEXT NOT NULL,
  created_at           INTEGER NOT NULL,
  token_hash           TEXT UNIQUE,
  data                 TEXT NOT NULL
);
CREATE INDEX delegation_requests_owner ON delegation_requests (owner_account_id, id);
CREATE INDEX delegation_requests_requestor ON delegation_requests (requestor_account_id, id);
`;

const postgres = `
CREATE TABLE delegation_requests (
  id                   text COLLATE "C" PRIMARY KEY,
  requestor_account_id text COLLATE "C" NOT NULL,
  owner_account_id     text COLLATE "C",
  owner_id             text COLLATE "C",
  state                text NOT NULL,
  created_at           bigint NOT NULL,
  token_hash           text COLLATE "C" UNIQUE,
  data                 text NOT NULL
);
CREATE INDEX delegation_requests_owner ON delegation_requests (owner_account_id, id);
CREATE INDEX delegation_requests_requestor ON delegation_requests (requestor_account_id, id);
`;

export const migration: Migration = { version: 16, name: 'delegation_requests', sqlite, postgres };
