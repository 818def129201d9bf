/** Organizations tree operations: roots, OUs, parents and children. */
import { KamenError } from '../../errors.js';
import { randomLowerAlnum } from '../../ids.js';
import type { Organization, OrganizationalUnit, Store, Tag } from '../../store/store.js';
import type { Operation } from '../types.js';
import { MSG, storePage, managementOnly, maxResults, ouShape, pageArray, parentType } from './common.js';
import { attachDefaultPolicies, enabledPolicyTypes, rootWithTypes } from './policy-types.js';
import { dropResourceTags, setResourceTags } from './admin.js';

/** AWS allows OUs five levels deep under the root. */
const MAX_OU_DEPTH = 5;

async function ouDepth(store: Store, id: string): Promise<number> {
  let depth = 0;
  let cur: string | undefined = id;
  while (cur && cur.startsWith('ou-') && depth <= MAX_OU_DEPTH + 1) {
    depth++;
    cur = (await store.getOrganizationalUnit(cur))?.parentId;
  }
  return depth;
}

async function nameTaken(store: Store, parentId: string, name: string, exceptId?: string): Promise<boolean> {
  let marker: string | undefined;
  do {
    const page = await store.listOrganizationalUnitsForParent(parentId, { marker, maxItems: 1000 });
    if (page.items.some((o) => o.name === name && o.id !== exceptId)) return true;
    marker = page.nextMarker;
  } while (marker);
  return false;
}

async function requireOu(store: Store, id: string): Promise<OrganizationalUnit> {
  const ou = id.startsWith('ou-') ? await store.getOrganizationalUnit(id) : undefined;
  if (!ou) throw new KamenError('ERR_ORG_OU_NOT_FOUND', MSG.ouNotFound);
  return ou;
}

/** ListRoots: the one root. */
export const listRoots = (): Operation => managementOnly(async (ctx, input: { NextToken?: string; MaxResults?: number }, org) => {
  const page = pageArray([rootWithTypes(org, await enabledPolicyTypes(ctx.store))], input, 'roots');
  return { Roots: page.items, ...(page.NextToken ? { NextToken: page.NextToken } : {}) };
});

/** CreateOrganizationalUnit under the root or an OU. */
export const createOrganizationalUnit = (): Operation => managementOnly(async (ctx, input: { ParentId: string; Name: string; Tags?: Tag[] }, org: Organization) => {
  return ctx.store.transaction(async () => {
    if (!(await parentType(ctx.store, org, input.ParentId))) throw new KamenError('ERR_ORG_PARENT_NOT_FOUND', MSG.parentNotFound);
    if ((await ouDepth(ctx.store, input.ParentId)) >= MAX_OU_DEPTH) {
      throw new KamenError('ERR_ORG_CONSTRAINT_VIOLATION', MSG.ouDepth, { Reason: 'OU_DEPTH_LIMIT_EXCEEDED' });
    }
    if (await nameTaken(ctx.store, input.ParentId, input.Name)) throw new KamenError('ERR_ORG_DUPLICATE_OU', MSG.duplicateOu);
    const id = `ou-${org.rootId.slice(2)}-${randomLowerAlnum(8)}`;
    const ou: OrganizationalUnit = { id, arn: `arn:aws:organizations::${org.managementAccountId}:ou/${org.id}/${id}`, name: input.Name, parentId: input.ParentId };
    await ctx.store.putOrganizationalUnit(ou);
    await attachDefaultPolicies(ctx.store, id);
    await setResourceTags(ctx, id, input.Tags);
    return { OrganizationalUnit: ouShape(ou) };
  });
});

/** DescribeOrganizationalUnit. */
export const describeOrganizationalUnit = (): Operation => managementOnly(async (ctx, input: { OrganizationalUnitId: string }) => {
  return { OrganizationalUnit: ouShape(await requireOu(ctx.store, input.OrganizationalUnitId)) };
});

