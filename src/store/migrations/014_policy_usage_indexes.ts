/** Migration 014: indexes that make ListEntitiesForPolicy and policy usage counts index seeks. */
import type { Migration } from './index.js';

// ListEntitiesForPolicy seeks (account, policy, kind, principal) for attachments and (account, boundary, name) for
// permissions boundaries; GetPolicy, ListPolicies and GetAccountAuthorizationDetails count both per policy.
const sqlite = `
CREATE INDEX policy_attachments_entities ON policy_attachments (account_id, policy_arn, kind, principal_name);
CREATE INDEX iam_users_boundary ON iam_users (account_id, permissions_boundary_arn, user_name) WHERE permissions_boundary_arn IS NOT NULL;
CREATE INDEX iam_roles_boundary ON iam_roles (account_id, permissions_boundary_arn, role_name) WHERE permissions_boundary_arn IS NOT NULL;
`;

const postgres = `
CREATE INDEX policy_attachments_entities ON policy_attachments (account_id, policy_arn, kind, lower(principal_name));
CREATE INDEX iam_users_boundary ON iam_users (account_id, permissions_boundary_arn, lower(user_name)) WHERE permissions_boundary_arn IS NOT NULL;
CREATE INDEX iam_roles_boundary ON iam_roles (account_id, permissions_boundary_arn, lower(role_name)) WHERE permissions_boundary_arn IS NOT NULL;
`;

export const migration: Migration = { version: 14, name: 'policy_usage_indexes', sqlite, postgres };
