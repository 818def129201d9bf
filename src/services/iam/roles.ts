/** IAM roles: Create/Get/Update/Delete/ListRoles, trust policy and description updates, role tags and boundaries. */
import { KamenError } from '../../errors.js';
import { uniqueId } from '../../ids.js';
import type { Role } from '../../store/store.js';
import type { Operation } from '../types.js';
import {
  account,
  createTags,
  iamArn,
  listOpts,
  mustRole,
  noRole,
  pageFields,
  pathOf,
  roleOut,
  validateDoc,
  type IamDeps,
  type Input,
} from './common.js';
import { bindTrustPrincipals, saveTrustBindings, unbindDeletedPrincipal } from './principal-binding.js';
import { checkFederatedPrincipals } from './federated-principals.js';
import { tagOperations } from './tagging.js';
import { checkBoundary } from './users.js';

/** The role operations. */
export function roleOperations(deps: IamDeps): Record<string, Operation> {
  return {
    CreateRole: async (ctx, input: Input) => {
      const acct = account(ctx);
      const name = String(input['RoleName']);
      const path = pathOf(input);
      const doc = String(input['AssumeRolePolicyDocument']);
      validateDoc(doc, 'trust');
      const tags = createTags(input['Tags']);
      if (input['PermissionsBoundary']) await checkBoundary(ctx, deps, String(input['PermissionsBoundary']));
      if (await ctx.store.getRole(acct, name)) throw new KamenError('ERR_ENTITY_ALREADY_EXISTS', `Role with name ${name} already exists.`);
      const role: Role = {
        accountId: acct,
        roleId: uniqueId('AROA'),
        roleName: name,
        path,
        arn: iamArn(acct, 'role', path, name),
        createDate: new Date(ctx.clock.now()),
        assumeRolePolicyDocument: doc,
        maxSessionDuration: input['MaxSessionDuration'] !== undefined ? Number(input['MaxSessionDuration']) : 3600,
        tags,
      };
      if (input['Description'] !== undefined) role.description = String(input['Description']);
      if (input['PermissionsBoundary']) role.permissionsBoundaryArn = String(input['PermissionsBoundary']);
      // The principals are resolved and bound in the transaction that saves the role (a concurrent delete of a named
      // identity either happens before, and the principal is refused, or after, and rewrites this policy).
      await ctx.store.transaction(async () => {
        await checkFederatedPrincipals(ctx.store, doc);
        const bound = await bindTrustPrincipals(ctx.store, doc);
        role.assumeRolePolicyDocument = bound.text;
        await ctx.store.createRole(role);
        await saveTrustBindings(ctx.store, role.roleId, bound);
      });
      const out = roleOut(role);
      // CreateRole answers without RoleLastUsed, MaxSessionDuration and Description (GetRole has them).
      delete out['RoleLastUsed'];
      delete out['MaxSessionDuration'];
      delete out['Description'];
      return { Role: out };
    },

    GetRole: async (ctx, input: Input) => ({ Role: roleOut(await mustRole(ctx, String(input['RoleName']))) }),

    UpdateRole: async (ctx, input: Input) => {
      const role = await mustRole(ctx, String(input['RoleName']));
      const patch: Partial<Role> = {};
      if (input['Description'] !== undefined) patch.description = String(input['Description']);
      if (input['MaxSessionDuration'] !== undefined) patch.maxSessionDuration = Number(input['MaxSessionDuration']);
      await ctx.store.updateRole(account(ctx), role.roleName, patch);
      return {};
    },

    UpdateRoleDescription: async (ctx, input: Input) => {
      const role = await mustRole(ctx, String(input['RoleName']));
      await ctx.store.updateRole(account(ctx), role.roleName, { description: String(input['Description']) });
      const out = roleOut(await mustRole(ctx, role.roleName), false);
      delete out['MaxSessionDuration']; // UpdateRoleDescription answers the role without MaxSessionDuration and RoleLastUsed
      return { Role: out };
    },

    UpdateAssumeRolePolicy: async (ctx, input: Input) => {
      const role = await mustRole(ctx, String(input['RoleName']));
      const doc = String(input['PolicyDocument']);
      validateDoc(doc, 'trust');
      await ctx.store.transaction(async () => {
        await checkFederatedPrincipals(ctx.store, doc);
        const bound = await bindTrustPrincipals(ctx.store, doc);
        const current = await ctx.store.getRoleById(role.roleId);
        if (!current) throw noRole(role.roleName);
        await ctx.store.updateRole(account(ctx), current.roleName, { assumeRolePolicyDocument: bound.text });
        await saveTrustBindings(ctx.store, current.roleId, bound);
      });
      return {};
    },

    DeleteRole: async (ctx, input: Input) => {
      const acct = account(ctx);
      const role = await mustRole(ctx, String(input['RoleName']));
      if ((await ctx.store.listInstanceProfilesForRole(acct, role.roleName)).length > 0) {
        throw new KamenError('ERR_DELETE_CONFLICT', 'Cannot delete entity, must remove roles from instance profile first.');
      }
      if ((await ctx.store.listInlinePolicies(acct, 'role', role.roleName)).length > 0) {
        throw new KamenError('ERR_DELETE_CONFLICT', 'Cannot delete entity, must delete policies first.');
      }
      if ((await ctx.store.listAttachedPolicies(acct, 'role', role.roleName)).length > 0) {
        throw new KamenError('ERR_DELETE_CONFLICT', 'Cannot delete entity, must detach all policies first.');
      }
      // Trust policies naming this role now show its unique ID: a role created later under the name is not trusted.
      await ctx.store.transaction(async () => {
        const current = await ctx.store.getRoleById(role.roleId);
        if (!current) throw noRole(role.roleName);
        await ctx.store.deleteRole(acct, current.roleName);
        await unbindDeletedPrincipal(ctx.store, current.roleId);
      });
      return {};
    },

    ListRoles: async (ctx, input: Input) => {
      const page = await ctx.store.listRoles(account(ctx), listOpts(input));
      return { Roles: page.items.map((r) => roleOut(r, false)), ...pageFields(page) };
    },

    ...tagOperations({ tag: 'TagRole', untag: 'UntagRole', list: 'ListRoleTags' }, (ctx, input) => mustRole(ctx, String(input['RoleName'])), (ctx, r, tags) => ctx.store.updateRole(account(ctx), r.roleName, { tags })),

    PutRolePermissionsBoundary: async (ctx, input: Input) => {
      const role = await mustRole(ctx, String(input['RoleName']));
      const arn = String(input['PermissionsBoundary']);
      await checkBoundary(ctx, deps, arn);
      await ctx.store.updateRole(account(ctx), role.roleName, { permissionsBoundaryArn: arn });
      return {};
    },

    DeleteRolePermissionsBoundary: async (ctx, input: Input) => {
      const role = await mustRole(ctx, String(input['RoleName']));
      await ctx.store.updateRole(account(ctx), role.roleName, { permissionsBoundaryArn: undefined });
      return {};
    },
  };
}
