/** Row types and row → entity mappers of the users tables, shared by the SQLite and PostgreSQL stores. */
import type { IdentityStore, LoginProfile, RootUser, User } from '../store.js';
import { parseTags } from './tags.js';

/** A root_users row (dates as epoch ms). */
export interface RootRow {
  account_id: string;
  email: string;
  password_hash: string;
  create_date: number;
}

/** An iam_users row. */
export interface UserRow {
  user_id: string;
  account_id: string;
  user_name: string;
  path: string;
  arn: string;
  create_date: number;
  permissions_boundary_arn: string | null;
  tags: string;
  password_last_used: number | null;
}

/** A login_profiles row; password_reset_required is 0/1 in SQLite and a boolean in PostgreSQL. */
export interface LoginRow {
  account_id: string;
  user_name: string;
  password_hash: string;
  password_reset_required: number | boolean;
  create_date: number;
}

/** Maps a root_users row. */
export const toRoot = (r: RootRow): RootUser => ({
  accountId: r.account_id,
  email: r.email,
  passwordHash: r.password_hash,
  createDate: new Date(r.create_date),
});

/** Maps an iam_users row to a User (optional fields omitted when NULL). */
export function toUser(r: UserRow): User {
  const u: User = {
    accountId: r.account_id,
    userId: r.user_id,
    userName: r.user_name,
    path: r.path,
    arn: r.arn,
    createDate: new Date(r.create_date),
    tags: parseTags(r.tags),
  };
  if (r.permissions_boundary_arn !== null) u.permissionsBoundaryArn = r.permissions_boundary_arn;
  if (r.password_last_used !== null) u.passwordLastUsed = new Date(r.password_last_used);
  return u;
}

/** Maps a login_profiles row. */
export const toLogin = (r: LoginRow): LoginProfile => ({
  accountId: r.account_id,
  userName: r.user_name,
  passwordHash: r.password_hash,
  passwordResetRequired: r.password_reset_required === true || r.password_reset_required === 1,
  createDate: new Date(r.create_date),
});

/** The users family's slice of the Store, implemented by both backends. */
export type UsersMethods = Pick<
  IdentityStore,
  | 'putRootUser'
  | 'getRootUser'
  | 'getRootUserByEmail'
  | 'setAccountAlias'
  | 'getAccountAlias'
  | 'getAccountIdByAlias'
  | 'createUser'
  | 'getUser'
  | 'getUserById'
  | 'updateUser'
  | 'deleteUser'
  | 'listUsers'
  | 'putLoginProfile'
  | 'getLoginProfile'
  | 'deleteLoginProfile'
>;
