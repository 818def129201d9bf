/** Contract: principal bindings of stored trust policies (set per policy, listed, renamed and deleted per principal). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../../src/store/store.js';
import { withStore } from '../fixtures.js';

const ROLE_A = 'AROAAAAAAAAAAAAAAAAAA';
const ROLE_B = 'AROABBBBBBBBBBBBBBBBB';
const USER = 'AIDAUUUUUUUUUUUUUUUUU';
const OTHER = 'AROAOOOOOOOOOOOOOOOOO';

/** Registers the principal bindings contract tests. */
export function principalBindingsContract(makeStore: () => Promise<Store>): void {
  describe('principal bindings', () => {
    it('replaces a policy\'s bindings, lists them by principal (sorted by policy), renames and deletes them by principal', () =>
      withStore(makeStore, async (s) => {
        assert.deepEqual(await s.listPrincipalBindings(USER), []);
        await s.setPrincipalBindings(ROLE_B, [{ principalId: USER, principalArn: 'arn:aws:iam::111111111111:user/u' }]);
        await s.setPrincipalBindings(ROLE_A, [
          { principalId: USER, principalArn: 'arn:aws:iam::111111111111:user/u' },
          { principalId: OTHER, principalArn: 'arn:aws:iam::111111111111:role/o' },
        ]);
        assert.deepEqual(await s.listPrincipalBindings(USER), [
          { policyId: ROLE_A, principalId: USER, principalArn: 'arn:aws:iam::111111111111:user/u' },
          { policyId: ROLE_B, principalId: USER, principalArn: 'arn:aws:iam::111111111111:user/u' },
        ]);
        // Saving a policy again replaces its bindings (and only its own).
        await s.setPrincipalBindings(ROLE_A, [{ principalId: OTHER, principalArn: 'arn:aws:iam::111111111111:role/o' }]);
        assert.deepEqual((await s.listPrincipalBindings(USER)).map((b) => b.policyId), [ROLE_B]);
        await s.renamePrincipalBindings(USER, 'arn:aws:iam::111111111111:user/team/u2');
        assert.deepEqual(await s.listPrincipalBindings(USER), [{ policyId: ROLE_B, principalId: USER, principalArn: 'arn:aws:iam::111111111111:user/team/u2' }]);
        await s.deletePrincipalBindings(USER);
        assert.deepEqual(await s.listPrincipalBindings(USER), []);
        assert.deepEqual(await s.listPrincipalBindings(OTHER), [{ policyId: ROLE_A, principalId: OTHER, principalArn: 'arn:aws:iam::111111111111:role/o' }]);
        await s.setPrincipalBindings(ROLE_A, []);
        assert.deepEqual(await s.listPrincipalBindings(OTHER), []);
      }));

    it('bindings written in a transaction that fails are not kept', () =>
      withStore(makeStore, async (s) => {
        await assert.rejects(
          s.transaction(async () => {
            await s.setPrincipalBindings(ROLE_A, [{ principalId: USER, principalArn: 'arn:aws:iam::111111111111:user/u' }]);
            throw new Error('boom');
          }),
          /boom/,
        );
        assert.deepEqual(await s.listPrincipalBindings(USER), []);
      }));
  });
}
