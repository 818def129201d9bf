/**
 * Instance profiles: Create/Get/Delete/ListInstanceProfiles, Add/RemoveRoleToInstanceProfile, ListInstanceProfilesForRole,
 * tags. Each check-then-write (the one-role limit, the role list, delete conflicts) runs in one store transaction.
 */
import { KamenError } from '../../errors.js';
import { uniqueId } from '../../ids.js';
import type { InstanceProfile } from '../../store/store.js';
import type { Operation, OperationContext } from '../types.js';
import {
  account,
  createTags,
  iamArn,
  instanceProfileOut,
  listOpts,
  mustRole,
  pageFields,
  paginate,
  pathOf,
  profileRoles,
  type Input,
} from './common.js';
import { tagOperations } from './tagging.js';

async function mustProfile(ctx: OperationContext, name: string): Promise<InstanceProfile> {
  const p = await ctx.store.getInstanceProfile(account(ctx), name);
  if (!p) throw new KamenError('ERR_NO_SUCH_ENTITY', `Instance Profile ${name} cannot be found.`);
  return p;
}

/** The instance profile operations. */
export function instanceProfileOperations(): Record<string, Operation> {
  return {
    CreateInstanceProfile: async (ctx, input: Input) => {
      const acct = account(ctx);
      const name = String(input['InstanceProfileName']);
      const path = pathOf(input);
      const tags = createTags(input['Tags'], 'sensitive');
      const p: InstanceProfile = {
        accountId: acct,
        instanceProfileId: uniqueId('AIPA'),
        name,
        path,
        arn: iamArn(acct, 'instance-profile', path, name),
        createDate: new Date(ctx.clock.now()),
        roleNames: [],
        tags,
      };
      await ctx.store.transaction(async () => {
        if (await ctx.store.getInstanceProfile(acct, name)) throw new KamenError('ERR_ENTITY_ALREADY_EXISTS', `Instance Profile ${name} already exists.`);
        await ctx.store.createInstanceProfile(p);
      });
      return { InstanceProfile: instanceProfileOut(p, []) };
    },

    GetInstanceProfile: async (ctx, input: Input) => {
      const p = await mustProfile(ctx, String(input['InstanceProfileName']));
      const out = instanceProfileOut(p, await profileRoles(ctx, p));
      out['Tags'] ??= []; // GetInstanceProfile answers <Tags/> even when the profile has none
      return { InstanceProfile: out };
    },

    DeleteInstanceProfile: async (ctx, input: Input) => {
      await ctx.store.transaction(async () => {
        const p = await mustProfile(ctx, String(input['InstanceProfileName']));
        if (p.roleNames.length > 0) throw new KamenError('ERR_DELETE_CONFLICT', 'Cannot delete entity, must remove roles from instance profile first.');
        await ctx.store.deleteInstanceProfile(account(ctx), p.name);
      });
      return {};
    },

    ListInstanceProfiles: async (ctx, input: Input) => {
      const page = await ctx.store.listInstanceProfiles(account(ctx), listOpts(input));
      const items: Input[] = [];
      for (const p of page.items) items.push(instanceProfileOut(p, await profileRoles(ctx, p), false));
      return { InstanceProfiles: items, ...pageFields(page) };
    },

    AddRoleToInstanceProfile: async (ctx, input: Input) => {
      // One transaction: of concurrent adds to one profile, one passes the one-role check.
      await ctx.store.transaction(async () => {
        const role = await mustRole(ctx, String(input['RoleName']));
        const p = await mustProfile(ctx, String(input['InstanceProfileName']));
        if (p.roleNames.length >= 1) throw new KamenError('ERR_LIMIT_EXCEEDED', 'Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1');
        await ctx.store.updateInstanceProfile(account(ctx), p.name, { roleNames: [role.roleName] });
      });
      return {};
    },

    RemoveRoleFromInstanceProfile: async (ctx, input: Input) => {
      const roleName = String(input['RoleName']);
      await ctx.store.transaction(async () => {
        const p = await mustProfile(ctx, String(input['InstanceProfileName']));
        const kept = p.roleNames.filter((n) => n.toLowerCase() !== roleName.toLowerCase());
        if (kept.length === p.roleNames.length) throw new KamenError('ERR_NO_SUCH_ENTITY', `The role with name ${roleName} cannot be found.`);
        await ctx.store.updateInstanceProfile(account(ctx), p.name, { roleNames: kept });
      });
      return {};
    },

    ListInstanceProfilesForRole: async (ctx, input: Input) => {
      const role = await mustRole(ctx, String(input['RoleName']));
      const profiles = await ctx.store.listInstanceProfilesForRole(account(ctx), role.roleName);
      const page = paginate(profiles, input);
      const items: Input[] = [];
      for (const p of page.items) items.push(instanceProfileOut(p, await profileRoles(ctx, p), false));
      return { InstanceProfiles: items, IsTruncated: page.IsTruncated, ...(page.Marker ? { Marker: page.Marker } : {}) };
    },

    ...tagOperations({ tag: 'TagInstanceProfile', untag: 'UntagInstanceProfile', list: 'ListInstanceProfileTags' }, (ctx, input) => mustProfile(ctx, String(input['InstanceProfileName'])), (ctx, p, tags) => ctx.store.updateInstanceProfile(account(ctx), p.name, { tags }), 'sensitive'),
  };
}
