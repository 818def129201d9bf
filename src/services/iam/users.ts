/** IAM users: Create/Get/Update/Delete/ListUsers, user tags and permissions boundaries. */
import { KamenError } from '../../errors.js';
import { uniqueId } from '../../ids.js';
import type { Operation, OperationContext } from '../types.js';
import {
  account,
  catalogOf,
  createTags,
  iamArn,
  isAwsManagedArn,
  listOpts,
  mustUser,
  NON_USER_MESSAGE,
  noUser,
  pageFields,
  pathOf,
  userOut,
  type IamDeps,
  type Input,
} from './common.js';
import { rebindRenamedPrincipal, unbindDeletedPrincipal } from './principal-binding.js';
import { tagOperations } from './tagging.js';

/** Throws unless `arn` names a managed policy usable as a permissions boundary in this account. */
export async function checkBoundary(ctx: OperationContext, deps: IamDeps, arn: string): Promise<void> {
  const ok = isAwsManagedArn(arn) ? catalogOf(deps, ctx).get(arn) !== undefined : (await ctx.store.getPolicy(arn))?.accountId === account(ctx);
  if (!ok) throw new KamenError('ERR_NO_SUCH_ENTITY', `Scope ARN: ${arn} does not exist or is not attachable.`);
}

/** DeleteUser's refusals, in the order IAM checks them. */
async function deleteConflict(ctx: OperationContext, name: string): Promise<string | undefined> {
  const acct = account(ctx);
  const s = ctx.store;
  if ((await s.getLoginProfile(acct, name)) !== undefined) return 'Cannot delete entity, must delete login profile first.';
  if ((await s.listAccessKeys(acct, name)).length > 0) return 'Cannot delete entity, must delete access keys first.';
  if ((await s.listGroupsForUser(acct, name, { maxItems: 1 })).items.length > 0) return 'Cannot delete entity, must remove users from group first.';
  if ((await s.listInlinePolicies(acct, 'user', name)).length > 0) return 'Cannot delete entity, must delete policies first.';
  if ((await s.listAttachedPolicies(acct, 'user', name)).length > 0) return 'Cannot delete entity, must detach all policies first.';
  const mfa = await s.listMfaDevices(acct);
  if (mfa.some((d) => d.userName !== undefined && d.userName.toLowerCase() === name.toLowerCase())) return 'Cannot delete entity, must delete MFA device first.';
  return undefined;
}

/** The user operations. */
export function userOperations(deps: IamDeps): Record<string, Operation> {
  return {
    CreateUser: async (ctx, input: Input) => {
      const acct = account(ctx);
      const name = String(input['UserName']);
      const path = pathOf(input);
      const tags = createTags(input['Tags']);
      if (input['PermissionsBoundary']) await checkBoundary(ctx, deps, String(input['PermissionsBoundary']));
      const user = {
        accountId: acct,
        userId: uniqueId('AIDA'),
        userName: name,
        path,
        arn: iamArn(acct, 'user', path, name),
        createDate: new Date(ctx.clock.now()),
        permissionsBoundaryArn: input['PermissionsBoundary'] ? String(input['PermissionsBoundary']) : undefined,
        tags,
      };
      if (await ctx.store.getUser(acct, name)) throw new KamenError('ERR_ENTITY_ALREADY_EXISTS', `User with name ${name} already exists.`);
      await ctx.store.createUser(user);
      return { User: userOut(user) };
    },

    GetUser: async (ctx, input: Input) => {
      if (input['UserName']) return { User: userOut(await mustUser(ctx, String(input['UserName']))) };
      const c = ctx.caller;
      if (c.kind === 'user' && c.userName) return { User: userOut(await mustUser(ctx, c.userName)) };
      if (c.kind === 'root') {
        const root = await ctx.store.getRootUser(c.accountId);
        const out: Input = { UserId: c.accountId, Arn: `arn:aws:iam::${c.accountId}:root` };
        out['CreateDate'] = root?.createDate ?? new Date(0);
        return { User: out };
      }
      throw new KamenError('ERR_VALIDATION', NON_USER_MESSAGE);
    },

    UpdateUser: async (ctx, input: Input) => {
      const acct = account(ctx);
      const user = await mustUser(ctx, String(input['UserName']));
      const newName = input['NewUserName'] ? String(input['NewUserName']) : user.userName;
      const newPath = input['NewPath'] ? String(input['NewPath']) : user.path;
      if (newName.toLowerCase() !== user.userName.toLowerCase() && (await ctx.store.getUser(acct, newName))) {
        throw new KamenError('ERR_ENTITY_ALREADY_EXISTS', `User with name ${newName} already exists.`);
      }
      const newArn = iamArn(acct, 'user', newPath, newName);
      // Trust policies naming the user as a principal follow it to its new name and path (its unique ID stays).
      await ctx.store.transaction(async () => {
        const current = await ctx.store.getUserById(user.userId);
        if (!current) throw noUser(user.userName);
        await ctx.store.updateUser(acct, current.userName, { userName: newName, path: newPath, arn: newArn });
        if (newArn !== current.arn) await rebindRenamedPrincipal(ctx.store, current.userId, newArn);
      });
      return {};
    },

    DeleteUser: async (ctx, input: Input) => {
      const user = await mustUser(ctx, String(input['UserName']));
      const conflict = await deleteConflict(ctx, user.userName);
      if (conflict) throw new KamenError('ERR_DELETE_CONFLICT', conflict);
      // Trust policies naming the user now show its unique ID: a user created or renamed later to the name is not trusted.
      await ctx.store.transaction(async () => {
        const current = await ctx.store.getUserById(user.userId);
        if (!current) throw noUser(user.userName);
        await ctx.store.deleteUser(current.accountId, current.userName);
        await unbindDeletedPrincipal(ctx.store, current.userId);
      });
      return {};
    },

    ListUsers: async (ctx, input: Input) => {
      const page = await ctx.store.listUsers(account(ctx), listOpts(input));
      return { Users: page.items.map((u) => userOut(u, false)), ...pageFields(page) };
    },

    ...tagOperations({ tag: 'TagUser', untag: 'UntagUser', list: 'ListUserTags' }, (ctx, input) => mustUser(ctx, String(input['UserName'])), (ctx, u, tags) => ctx.store.updateUser(account(ctx), u.userName, { tags })),

    PutUserPermissionsBoundary: async (ctx, input: Input) => {
      const user = await mustUser(ctx, String(input['UserName']));
      const arn = String(input['PermissionsBoundary']);
      await checkBoundary(ctx, deps, arn);
      await ctx.store.updateUser(account(ctx), user.userName, { permissionsBoundaryArn: arn });
      return {};
    },

    DeleteUserPermissionsBoundary: async (ctx, input: Input) => {
      const user = await mustUser(ctx, String(input['UserName']));
      await ctx.store.updateUser(account(ctx), user.userName, { permissionsBoundaryArn: undefined });
      return {};
    },
  };
}