/** UpdateOrganizationalUnit: renames the OU (a missing Name leaves it as is). */
export const updateOrganizationalUnit = (): Operation => managementOnly(async (ctx, input: { OrganizationalUnitId: string; Name?: string }) => {
  return ctx.store.transaction(async () => {
    const ou = await requireOu(ctx.store, input.OrganizationalUnitId);
    if (input.Name !== undefined && input.Name !== ou.name) {
      if (await nameTaken(ctx.store, ou.parentId, input.Name, ou.id)) throw new KamenError('ERR_ORG_DUPLICATE_OU', MSG.duplicateOu);
      ou.name = input.Name;
      await ctx.store.putOrganizationalUnit(ou);
    }
    return { OrganizationalUnit: ouShape(ou) };
  });
});

/** DeleteOrganizationalUnit: only when it holds no accounts and no OUs. */
export const deleteOrganizationalUnit = (): Operation => managementOnly(async (ctx, input: { OrganizationalUnitId: string }) => {
  return ctx.store.transaction(async () => {
    const ou = await requireOu(ctx.store, input.OrganizationalUnitId);
    const accounts = await ctx.store.listAccountsForParent(ou.id, { maxItems: 1 });
    const ous = await ctx.store.listOrganizationalUnitsForParent(ou.id, { maxItems: 1 });
    if (accounts.items.length || ous.items.length) throw new KamenError('ERR_ORG_OU_NOT_EMPTY', MSG.ouNotEmpty);
    await ctx.store.deleteOrganizationalUnit(ou.id);
    await dropResourceTags(ctx, ou.id);
    return {};
  });
});

/** ListOrganizationalUnitsForParent. */
export const listOrganizationalUnitsForParent = (): Operation => managementOnly(async (ctx, input: { ParentId: string; NextToken?: string; MaxResults?: number }, org) => {
  if (!(await parentType(ctx.store, org, input.ParentId))) throw new KamenError('ERR_ORG_PARENT_NOT_FOUND', MSG.parentNotFound);
  const page = await storePage(() => ctx.store.listOrganizationalUnitsForParent(input.ParentId, { marker: input.NextToken, maxItems: maxResults(input) }));
  return { OrganizationalUnits: page.items.map(ouShape), ...(page.nextMarker ? { NextToken: page.nextMarker } : {}) };
});

/** ListParents: the one parent of an account or OU. */
export const listParents = (): Operation => managementOnly(async (ctx, input: { ChildId: string; NextToken?: string; MaxResults?: number }, org) => {
  let parentId: string | undefined;
  if (/^\d{12}$/.test(input.ChildId)) parentId = (await ctx.store.getAccount(input.ChildId))?.parentId;
  else if (input.ChildId.startsWith('ou-')) parentId = (await ctx.store.getOrganizationalUnit(input.ChildId))?.parentId;
  if (!parentId) throw new KamenError('ERR_ORG_CHILD_NOT_FOUND', MSG.childNotFound);
  const page = pageArray([{ Id: parentId, Type: parentId === org.rootId ? 'ROOT' : 'ORGANIZATIONAL_UNIT' }], input, 'parents');
  return { Parents: page.items, ...(page.NextToken ? { NextToken: page.NextToken } : {}) };
});

/** ListChildren of one type (ACCOUNT or ORGANIZATIONAL_UNIT). */
export const listChildren = (): Operation => managementOnly(async (ctx, input: { ParentId: string; ChildType: string; NextToken?: string; MaxResults?: number }, org) => {
  if (!(await parentType(ctx.store, org, input.ParentId))) throw new KamenError('ERR_ORG_PARENT_NOT_FOUND', MSG.parentNotFound);
  const opts = { marker: input.NextToken, maxItems: maxResults(input) };
  const page =
    input.ChildType === 'ACCOUNT'
      ? await storePage(() => ctx.store.listAccountsForParent(input.ParentId, opts))
      : await storePage(() => ctx.store.listOrganizationalUnitsForParent(input.ParentId, opts));
  return {
    Children: page.items.map((c) => ({ Id: c.id, Type: input.ChildType })),
    ...(page.nextMarker ? { NextToken: page.nextMarker } : {}),
  };
});
