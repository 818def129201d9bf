/**
 * Service-linked roles: CreateServiceLinkedRole (AWS's per-service names, `/aws-service-role/<service>/` path, the
 * service's trust and managed policy), DeleteServiceLinkedRole + GetServiceLinkedRoleDeletionStatus, and the guard
 * that answers UnmodifiableEntity when any other operation edits or deletes such a role.
 */
import { randomUUID } from 'node:crypto';
import { KamenError } from '../../errors.js';
import { uniqueId } from '../../ids.js';
import type { Role } from '../../store/store.js';
import type { Operation, OperationContext } from '../types.js';
import { account, iamArn, mustRole, noRole, roleOut, type IamDeps, type Input } from './common.js';
import { unbindDeletedPrincipal } from './principal-binding.js';
import { SERVICE_LINKED_ROLES, serviceRolePolicyArn } from './service-linked-role-catalog.js';

/** The path prefix of every service-linked role (reserved for them). */
export const SERVICE_ROLE_PATH = '/aws-service-role/';

/** True when the role is a service-linked role (AWS keeps them under /aws-service-role/). */
export function isServiceLinkedRole(role: Pick<Role, 'path'>): boolean {
  return role.path.startsWith(SERVICE_ROLE_PATH);
}

/** AWS's UnmodifiableEntity for an edit of a protected (service-linked) role. */
export function protectedRole(name: string): KamenError {
  return new KamenError('ERR_UNMODIFIABLE_ENTITY', `Cannot perform the operation on the protected role '${name}' - this role is only modifiable by AWS`);
}

/** The operations that edit or delete a role by RoleName and are refused on a service-linked role (its description stays editable). */
export const PROTECTED_ROLE_OPERATIONS: readonly string[] = [
  'DeleteRole',
  'UpdateRole',
  'UpdateAssumeRolePolicy',
  'PutRolePolicy',
  'DeleteRolePolicy',
  'AttachRolePolicy',
  'DetachRolePolicy',
  'PutRolePermissionsBoundary',
  'DeleteRolePermissionsBoundary',
  'AddRoleToInstanceProfile',
];

/** The settings key holding one deletion task's status (tasks are per account). */
function taskKey(accountId: string, taskId: string): string {
  return `iam.slr-deletion:${accountId}:${taskId}`;
}

const TASK_ID = /^task\/aws-service-role\/[\w+=,.@-]+\/[\w+=,.@-]+\/[0-9a-f-]{36}$/;

/** The trust policy AWS writes on a service-linked role: the service principal may assume it. */
export function serviceTrustPolicy(service: string): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }] });
}

/**
 * Wraps the role-editing operations so that a service-linked role answers UnmodifiableEntity (and CreateRole refuses
 * the reserved path); every other operation is returned as it is.
 */
export function protectServiceLinkedRoles(ops: Record<string, Operation>): Record<string, Operation> {
  const out = { ...ops };
  for (const name of PROTECTED_ROLE_OPERATIONS) {
    const inner = ops[name];
    if (!inner) continue;
    out[name] = async (ctx: OperationContext, input: Input) => {
      // A service-linked role's description may be edited (UpdateRole with only a Description), nothing else.
      if (name === 'UpdateRole' && input['MaxSessionDuration'] === undefined) return inner(ctx, input);
      const role = await ctx.store.getRole(account(ctx), String(input['RoleName']));
      if (role && isServiceLinkedRole(role)) throw protectedRole(role.roleName);
      return inner(ctx, input);
    };
  }
  const create = ops['CreateRole'];
  if (create) {
    out['CreateRole'] = async (ctx: OperationContext, input: Input) => {
      const path = input['Path'];
      if (typeof path === 'string' && path.startsWith(SERVICE_ROLE_PATH)) {
        throw new KamenError('ERR_INVALID_INPUT', `The path ${path} is reserved for service-linked roles.`);
      }
      return create(ctx, input);
    };
  }
  return out;
}

