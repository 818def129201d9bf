/** Groups family (PostgreSQL): IAM groups (rename propagation, delete checks) and group membership. */
import { KamenError } from '../../errors.js';
import { unique, type PgContext } from './db.js';
import { fold, prefixCond, same, setList } from './rows.js';
import { pageRequest, toPage, type Paging } from '../markers.js';
import { checkDependents } from './users.js';
import { toGroup, type GroupRow, type GroupsMethods } from '../rows/groups.js';
import { toUser, type UserRow } from '../rows/users.js';

const DEPENDENTS: Array<[string, string, string]> = [
  ['group_members', 'lower(group_name) = $2', 'Cannot delete entity, must remove users from group first.'],
  ['policy_attachments', `kind = 'group' AND lower(principal_name) = $2`, 'Cannot delete entity, must detach all policies first.'],
  ['inline_policies', `kind = 'group' AND lower(principal_name) = $2`, 'Cannot delete entity, must delete policies first.'],
];

const RENAMES = [
  'UPDATE group_members SET group_name = $3 WHERE account_id = $1 AND lower(group_name) = $2',
  `UPDATE inline_policies SET principal_name = $3 WHERE account_id = $1 AND kind = 'group' AND lower(principal_name) = $2`,
  `UPDATE policy_attachments SET principal_name = $3 WHERE account_id = $1 AND kind = 'group' AND lower(principal_name) = $2`,
];

const CASCADE = [
  'DELETE FROM group_members WHERE account_id = $1 AND lower(group_name) = $2',
  `DELETE FROM inline_policies WHERE account_id = $1 AND kind = 'group' AND lower(principal_name) = $2`,
  `DELETE FROM policy_attachments WHERE account_id = $1 AND kind = 'group' AND lower(principal_name) = $2`,
];

/** The groups family's methods over the context. */
export function groupsFamily(ctx: PgContext & Paging): GroupsMethods {
  const { conn, write } = ctx;
  return {
    createGroup: (group) =>
      write(async (c) => {
        const n = await c.run(
          `INSERT INTO iam_groups (group_id, account_id, group_name, path, arn, create_date) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT DO NOTHING`,
          [group.groupId, group.accountId, group.groupName, group.path, group.arn, group.createDate.getTime()],
        );
        if (n === 0) throw new KamenError('ERR_ENTITY_ALREADY_EXISTS', `Group with name ${group.groupName} already exists.`);
      }),
    getGroup: async (accountId, groupName) => {
      const [r] = await conn().rows<GroupRow>('SELECT * FROM iam_groups WHERE account_id = $1 AND lower(group_name) = $2', [accountId, fold(groupName)]);
      return r ? toGroup(r) : undefined;
    },
    updateGroup: (accountId, groupName, patch) =>
      write(async (c) => {
        if ('groupName' in patch && patch.groupName === undefined) throw new KamenError('ERR_VALIDATION', 'groupName cannot be cleared.');
        const set = setList(patch, { groupName: ['group_name', same], path: ['path', same], arn: ['arn', same] }, 3);
        if (!set) return;
        const old = fold(groupName);
        const changed = await unique(`Group with name ${String(patch.groupName)} already exists.`, () =>
          c.run(`UPDATE iam_groups SET ${set.sql} WHERE account_id = $1 AND lower(group_name) = $2`, [accountId, old, ...set.params]),
        );
        if (changed > 0 && patch.groupName !== undefined) {
          for (const sql of RENAMES) await c.run(sql, [accountId, old, patch.groupName]);
        }
      }),
    deleteGroup: (accountId, groupName, opts) =>
      write(async (c) => {
        const folded = fold(groupName);
        if (opts?.cascade) {
          for (const sql of CASCADE) await c.run(sql, [accountId, folded]);
        } else {
          await checkDependents(c, DEPENDENTS, accountId, folded);
        }
        await c.run('DELETE FROM iam_groups WHERE account_id = $1 AND lower(group_name) = $2', [accountId, folded]);
      }),
    listGroups: async (accountId, opts) => {
      const p = pageRequest(ctx, ['iam:groups', accountId], opts, ['string']);
      const rows = await conn().rows<GroupRow>(
        `SELECT * FROM iam_groups WHERE account_id = $1 AND lower(group_name) > $2::text AND ${prefixCond(3)}
         ORDER BY lower(group_name) LIMIT $4`,
        [accountId, p.after?.[0] ?? '', p.pathPrefix, p.limit + 1],
      );
      return toPage(ctx, p, rows, toGroup, (r) => [fold(r.group_name)]);
    },
    addUserToGroup: (accountId, groupName, userName) =>
      write(async (c) => {
        await c.run('INSERT INTO group_members (account_id, group_name, user_name) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
          accountId,
          groupName,
          userName,
        ]);
      }),
    removeUserFromGroup: (accountId, groupName, userName) =>
      write(async (c) => {
        await c.run('DELETE FROM group_members WHERE account_id = $1 AND lower(group_name) = $2 AND lower(user_name) = $3', [
          accountId,
          fold(groupName),
          fold(userName),
        ]);
      }),
    listGroupMembers: async (accountId, groupName, opts) => {
      const p = pageRequest(ctx, ['iam:group-members', accountId, fold(groupName)], opts, ['string']);
      const rows = await conn().rows<UserRow>(
        `SELECT u.* FROM group_members m
         JOIN iam_users u ON u.account_id = m.account_id AND lower(u.user_name) = lower(m.user_name)
         WHERE m.account_id = $1 AND lower(m.group_name) = $2 AND lower(m.user_name) > $3::text
         ORDER BY lower(m.user_name) LIMIT $4`,
        [accountId, fold(groupName), p.after?.[0] ?? '', p.limit + 1],
      );
      return toPage(ctx, p, rows, toUser, (r) => [fold(r.user_name)]);
    },
    listGroupsForUser: async (accountId, userName, opts) => {
      const p = pageRequest(ctx, ['iam:groups-for-user', accountId, fold(userName)], opts, ['string']);
      const rows = await conn().rows<GroupRow>(
        `SELECT g.* FROM group_members m
         JOIN iam_groups g ON g.account_id = m.account_id AND lower(g.group_name) = lower(m.group_name)
         WHERE m.account_id = $1 AND lower(m.user_name) = $2 AND lower(m.group_name) > $3::text
         ORDER BY lower(m.group_name) LIMIT $4`,
        [accountId, fold(userName), p.after?.[0] ?? '', p.limit + 1],
      );
      return toPage(ctx, p, rows, toGroup, (r) => [fold(r.group_name)]);
    },
  };
}
