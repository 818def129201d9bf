/** Row type and row → entity mapper of the iam_groups table, shared by the SQLite and PostgreSQL stores. */
import type { IdentityStore, Group } from '../store.js';

/** An iam_groups row (create_date as epoch ms). */
export interface GroupRow {
  group_id: string;
  account_id: string;
  group_name: string;
  path: string;
  arn: string;
  create_date: number;
}

/** Maps an iam_groups row to a Group. */
export const toGroup = (r: GroupRow): Group => ({
  accountId: r.account_id,
  groupId: r.group_id,
  groupName: r.group_name,
  path: r.path,
  arn: r.arn,
  createDate: new Date(r.create_date),
});

/** The groups family's slice of the Store, implemented by both backends. */
export type GroupsMethods = Pick<
  IdentityStore,
  | 'createGroup'
  | 'getGroup'
  | 'updateGroup'
  | 'deleteGroup'
  | 'listGroups'
  | 'addUserToGroup'
  | 'removeUserFromGroup'
  | 'listGroupMembers'
  | 'listGroupsForUser'
>;
