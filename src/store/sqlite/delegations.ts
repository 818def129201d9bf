/** Delegations family: IAM delegation requests (migration 016's table). */
import type { DelegationStore } from '../store.js';
import { delegationFromRow as fromRow, type DelegationDbRow as Row } from '../rows/delegations.js';
import { unique, type SqliteContext } from './db.js';

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
