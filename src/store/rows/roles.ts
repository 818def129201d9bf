/** Row types of the iam_roles and instance_profiles tables and the role mapper, shared by the SQLite and PostgreSQL stores. */
import type { IdentityStore, Role } from '../store.js';
import { parseTags } from './tags.js';

/** An iam_roles row (dates as epoch ms). */
export interface RoleRow {
  role_id: string;
  account_id: string;
  role_name: string;
  path: string;
  arn: string;
  create_date: number;
  assume_role_policy: string;
  description: string | null;
  max_session_duration: number;
  permissions_boundary_arn: string | null;
  tags: string;
  last_used_date: number | null;
  last_used_region: string | null;
}

/** An instance_profiles row (PostgreSQL reads it with its role names aggregated as `role_names`). */
export interface ProfileRow {
  instance_profile_id: string;
  account_id: string;
  name: string;
  path: string;
  arn: string;
  create_date: number;
  tags: string;
}

/** Maps an iam_roles row to a Role (optional fields omitted when NULL). */
export function toRole(r: RoleRow): Role {
  const role: Role = {
    accountId: r.account_id,
    roleId: r.role_id,
    roleName: r.role_name,
    path: r.path,
    arn: r.arn,
    createDate: new Date(r.create_date),
    assumeRolePolicyDocument: r.assume_role_policy,
    maxSessionDuration: r.max_session_duration,
    tags: parseTags(r.tags),
  };
  if (r.description !== null) role.description = r.description;
  if (r.permissions_boundary_arn !== null) role.permissionsBoundaryArn = r.permissions_boundary_arn;
  if (r.last_used_date !== null) role.lastUsed = { date: new Date(r.last_used_date), region: r.last_used_region ?? '' };
  return role;
}

/** The roles family's slice of the Store, implemented by both backends. */
export type RolesMethods = Pick<
  IdentityStore,
  | 'createRole'
  | 'getRole'
  | 'getRoleById'
  | 'updateRole'
  | 'deleteRole'
  | 'listRoles'
  | 'createInstanceProfile'
  | 'getInstanceProfile'
  | 'updateInstanceProfile'
  | 'deleteInstanceProfile'
  | 'listInstanceProfiles'
  | 'listInstanceProfilesForRole'
>;
