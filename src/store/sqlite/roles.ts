/** Roles family: IAM roles (with delete checks) and instance profiles with their roles. */
import { KamenError } from '../../errors.js';
import type { InstanceProfile, Role } from '../store.js';
import {
  ms,
  nul,
  parseTags,
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
import { toRole, type ProfileRow, type RoleRow, type RolesMethods } from '../rows/roles.js';

/** A copy a caller may change without touching the cached role. */
function copyRole(r: Role): Role {
  const c: Role = { ...r, tags: r.tags.map((t) => ({ ...t })) };
  if (r.lastUsed) c.lastUsed = { ...r.lastUsed };
  return c;
}

/** Prepares the role and instance profile statements once for this connection and returns the family's methods. */
export function rolesFamily(ctx: SqliteContext & Paging): RolesMethods {
  const { db, run } = ctx;
  /**
   * getRole answers by account + lowercase name; every roles write empties it. Another process only ever adds roles
   * (`kamen account create` in a new account), and a missing role is never cached.
   */
  const roles = createRowCache<Role>(ctx, copyRole);
  const s = {
    insert: db.prepare(`INSERT INTO iam_roles (role_id, account_id, role_name, path, arn, create_date, assume_role_policy,
      description, max_session_duration, permissions_boundary_arn, tags, last_used_date, last_used_region)
      VALUES (@role_id, @account_id, @role_name, @path, @arn, @create_date, @assume_role_policy, @description,
      @max_session_duration, @permissions_boundary_arn, @tags, @last_used_date, @last_used_region)`),
    get: db.prepare('SELECT * FROM iam_roles WHERE account_id = ? AND role_name = ?'),
    getById: db.prepare('SELECT * FROM iam_roles WHERE role_id = ?'),
    update: db.prepare(`UPDATE iam_roles SET ${setClause('path', 'path')},
      ${setClause('assume_role_policy', 'assumeRolePolicyDocument')}, ${setClause('description', 'description')},
      ${setClause('max_session_duration', 'maxSessionDuration')},
      ${setClause('permissions_boundary_arn', 'permissionsBoundaryArn')}, ${setClause('tags', 'tags')},
      ${setClause('last_used_date', 'lastUsedDate')}, ${setClause('last_used_region', 'lastUsedRegion')}
      WHERE account_id = @account_id AND role_name = @key_name`),
    delete: db.prepare('DELETE FROM iam_roles WHERE account_id = ? AND role_name = ?'),
    list: db.prepare(`SELECT * FROM iam_roles WHERE account_id = @account_id
      AND role_name > @after
      AND (@prefix IS NULL OR substr(path, 1, length(@prefix)) = @prefix)
      ORDER BY role_name LIMIT @limit`),
    countInline: db.prepare(`SELECT count(*) FROM inline_policies WHERE account_id = ? AND kind = 'role' AND principal_name = ?`).pluck(),
    countAttach: db.prepare(`SELECT count(*) FROM policy_attachments WHERE account_id = ? AND kind = 'role' AND principal_name = ?`).pluck(),
    countProfiles: db.prepare('SELECT count(*) FROM instance_profile_roles WHERE account_id = ? AND role_name = ?').pluck(),
    delInline: db.prepare(`DELETE FROM inline_policies WHERE account_id = ? AND kind = 'role' AND principal_name = ?`),
    delAttach: db.prepare(`DELETE FROM policy_attachments WHERE account_id = ? AND kind = 'role' AND principal_name = ?`),
    delProfiles: db.prepare('DELETE FROM instance_profile_roles WHERE account_id = ? AND role_name = ?'),

    insertProfile: db.prepare(`INSERT INTO instance_profiles (instance_profile_id, account_id, name, path, arn, create_date, tags)
      VALUES (@instance_profile_id, @account_id, @name, @path, @arn, @create_date, @tags)`),
    getProfile: db.prepare('SELECT * FROM instance_profiles WHERE account_id = ? AND name = ?'),
    profileRoles: db.prepare('SELECT role_name FROM instance_profile_roles WHERE instance_profile_id = ? ORDER BY position').pluck(),
    clearProfileRoles: db.prepare('DELETE FROM instance_profile_roles WHERE instance_profile_id = ?'),
    addProfileRole: db.prepare(`INSERT INTO instance_profile_roles (instance_profile_id, position, account_id, role_name)
      VALUES (?, ?, ?, ?)`),
    updateProfileTags: db.prepare('UPDATE instance_profiles SET tags = ? WHERE instance_profile_id = ?'),
    deleteProfile: db.prepare('DELETE FROM instance_profiles WHERE account_id = ? AND name = ?'),
    listProfiles: db.prepare(`SELECT * FROM instance_profiles WHERE account_id = @account_id
      AND name > @after
      AND (@prefix IS NULL OR substr(path, 1, length(@prefix)) = @prefix)
      ORDER BY name LIMIT @limit`),
    profilesForRole: db.prepare(`SELECT p.* FROM instance_profile_roles r
      JOIN instance_profiles p ON p.instance_profile_id = r.instance_profile_id
      WHERE r.account_id = ? AND r.role_name = ? ORDER BY p.name`),
  };

  const conflicts: Array<[typeof s.countInline, string]> = [
    [s.countProfiles, 'Cannot delete entity, must remove roles from instance profile first.'],
    [s.countAttach, 'Cannot delete entity, must detach all policies first.'],
    [s.countInline, 'Cannot delete entity, must delete policies first.'],
  ];

  const toProfile = (r: ProfileRow): InstanceProfile => ({
    accountId: r.account_id,
    instanceProfileId: r.instance_profile_id,
    name: r.name,
    path: r.path,
    arn: r.arn,
    createDate: new Date(r.create_date),
    roleNames: s.profileRoles.all(r.instance_profile_id) as string[],
    tags: parseTags(r.tags),
  });

  const setRoles = (profileId: string, accountId: string, roleNames: readonly string[]): void => {
    s.clearProfileRoles.run(profileId);
    roleNames.forEach((name, i) => s.addProfileRole.run(profileId, i, accountId, name));
  };

  return {
    createRole: (role) => run(() => {
      roles.clear();
      unique(`Role with name ${role.roleName} already exists.`, () =>
        s.insert.run({
          role_id: role.roleId,
          account_id: role.accountId,
          role_name: role.roleName,
          path: role.path,
          arn: role.arn,
          create_date: role.createDate.getTime(),
          assume_role_policy: role.assumeRolePolicyDocument,
          description: nul(role.description),
          max_session_duration: role.maxSessionDuration,
          permissions_boundary_arn: nul(role.permissionsBoundaryArn),
          tags: tagsJson(role.tags),
          last_used_date: role.lastUsed ? role.lastUsed.date.getTime() : null,
          last_used_region: role.lastUsed ? role.lastUsed.region : null,
        }),
      );
    }),
    getRole: (accountId, roleName) =>
      roles.read(accountId + '\n' + roleName.toLowerCase(), () => {
        const r = s.get.get(accountId, roleName) as RoleRow | undefined;
        return r ? toRole(r) : undefined;
      }),
    getRoleById: (roleId) => run(() => {
      const r = s.getById.get(roleId) as RoleRow | undefined;
      return r ? toRole(r) : undefined;
    }),
    updateRole: (accountId, roleName, patch) => run(() => {
      roles.clear();
      const params = patchParams(patch, {
        path: same,
        assumeRolePolicyDocument: same,
        description: same,
        maxSessionDuration: same,
        permissionsBoundaryArn: same,
        tags: tagsConv,
      });
      const hasLastUsed = Object.prototype.hasOwnProperty.call(patch, 'lastUsed');
      params.has_lastUsedDate = hasLastUsed ? 1 : 0;
      params.has_lastUsedRegion = hasLastUsed ? 1 : 0;
      params.lastUsedDate = patch.lastUsed ? ms(patch.lastUsed.date) : null;
      params.lastUsedRegion = patch.lastUsed ? patch.lastUsed.region : null;
      s.update.run({ ...params, account_id: accountId, key_name: roleName });
    }),
    deleteRole: (accountId, roleName, opts) => run(() => {
      roles.clear();
      ctx.atomic(() => {
        if (opts?.cascade) {
          s.delInline.run(accountId, roleName);
          s.delAttach.run(accountId, roleName);
          s.delProfiles.run(accountId, roleName);
        } else {
          for (const [stmt, message] of conflicts) {
            if ((stmt.get(accountId, roleName) as number) > 0) throw new KamenError('ERR_DELETE_CONFLICT', message);
          }
        }
        s.delete.run(accountId, roleName);
      });
    }),
    listRoles: (accountId, opts) => run(() => {
      const p = pageRequest(ctx, ['iam:roles', accountId], opts, ['string']);
      const rows = s.list.all({ account_id: accountId, after: p.after?.[0] ?? '', prefix: p.pathPrefix, limit: p.limit + 1 }) as RoleRow[];
      return toPage(ctx, p, rows, toRole, (r) => [r.role_name]);
    }),

    createInstanceProfile: (profile) => run(() => {
      ctx.atomic(() => {
        unique(`Instance Profile ${profile.name} already exists.`, () =>
          s.insertProfile.run({
            instance_profile_id: profile.instanceProfileId,
            account_id: profile.accountId,
            name: profile.name,
            path: profile.path,
            arn: profile.arn,
            create_date: profile.createDate.getTime(),
            tags: tagsJson(profile.tags),
          }),
        );
        setRoles(profile.instanceProfileId, profile.accountId, profile.roleNames);
      });
    }),
    getInstanceProfile: (accountId, name) => run(() => {
      const r = s.getProfile.get(accountId, name) as ProfileRow | undefined;
      return r ? toProfile(r) : undefined;
    }),
    updateInstanceProfile: (accountId, name, patch) => run(() => {
      ctx.atomic(() => {
        const r = s.getProfile.get(accountId, name) as ProfileRow | undefined;
        if (!r) return;
        if (patch.tags !== undefined) s.updateProfileTags.run(tagsJson(patch.tags), r.instance_profile_id);
        if (patch.roleNames !== undefined) setRoles(r.instance_profile_id, r.account_id, patch.roleNames);
      });
    }),
    deleteInstanceProfile: (accountId, name) => run(() => {
      s.deleteProfile.run(accountId, name); // its role rows go with it (ON DELETE CASCADE)
    }),
    listInstanceProfiles: (accountId, opts) => run(() => {
      const p = pageRequest(ctx, ['iam:instance-profiles', accountId], opts, ['string']);
      const rows = s.listProfiles.all({ account_id: accountId, after: p.after?.[0] ?? '', prefix: p.pathPrefix, limit: p.limit + 1 }) as ProfileRow[];
      return toPage(ctx, p, rows, toProfile, (r) => [r.name]);
    }),
    listInstanceProfilesForRole: (accountId, roleName) => run(() =>
      (s.profilesForRole.all(accountId, roleName) as ProfileRow[]).map(toProfile),
    ),
  };
}
