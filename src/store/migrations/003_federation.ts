/** Migration 003: federation — SAML and OIDC identity providers, and consumed SAML assertion IDs (replay protection). */
import type { Migration } from './index.js';

// Providers are keyed by ARN (IAM names them by ARN everywhere); the account column lists them. Private keys of SAML
// providers are stored encrypted under the master key (JSON of {keyId, privateKey(cipher text), timestamp}). The
// assertion table holds one row per consumed assertion ID until the assertion's NotOnOrAfter.
const sqlite = `
CREATE TABLE saml_providers (
  arn               TEXT PRIMARY KEY,
  account_id        TEXT NOT NULL,
  name              TEXT NOT NULL,
  uuid              TEXT NOT NULL,
  metadata          TEXT NOT NULL,
  create_date       INTEGER NOT NULL,
  valid_until       INTEGER NOT NULL,
  encryption_mode   TEXT,
  private_keys      TEXT NOT NULL DEFAULT '[]',
  tags              TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX saml_providers_account ON saml_providers (account_id, arn);
CREATE TABLE oidc_providers (
  arn          TEXT PRIMARY KEY,
  account_id   TEXT NOT NULL,
  url          TEXT NOT NULL,
  client_ids   TEXT NOT NULL DEFAULT '[]',
  thumbprints  TEXT NOT NULL DEFAULT '[]',
  create_date  INTEGER NOT NULL,
  tags         TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX oidc_providers_account ON oidc_providers (account_id, arn);
CREATE TABLE saml_assertions (
  provider_arn  TEXT NOT NULL,
  assertion_id  TEXT NOT NULL,
  expires       INTEGER NOT NULL,
  PRIMARY KEY (provider_arn, assertion_id)
);
CREATE INDEX saml_assertions_expires ON saml_assertions (expires);
`;

const postgres = `
CREATE TABLE saml_providers (
  arn               text COLLATE "C" PRIMARY KEY,
  account_id        text COLLATE "C" NOT NULL,
  name              text NOT NULL,
  uuid              text NOT NULL,
  metadata          text NOT NULL,
  create_date       bigint NOT NULL,
  valid_until       bigint NOT NULL,
  encryption_mode   text,
  private_keys      text NOT NULL DEFAULT '[]',
  tags              text NOT NULL DEFAULT '[]'
);
CREATE INDEX saml_providers_account ON saml_providers (account_id, arn);
CREATE TABLE oidc_providers (
  arn          text COLLATE "C" PRIMARY KEY,
  account_id   text COLLATE "C" NOT NULL,
  url          text NOT NULL,
  client_ids   text NOT NULL DEFAULT '[]',
  thumbprints  text NOT NULL DEFAULT '[]',
  create_date  bigint NOT NULL,
  tags         text NOT NULL DEFAULT '[]'
);
CREATE INDEX oidc_providers_account ON oidc_providers (account_id, arn);
CREATE TABLE saml_assertions (
  provider_arn  text COLLATE "C" NOT NULL,
  assertion_id  text COLLATE "C" NOT NULL,
  expires       bigint NOT NULL,
  PRIMARY KEY (provider_arn, assertion_id)
);
CREATE INDEX saml_assertions_expires ON saml_assertions (expires);
`;

export const migration: Migration = { version: 3, name: 'federation', sqlite, postgres };
