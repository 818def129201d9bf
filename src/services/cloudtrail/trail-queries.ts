/** DescribeTrails, GetTrail, ListTrails: the trails the caller sees from the calling region. */
import type { TrailRecord } from '../../store/store.js';
import type { OperationContext } from '../types.js';
import { findTrail, parseTrailRef, visibleTo } from './trail-ref.js';
import { trailShape } from './trail-view.js';

/** Every trail the caller may see in any region: its own, and its organization's organization trails. */
async function candidates(ctx: OperationContext): Promise<TrailRecord[]> {
  const own = await ctx.store.listTrails(ctx.caller.accountId);
  const org = await ctx.store.getOrganization();
  if (!org || org.managementAccountId === ctx.caller.accountId) return own;
  const orgTrails = (await ctx.store.listTrails(org.managementAccountId)).filter((t) => t.isOrganizationTrail);
  return [...own, ...orgTrails];
}

/** The DescribeTrails operation: the named trails (names or ARNs), or all; shadow trails unless includeShadowTrails is false. */
export function describeTrails() {
  return async (ctx: OperationContext, input: { trailNameList?: string[]; includeShadowTrails?: boolean }) => {
    const shadows = input.includeShadowTrails ?? true;
    const names = input.trailNameList ?? [];
    const refs = names.map((n) => parseTrailRef(ctx, n));
    const out: Array<Record<string, unknown>> = [];
    for (const t of await candidates(ctx)) {
      if (!(await visibleTo(ctx, t))) continue;
      if (!shadows && t.homeRegion !== ctx.region) continue;
      if (!shadows && t.accountId !== ctx.caller.accountId) continue;
      if (refs.length > 0 && !refs.some((r) => (r.byArn ? r.arn === t.arn : r.name === t.name && t.accountId === ctx.caller.accountId))) continue;
      out.push(trailShape(t));
    }
    return { trailList: out };
  };
}

/** The GetTrail operation. */
export function getTrail() {
  return async (ctx: OperationContext, input: { Name: string }) => ({ Trail: trailShape(await findTrail(ctx, input.Name)) });
}

/** The ListTrails operation: every trail of the account in every region (and the organization's trails), one page. */
export function listTrails() {
  return async (ctx: OperationContext, _input: { NextToken?: string }) => ({
    Trails: (await candidates(ctx)).map((t) => ({ TrailARN: t.arn, Name: t.name, HomeRegion: t.homeRegion })),
  });
}
