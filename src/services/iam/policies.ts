/** Managed policies: Create/Get/Delete/ListPolicies, policy tags, ListEntitiesForPolicy (AWS managed ones from the catalog). */
import { KamenError } from '../../errors.js';
import { uniqueId } from '../../ids.js';
import type { ManagedPolicy, PolicyUsageCount } from '../../store/store.js';
import { pageRequest, toPage } from '../../store/markers.js';
import type { Operation, OperationContext } from '../types.js';
import {
  account,
  catalogOf,
  createTags,
  iamArn,
  isAwsManagedArn,
  noPolicy,
  listOpts,
  pageFields,
  pathOf,
  validateDoc,
  type IamDeps,
  type Input,
} from './common.js';
import { tagOperations } from './tagging.js';
import type { ManagedCatalogEntry } from './managed-catalog.js';
import { walkPolicies } from './policy-walk.js';

/** How one policy is used in the caller's account: two indexed counts (attachments, permissions boundary uses). */
export async function policyUsageFor(ctx: OperationContext, arn: string): Promise<PolicyUsageCount | undefined> {
  return (await ctx.store.countPolicyUsage(account(ctx), [arn])).get(arn);
}

/** AttachmentCount, PermissionsBoundaryUsageCount and IsAttachable of a policy's Policy shape. */
function usageCounts(usage: PolicyUsageCount | undefined): { AttachmentCount: number; PermissionsBoundaryUsageCount: number; IsAttachable: true } {
  return {
    AttachmentCount: usage?.attachments ?? 0,
    PermissionsBoundaryUsageCount: usage?.boundaries ?? 0,
    IsAttachable: true,
  };
}

/** The Policy shape for a customer managed policy. */
export function localPolicyOut(p: ManagedPolicy, usage: PolicyUsageCount | undefined, opts: { description?: boolean; tags?: boolean } = {}): Input {
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
export function awsPolicyOut(e: ManagedCatalogEntry, usage: PolicyUsageCount | undefined): Input {
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

/** The uses PolicyUsageFilter counts (both when absent). */
function usageOf(u: PolicyUsageCount | undefined, filter: unknown): number {
  if (!u) return 0;
  if (filter === 'PermissionsPolicy') return u.attachments;
  if (filter === 'PermissionsBoundary') return u.boundaries;
  return u.attachments + u.boundaries;
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
        const [next] = await ctx.store.listPoliciesAfter(acct, { name: name.toLowerCase(), arn: '' }, 1);
        if (next && next.policyName.toLowerCase() === name.toLowerCase()) {
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
        const boundaryUses = (await policyUsageFor(ctx, arn))?.boundaries ?? 0;
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
      const onlyAttached = input['OnlyAttached'] === true || input['OnlyAttached'] === 'true';
      const filter = input['PolicyUsageFilter'];
      const p = pageRequest(
        ctx.store,
        ['iam:list-policies', acct, String(scope), onlyAttached ? `attached:${String(filter ?? '')}` : ''],
        listOpts(input),
        ['string', 'string'],
      );
      const walked = await walkPolicies(ctx.store, catalogOf(deps, ctx), {
        accountId: acct,
        aws: scope === 'All' || scope === 'AWS',
        local: scope === 'All' || scope === 'Local',
        after: p.after ? { name: String(p.after[0]), arn: String(p.after[1]) } : null,
        limit: p.limit,
        pathPrefix: p.pathPrefix,
        ...(onlyAttached ? { keep: (u: PolicyUsageCount | undefined) => usageOf(u, filter) > 0 } : {}),
      });
      const page = toPage(ctx.store, p, walked, (w) => (w.aws ? awsPolicyOut(w.aws, w.usage) : localPolicyOut(w.local!, w.usage)), (w) => [w.name, w.arn]);
      return { Policies: page.items, ...pageFields(page) };
    },

    ...tagOperations({ tag: 'TagPolicy', untag: 'UntagPolicy', list: 'ListPolicyTags' }, (ctx, input) => mustLocalPolicy(ctx, String(input['PolicyArn'])), (ctx, p, tags) => ctx.store.updatePolicy(p.arn, { tags }), 'sensitive'),

    ListEntitiesForPolicy: async (ctx, input: Input) => {
      const acct = account(ctx);
      const arn = String(input['PolicyArn']);
      if (isAwsManagedArn(arn)) {
        if (!catalogOf(deps, ctx).get(arn)) throw noPolicy(arn);
      } else await mustLocalPolicy(ctx, arn);
      const filter = input['EntityFilter'] as string | undefined;
      const usageFilter = input['PolicyUsageFilter'] as string | undefined;
      const kinds = (['user', 'group', 'role'] as const).filter((k) => !filter || filter.toLowerCase() === k);
      const page = await ctx.store.listPolicyEntities(
        acct,
        arn,
        { kinds, attached: usageFilter !== 'PermissionsBoundary', boundary: usageFilter !== 'PermissionsPolicy' },
        listOpts(input),
      );
      const out: Input = { PolicyGroups: [], PolicyUsers: [], PolicyRoles: [] };
      for (const e of page.items) {
        if (e.kind === 'user') (out['PolicyUsers'] as Input[]).push({ UserName: e.name, UserId: e.id });
        else if (e.kind === 'group') (out['PolicyGroups'] as Input[]).push({ GroupName: e.name, GroupId: e.id });
        else (out['PolicyRoles'] as Input[]).push({ RoleName: e.name, RoleId: e.id });
      }
      return { ...out, ...pageFields(page) };
    },
  };
}
