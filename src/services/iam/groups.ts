/** IAM groups and membership: Create/Get/Update/Delete/ListGroups, Add/RemoveUserToGroup (each one transaction), ListGroupsForUser. */
import { KamenError } from '../../errors.js';
import { uniqueId } from '../../ids.js';
import type { Operation } from '../types.js';
import { account, groupOut, iamArn, listOpts, mustGroup, mustUser, pageFields, pathOf, userOut, type Input } from './common.js';

/** Groups a user may belong to (IAM's fixed quota). */
export const GROUPS_PER_USER = 10;

/** The group operations. */
export function groupOperations(): Record<string, Operation> {
  return {
    CreateGroup: async (ctx, input: Input) => {
      const acct = account(ctx);
      const name = String(input['GroupName']);
      const path = pathOf(input);
      if (await ctx.store.getGroup(acct, name)) throw new KamenError('ERR_ENTITY_ALREADY_EXISTS', `Group with name ${name} already exists.`);
      const group = { accountId: acct, groupId: uniqueId('AGPA'), groupName: name, path, arn: iamArn(acct, 'group', path, name), createDate: new Date(ctx.clock.now()) };
      await ctx.store.createGroup(group);
      return { Group: groupOut(group) };
    },

    GetGroup: async (ctx, input: Input) => {
      const group = await mustGroup(ctx, String(input['GroupName']));
      const page = await ctx.store.listGroupMembers(account(ctx), group.groupName, listOpts(input));
      return { Group: groupOut(group), Users: page.items.map((u) => userOut(u, false)), ...pageFields(page) };
    },

    UpdateGroup: async (ctx, input: Input) => {
      const acct = account(ctx);
      const group = await mustGroup(ctx, String(input['GroupName']));
      const newName = input['NewGroupName'] ? String(input['NewGroupName']) : group.groupName;
      const newPath = input['NewPath'] ? String(input['NewPath']) : group.path;
      if (newName.toLowerCase() !== group.groupName.toLowerCase() && (await ctx.store.getGroup(acct, newName))) {
        throw new KamenError('ERR_ENTITY_ALREADY_EXISTS', `Group with name ${newName} already exists.`);
      }
      await ctx.store.updateGroup(acct, group.groupName, { groupName: newName, path: newPath, arn: iamArn(acct, 'group', newPath, newName) });
      return {};
    },

    DeleteGroup: async (ctx, input: Input) => {
      const acct = account(ctx);
      await ctx.store.transaction(async () => {
        const group = await mustGroup(ctx, String(input['GroupName']));
        if ((await ctx.store.listGroupMembers(acct, group.groupName, { maxItems: 1 })).items.length > 0) {
          throw new KamenError('ERR_DELETE_CONFLICT', 'Cannot delete entity, must remove users from group first.');
        }
        if ((await ctx.store.listInlinePolicies(acct, 'group', group.groupName)).length > 0) {
          throw new KamenError('ERR_DELETE_CONFLICT', 'Cannot delete entity, must delete policies first.');
        }
        if ((await ctx.store.listAttachedPolicies(acct, 'group', group.groupName)).length > 0) {
          throw new KamenError('ERR_DELETE_CONFLICT', 'Cannot delete entity, must detach all policies first.');
        }
        await ctx.store.deleteGroup(acct, group.groupName);
      });
      return {};
    },

    ListGroups: async (ctx, input: Input) => {
      const page = await ctx.store.listGroups(account(ctx), listOpts(input));
      return { Groups: page.items.map(groupOut), ...pageFields(page) };
    },

    AddUserToGroup: async (ctx, input: Input) => {
      // One transaction: concurrent adds for one user cannot both pass the GroupsPerUser quota check.
      await ctx.store.transaction(async () => {
        const group = await mustGroup(ctx, String(input['GroupName']));
        const user = await mustUser(ctx, String(input['UserName']));
        const acct = account(ctx);
        const current = await ctx.store.listGroupsForUser(acct, user.userName, { maxItems: 1000 });
        if (!current.items.some((g) => g.groupName.toLowerCase() === group.groupName.toLowerCase())) {
          if (current.items.length >= GROUPS_PER_USER) throw new KamenError('ERR_LIMIT_EXCEEDED', `Cannot exceed quota for GroupsPerUser: ${GROUPS_PER_USER}`);
          await ctx.store.addUserToGroup(acct, group.groupName, user.userName);
        }
      });
      return {};
    },

    RemoveUserFromGroup: async (ctx, input: Input) => {
      // One transaction: of two concurrent removals of one membership, exactly one succeeds.
      await ctx.store.transaction(async () => {
        const group = await mustGroup(ctx, String(input['GroupName']));
        const user = await mustUser(ctx, String(input['UserName']));
        const acct = account(ctx);
        const current = await ctx.store.listGroupsForUser(acct, user.userName, { maxItems: 1000 });
        if (!current.items.some((g) => g.groupName.toLowerCase() === group.groupName.toLowerCase())) {
          throw new KamenError('ERR_NO_SUCH_ENTITY', `The user with name ${user.userName} cannot be found.`);
        }
        await ctx.store.removeUserFromGroup(acct, group.groupName, user.userName);
      });
      return {};
    },

    ListGroupsForUser: async (ctx, input: Input) => {
      const user = await mustUser(ctx, String(input['UserName']));
      const page = await ctx.store.listGroupsForUser(account(ctx), user.userName, listOpts(input));
      return { Groups: page.items.map(groupOut), ...pageFields(page) };
    },
  };
}
