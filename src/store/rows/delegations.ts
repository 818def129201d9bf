/** Delegation request rows (migration 016) as both backends read them. */
import type { DelegationRequestRow } from '../store.js';

/** A `delegation_requests` row as the driver returns it (PostgreSQL's bigint arrives as text). */
export interface DelegationDbRow {
  id: string;
  requestor_account_id: string;
  owner_account_id: string | null;
  owner_id: string | null;
  state: string;
  created_at: string | number;
  token_hash: string | null;
  data: string;
}

/** The stored request of a row. */
export function delegationFromRow(r: DelegationDbRow): DelegationRequestRow {
  const out: DelegationRequestRow = { id: r.id, requestorAccountId: r.requestor_account_id, state: r.state, createdAt: new Date(Number(r.created_at)), data: r.data };
  if (r.owner_account_id !== null) out.ownerAccountId = r.owner_account_id;
  if (r.owner_id !== null) out.ownerId = r.owner_id;
  if (r.token_hash !== null) out.tokenHash = r.token_hash;
  return out;
}
