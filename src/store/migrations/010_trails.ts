/** Migration 010: CloudTrail trails (with their delivery position and digest chains) and the digest signing keys. */
import type { Migration } from './index.js';

// One row per trail, unique by (account, home region, name). `position` is the largest events.seq already delivered;
// `delivery` holds the delivery status and, per (account, region), the last digest of its chain (JSON). Signing keys:
// one RSA key pair per region at a time, the private key encrypted under the master key.
const sqlite = `
CREATE TABLE trails (
  account_id     TEXT NOT NULL,
  home_region    TEXT NOT NULL,
  name           TEXT NOT NULL,
  arn            TEXT NOT NULL,
  config         TEXT NOT NULL,
  created_at     INTEGER NOT NULL,
  position       INTEGER NOT NULL,
  delivery       TEXT NOT NULL,
  PRIMARY KEY (account_id, home_region, name)
);
CREATE TABLE trail_signing_keys (
  region         TEXT NOT NULL,
  fingerprint    TEXT NOT NULL,
  public_key     TEXT NOT NULL,
  private_key_enc TEXT NOT NULL,
  valid_from     INTEGER NOT NULL,
  valid_to       INTEGER NOT NULL,
  PRIMARY KEY (region, fingerprint)
);
`;

const postgres = `
CREATE TABLE trails (
  account_id     text COLLATE "C" NOT NULL,
  home_region    text COLLATE "C" NOT NULL,
  name           text COLLATE "C" NOT NULL,
  arn            text NOT NULL,
  config         text NOT NULL,
  created_at     bigint NOT NULL,
  position       bigint NOT NULL,
  delivery       text NOT NULL,
  PRIMARY KEY (account_id, home_region, name)
);
CREATE TABLE trail_signing_keys (
  region         text COLLATE "C" NOT NULL,
  fingerprint    text COLLATE "C" NOT NULL,
  public_key     text NOT NULL,
  private_key_enc text NOT NULL,
  valid_from     bigint NOT NULL,
  valid_to       bigint NOT NULL,
  PRIMARY KEY (region, fingerprint)
);
`;

export const migration: Migration = { version: 10, name: 'trails', sqlite, postgres };
