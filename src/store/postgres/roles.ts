/** Roles family (PostgreSQL): IAM roles (delete checks) and instance profiles with their roles. */
import { KamenError } from '../../errors.js';
import type { InstanceProfile } from '../store.js';
import type { Conn, PgContext } from './db.js';
import { fold, ms, nul, parseTags, prefixCond, same, setList, tagsConv, tagsJson } from './rows.js';
import { pageRequest, toPage, type Paging } from '../markers.js';
import { toRole, type ProfileRow as BaseProfileRow, type RoleRow, type RolesMethods } from '../rows/roles.js';
import { checkDependents } from './users.js';

/** An instance_profiles row with its role names (array_agg). */
interface ProfileRow extends BaseProfileRow {
  role_names: string[];
}

const toProfile = (r: ProfileRow): InstanceProfile => ({
  accountId: r.account_id,
  instanceProfileId: r.instance_profile_id,
  name: r.name,
  path: r.path,
  arn: r.arn,
  createDate: new Date(r.create_date),
  roleNames: r.role_names,
  tags: parseTags(r.tags),
});

const DEPENDENTS: Array<[string, string, string]> = [
  ['instance_profile_roles', 'lower(role_name) = $2', 'Cannot delete entity, must remove roles from instance profile first.'],
  ['policy_attachments', `kind = 'role' AND lower(principal_name) = $2`, 'Cannot delete entity, must detach all policies first.'],
  ['inline_policies', `kind = 'role' AND lower(principal_name) = $2`, 'Cannot delete entity, must delete policies first.'],
];

const CASCADE = [
  `DELETE FROM inline_policies WHERE account_id = $1 AND kind = 'role' AND lower(principal_name) = $2`,
  `DELETE FROM policy_attachments WHERE account_id = $1 AND kind = 'role' AND lower(principal_name) = $2`,
  'DELETE FROM instance_profile_roles WHERE account_id = $1 AND lower(role_name) = $2',
];

/** An instance profile's columns plus its role names in order (`p` is the instance_profiles alias). */
const PROFILE_COLUMNS = `p.*, ARRAY(SELECT r.role_name FROM instance_profile_roles r
  WHERE r.instance_profile_id = p.instance_profile_id ORDER BY r.position) AS role_names`;

/** Replaces an instance profile's roles. */
async function setRoles(c: Conn, profileId: string, accountId: string, roleNames: readonly string[]): Promise<void> {
  await c.run('DELETE FROM instance_profile_roles WHERE instance_profile_id = $1', [profileId]);
  for (const [i, name] of roleNames.entries()) {
    await c.run('INSERT INTO instance_profile_roles (instance_profile_id, position, account_id, role_name) VALUES ($1, $2, $3, $4)', [
      profileId,
      i,
      accountId,
      name,
    ]);
  }
}

