/** Migration 001: the initial schema (organizations, IAM entities, credentials, MFA, settings). */
import type { Migration } from './index.js';

// Conventions: times are INTEGER milliseconds since the epoch; tags and sessions are JSON text; secrets are
// `v1:` AES-256-GCM envelopes (src/store/crypto.ts); IAM names are COLLATE NOCASE so uniqueness and lookups ignore case.
const sqlite = `
CREATE TABLE store_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- Organizations ------------------------------------------------------------------------------------------------
CREATE TABLE organization (
  id                       TEXT PRIMARY KEY,
  arn                      TEXT NOT NULL,
  management_account_id    TEXT NOT NULL,
  management_account_email TEXT NOT NULL,
  root_id                  TEXT NOT NULL,
  feature_set              TEXT NOT NULL,
  created_at               INTEGER NOT NULL
);

CREATE TABLE org_accounts (
  id                TEXT PRIMARY KEY,
  arn               TEXT NOT NULL,
  name              TEXT NOT NULL,
  email             TEXT NOT NULL,
  status            TEXT NOT NULL,
  joined_method     TEXT NOT NULL,
  joined_timestamp  INTEGER NOT NULL,
  parent_id         TEXT NOT NULL
);
CREATE INDEX org_accounts_parent ON org_accounts (parent_id, joined_timestamp, id);
CREATE INDEX org_accounts_order ON org_accounts (joined_timestamp, id);

CREATE TABLE org_ous (
  id        TEXT PRIMARY KEY,
  arn       TEXT NOT NULL,
  name      TEXT NOT NULL COLLATE NOCASE,
  parent_id TEXT NOT NULL
);
CREATE INDEX org_ous_parent ON org_ous (parent_id, name, id);

CREATE TABLE org_create_account_status (
  id                  TEXT PRIMARY KEY,
  account_name        TEXT NOT NULL,
  state               TEXT NOT NULL,
  requested_timestamp INTEGER NOT NULL,
  completed_timestamp INTEGER,
  account_id          TEXT,
  failure_reason      TEXT
);

CREATE TABLE org_policies (
  id          TEXT PRIMARY KEY,
  arn         TEXT NOT NULL,
  name        TEXT NOT NULL COLLATE NOCASE,
  description TEXT NOT NULL,
  type        TEXT NOT NULL,
  aws_managed INTEGER NOT NULL,
  content     TEXT NOT NULL
);

CREATE TABLE org_policy_targets (
  seq       INTEGER PRIMARY KEY AUTOINCREMENT,
  policy_id TEXT NOT NULL REFERENCES org_policies (id) ON DELETE CASCADE,
  target_id TEXT NOT NULL,
  UNIQUE (policy_id, target_id)
);
CREATE INDEX org_policy_targets_target ON org_policy_targets (target_id);

-- Root users and aliases ---------------------------------------------------------------------------------------
CREATE TABLE root_users (
  account_id    TEXT PRIMARY KEY,
  email         TEXT NOT NULL COLLATE NOCASE UNIQUE,
  password_hash TEXT NOT NULL,
  create_date   INTEGER NOT NULL
);

CREATE TABLE account_aliases (
  account_id TEXT PRIMARY KEY,
  alias      TEXT NOT NULL COLLATE NOCASE UNIQUE
);

-- IAM users, groups, roles -------------------------------------------------------------------------------------
CREATE TABLE iam_users (
  user_id                  TEXT PRIMARY KEY,
  account_id               TEXT NOT NULL,
  user_name                TEXT NOT NULL COLLATE NOCASE,
  path                     TEXT NOT NULL,
  arn                      TEXT NOT NULL,
  create_date              INTEGER NOT NULL,
  permissions_boundary_arn TEXT,
  tags                     TEXT NOT NULL,
  password_last_used       INTEGER,
  UNIQUE (account_id, user_name)
);

CREATE TABLE iam_groups (
  group_id    TEXT PRIMARY KEY,
  account_id  TEXT NOT NULL,
  group_name  TEXT NOT NULL COLLATE NOCASE,
  path        TEXT NOT NULL,
  arn         TEXT NOT NULL,
  create_date INTEGER NOT NULL,
  UNIQUE (account_id, group_name)
);

CREATE TABLE group_members (
  account_id TEXT NOT NULL,
  group_name TEXT NOT NULL COLLATE NOCASE,
  user_name  TEXT NOT NULL COLLATE NOCASE,
  PRIMARY KEY (account_id, group_name, user_name)
);
CREATE INDEX group_members_user ON group_members (account_id, user_name);

CREATE TABLE iam_roles (
  role_id                  TEXT PRIMARY KEY,
  account_id               TEXT NOT NULL,
  role_name                TEXT NOT NULL COLLATE NOCASE,
  path                     TEXT NOT NULL,
  arn                      TEXT NOT NULL,
  create_date              INTEGER NOT NULL,
  assume_role_policy       TEXT NOT NULL,
  description              TEXT,
  max_session_duration     INTEGER NOT NULL,
  permissions_boundary_arn TEXT,
  tags                     TEXT NOT NULL,
  last_used_date           INTEGER,
  last_used_region         TEXT,
  UNIQUE (account_id, role_name)
);

CREATE TABLE instance_profiles (
  instance_profile_id TEXT PRIMARY KEY,
  account_id          TEXT NOT NULL,
  name                TEXT NOT NULL COLLATE NOCASE,
  path                TEXT NOT NULL,
  arn                 TEXT NOT NULL,
  create_date         INTEGER NOT NULL,
  tags                TEXT NOT NULL,
  UNIQUE (account_id, name)
);

CREATE TABLE instance_profile_roles (
  instance_profile_id TEXT NOT NULL REFERENCES instance_profiles (instance_profile_id) ON DELETE CASCADE,
  position            INTEGER NOT NULL,
  account_id          TEXT NOT NULL,
  role_name           TEXT NOT NULL COLLATE NOCASE,
  PRIMARY KEY (instance_profile_id, role_name)
);
CREATE INDEX instance_profile_roles_role ON instance_profile_roles (account_id, role_name);

-- Policies -----------------------------------------------------------------------------------------------------
CREATE TABLE policies (
  arn                TEXT PRIMARY KEY,
  policy_id          TEXT NOT NULL UNIQUE,
  account_id         TEXT NOT NULL,
  policy_name        TEXT NOT NULL COLLATE NOCASE,
  path               TEXT NOT NULL,
  default_version_id TEXT NOT NULL,
  description        TEXT,
  create_date        INTEGER NOT NULL,
  update_date        INTEGER NOT NULL,
  tags               TEXT NOT NULL,
  UNIQUE (account_id, policy_name)
);

CREATE TABLE policy_versions (
  policy_arn  TEXT NOT NULL REFERENCES policies (arn) ON DELETE CASCADE ON UPDATE CASCADE,
  version_id  TEXT NOT NULL,
  seq         INTEGER NOT NULL,
  document    TEXT NOT NULL,
  create_date INTEGER NOT NULL,
  PRIMARY KEY (policy_arn, version_id)
);

CREATE TABLE inline_policies (
  account_id     TEXT NOT NULL,
  kind           TEXT NOT NULL,
  principal_name TEXT NOT NULL COLLATE NOCASE,
  policy_name    TEXT NOT NULL COLLATE NOCASE,
  document       TEXT NOT NULL,
  PRIMARY KEY (account_id, kind, principal_name, policy_name)
);

CREATE TABLE policy_attachments (
  account_id     TEXT NOT NULL,
  kind           TEXT NOT NULL,
  principal_name TEXT NOT NULL COLLATE NOCASE,
  policy_arn     TEXT NOT NULL,
  PRIMARY KEY (account_id, kind, principal_name, policy_arn)
);
CREATE INDEX policy_attachments_policy ON policy_attachments (policy_arn, account_id);

-- Credentials --------------------------------------------------------------------------------------------------
CREATE TABLE access_keys (
  access_key_id     TEXT PRIMARY KEY,
  account_id        TEXT NOT NULL,
  user_name         TEXT COLLATE NOCASE,
  secret_enc        TEXT NOT NULL,
  status            TEXT NOT NULL,
  create_date       INTEGER NOT NULL,
  last_used_date    INTEGER,
  last_used_service TEXT,
  last_used_region  TEXT
);
CREATE INDEX access_keys_owner ON access_keys (account_id, user_name);

CREATE TABLE login_profiles (
  account_id              TEXT NOT NULL,
  user_name               TEXT NOT NULL COLLATE NOCASE,
  password_hash           TEXT NOT NULL,
  password_reset_required INTEGER NOT NULL,
  create_date             INTEGER NOT NULL,
  PRIMARY KEY (account_id, user_name)
);

CREATE TABLE mfa_devices (
  serial_number  TEXT PRIMARY KEY COLLATE NOCASE,
  account_id     TEXT NOT NULL,
  path           TEXT NOT NULL,
  name           TEXT NOT NULL COLLATE NOCASE,
  seed_enc       TEXT NOT NULL,
  user_name      TEXT COLLATE NOCASE,
  enable_date    INTEGER,
  tags           TEXT NOT NULL,
  last_used_step INTEGER
);
CREATE INDEX mfa_devices_account ON mfa_devices (account_id, user_name);

CREATE TABLE temporary_credentials (
  access_key_id TEXT PRIMARY KEY,
  account_id    TEXT NOT NULL,
  secrets_enc   TEXT NOT NULL,
  expiration    INTEGER NOT NULL,
  create_date   INTEGER NOT NULL,
  session       TEXT NOT NULL
);
CREATE INDEX temporary_credentials_expiration ON temporary_credentials (expiration);
`;

