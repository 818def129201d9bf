/** Migration 004: IAM users' SSH public keys, signing certificates and service-specific credentials; server certificates. */
import type { Migration } from './index.js';

// One row per credential: (account, kind, ID) is unique; the owner is kept by user ID (AIDA…) so a later user of the
// same name never inherits a deleted user's credentials; `data` is the kind's public fields as JSON; `secret_enc` is
// the encrypted service password of a service-specific credential. Server certificates are unique per account by name
// without case (name_lower), and their private key is encrypted.
const sqlite = `
CREATE TABLE iam_user_credentials (
  account_id  TEXT NOT NULL,
  kind        TEXT NOT NULL,
  id          TEXT NOT NULL,
  user_name   TEXT NOT NULL,
  user_id     TEXT NOT NULL,
  status      TEXT NOT NULL,
  create_date INTEGER NOT NULL,
  data        TEXT NOT NULL,
  secret_enc  TEXT,
  PRIMARY KEY (account_id, kind, id)
);
CREATE INDEX iam_user_credentials_user ON iam_user_credentials (account_id, kind, user_id, create_date);
CREATE TABLE iam_server_certificates (
  account_id      TEXT NOT NULL,
  name_lower      TEXT NOT NULL,
  name            TEXT NOT NULL,
  certificate_id  TEXT NOT NULL UNIQUE,
  path            TEXT NOT NULL,
  arn             TEXT NOT NULL,
  body            TEXT NOT NULL,
  chain           TEXT,
  private_key_enc TEXT NOT NULL,
  upload_date     INTEGER NOT NULL,
  expiration      INTEGER NOT NULL,
  tags            TEXT NOT NULL,
  PRIMARY KEY (account_id, name_lower)
);
`;

const postgres = `
CREATE TABLE iam_user_credentials (
  account_id  text COLLATE "C" NOT NULL,
  kind        text COLLATE "C" NOT NULL,
  id          text COLLATE "C" NOT NULL,
  user_name   text NOT NULL,
  user_id     text COLLATE "C" NOT NULL,
  status      text NOT NULL,
  create_date bigint NOT NULL,
  data        text NOT NULL,
  secret_enc  text,
  PRIMARY KEY (account_id, kind, id)
);
CREATE INDEX iam_user_credentials_user ON iam_user_credentials (account_id, kind, user_id, create_date);
CREATE TABLE iam_server_certificates (
  account_id      text COLLATE "C" NOT NULL,
  name_lower      text COLLATE "C" NOT NULL,
  name            text COLLATE "C" NOT NULL,
  certificate_id  text COLLATE "C" NOT NULL UNIQUE,
  path            text COLLATE "C" NOT NULL,
  arn             text NOT NULL,
  body            text NOT NULL,
  chain           text,
  private_key_enc text NOT NULL,
  upload_date     bigint NOT NULL,
  expiration      bigint NOT NULL,
  tags            text NOT NULL,
  PRIMARY KEY (account_id, name_lower)
);
`;

export const migration: Migration = { version: 4, name: 'iam_credentials', sqlite, postgres };
