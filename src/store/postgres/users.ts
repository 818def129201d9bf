/** Users family (PostgreSQL): root users, account aliases, IAM users (rename propagation, delete checks), login profiles. */
import { KamenError } from '../../errors.js';
import { unique, type Conn, type PgContext } from './db.js';
import { fold, ms, nul, prefixCond, same, setList, tagsConv, tagsJson } from './rows.js';
import { pageRequest, toPage, type Paging } from '../markers.js';
import { toLogin, toRoot, toUser, type LoginRow, type RootRow, type UserRow, type UsersMethods } from '../rows/users.js';

/** The tables holding a user's dependents, the condition selecting them ($1 account, $2 folded name), and the DeleteConflict message. */
const DEPENDENTS: Array<[table: string, where: string, message: string]> = [
  ['access_keys', 'lower(user_name) = $2', 'Cannot delete entity, must delete access keys first.'],
  ['login_profiles', 'lower(user_name) = $2', 'Cannot delete entity, must delete login profile first.'],
  ['mfa_devices', 'lower(user_name) = $2', 'Cannot delete entity, must delete MFA device first.'],
  ['policy_attachments', `kind = 'user' AND lower(principal_name) = $2`, 'Cannot delete entity, must detach all policies first.'],
  ['inline_policies', `kind = 'user' AND lower(principal_name) = $2`, 'Cannot delete entity, must delete policies first.'],
  ['group_members', 'lower(user_name) = $2', 'Cannot delete entity, must remove user from all groups first.'],
];

/** Carries the child rows of a renamed user to the new name ($1 account, $2 old folded name, $3 new name). */
const RENAMES = [
  'UPDATE group_members SET user_name = $3 WHERE account_id = $1 AND lower(user_name) = $2',
  `UPDATE inline_policies SET principal_name = $3 WHERE account_id = $1 AND kind = 'user' AND lower(principal_name) = $2`,
  `UPDATE policy_attachments SET principal_name = $3 WHERE account_id = $1 AND kind = 'user' AND lower(principal_name) = $2`,
  'UPDATE access_keys SET user_name = $3 WHERE account_id = $1 AND lower(user_name) = $2',
  'UPDATE login_profiles SET user_name = $3 WHERE account_id = $1 AND lower(user_name) = $2',
  'UPDATE mfa_devices SET user_name = $3 WHERE account_id = $1 AND lower(user_name) = $2',
];

/** Removes (or for MFA, deactivates) a user's dependents ($1 account, $2 folded name). */
const CASCADE = [
  `DELETE FROM inline_policies WHERE account_id = $1 AND kind = 'user' AND lower(principal_name) = $2`,
  `DELETE FROM policy_attachments WHERE account_id = $1 AND kind = 'user' AND lower(principal_name) = $2`,
  'DELETE FROM group_members WHERE account_id = $1 AND lower(user_name) = $2',
  'DELETE FROM access_keys WHERE account_id = $1 AND lower(user_name) = $2',
  'DELETE FROM login_profiles WHERE account_id = $1 AND lower(user_name) = $2',
  'UPDATE mfa_devices SET user_name = NULL, enable_date = NULL WHERE account_id = $1 AND lower(user_name) = $2',
];

/** Throws ERR_DELETE_CONFLICT when the principal still has one of `dependents`. */
export async function checkDependents(
  c: Conn,
  dependents: ReadonlyArray<[string, string, string]>,
  accountId: string,
  folded: string,
): Promise<void> {
  for (const [table, where, message] of dependents) {
    const rows = await c.rows(`SELECT 1 FROM ${table} WHERE account_id = $1 AND ${where} LIMIT 1`, [accountId, folded]);
    if (rows.length > 0) throw new KamenError('ERR_DELETE_CONFLICT', message);
  }
}

