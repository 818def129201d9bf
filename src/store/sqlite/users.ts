/** Users family: root users, account aliases, IAM users (with rename propagation and delete checks), login profiles. */
import { KamenError } from '../../errors.js';
import type { User } from '../store.js';
import {
  ms,
  nul,
  patchParams,
  same,
  setClause,
  tagsConv,
  tagsJson,
  unique,
  createRowCache,
  type SqliteContext,
} from './db.js';
import { pageRequest, toPage, type Paging } from '../markers.js';
import { toLogin, toRoot, toUser, type LoginRow, type RootRow, type UserRow, type UsersMethods } from '../rows/users.js';

/** A copy a caller may change without touching the cached user. */
function copyUser(u: User): User {
  return { ...u, tags: u.tags.map((t) => ({ ...t })) };
}

/** Prepares the users statements once for this connection and returns the family's methods. */
export function usersFamily(ctx: SqliteContext & Paging): UsersMethods {
  const { db, run } = ctx;
  /**
   * getUser answers by account + lowercase name; every users write empties it. This process is the only writer of IAM
   * users (`kamen account create` in another process adds accounts, never users).
   */
  const users = createRowCache<User>(ctx, copyUser);
  const s = {
    putRoot: db.prepare(`INSERT INTO root_users (account_id, email, password_hash, create_date)
      VALUES (@account_id, @email, @password_hash, @create_date)
      ON CONFLICT (account_id) DO UPDATE SET email = excluded.email, password_hash = excluded.password_hash,
        create_date = excluded.create_date`),
    getRoot: db.prepare('SELECT * FROM root_users WHERE account_id = ?'),
    getRootByEmail: db.prepare('SELECT * FROM root_users WHERE email = ?'),
    setAlias: db.prepare(`INSERT INTO account_aliases (account_id, alias) VALUES (?, ?)
      ON CONFLICT (account_id) DO UPDATE SET alias = excluded.alias`),
    deleteAlias: db.prepare('DELETE FROM account_aliases WHERE account_id = ?'),
    getAlias: db.prepare('SELECT alias FROM account_aliases WHERE account_id = ?'),
    byAlias: db.prepare('SELECT account_id FROM account_aliases WHERE alias = ?'),
    insertUser: db.prepare(`INSERT INTO iam_users (user_id, account_id, user_name, path, arn, create_date,
      permissions_boundary_arn, tags, password_last_used) VALUES (@user_id, @account_id, @user_name, @path, @arn,
      @create_date, @permissions_boundary_arn, @tags, @password_last_used)`),
    getUser: db.prepare('SELECT * FROM iam_users WHERE account_id = ? AND user_name = ?'),
    getUserById: db.prepare('SELECT * FROM iam_users WHERE user_id = ?'),
    updateUser: db.prepare(`UPDATE iam_users SET ${setClause('user_name', 'userName')}, ${setClause('path', 'path')},
      ${setClause('arn', 'arn')}, ${setClause('permissions_boundary_arn', 'permissionsBoundaryArn')},
      ${setClause('tags', 'tags')}, ${setClause('password_last_used', 'passwordLastUsed')}
      WHERE account_id = @account_id AND user_name = @key_name`),
    deleteUser: db.prepare('DELETE FROM iam_users WHERE account_id = ? AND user_name = ?'),
    listUsers: db.prepare(`SELECT * FROM iam_users WHERE account_id = @account_id
      AND user_name > @after
      AND (@prefix IS NULL OR substr(path, 1, length(@prefix)) = @prefix)
      ORDER BY user_name LIMIT @limit`),
    // rename propagation (names are the references kept by child rows)
    renameMembers: db.prepare('UPDATE group_members SET user_name = @new WHERE account_id = @a AND user_name = @old'),
    renameInline: db.prepare(`UPDATE inline_policies SET principal_name = @new
      WHERE account_id = @a AND kind = 'user' AND principal_name = @old`),
    renameAttach: db.prepare(`UPDATE policy_attachments SET principal_name = @new
      WHERE account_id = @a AND kind = 'user' AND principal_name = @old`),
    renameKeys: db.prepare('UPDATE access_keys SET user_name = @new WHERE account_id = @a AND user_name = @old'),
    renameLogin: db.prepare('UPDATE login_profiles SET user_name = @new WHERE account_id = @a AND user_name = @old'),
    renameMfa: db.prepare('UPDATE mfa_devices SET user_name = @new WHERE account_id = @a AND user_name = @old'),
    // dependents (DeleteConflict checks and cascade)
    countInline: db.prepare(`SELECT count(*) FROM inline_policies WHERE account_id = ? AND kind = 'user' AND principal_name = ?`),
    countAttach: db.prepare(`SELECT count(*) FROM policy_attachments WHERE account_id = ? AND kind = 'user' AND principal_name = ?`),
    countMembers: db.prepare('SELECT count(*) FROM group_members WHERE account_id = ? AND user_name = ?'),
    countKeys: db.prepare('SELECT count(*) FROM access_keys WHERE account_id = ? AND user_name = ?'),
    countLogin: db.prepare('SELECT count(*) FROM login_profiles WHERE account_id = ? AND user_name = ?'),
    countMfa: db.prepare('SELECT count(*) FROM mfa_devices WHERE account_id = ? AND user_name = ?'),
    delInline: db.prepare(`DELETE FROM inline_policies WHERE account_id = ? AND kind = 'user' AND principal_name = ?`),
    delAttach: db.prepare(`DELETE FROM policy_attachments WHERE account_id = ? AND kind = 'user' AND principal_name = ?`),
    delMembers: db.prepare('DELETE FROM group_members WHERE account_id = ? AND user_name = ?'),
    delKeys: db.prepare('DELETE FROM access_keys WHERE account_id = ? AND user_name = ?'),
    delLogin: db.prepare('DELETE FROM login_profiles WHERE account_id = ? AND user_name = ?'),
    releaseMfa: db.prepare('UPDATE mfa_devices SET user_name = NULL, enable_date = NULL WHERE account_id = ? AND user_name = ?'),
    putLogin: db.prepare(`INSERT INTO login_profiles (account_id, user_name, password_hash, password_reset_required, create_date)
      VALUES (@account_id, @user_name, @password_hash, @password_reset_required, @create_date)
      ON CONFLICT (account_id, user_name) DO UPDATE SET user_name = excluded.user_name, password_hash = excluded.password_hash,
        password_reset_required = excluded.password_reset_required, create_date = excluded.create_date`),
    getLogin: db.prepare('SELECT * FROM login_profiles WHERE account_id = ? AND user_name = ?'),
    deleteLogin: db.prepare('DELETE FROM login_profiles WHERE account_id = ? AND user_name = ?'),
  };
  for (const k of ['getAlias', 'byAlias', 'countInline', 'countAttach', 'countMembers', 'countKeys', 'countLogin', 'countMfa'] as const) s[k].pluck();

  const conflicts: Array<[keyof typeof s, string]> = [
    ['countKeys', 'Cannot delete entity, must delete access keys first.'],
    ['countLogin', 'Cannot delete entity, must delete login profile first.'],
    ['countMfa', 'Cannot delete entity, must delete MFA device first.'],
    ['countAttach', 'Cannot delete entity, must detach all policies first.'],
    ['countInline', 'Cannot delete entity, must delete policies first.'],
    ['countMembers', 'Cannot delete entity, must remove user from all groups first.'],
  ];

  return {
    putRootUser: (root) => run(() => {
      unique(`A root user with email ${root.email} already exists.`, () =>
        s.putRoot.run({
          account_id: root.accountId,
          email: root.email,
          password_hash: root.passwordHash,
          create_date: root.createDate.getTime(),
        }),
      );
    }),
    getRootUser: (accountId) => run(() => {
      const r = s.getRoot.get(accountId) as RootRow | undefined;
      return r ? toRoot(r) : undefined;
    }),
    getRootUserByEmail: (email) => run(() => {
      const r = s.getRootByEmail.get(email) as RootRow | undefined;
      return r ? toRoot(r) : undefined;
    }),
    setAccountAlias: (accountId, alias) => run(() => {
      if (alias === undefined) s.deleteAlias.run(accountId);
      else unique(`The account alias ${alias} already exists.`, () => s.setAlias.run(accountId, alias));
    }),
    getAccountAlias: (accountId) => run(() => (s.getAlias.get(accountId) as string | undefined) ?? undefined),
    getAccountIdByAlias: (alias) => run(() => (s.byAlias.get(alias) as string | undefined) ?? undefined),

    createUser: (user) => run(() => {
      users.clear();
      unique(`User with name ${user.userName} already exists.`, () =>
        s.insertUser.run({
          user_id: user.userId,
          account_id: user.accountId,
          user_name: user.userName,
          path: user.path,
          arn: user.arn,
          create_date: user.createDate.getTime(),
          permissions_boundary_arn: nul(user.permissionsBoundaryArn),
          tags: tagsJson(user.tags),
          password_last_used: user.passwordLastUsed ? user.passwordLastUsed.getTime() : null,
        }),
      );
    }),
    getUser: (accountId, userName) =>
      users.read(accountId + '\n' + userName.toLowerCase(), () => {
        const r = s.getUser.get(accountId, userName) as UserRow | undefined;
        return r ? toUser(r) : undefined;
      }),
    getUserById: (userId) => run(() => {
      const r = s.getUserById.get(userId) as UserRow | undefined;
      return r ? toUser(r) : undefined;
    }),
    updateUser: (accountId, userName, patch) => run(() => {
      users.clear();
      const params = patchParams(patch, {
        userName: same,
        path: same,
        arn: same,
        permissionsBoundaryArn: same,
        tags: tagsConv,
        passwordLastUsed: ms,
      });
      if (params.has_userName && params.userName === null) throw new KamenError('ERR_VALIDATION', 'userName cannot be cleared.');
      ctx.atomic(() => {
        const info = unique(`User with name ${String(patch.userName)} already exists.`, () =>
          s.updateUser.run({ ...params, account_id: accountId, key_name: userName }),
        );
        if (info.changes > 0 && params.has_userName) {
          const rename = { a: accountId, old: userName, new: params.userName };
          s.renameMembers.run(rename);
          s.renameInline.run(rename);
          s.renameAttach.run(rename);
          s.renameKeys.run(rename);
          s.renameLogin.run(rename);
          s.renameMfa.run(rename);
        }
      });
    }),
    deleteUser: (accountId, userName, opts) => run(() => {
      users.clear();
      ctx.atomic(() => {
        if (opts?.cascade) {
          s.delInline.run(accountId, userName);
          s.delAttach.run(accountId, userName);
          s.delMembers.run(accountId, userName);
          s.delKeys.run(accountId, userName);
          s.delLogin.run(accountId, userName);
          s.releaseMfa.run(accountId, userName);
        } else {
          for (const [stmt, message] of conflicts) {
            if ((s[stmt].get(accountId, userName) as number) > 0) throw new KamenError('ERR_DELETE_CONFLICT', message);
          }
        }
        s.deleteUser.run(accountId, userName);
      });
    }),
    listUsers: (accountId, opts) => run(() => {
      const p = pageRequest(ctx, ['iam:users', accountId], opts, ['string']);
      const rows = s.listUsers.all({ account_id: accountId, after: p.after?.[0] ?? '', prefix: p.pathPrefix, limit: p.limit + 1 }) as UserRow[];
      return toPage(ctx, p, rows, toUser, (r) => [r.user_name]);
    }),

    putLoginProfile: (profile) => run(() => {
      s.putLogin.run({
        account_id: profile.accountId,
        user_name: profile.userName,
        password_hash: profile.passwordHash,
        password_reset_required: profile.passwordResetRequired ? 1 : 0,
        create_date: profile.createDate.getTime(),
      });
    }),
    getLoginProfile: (accountId, userName) => run(() => {
      const r = s.getLogin.get(accountId, userName) as LoginRow | undefined;
      return r ? toLogin(r) : undefined;
    }),
    deleteLoginProfile: (accountId, userName) => run(() => {
      s.deleteLogin.run(accountId, userName);
    }),
  };
}
