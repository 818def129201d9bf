/** Migration 002: principal bindings — which unique IDs the user/role ARNs of stored trust policies were bound to. */
import type { Migration } from './index.js';

// One row per (policy, named identity): the owning role's ID, the identity's unique ID (AIDA…/AROA…) and the ARN the
// stored document spells it with. Looked up by the identity when it is deleted or renamed. Trust policies saved before
// this migration are bound to the users and roles whose ARNs they quote now (a binding of an ARN that appears outside
// a principal is harmless: only principal strings equal to the bound ARN are ever rewritten); a policy quoting the ARN
// of an identity that no longer exists has nothing to bind and keeps its text until it is saved again.
const sqlite = `
CREATE TABLE principal_bindings (
  policy_id     TEXT NOT NULL,
  principal_id  TEXT NOT NULL,
  principal_arn TEXT NOT NULL,
  PRIMARY KEY (policy_id, principal_id)
);
CREATE INDEX principal_bindings_principal ON principal_bindings (principal_id, policy_id);
INSERT OR IGNORE INTO principal_bindings (policy_id, principal_id, principal_arn)
  SELECT r.role_id, u.user_id, u.arn FROM iam_roles r JOIN iam_users u ON instr(r.assume_role_policy, '"' || u.arn || '"') > 0;
INSERT OR IGNORE INTO principal_bindings (policy_id, principal_id, principal_arn)
  SELECT r.role_id, t.role_id, t.arn FROM iam_roles r JOIN iam_roles t ON instr(r.assume_role_policy, '"' || t.arn || '"') > 0;
`;

const postgres = `
CREATE TABLE principal_bindings (
  policy_id     text COLLATE "C" NOT NULL,
  principal_id  text COLLATE "C" NOT NULL,
  principal_arn text NOT NULL,
  PRIMARY KEY (policy_id, principal_id)
);
CREATE INDEX principal_bindings_principal ON principal_bindings (principal_id, policy_id);
INSERT INTO principal_bindings (policy_id, principal_id, principal_arn)
  SELECT r.role_id, u.user_id, u.arn FROM iam_roles r JOIN iam_users u ON strpos(r.assume_role_policy, '"' || u.arn || '"') > 0
  ON CONFLICT DO NOTHING;
INSERT INTO principal_bindings (policy_id, principal_id, principal_arn)
  SELECT r.role_id, t.role_id, t.arn FROM iam_roles r JOIN iam_roles t ON strpos(r.assume_role_policy, '"' || t.arn || '"') > 0
  ON CONFLICT DO NOTHING;
`;

export const migration: Migration = { version: 2, name: 'principal_bindings', sqlite, postgres };
