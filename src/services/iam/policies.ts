/** Managed policies: Create/Get/Delete/ListPolicies, policy tags, ListEntitiesForPolicy (AWS managed ones from the catalog). */
import { KamenError } from '../../errors.js';
import { uniqueId } from '../../ids.js';
import type { ManagedPolicy, PolicyAttachment } from '../../store/store.js';
import type { Operation, OperationContext } from '../types.js';
import {
  account,
  catalogOf,
  createTags,
  iamArn,
  isAwsManagedArn,
  listAll,
  noPolicy,
  paginate,
  pathOf,
  validateDoc,
  type IamDeps,
  type Input,
} from './common.js';
import { tagOperations } from './tagging.js';
import type { ManagedCatalogEntry } from './managed-catalog.js';

/** How a policy is used in one account. */
export interface PolicyUsage {
  attachments: PolicyAttachment[];
  boundaryUsers: string[];
  boundaryRoles: string[];
}

/** Scans the account's users, groups and roles once: attachments and boundary uses per policy ARN. */
export async function accountPolicyUsage(ctx: OperationContext): Promise<Map<string, PolicyUsage>> {
  const acct = account(ctx);
  const s = ctx.store;
  const map = new Map<string, PolicyUsage>();
  const at = (arn: string): PolicyUsage => {
    let u = map.get(arn);
    if (!u) map.set(arn, (u = { attachments: [], boundaryUsers: [], boundaryRoles: [] }));
    return u;
  };
  for (const u of await listAll((o) => s.listUsers(acct, o))) {
    for (const arn of await s.listAttachedPolicies(acct, 'user', u.userName)) at(arn).attachments.push({ accountId: acct, kind: 'user', principalName: u.userName, policyArn: arn });
    if (u.permissionsBoundaryArn) at(u.permissionsBoundaryArn).boundaryUsers.push(u.userName);
  }
  for (const g of await listAll((o) => s.listGroups(acct, o))) {
    for (const arn of await s.listAttachedPolicies(acct, 'group', g.groupName)) at(arn).attachments.push({ accountId: acct, kind: 'group', principalName: g.groupName, policyArn: arn });
  }
  for (const r of await listAll((o) => s.listRoles(acct, o))) {
    for (const arn of await s.listAttachedPolicies(acct, 'role', r.roleName)) at(arn).attachments.push({ accountId: acct, kind: 'role', principalName: r.roleName, policyArn: arn });
    if (r.permissionsBoundaryArn) at(r.permissionsBoundaryArn).boundaryRoles.push(r.roleName);
  }
  return map;
}

/** How one policy is used in the account (one attachment query plus a scan of users' and roles' boundaries). */
export async function policyUsageFor(ctx: OperationContext, arn: string): Promise<PolicyUsage> {
  const acct = account(ctx);
  const s = ctx.store;
  const attachments = await s.listPolicyAttachments(acct, arn);
  const boundaryUsers = (await listAll((o) => s.listUsers(acct, o))).filter((u) => u.permissionsBoundaryArn === arn).map((u) => u.userName);
  const boundaryRoles = (await listAll((o) => s.listRoles(acct, o))).filter((r) => r.permissionsBoundaryArn === arn).map((r) => r.roleName);
  return { attachments, boundaryUsers, boundaryRoles };
}

/** AttachmentCount, PermissionsBoundaryUsageCount and IsAttachable of a policy's Policy shape. */
function usageCounts(usage: PolicyUsage | undefined): { AttachmentCount: number; PermissionsBoundaryUsageCount: number; IsAttachable: true } {
  return {
    AttachmentCount: usage?.attachments.length ?? 0,
    PermissionsBoundaryUsageCount: (usage?.boundaryUsers.length ?? 0) + (usage?.boundaryRoles.length ?? 0),
    IsAttachable: true,
  };
}

/** The Policy shape for a customer managed policy. */
export function localPolicyOut(p: ManagedPolicy, usage: PolicyUsage | undefined, opts: { description?: boolean; tags?: boolean } = {}): Input {
  const o: Input = {
    PolicyName: p.policyName,
    PolicyId: p.policyId,
    Arn: p.arn,
    Path: p.path,
    DefaultVersionId: p.defaultVersionId,
    ...usageCounts(usage),
  };
  if (opts.description && p.description !== undefined) o['Description'] = p.description;
  o['CreateDate'] = p.createDate;
  o['UpdateDate'] = p.updateDate;
  if (opts.tags && p.tags.length > 0) o['Tags'] = p.tags;
  return o;
}

