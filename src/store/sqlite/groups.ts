/** Groups family: IAM groups (with rename propagation and delete checks) and group membership. */
import { KamenError } from '../../errors.js';
import { patchParams, same, setClause, unique, type SqliteContext } from './db.js';
import { pageRequest, toPage, type Paging } from '../markers.js';
import { toGroup, type GroupRow, type GroupsMethods } from '../rows/groups.js';
import { toUser, type UserRow } from '../rows/users.js';

/** Prepares the group statements once for this connection and returns the family's methods. */
export function groupsFamily(ctx: SqliteContext & Paging): GroupsMethods {
  const { db, run } = ctx;
  const s = {
    insert: db.prepare(`INSERT INTO iam_groups (group_id, account_id, group_name, path, arn, create_date)
      VALUES (@group_id, @account_id, @group_name, @path, @arn, @create_date)`),
    get: db.prepare('SELECT * FROM iam_groups WHERE account_id = ? AND group_name = ?'),
    update: db.prepare(`UPDATE iam_groups SET ${setClause('group_name', 'groupName')}, ${setClause('path', 'path')},
      ${setClause('arn', 'arn')} WHERE account_id = @account_id AND group_name = @key_name`),
    delete: db.prepare('DELETE FROM iam_groups WHERE account_id = ? AND group_name = ?'),
    list: db.prepare(`SELECT * FROM iam_groups WHERE account_id = @account_id
      AND group_name > @after
      AND (@prefix IS NULL OR substr(path, 1, length(@prefix)) = @prefix)
      ORDER BY group_name LIMIT @limit`),
    renameMembers: db.prepare('UPDATE group_members SET group_name = @new WHERE account_id = @a AND group_name = @old'),
    renameInline: db.prepare(`UPDATE inline_policies SET principal_name = @new
      WHERE account_id = @a AND kind = 'group' AND principal_name = @old`),
    renameAttach: db.prepare(`UPDATE policy_attachments SET principal_name = @new
      WHERE account_id = @a AND kind = 'group' AND principal_name = @old`),
    countMembers: db.prepare('SELECT count(*) FROM group_members WHERE account_id = ? AND group_name = ?').pluck(),
    countInline: db.prepare(`SELECT count(*) FROM inline_policies WHERE account_id = ? AND kind = 'group' AND principal_name = ?`).pluck(),
    countAttach: db.prepare(`SELECT count(*) FROM policy_attachments WHERE account_id = ? AND kind = 'group' AND principal_name = ?`).pluck(),
    delMembers: db.prepare('DELETE FROM group_members WHERE account_id = ? AND group_name = ?'),
    delInline: db.prepare(`DELETE FROM inline_policies WHERE account_id = ? AND kind = 'group' AND principal_name = ?`),
    delAttach: db.prepare(`DELETE FROM policy_attachments WHERE account_id = ? AND kind = 'group' AND principal_name = ?`),
    addMember: db.prepare('INSERT OR IGNORE INTO group_members (account_id, group_name, user_name) VALUES (?, ?, ?)'),
    removeMember: db.prepare('DELETE FROM group_members WHERE account_id = ? AND group_name = ? AND user_name = ?'),
    members: db.prepare(`SELECT u.* FROM group_members m
      JOIN iam_users u ON u.account_id = m.account_id AND u.user_name = m.user_name
      WHERE m.account_id = @account_id AND m.group_name = @name AND m.user_name > @after
      ORDER BY m.user_name LIMIT @limit`),
    groupsForUser: db.prepare(`SELECT g.* FROM group_members m
      JOIN iam_groups g ON g.account_id = m.account_id AND g.group_name = m.group_name
      WHERE m.account_id = @account_id AND m.user_name = @name AND m.group_name > @after
      ORDER BY m.group_name LIMIT @limit`),
  };

  const conflicts: Array<[typeof s.countMembers, string]> = [
    [s.countMembers, 'Cannot delete entity, must remove users from group first.'],
    [s.countAttach, 'Cannot delete entity, must detach all policies first.'],
    [s.countInline, 'Cannot delete entity, must delete policies first.'],
  ];

  return {
    createGroup: (group) => run(() => {
      unique(`Group with name ${group.groupName} already exists.`, () =>
        s.insert.run({
          group_id: group.groupId,
          account_id: group.accountId,
          group_name: group.groupName,
          path: group.path,
          arn: group.arn,
          create_date: group.createDate.getTime(),
        }),
      );
    }),
    getGroup: (accountId, groupName) => run(() => {
      const r = s.get.get(accountId, groupName) as GroupRow | undefined;
      return r ? toGroup(r) : undefined;
    }),
    updateGroup: (accountId, groupName, patch) => run(() => {
      const params = patchParams(patch, { groupName: same, path: same, arn: same });
      if (params.has_groupName && params.groupName === null) throw new KamenError('ERR_VALIDATION', 'groupName cannot be cleared.');
      ctx.atomic(() => {
        const info = unique(`Group with name ${String(patch.groupName)} already exists.`, () =>
          s.update.run({ ...params, account_id: accountId, key_name: groupName }),
        );
        if (info.changes > 0 && params.has_groupName) {
          const rename = { a: accountId, old: groupName, new: params.groupName };
          s.renameMembers.run(rename);
          s.renameInline.run(rename);
          s.renameAttach.run(rename);
        }
      });
    }),
    deleteGroup: (accountId, groupName, opts) => run(() => {
      ctx.atomic(() => {
        if (opts?.cascade) {
          s.delMembers.run(accountId, groupName);
          s.delInline.run(accountId, groupName);
          s.delAttach.run(accountId, groupName);
        } else {
          for (const [stmt, message] of conflicts) {
            if ((stmt.get(accountId, groupName) as number) > 0) throw new KamenError('ERR_DELETE_CONFLICT', message);
          }
        }
        s.delete.run(accountId, groupName);
      });
    }),
    listGroups: (accountId, opts) => run(() => {
      const p = pageRequest(ctx, ['iam:groups', accountId], opts, ['string']);
      const rows = s.list.all({ account_id: accountId, after: p.after?.[0] ?? '', prefix: p.pathPrefix, limit: p.limit + 1 }) as GroupRow[];
      return toPage(ctx, p, rows, toGroup, (r) => [r.group_name]);
    }),
    addUserToGroup: (accountId, groupName, userName) => run(() => {
      s.addMember.run(accountId, groupName, userName);
    }),
    removeUserFromGroup: (accountId, groupName, userName) => run(() => {
      s.removeMember.run(accountId, groupName, userName);
    }),
    listGroupMembers: (accountId, groupName, opts) => run(() => {
      const p = pageRequest(ctx, ['iam:group-members', accountId, groupName.toLowerCase()], opts, ['string']);
      const rows = s.members.all({ account_id: accountId, name: groupName, after: p.after?.[0] ?? '', limit: p.limit + 1 }) as UserRow[];
      return toPage(ctx, p, rows, toUser, (r) => [r.user_name]);
    }),
    listGroupsForUser: (accountId, userName, opts) => run(() => {
      const p = pageRequest(ctx, ['iam:groups-for-user', accountId, userName.toLowerCase()], opts, ['string']);
      const rows = s.groupsForUser.all({ account_id: accountId, name: userName, after: p.after?.[0] ?? '', limit: p.limit + 1 }) as GroupRow[];
      return toPage(ctx, p, rows, toGroup, (r) => [r.group_name]);
    }),
  };
}
