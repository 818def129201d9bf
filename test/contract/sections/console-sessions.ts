/** Contract: web console sessions (put/replace, get, delete, sweep of expired ones; data round-trips exactly). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../../src/store/store.js';
import { withStore } from '../fixtures.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

/** Registers the console sessions contract tests. */
export function consoleSessionsContract(makeStore: () => Promise<Store>): void {
  describe('console sessions', () => {
    it('puts, replaces, gets, deletes and sweeps expired sessions', () =>
      withStore(makeStore, async (s) => {
        assert.equal(await s.getConsoleSession(A), undefined);
        const data = JSON.stringify({ principal: { arn: 'arn:aws:iam::111111111111:user/ü' }, history: [] });
        await s.putConsoleSession({ id: A, expiresAt: new Date(2_000_000), data });
        await s.putConsoleSession({ id: B, expiresAt: new Date(1_000_000), data: '{}' });
        assert.deepEqual(await s.getConsoleSession(A), { id: A, expiresAt: new Date(2_000_000), data });
        await s.putConsoleSession({ id: A, expiresAt: new Date(3_000_000), data: '{"v":2}' });
        assert.deepEqual(await s.getConsoleSession(A), { id: A, expiresAt: new Date(3_000_000), data: '{"v":2}' });
        assert.equal(await s.deleteExpiredConsoleSessions(new Date(1_000_000)), 1);
        assert.equal(await s.getConsoleSession(B), undefined);
        await s.deleteConsoleSession(A);
        assert.equal(await s.getConsoleSession(A), undefined);
        assert.equal(await s.deleteExpiredConsoleSessions(new Date(9_000_000)), 0);
      }));
  });
}
