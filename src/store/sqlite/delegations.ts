/** Delegations family: IAM delegation requests (migration 016's table). */
import type { DelegationRequestRow, DelegationStore } from '../store.js';
import { unique, type SqliteContext } from './db.js';

interface Row {
  id: string;
  requestor_account_id: string;
  owner_account_id: string | null;
  owner_id: string | null;
  state: string;
  created_at: number;
  token_hash: string | null;
  data: string;
}

/** The row of a stored request. */
function fromRow(r: Row): DelegationRequestRow {
  const out: DelegationRequestRow = { id: r.id, requestorAccountId: r.requestor_account_id, state: r.state, createdAt: new Date(Number(r.created_at)), data: r.data };
  if (r.owner_account_id !== null) out.ownerAccountId = r.owner_account_id;
  if (r.owner_id !== null) out.ownerId = r.owner_id;
  if (r.token_hash !== null) out.tokenHash = r.token_hash;
  return out;
}

/** Prepares the statements once for this connection and returns the family's methods. */
export function delegationsFamily(ctx: SqliteContext): DelegationStore {
  const { db, run } = ctx;
  const s = {
    insert: db.prepare('INSERT INTO delegation_requests (id, requestor_account_id, owner_account_id, owner_id, state, created_at, token_hash, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
    get: db.prepare('SELECT * FROM delegation_requests WHERE id = ?'),
    byToken: db.prepare('SELECT * FROM delegation_requests WHERE token_hash = ?'),
    update: db.prepare('UPDATE delegation_requests SET owner_account_id = ?, owner_id = ?, state = ?, token_hash = ?, data = ? WHERE id = ?'),
    list: db.prepare(
      `SELECT * FROM delegation_requests WHERE id > ? AND (requestor_account_id = ? OR (owner_account_id = ? AND owner_id IS NOT NULL)) ORDER BY id LIMIT ?`,
    ),
    listOwner: db.prepare(`SELECT * FROM delegation_requests WHERE id > ? AND owner_id = ? AND (requestor_account_id = ? OR owner_account_id = ?) ORDER BY id LIMIT ?`),
  };
  return {
    createDelegationRequest: (r) => run(() => {
      unique(`Delegation request ${r.id} already exists.`, () =>
        s.insert.run(r.id, r.requestorAccountId, r.ownerAccountId ?? null, r.ownerId ?? null, r.state, r.createdAt.getTime(), r.tokenHash ?? null, r.data),
      );
    }),
    getDelegationRequest: (id) => run(() => {
      const r = s.get.get(id) as Row | undefined;
      return r ? fromRow(r) : undefined;
    }),
    getDelegationRequestByTokenHash: (hash) => run(() => {
      const r = s.byToken.get(hash) as Row | undefined;
      return r ? fromRow(r) : undefined;
    }),
    putDelegationRequest: (r) => run(() =>
      unique(`A delegation request already holds this token.`, () => s.update.run(r.ownerAccountId ?? null, r.ownerId ?? null, r.state, r.tokenHash ?? null, r.data, r.id).changes > 0),
    ),
    listDelegationRequests: (q) => run(() => {
      const after = q.afterId ?? '';
      const rows = (q.ownerId === undefined ? s.list.all(after, q.accountId, q.accountId, q.limit) : s.listOwner.all(after, q.ownerId, q.accountId, q.accountId, q.limit)) as Row[];
      return rows.map(fromRow);
    }),
  };
}
