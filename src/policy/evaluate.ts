/** Evaluating one compiled policy against a request: which statements apply, Deny seen, strongest Allow. */
import type { CompiledPolicy, CompiledStatement, RequestContext, StatementRef } from './types.js';

/** Bit set in evaluatePolicy's result when a Deny statement applied. */
export const DENIED = 4;

/**
 * Evaluates a policy. Result: DENIED bit | strength of the best Allow (0 none, 1 account, 2 role, 3 direct;
 * identity-side policies always report 3). Applying statements are appended to `matched`.
 */
export function evaluatePolicy(p: CompiledPolicy, ctx: RequestContext, matched: StatementRef[]): number {
  const r = evaluateList(p.anyService, ctx, matched);
  const own = p.byService.get(ctx.service);
  if (own === undefined) return r;
  const o = evaluateList(own, ctx, matched);
  // Deny bits OR; Allow strengths take the maximum (1 | 2 would wrongly read as 3).
  return ((r | o) & DENIED) | Math.max(r & 3, o & 3);
}

/** Evaluates a list of statements (see evaluatePolicy for the result's encoding). */
function evaluateList(sts: CompiledStatement[], ctx: RequestContext, matched: StatementRef[]): number {
  let allow = 0;
  let deny = 0;
  const a = ctx.actionLower;
  for (let i = 0; i < sts.length; i++) {
    const s = sts[i]!;
    if (!s.matchAction(a)) continue;
    if (!s.matchResource(ctx)) continue;
    const pm = s.matchPrincipal(ctx);
    if (pm === 0) continue;
    if (!s.matchConditions(ctx)) continue;
    matched.push(s.ref);
    if (s.deny) deny = DENIED;
    else if (pm > allow) allow = pm;
  }
  return deny | allow;
}
