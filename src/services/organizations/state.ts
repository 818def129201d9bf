/** Organization-wide records kept as JSON settings: handshakes, tags, delegated administrators, service access, resource policy. */
import type { Store } from '../../store/store.js';

/** The settings keys of each record. */
export const STATE_KEYS = {
  handshakes: 'organizations.handshakes',
  tags: 'organizations.tags',
  delegatedAdmins: 'organizations.delegatedAdministrators',
  serviceAccess: 'organizations.serviceAccess',
  resourcePolicy: 'organizations.resourcePolicy',
} as const;

/** One handshake as kamen records it (dates as ms). */
export interface HandshakeRecord {
  id: string;
  arn: string;
  action: 'INVITE' | 'ENABLE_ALL_FEATURES' | 'APPROVE_ALL_FEATURES';
  state: 'REQUESTED' | 'OPEN' | 'CANCELED' | 'ACCEPTED' | 'DECLINED' | 'EXPIRED';
  requestedAt: number;
  expiresAt: number;
  /** The invited account (INVITE, APPROVE_ALL_FEATURES) or the management account (ENABLE_ALL_FEATURES). */
  targetAccountId: string;
  /** How the target was named: ACCOUNT or EMAIL, and the value. */
  targetType: 'ACCOUNT' | 'EMAIL';
  targetValue: string;
  notes?: string;
  organizationId: string;
  managementAccountId: string;
  managementEmail: string;
  managementName: string;
  featureSet: 'ALL' | 'CONSOLIDATED_BILLING';
  /** APPROVE_ALL_FEATURES: the ENABLE_ALL_FEATURES handshake this approval belongs to. */
  parentId?: string;
}

export interface DelegatedAdminRecord {
  accountId: string;
  servicePrincipal: string;
  delegationEnabledAt: number;
}

/** Reads one JSON record (the fallback when absent). */
export async function readState<T>(store: Store, key: string, fallback: T): Promise<T> {
  const text = await store.getSetting(key);
  return text ? (JSON.parse(text) as T) : fallback;
}

/** Writes one JSON record; call inside the store transaction that read it. */
export async function writeState(store: Store, key: string, value: unknown): Promise<void> {
  await store.setSetting(key, JSON.stringify(value));
}

/** Forgets everything the organization recorded (DeleteOrganization). */
export async function clearState(store: Store): Promise<void> {
  for (const key of Object.values(STATE_KEYS)) await store.setSetting(key, '');
}