/** The service-linked role operations. */
export function serviceLinkedRoleOperations(deps: IamDeps): Record<string, Operation> {
  return {
    CreateServiceLinkedRole: async (ctx, input: Input) => {
      const acct = account(ctx);
      const service = String(input['AWSServiceName']);
      const spec = SERVICE_LINKED_ROLES.get(service);
      if (!spec) throw new KamenError('ERR_INVALID_INPUT', `Invalid ServiceName: ${service}`);
      const suffix = input['CustomSuffix'] === undefined ? undefined : String(input['CustomSuffix']);
      if (suffix !== undefined && !spec.customSuffix) throw new KamenError('ERR_INVALID_INPUT', `Custom suffix is not allowed for ${service}`);
      const name = suffix === undefined ? spec.roleName : `${spec.roleName}_${suffix}`;
      if (name.length > 64) throw new KamenError('ERR_INVALID_INPUT', `Role name ${name} is too long: the CustomSuffix makes it longer than 64 characters.`);
      const path = `${SERVICE_ROLE_PATH}${service}/`;
      const policyArn = serviceRolePolicyArn(spec.policy);
      const role: Role = {
        accountId: acct,
        roleId: uniqueId('AROA'),
        roleName: name,
        path,
        arn: iamArn(acct, 'role', path, name),
        createDate: new Date(ctx.clock.now()),
        assumeRolePolicyDocument: serviceTrustPolicy(service),
        maxSessionDuration: 3600,
        tags: [],
      };
      if (input['Description'] !== undefined) role.description = String(input['Description']);
      await ctx.store.transaction(async () => {
        if (await ctx.store.getRole(acct, name)) {
          throw new KamenError('ERR_INVALID_INPUT', `Service role name ${name} has been taken in this account, please try a different suffix.`);
        }
        await ctx.store.createRole(role);
        if (deps.managedPolicies.get(policyArn)) await ctx.store.attachPolicy({ accountId: acct, kind: 'role', principalName: name, policyArn });
      });
      const out = roleOut(role);
      delete out['RoleLastUsed'];
      delete out['MaxSessionDuration'];
      return { Role: out };
    },

    DeleteServiceLinkedRole: async (ctx, input: Input) => {
      const acct = account(ctx);
      const role = await mustRole(ctx, String(input['RoleName']));
      if (!isServiceLinkedRole(role)) {
        throw new KamenError('ERR_INVALID_INPUT', `Role ${role.roleName} is not a service-linked role.`);
      }
      const service = role.path.slice(SERVICE_ROLE_PATH.length, -1);
      const taskId = `task${role.path}${role.roleName}/${randomUUID()}`;
      // The service holds no resources in kamen, so the deletion succeeds at once: the role goes with its policies.
      await ctx.store.transaction(async () => {
        const current = await ctx.store.getRoleById(role.roleId);
        if (!current) throw noRole(role.roleName);
        for (const p of await ctx.store.listInlinePolicies(acct, 'role', current.roleName)) {
          await ctx.store.deleteInlinePolicy(acct, 'role', current.roleName, p.policyName);
        }
        for (const arn of await ctx.store.listAttachedPolicies(acct, 'role', current.roleName)) {
          await ctx.store.detachPolicy({ accountId: acct, kind: 'role', principalName: current.roleName, policyArn: arn });
        }
        for (const p of await ctx.store.listInstanceProfilesForRole(acct, current.roleName)) {
          await ctx.store.updateInstanceProfile(acct, p.name, { roleNames: p.roleNames.filter((n) => n !== current.roleName) });
        }
        await ctx.store.deleteRole(acct, current.roleName);
        await unbindDeletedPrincipal(ctx.store, current.roleId);
        await ctx.store.setSetting(taskKey(acct, taskId), JSON.stringify({ status: 'SUCCEEDED', service }));
      });
      return { DeletionTaskId: taskId };
    },

    GetServiceLinkedRoleDeletionStatus: async (ctx, input: Input) => {
      const taskId = String(input['DeletionTaskId']);
      if (!TASK_ID.test(taskId)) throw new KamenError('ERR_INVALID_INPUT', `Invalid deletion task id: ${taskId}`);
      const text = await ctx.store.getSetting(taskKey(account(ctx), taskId));
      if (text === undefined) throw new KamenError('ERR_NO_SUCH_ENTITY', `Deletion task ${taskId} cannot be found.`);
      const task = JSON.parse(text) as { status: string };
      return { Status: task.status };
    },
  };
}