/** The users family's methods over the context. */
export function usersFamily(ctx: PgContext & Paging): UsersMethods {
  const { conn, write } = ctx;
  const one = async <R>(sql: string, params: unknown[]): Promise<R | undefined> => (await conn().rows<R>(sql, params))[0];

  return {
    putRootUser: (root) =>
      write(async (c) => {
        await unique(`A root user with email ${root.email} already exists.`, () =>
          c.run(
            `INSERT INTO root_users (account_id, email, password_hash, create_date) VALUES ($1, $2, $3, $4)
             ON CONFLICT (account_id) DO UPDATE SET email = excluded.email, password_hash = excluded.password_hash,
               create_date = excluded.create_date`,
            [root.accountId, root.email, root.passwordHash, root.createDate.getTime()],
          ),
        );
      }),
    getRootUser: async (accountId) => {
      const r = await one<RootRow>('SELECT * FROM root_users WHERE account_id = $1', [accountId]);
      return r ? toRoot(r) : undefined;
    },
    getRootUserByEmail: async (email) => {
      const r = await one<RootRow>('SELECT * FROM root_users WHERE lower(email) = $1', [fold(email)]);
      return r ? toRoot(r) : undefined;
    },
    setAccountAlias: (accountId, alias) =>
      write(async (c) => {
        if (alias === undefined) {
          await c.run('DELETE FROM account_aliases WHERE account_id = $1', [accountId]);
          return;
        }
        await unique(`The account alias ${alias} already exists.`, () =>
          c.run(
            `INSERT INTO account_aliases (account_id, alias) VALUES ($1, $2)
             ON CONFLICT (account_id) DO UPDATE SET alias = excluded.alias`,
            [accountId, alias],
          ),
        );
      }),
    getAccountAlias: async (accountId) =>
      (await one<{ alias: string }>('SELECT alias FROM account_aliases WHERE account_id = $1', [accountId]))?.alias,
    getAccountIdByAlias: async (alias) =>
      (await one<{ account_id: string }>('SELECT account_id FROM account_aliases WHERE lower(alias) = $1', [fold(alias)]))?.account_id,

    createUser: (user) =>
      write(async (c) => {
        const n = await c.run(
          `INSERT INTO iam_users (user_id, account_id, user_name, path, arn, create_date, permissions_boundary_arn, tags,
             password_last_used) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
          [
            user.userId,
            user.accountId,
            user.userName,
            user.path,
            user.arn,
            user.createDate.getTime(),
            nul(user.permissionsBoundaryArn),
            tagsJson(user.tags),
            user.passwordLastUsed ? user.passwordLastUsed.getTime() : null,
          ],
        );
        if (n === 0) throw new KamenError('ERR_ENTITY_ALREADY_EXISTS', `User with name ${user.userName} already exists.`);
      }),
    getUser: async (accountId, userName) => {
      const r = await one<UserRow>('SELECT * FROM iam_users WHERE account_id = $1 AND lower(user_name) = $2', [accountId, fold(userName)]);
      return r ? toUser(r) : undefined;
    },
    getUserById: async (userId) => {
      const r = await one<UserRow>('SELECT * FROM iam_users WHERE user_id = $1', [userId]);
      return r ? toUser(r) : undefined;
    },
    updateUser: (accountId, userName, patch) =>
      write(async (c) => {
        if ('userName' in patch && patch.userName === undefined) throw new KamenError('ERR_VALIDATION', 'userName cannot be cleared.');
        const set = setList(
          patch,
          {
            userName: ['user_name', same],
            path: ['path', same],
            arn: ['arn', same],
            permissionsBoundaryArn: ['permissions_boundary_arn', same],
            tags: ['tags', tagsConv],
            passwordLastUsed: ['password_last_used', ms],
          },
          3,
        );
        if (!set) return;
        const old = fold(userName);
        const changed = await unique(`User with name ${String(patch.userName)} already exists.`, () =>
          c.run(`UPDATE iam_users SET ${set.sql} WHERE account_id = $1 AND lower(user_name) = $2`, [accountId, old, ...set.params]),
        );
        if (changed > 0 && patch.userName !== undefined) {
          for (const sql of RENAMES) await c.run(sql, [accountId, old, patch.userName]);
        }
      }),
    deleteUser: (accountId, userName, opts) =>
      write(async (c) => {
        const folded = fold(userName);
        if (opts?.cascade) {
          for (const sql of CASCADE) await c.run(sql, [accountId, folded]);
        } else {
          await checkDependents(c, DEPENDENTS, accountId, folded);
        }
        await c.run('DELETE FROM iam_users WHERE account_id = $1 AND lower(user_name) = $2', [accountId, folded]);
      }),
    listUsers: async (accountId, opts) => {
      const p = pageRequest(ctx, ['iam:users', accountId], opts, ['string']);
      const rows = await conn().rows<UserRow>(
        `SELECT * FROM iam_users WHERE account_id = $1 AND lower(user_name) > $2::text AND ${prefixCond(3)}
         ORDER BY lower(user_name) LIMIT $4`,
        [accountId, p.after?.[0] ?? '', p.pathPrefix, p.limit + 1],
      );
      return toPage(ctx, p, rows, toUser, (r) => [fold(r.user_name)]);
    },

    putLoginProfile: (profile) =>
      write(async (c) => {
        await c.run(
          `INSERT INTO login_profiles (account_id, user_name, password_hash, password_reset_required, create_date)
           VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (account_id, lower(user_name)) DO UPDATE SET user_name = excluded.user_name,
             password_hash = excluded.password_hash, password_reset_required = excluded.password_reset_required,
             create_date = excluded.create_date`,
          [profile.accountId, profile.userName, profile.passwordHash, profile.passwordResetRequired, profile.createDate.getTime()],
        );
      }),
    getLoginProfile: async (accountId, userName) => {
      const r = await one<LoginRow>('SELECT * FROM login_profiles WHERE account_id = $1 AND lower(user_name) = $2', [accountId, fold(userName)]);
      return r ? toLogin(r) : undefined;
    },
    deleteLoginProfile: (accountId, userName) =>
      write(async (c) => {
        await c.run('DELETE FROM login_profiles WHERE account_id = $1 AND lower(user_name) = $2', [accountId, fold(userName)]);
      }),
  };
}
