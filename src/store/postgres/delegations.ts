/** Delegations family (PostgreSQL): IAM delegation requests (migration 016's table). */
import type { DelegationStore } from '../store.js';
import { delegationFromRow as fromRow, type DelegationDbRow as Row } from '../rows/delegations.js';
import { unique, type PgContext } from './db.js';

/** The family's methods over the shared context. */
export function delegationsFamily(ctx: PgContext): DelegationStore {
  const { conn, write } = ctx;
  return {
    createDelegationRequest: (r) =>
      write(async (x) => {
        await unique(`Delegation request ${r.id} already exists.`, () =>
          x.run('INSERT INTO delegation_requests (id, requestor_account_id, owner_account_id, owner_id, state, created_at, token_hash, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
            r.id,
            r.requestorAccountId,
            r.ownerAccountId ?? null,
            r.ownerId ?? null,
            r.state,
            r.createdAt.getTime(),
            r.tokenHash ?? null,
            r.data,
          ]),
        );
      }),
    getDelegationRequest: async (id) => {
      const [r] = await conn().rows<Row>('SELECT * FROM delegation_requests WHERE id = $1', [id]);
      return r ? fromRow(r) : undefined;
    },
    getDelegationRequestByTokenHash: async (hash) => {
      const [r] = await conn().rows<Row>('SELECT * FROM delegation_requests WHERE token_hash = $1', [hash]);
      return r ? fromRow(r) : undefined;
    },
    putDelegationRequest: (r) =>
      write(async (x) => {
        const n = await unique('A delegation request already holds this token.', () =>
          x.run('UPDATE delegation_requests SET owner_account_id = $1, owner_id = $2, state = $3, token_hash = $4, data = $5 WHERE id = $6', [
            r.ownerAccountId ?? null,
            r.ownerId ?? null,
            r.state,
            r.tokenHash ?? null,
            r.data,
            r.id,
          ]),
        );
        return n > 0;
      }),
    listDelegationRequests: async (q) => {
      const after = q.afterId ?? '';
      const rows =
        q.ownerId === undefined
          ? await conn().rows<Row>(
              'SELECT * FROM delegation_requests WHERE id > $1 AND (requestor_account_id = $2 OR (owner_account_id = $2 AND owner_id IS NOT NULL)) ORDER BY id LIMIT $3',
              [after, q.accountId, q.limit],
            )
          : await conn().rows<Row>('SELECT * FROM delegation_requests WHERE id > $1 AND owner_id = $2 AND (requestor_account_id = $3 OR owner_account_id = $3) ORDER BY id LIMIT $4', [
              after,
              q.ownerId,
              q.accountId,
              q.limit,
            ]);
      return rows.map(fromRow);
    },
  };
}