// PostgreSQL: the same tables. Times are bigint ms; text columns are COLLATE "C" so lower() folds ASCII only (as
// NOCASE does) and ordering is bytewise; case-insensitive names are unique indexes on lower(name), and lookups, sorting
// and pagination use lower(name).
const postgres = `
CREATE TABLE store_meta (
  key   text COLLATE "C" PRIMARY KEY,
  value text NOT NULL
);

CREATE TABLE settings (
  key   text COLLATE "C" PRIMARY KEY,
  value text NOT NULL
);

CREATE TABLE organization (
  id                       text COLLATE "C" PRIMARY KEY,
  arn                      text NOT NULL,
  management_account_id    text NOT NULL,
  management_account_email text NOT NULL,
  root_id                  text NOT NULL,
  feature_set              text NOT NULL,
  created_at               bigint NOT NULL
);

CREATE TABLE org_accounts (
  id                text COLLATE "C" PRIMARY KEY,
  arn               text NOT NULL,
  name              text NOT NULL,
  email             text NOT NULL,
  status            text NOT NULL,
  joined_method     text NOT NULL,
  joined_timestamp  bigint NOT NULL,
  parent_id         text COLLATE "C" NOT NULL
);
CREATE INDEX org_accounts_parent ON org_accounts (parent_id, joined_timestamp, id);
CREATE INDEX org_accounts_order ON org_accounts (joined_timestamp, id);

CREATE TABLE org_ous (
  id        text COLLATE "C" PRIMARY KEY,
  arn       text NOT NULL,
  name      text COLLATE "C" NOT NULL,
  parent_id text COLLATE "C" NOT NULL
);
CREATE INDEX org_ous_parent ON org_ous (parent_id, lower(name), id);

CREATE TABLE org_create_account_status (
  id                  text COLLATE "C" PRIMARY KEY,
  account_name        text NOT NULL,
  state               text NOT NULL,
  requested_timestamp bigint NOT NULL,
  completed_timestamp bigint,
  account_id          text,
  failure_reason      text
);

CREATE TABLE org_policies (
  id          text COLLATE "C" PRIMARY KEY,
  arn         text NOT NULL,
  name        text COLLATE "C" NOT NULL,
  description text NOT NULL,
  type        text NOT NULL,
  aws_managed boolean NOT NULL,
  content     text NOT NULL
);

CREATE TABLE org_policy_targets (
  seq       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  policy_id text COLLATE "C" NOT NULL REFERENCES org_policies (id) ON DELETE CASCADE,
  target_id text COLLATE "C" NOT NULL,
  UNIQUE (policy_id, target_id)
);
CREATE INDEX org_policy_targets_target ON org_policy_targets (target_id);

CREATE TABLE root_users (
  account_id    text COLLATE "C" PRIMARY KEY,
  email         text COLLATE "C" NOT NULL,
  password_hash text NOT NULL,
  create_date   bigint NOT NULL
);
CREATE UNIQUE INDEX root_users_email ON root_users (lower(email));

CREATE TABLE account_aliases (
  account_id text COLLATE "C" PRIMARY KEY,
  alias      text COLLATE "C" NOT NULL
);
CREATE UNIQUE INDEX account_aliases_alias ON account_aliases (lower(alias));

CREATE TABLE iam_users (
  user_id                  text COLLATE "C" PRIMARY KEY,
  account_id               text COLLATE "C" NOT NULL,
  user_name                text COLLATE "C" NOT NULL,
  path                     text COLLATE "C" NOT NULL,
  arn                      text NOT NULL,
  create_date              bigint NOT NULL,
  permissions_boundary_arn text,
  tags                     text NOT NULL,
  password_last_used       bigint
);
CREATE UNIQUE INDEX iam_users_name ON iam_users (account_id, lower(user_name));

CREATE TABLE iam_groups (
  group_id    text COLLATE "C" PRIMARY KEY,
  account_id  text COLLATE "C" NOT NULL,
  group_name  text COLLATE "C" NOT NULL,
  path        text COLLATE "C" NOT NULL,
  arn         text NOT NULL,
  create_date bigint NOT NULL
);
CREATE UNIQUE INDEX iam_groups_name ON iam_groups (account_id, lower(group_name));

CREATE TABLE group_members (
  account_id text COLLATE "C" NOT NULL,
  group_name text COLLATE "C" NOT NULL,
  user_name  text COLLATE "C" NOT NULL
);
CREATE UNIQUE INDEX group_members_key ON group_members (account_id, lower(group_name), lower(user_name));
CREATE INDEX group_members_user ON group_members (account_id, lower(user_name));

CREATE TABLE iam_roles (
  role_id                  text COLLATE "C" PRIMARY KEY,
  account_id               text COLLATE "C" NOT NULL,
  role_name                text COLLATE "C" NOT NULL,
  path                     text COLLATE "C" NOT NULL,
  arn                      text NOT NULL,
  create_date              bigint NOT NULL,
  assume_role_policy       text NOT NULL,
  description              text,
  max_session_duration     integer NOT NULL,
  permissions_boundary_arn text,
  tags                     text NOT NULL,
  last_used_date           bigint,
  last_used_region         text
);
CREATE UNIQUE INDEX iam_roles_name ON iam_roles (account_id, lower(role_name));

CREATE TABLE instance_profiles (
  instance_profile_id text COLLATE "C" PRIMARY KEY,
  account_id          text COLLATE "C" NOT NULL,
  name                text COLLATE "C" NOT NULL,
  path                text COLLATE "C" NOT NULL,
  arn                 text NOT NULL,
  create_date         bigint NOT NULL,
  tags                text NOT NULL
);
CREATE UNIQUE INDEX instance_profiles_name ON instance_profiles (account_id, lower(name));

CREATE TABLE instance_profile_roles (
  instance_profile_id text COLLATE "C" NOT NULL REFERENCES instance_profiles (instance_profile_id) ON DELETE CASCADE,
  position            integer NOT NULL,
  account_id          text COLLATE "C" NOT NULL,
  role_name           text COLLATE "C" NOT NULL
);
CREATE UNIQUE INDEX instance_profile_roles_key ON instance_profile_roles (instance_profile_id, lower(role_name));
CREATE INDEX instance_profile_roles_role ON instance_profile_roles (account_id, lower(role_name));

CREATE TABLE policies (
  arn                text COLLATE "C" PRIMARY KEY,
  policy_id          text COLLATE "C" NOT NULL UNIQUE,
  account_id         text COLLATE "C" NOT NULL,
  policy_name        text COLLATE "C" NOT NULL,
  path               text COLLATE "C" NOT NULL,
  default_version_id text NOT NULL,
  description        text,
  create_date        bigint NOT NULL,
  update_date        bigint NOT NULL,
  tags               text NOT NULL
);
CREATE UNIQUE INDEX policies_name ON policies (account_id, lower(policy_name));

CREATE TABLE policy_versions (
  policy_arn  text COLLATE "C" NOT NULL REFERENCES policies (arn) ON DELETE CASCADE ON UPDATE CASCADE,
  version_id  text COLLATE "C" NOT NULL,
  seq         integer NOT NULL,
  document    text NOT NULL,
  create_date bigint NOT NULL,
  PRIMARY KEY (policy_arn, version_id)
);

CREATE TABLE inline_policies (
  account_id     text COLLATE "C" NOT NULL,
  kind           text COLLATE "C" NOT NULL,
  principal_name text COLLATE "C" NOT NULL,
  policy_name    text COLLATE "C" NOT NULL,
  document       text NOT NULL
);
CREATE UNIQUE INDEX inline_policies_key ON inline_policies (account_id, kind, lower(principal_name), lower(policy_name));

CREATE TABLE policy_attachments (
  account_id     text COLLATE "C" NOT NULL,
  kind           text COLLATE "C" NOT NULL,
  principal_name text COLLATE "C" NOT NULL,
  policy_arn     text COLLATE "C" NOT NULL
);
CREATE UNIQUE INDEX policy_attachments_key ON policy_attachments (account_id, kind, lower(principal_name), policy_arn);
CREATE INDEX policy_attachments_policy ON policy_attachments (policy_arn, account_id);

CREATE TABLE access_keys (
  access_key_id     text COLLATE "C" PRIMARY KEY,
  account_id        text COLLATE "C" NOT NULL,
  user_name         text COLLATE "C",
  secret_enc        text NOT NULL,
  status            text NOT NULL,
  create_date       bigint NOT NULL,
  last_used_date    bigint,
  last_used_service text,
  last_used_region  text
);
CREATE INDEX access_keys_owner ON access_keys (account_id, lower(user_name));

CREATE TABLE login_profiles (
  account_id              text COLLATE "C" NOT NULL,
  user_name               text COLLATE "C" NOT NULL,
  password_hash           text NOT NULL,
  password_reset_required boolean NOT NULL,
  create_date             bigint NOT NULL
);
CREATE UNIQUE INDEX login_profiles_key ON login_profiles (account_id, lower(user_name));

CREATE TABLE mfa_devices (
  serial_number  text COLLATE "C" NOT NULL,
  account_id     text COLLATE "C" NOT NULL,
  path           text NOT NULL,
  name           text COLLATE "C" NOT NULL,
  seed_enc       text NOT NULL,
  user_name      text COLLATE "C",
  enable_date    bigint,
  tags           text NOT NULL,
  last_used_step bigint
);
CREATE UNIQUE INDEX mfa_devices_serial ON mfa_devices (lower(serial_number));
CREATE INDEX mfa_devices_account ON mfa_devices (account_id, lower(user_name));

CREATE TABLE temporary_credentials (
  access_key_id text COLLATE "C" PRIMARY KEY,
  account_id    text COLLATE "C" NOT NULL,
  secrets_enc   text NOT NULL,
  expiration    bigint NOT NULL,
  create_date   bigint NOT NULL,
  session       text NOT NULL
);
CREATE INDEX temporary_credentials_expiration ON temporary_credentials (expiration);
`;

export const migration: Migration = { version: 1, name: 'init', sqlite, postgres };