/** The roles family's methods over the context. */
export function rolesFamily(ctx: PgContext & Paging): RolesMethods {
  const { conn, write } = ctx;
  return {
    createRole: (role) =>
      write(async (c) => {
        const n = await c.run(
          `INSERT INTO iam_roles (role_id, account_id, role_name, path, arn, create_date, assume_role_policy, description,
             max_session_duration, permissions_boundary_arn, tags, last_used_date, last_used_region)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT DO NOTHING`,
          [
            role.roleId,
            role.accountId,
            role.roleName,
            role.path,
            role.arn,
            role.createDate.getTime(),
            role.assumeRolePolicyDocument,
            nul(role.description),
            role.maxSessionDuration,
            nul(role.permissionsBoundaryArn),
            tagsJson(role.tags),
            role.lastUsed ? role.lastUsed.date.getTime() : null,
            role.lastUsed ? role.lastUsed.region : null,
          ],
        );
        if (n === 0) throw new KamenError('ERR_ENTITY_ALREADY_EXISTS', `Role with name ${role.roleName} already exists.`);
      }),
    getRole: async (accountId, roleName) => {
      const [r] = await conn().rows<RoleRow>('SELECT * FROM iam_roles WHERE account_id = $1 AND lower(role_name) = $2', [accountId, fold(roleName)]);
      return r ? toRole(r) : undefined;
    },
    getRoleById: async (roleId) => {
      const [r] = await conn().rows<RoleRow>('SELECT * FROM iam_roles WHERE role_id = $1', [roleId]);
      return r ? toRole(r) : undefined;
    },
    updateRole: (accountId, roleName, patch) =>
      write(async (c) => {
        const fields = {
          path: ['path', same],
          assumeRolePolicyDocument: ['assume_role_policy', same],
          description: ['description', same],
          maxSessionDuration: ['max_session_duration', same],
          permissionsBoundaryArn: ['permissions_boundary_arn', same],
          tags: ['tags', tagsConv],
        } satisfies Parameters<typeof setList>[1];
        const flat: Record<string, unknown> = { ...patch };
        delete flat.lastUsed;
        const extra: Parameters<typeof setList>[1] = {};
        if ('lastUsed' in patch) {
          flat.lastUsedDate = patch.lastUsed?.date;
          flat.lastUsedRegion = patch.lastUsed?.region;
          extra.lastUsedDate = ['last_used_date', ms];
          extra.lastUsedRegion = ['last_used_region', same];
        }
        const set = setList(flat, { ...fields, ...extra }, 3);
        if (!set) return;
        await c.run(`UPDATE iam_roles SET ${set.sql} WHERE account_id = $1 AND lower(role_name) = $2`, [accountId, fold(roleName), ...set.params]);
      }),
    deleteRole: (accountId, roleName, opts) =>
      write(async (c) => {
        const folded = fold(roleName);
        if (opts?.cascade) {
          for (const sql of CASCADE) await c.run(sql, [accountId, folded]);
        } else {
          await checkDependents(c, DEPENDENTS, accountId, folded);
        }
        await c.run('DELETE FROM iam_roles WHERE account_id = $1 AND lower(role_name) = $2', [accountId, folded]);
      }),
    listRoles: async (accountId, opts) => {
      const p = pageRequest(ctx, ['iam:roles', accountId], opts, ['string']);
      const rows = await conn().rows<RoleRow>(
        `SELECT * FROM iam_roles WHERE account_id = $1 AND lower(role_name) > $2::text AND ${prefixCond(3)}
         ORDER BY lower(role_name) LIMIT $4`,
        [accountId, p.after?.[0] ?? '', p.pathPrefix, p.limit + 1],
      );
      return toPage(ctx, p, rows, toRole, (r) => [fold(r.role_name)]);
    },

    createInstanceProfile: (profile) =>
      write(async (c) => {
        const n = await c.run(
          `INSERT INTO instance_profiles (instance_profile_id, account_id, name, path, arn, create_date, tags)
           VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
          [profile.instanceProfileId, profile.accountId, profile.name, profile.path, profile.arn, profile.createDate.getTime(), tagsJson(profile.tags)],
        );
        if (n === 0) throw new KamenError('ERR_ENTITY_ALREADY_EXISTS', `Instance Profile ${profile.name} already exists.`);
        await setRoles(c, profile.instanceProfileId, profile.accountId, profile.roleNames);
      }),
    getInstanceProfile: async (accountId, name) => {
      const [r] = await conn().rows<ProfileRow>(
        `SELECT ${PROFILE_COLUMNS} FROM instance_profiles p WHERE p.account_id = $1 AND lower(p.name) = $2`,
        [accountId, fold(name)],
      );
      return r ? toProfile(r) : undefined;
    },
    updateInstanceProfile: (accountId, name, patch) =>
      write(async (c) => {
        const [r] = await c.rows<{ instance_profile_id: string }>(
          'SELECT instance_profile_id FROM instance_profiles WHERE account_id = $1 AND lower(name) = $2',
          [accountId, fold(name)],
        );
        if (!r) return;
        if (patch.tags !== undefined) await c.run('UPDATE instance_profiles SET tags = $1 WHERE instance_profile_id = $2', [tagsJson(patch.tags), r.instance_profile_id]);
        if (patch.roleNames !== undefined) await setRoles(c, r.instance_profile_id, accountId, patch.roleNames);
      }),
    deleteInstanceProfile: (accountId, name) =>
      write(async (c) => {
        // its role rows go with it (ON DELETE CASCADE)
        await c.run('DELETE FROM instance_profiles WHERE account_id = $1 AND lower(name) = $2', [accountId, fold(name)]);
      }),
    listInstanceProfiles: async (accountId, opts) => {
      const p = pageRequest(ctx, ['iam:instance-profiles', accountId], opts, ['string']);
      const rows = await conn().rows<ProfileRow>(
        `SELECT ${PROFILE_COLUMNS} FROM instance_profiles p WHERE p.account_id = $1
         AND lower(p.name) > $2::text AND ($3::text IS NULL OR left(p.path, length($3::text)) = $3::text)
         ORDER BY lower(p.name) LIMIT $4`,
        [accountId, p.after?.[0] ?? '', p.pathPrefix, p.limit + 1],
      );
      return toPage(ctx, p, rows, toProfile, (r) => [fold(r.name)]);
    },
    listInstanceProfilesForRole: async (accountId, roleName) =>
      (
        await conn().rows<ProfileRow>(
          `SELECT ${PROFILE_COLUMNS} FROM instance_profiles p WHERE p.instance_profile_id IN
             (SELECT instance_profile_id FROM instance_profile_roles WHERE account_id = $1 AND lower(role_name) = $2)
           ORDER BY lower(p.name)`,
          [accountId, fold(roleName)],
        )
      ).map(toProfile),
  };
}
