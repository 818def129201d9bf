/** Contract: IAM delegation requests (create, get, get by token hash, replace, the caller's listing by ID). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DelegationRequestRow, Store } from '../../../src/store/store.js';
import { withStore } from '../fixtures.js';

const PARTNER = '111111111111';
const CUSTOMER = '222222222222';
const OTHER = '333333333333';

const row = (id: string, extra: Partial<DelegationRequestRow> = {}): DelegationRequestRow => ({
  id,
  requestorAccountId: PARTNER,
  state: 'UNASSIGNED',
  createdAt: new Date(1_700_000_000_000),
  data: JSON.stringify({ description: `request ${id} ü` }),
  ...extra,
});

/** Registers the delegation request contract tests. */
export function delegationsContract(makeStore: () => Promise<Store>): void {
  describe('delegation requests', () => {
    it('creates, reads, replaces and finds requests by token hash', () =>
      withStore(makeStore, async (s) => {
        assert.equal(await s.getDelegationRequest('a'.repeat(16)), undefined);
        const r = row('a'.repeat(16), { ownerAccountId: CUSTOMER });
        await s.createDelegationRequest(r);
        assert.deepEqual(await s.getDelegationRequest(r.id), r);
        await assert.rejects(s.createDelegationRequest(r), (e: Error & { code?: string }) => e.code === 'ERR_ENTITY_ALREADY_EXISTS');
        const next = { ...r, ownerId: `arn:aws:iam::${CUSTOMER}:user/alice`, state: 'FINALIZED', tokenHash: 'f'.repeat(64), data: '{"v":2}' };
        assert.equal(await s.transaction(async () => s.putDelegationRequest(next)), true);
        assert.deepEqual(await s.getDelegationRequest(r.id), next);
        assert.deepEqual(await s.getDelegationRequestByTokenHash('f'.repeat(64)), next);
        assert.equal(await s.getDelegationRequestByTokenHash('e'.repeat(64)), undefined);
        assert.equal(await s.putDelegationRequest(row('z'.repeat(16))), false);
        await s.createDelegationRequest(row('b'.repeat(16)));
        await assert.rejects(s.putDelegationRequest({ ...row('b'.repeat(16)), tokenHash: 'f'.repeat(64) }), (e: Error & { code?: string }) => e.code === 'ERR_ENTITY_ALREADY_EXISTS');
      }));

    it('lists the requests an account made or owns, by ID, from a position', () =>
      withStore(makeStore, async (s) => {
        const alice = `arn:aws:iam::${CUSTOMER}:user/alice`;
        await s.createDelegationRequest(row('r01-aaaaaaaaaaaaa', { ownerAccountId: CUSTOMER, ownerId: alice, state: 'ASSIGNED' }));
        await s.createDelegationRequest(row('r02-aaaaaaaaaaaaa', { ownerAccountId: CUSTOMER })); // targeted, not yet owned
        await s.createDelegationRequest(row('r03-aaaaaaaaaaaaa'));
        await s.createDelegationRequest(row('r04-aaaaaaaaaaaaa', { requestorAccountId: OTHER, ownerAccountId: CUSTOMER, ownerId: `arn:aws:iam::${CUSTOMER}:user/bob` }));
        const ids = async (q: Parameters<Store['listDelegationRequests']>[0]) => (await s.listDelegationRequests(q)).map((r) => r.id);
        assert.deepEqual(await ids({ accountId: CUSTOMER, limit: 10 }), ['r01-aaaaaaaaaaaaa', 'r04-aaaaaaaaaaaaa']);
        assert.deepEqual(await ids({ accountId: PARTNER, limit: 10 }), ['r01-aaaaaaaaaaaaa', 'r02-aaaaaaaaaaaaa', 'r03-aaaaaaaaaaaaa']);
        assert.deepEqual(await ids({ accountId: PARTNER, limit: 2 }), ['r01-aaaaaaaaaaaaa', 'r02-aaaaaaaaaaaaa']);
        assert.deepEqual(await ids({ accountId: PARTNER, afterId: 'r02-aaaaaaaaaaaaa', limit: 10 }), ['r03-aaaaaaaaaaaaa']);
        assert.deepEqual(await ids({ accountId: CUSTOMER, ownerId: alice, limit: 10 }), ['r01-aaaaaaaaaaaaa']);
        assert.deepEqual(await ids({ accountId: OTHER, ownerId: alice, limit: 10 }), []);
        assert.deepEqual(await ids({ accountId: OTHER, limit: 10 }), ['r04-aaaaaaaaaaaaa']);
      }));
  });
}