/** The Policy shape for an AWS managed policy. */
export function awsPolicyOut(e: ManagedCatalogEntry, usage: PolicyUsage | undefined): Input {
  return {
    PolicyName: e.name,
    PolicyId: e.policyId,
    Arn: e.arn,
    Path: e.path,
    DefaultVersionId: e.defaultVersionId,
    ...usageCounts(usage),
    CreateDate: e.createDate,
    UpdateDate: e.updateDate,
  };
}

/** A customer managed policy of the caller's account, or NoSuchEntity. */
export async function mustLocalPolicy(ctx: OperationContext, arn: string): Promise<ManagedPolicy> {
  const p = await ctx.store.getPolicy(arn);
  if (!p || p.accountId !== account(ctx)) throw noPolicy(arn);
  return p;
}

function usageOf(u: PolicyUsage | undefined, filter: unknown): number {
  if (!u) return 0;
  if (filter === 'PermissionsPolicy') return u.attachments.length;
  if (filter === 'PermissionsBoundary') return u.boundaryUsers.length + u.boundaryRoles.length;
  return u.attachments.length + u.boundaryUsers.length + u.boundaryRoles.length;
}

/** The managed policy operations. */
export function policyOperations(deps: IamDeps): Record<string, Operation> {
  return {
    CreatePolicy: async (ctx, input: Input) => {
      const acct = account(ctx);
      const name = String(input['PolicyName']);
      const path = pathOf(input);
      const doc = String(input['PolicyDocument']);
      validateDoc(doc, 'identity', true);
      const tags = createTags(input['Tags'], 'sensitive');
      const arn = iamArn(acct, 'policy', path, name);
      const now = new Date(ctx.clock.now());
      const policy: ManagedPolicy = { accountId: acct, policyId: uniqueId('ANPA'), policyName: name, path, arn, defaultVersionId: 'v1', createDate: now, updateDate: now, tags };
      if (input['Description'] !== undefined) policy.description = String(input['Description']);
      await ctx.store.transaction(async () => {
        const existing = await listAll((o) => ctx.store.listPolicies(acct, o));
        if (existing.some((p) => p.policyName.toLowerCase() === name.toLowerCase())) {
          throw new KamenError('ERR_ENTITY_ALREADY_EXISTS', `A policy called ${name} already exists. Duplicate names are not allowed.`);
        }
        await ctx.store.createPolicy(policy, { policyArn: arn, versionId: 'v1', document: doc, isDefaultVersion: true, createDate: now });
        await ctx.store.setSetting(`iam:policy-version-counter:${arn}`, '1');
      });
      return { Policy: localPolicyOut(policy, undefined, { tags: true }) };
    },

    GetPolicy: async (ctx, input: Input) => {
      const arn = String(input['PolicyArn']);
      if (isAwsManagedArn(arn)) {
        const e = catalogOf(deps, ctx).get(arn);
        if (!e) throw noPolicy(arn);
        return { Policy: { ...awsPolicyOut(e, await policyUsageFor(ctx, arn)), Tags: [] } };
      }
      const local = await mustLocalPolicy(ctx, arn);
      const out = localPolicyOut(local, await policyUsageFor(ctx, arn), { description: true, tags: true });
      out['Tags'] ??= []; // GetPolicy answers <Tags/> even when the policy has none
      return { Policy: out };
    },

    DeletePolicy: async (ctx, input: Input) => {
      const arn = String(input['PolicyArn']);
      if (isAwsManagedArn(arn)) throw noPolicy(arn);
      // One transaction: a concurrent attach or CreatePolicyVersion cannot land between the checks and the delete.
      await ctx.store.transaction(async () => {
        const p = await mustLocalPolicy(ctx, arn);
        // A policy in use as a permissions boundary counts as attached.
        const usage = await policyUsageFor(ctx, arn);
        const boundaryUses = (usage?.boundaryUsers.length ?? 0) + (usage?.boundaryRoles.length ?? 0);
        if ((await ctx.store.countPolicyAttachments(arn)) > 0 || boundaryUses > 0) {
          throw new KamenError('ERR_DELETE_CONFLICT', 'Cannot delete a policy attached to entities.');
        }
        if ((await ctx.store.listPolicyVersions(arn)).length > 1) {
          throw new KamenError(
            'ERR_DELETE_CONFLICT',
            "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
          );
        }
        await ctx.store.deletePolicy(p.arn);
      });
      return {};
    },

    ListPolicies: async (ctx, input: Input) => {
      const acct = account(ctx);
      const scope = (input['Scope'] as string | undefined) ?? 'All';
      const prefix = input['PathPrefix'] !== undefined ? String(input['PathPrefix']) : '/';
      const onlyAttached = input['OnlyAttached'] === true || input['OnlyAttached'] === 'true';
      const filter = input['PolicyUsageFilter'];
      const usage = await accountPolicyUsage(ctx);
      const rows: Array<{ name: string; out: () => Input; arn: string }> = [];
      if (scope === 'All' || scope === 'AWS') {
        for (const e of catalogOf(deps, ctx).list()) {
          if (e.path.startsWith(prefix)) rows.push({ name: e.name, arn: e.arn, out: () => awsPolicyOut(e, usage.get(e.arn)) });
        }
      }
      if (scope === 'All' || scope === 'Local') {
        for (const p of await listAll((o) => ctx.store.listPolicies(acct, o), prefix)) {
          rows.push({ name: p.policyName, arn: p.arn, out: () => localPolicyOut(p, usage.get(p.arn)) });
        }
      }
      const kept = rows
        .filter((r) => (onlyAttached ? usageOf(usage.get(r.arn), filter) > 0 : true))
        .sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : a.name.toLowerCase() > b.name.toLowerCase() ? 1 : a.arn < b.arn ? -1 : 1));
      const page = paginate(kept, input);
      return { Policies: page.items.map((r) => r.out()), IsTruncated: page.IsTruncated, ...(page.Marker ? { Marker: page.Marker } : {}) };
    },

    ...tagOperations({ tag: 'TagPolicy', untag: 'UntagPolicy', list: 'ListPolicyTags' }, (ctx, input) => mustLocalPolicy(ctx, String(input['PolicyArn'])), (ctx, p, tags) => ctx.store.updatePolicy(p.arn, { tags }), 'sensitive'),

    ListEntitiesForPolicy: async (ctx, input: Input) => {
      const acct = account(ctx);
      const arn = String(input['PolicyArn']);
      if (isAwsManagedArn(arn)) {
        if (!catalogOf(deps, ctx).get(arn)) throw noPolicy(arn);
      } else await mustLocalPolicy(ctx, arn);
      const u = await policyUsageFor(ctx, arn);
      const filter = input['EntityFilter'] as string | undefined;
      const usageFilter = input['PolicyUsageFilter'] as string | undefined;
      const prefix = input['PathPrefix'] !== undefined ? String(input['PathPrefix']) : '/';
      const entries: Array<{ kind: 'user' | 'group' | 'role'; name: string }> = [];
      if (usageFilter !== 'PermissionsBoundary') for (const a of u.attachments) entries.push({ kind: a.kind, name: a.principalName });
      if (usageFilter !== 'PermissionsPolicy') {
        for (const n of u.boundaryUsers) entries.push({ kind: 'user', name: n });
        for (const n of u.boundaryRoles) entries.push({ kind: 'role', name: n });
      }
      const wanted = entries.filter((e) => !filter || filter.toLowerCase() === e.kind);
      const out: Input = { PolicyGroups: [], PolicyUsers: [], PolicyRoles: [] };
      const rows: Array<{ list: string; item: Input }> = [];
      const seen = new Set<string>();
      for (const e of wanted) {
        const key = `${e.kind}:${e.name.toLowerCase()}`;
        if (seen.has(key)) continue;
        seen.add(key);
        if (e.kind === 'user') {
          const x = await ctx.store.getUser(acct, e.name);
          if (x && x.path.startsWith(prefix)) rows.push({ list: 'PolicyUsers', item: { UserName: x.userName, UserId: x.userId } });
        } else if (e.kind === 'group') {
          const x = await ctx.store.getGroup(acct, e.name);
          if (x && x.path.startsWith(prefix)) rows.push({ list: 'PolicyGroups', item: { GroupName: x.groupName, GroupId: x.groupId } });
        } else {
          const x = await ctx.store.getRole(acct, e.name);
          if (x && x.path.startsWith(prefix)) rows.push({ list: 'PolicyRoles', item: { RoleName: x.roleName, RoleId: x.roleId } });
        }
      }
      const page = paginate(rows, input);
      for (const r of page.items) (out[r.list] as Input[]).push(r.item);
      out['IsTruncated'] = page.IsTruncated;
      if (page.Marker) out['Marker'] = page.Marker;
      return out;
    },
  };
}
