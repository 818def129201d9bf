/**
 * The merged walk of AWS managed (catalog) and customer managed (store) policies in (case-folded name, ARN) order that
 * ListPolicies and GetAccountAuthorizationDetails page with keyset markers: each step is a binary search in the catalog
 * plus one index seek in the store, and usage counts are read only for the policies the step looked at.
 */
import type { ManagedPolicy, PolicyUsageCount, Store } from '../../store/store.js';
import type { ManagedCatalogEntry, ManagedPolicyCatalog } from './managed-catalog.js';

/** One policy met by the walk: its sort key, and the catalog entry or the customer managed policy. */
export interface WalkedPolicy {
  name: string; // case-folded
  arn: string;
  aws?: ManagedCatalogEntry;
  local?: ManagedPolicy;
  usage: PolicyUsageCount | undefined;
}

/** What to walk: the account, which sources, where to start, how many to keep, and which to keep. */
export interface PolicyWalk {
  accountId: string;
  aws: boolean;
  local: boolean;
  /** The (case-folded name, ARN) of the last policy already returned, or null to start at the beginning. */
  after: { name: string; arn: string } | null;
  /** The walk stops once it kept `limit + 1` policies (the extra one tells that a next page exists). */
  limit: number;
  pathPrefix: string | null;
  /** Keeps only the policies this accepts (e.g. OnlyAttached); absent keeps all. */
  keep?: (usage: PolicyUsageCount | undefined) => boolean;
}

/** The key order: case-folded name, then ARN. */
function cmp(a: { name: string; arn: string }, b: { name: string; arn: string }): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0;
}

/** Up to `n` catalog entries after `after` whose path starts with `prefix` (the catalog is sorted by case-folded name). */
function catalogAfter(list: readonly ManagedCatalogEntry[], after: { name: string; arn: string } | null, n: number, prefix: string | null): WalkedPolicy[] {
  let lo = 0;
  if (after) {
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const e = list[mid]!;
      if (cmp({ name: e.name.toLowerCase(), arn: e.arn }, after) <= 0) lo = mid + 1;
      else hi = mid;
    }
  }
  const out: WalkedPolicy[] = [];
  for (let i = lo; i < list.length && out.length < n; i++) {
    const e = list[i]!;
    if (prefix === null || e.path.startsWith(prefix)) out.push({ name: e.name.toLowerCase(), arn: e.arn, aws: e, usage: undefined });
  }
  return out;
}

/** Walks the merged policies from `w.after`; returns at most `w.limit + 1` kept policies, in order, with their usage. */
export async function walkPolicies(store: Store, catalog: ManagedPolicyCatalog, w: PolicyWalk): Promise<WalkedPolicy[]> {
  const list = w.aws ? catalog.list() : [];
  const kept: WalkedPolicy[] = [];
  let after = w.after;
  for (;;) {
    const need = w.limit + 1 - kept.length;
    if (need <= 0) break;
    // A filtered walk reads bigger steps: most policies of a catalog are not in use.
    const step = w.keep ? Math.max(need, 200) : need;
    const aws = w.aws ? catalogAfter(list, after, step, w.pathPrefix) : [];
    const local: WalkedPolicy[] = w.local
      ? (await store.listPoliciesAfter(w.accountId, after, step, w.pathPrefix ?? undefined)).map((p) => ({ name: p.policyName.toLowerCase(), arn: p.arn, local: p, usage: undefined }))
      : [];
    const merged = [...aws, ...local].sort(cmp).slice(0, step);
    if (merged.length === 0) break;
    const usage = await store.countPolicyUsage(w.accountId, merged.map((m) => m.arn));
    for (const m of merged) {
      m.usage = usage.get(m.arn);
      if (!w.keep || w.keep(m.usage)) kept.push(m);
      if (kept.length > w.limit) break;
    }
    // Both sources ran out within this step, and every policy they gave was looked at.
    if (aws.length < step && local.length < step && aws.length + local.length <= step) break;
    const last = merged[merged.length - 1]!;
    after = { name: last.name, arn: last.arn };
  }
  return kept;
}
