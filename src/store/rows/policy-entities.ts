/**
 * ListEntitiesForPolicy's keyset walk, shared by both backends: principals in (kind, case-folded name) order, each kind
 * merged from two index seeks (attached to the policy, and bounded by it), a principal using it both ways listed once.
 */
import type { ListOptions, Page, PolicyEntity, PolicyEntityFilter, PrincipalKind } from '../store.js';
import { pageRequest, toPage, type Paging } from '../markers.js';

/** Where a principal's use of the policy comes from. */
export type PolicyUse = 'attached' | 'boundary';

/** One backend's seek: principals of `kind` using the policy by `use`, case-folded name after `after`, at most `limit`, by name. */
export type PolicyEntitySeek = (kind: PrincipalKind, use: PolicyUse, after: string, limit: number, pathPrefix: string | null) => Promise<Array<{ name: string; id: string }>>;

/** Kinds in listing order. */
const ORDER: readonly PrincipalKind[] = ['group', 'role', 'user'];

/** Pages the principals using `policyArn` in `accountId` through `seek`, with a marker bound to the policy and the filter. */
export async function pagePolicyEntities(
  paging: Paging,
  accountId: string,
  policyArn: string,
  filter: PolicyEntityFilter,
  opts: ListOptions | undefined,
  seek: PolicyEntitySeek,
): Promise<Page<PolicyEntity>> {
  const kinds = ORDER.filter((k) => filter.kinds.includes(k));
  const scope = ['iam:policy-entities', accountId, policyArn, kinds.join(','), filter.attached ? 'a' : '', filter.boundary ? 'b' : ''];
  const p = pageRequest(paging, scope, opts, ['string', 'string']);
  const afterKind = p.after ? String(p.after[0]) : '';
  const rows: PolicyEntity[] = [];
  for (const kind of kinds) {
    if (kind < afterKind) continue;
    const need = p.limit + 1 - rows.length;
    if (need <= 0) break;
    const after = p.after && kind === afterKind ? String(p.after[1]) : '';
    const found: Array<{ name: string; id: string }> = [];
    if (filter.attached) found.push(...(await seek(kind, 'attached', after, need, p.pathPrefix)));
    if (filter.boundary && kind !== 'group') found.push(...(await seek(kind, 'boundary', after, need, p.pathPrefix)));
    found.sort((a, b) => cmp(a.name.toLowerCase(), b.name.toLowerCase()));
    let last = '';
    for (const f of found) {
      const k = f.name.toLowerCase();
      if (k === last) continue;
      last = k;
      rows.push({ kind, name: f.name, id: f.id });
      if (rows.length > p.limit) break;
    }
  }
  return toPage(paging, p, rows, (r) => r, (r) => [r.kind, r.name.toLowerCase()]);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
