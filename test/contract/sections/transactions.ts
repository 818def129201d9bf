/** Contract: transactions are atomic, isolated from other requests, nest, and never interleave. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../../src/store/store.js';
import { isKamenError } from '../../../src/errors.js';
import { A1, accessKey, policy, user, version, withStore } from '../fixtures.js';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Registers the transaction contract tests. */
export function transactionsContract(makeStore: () => Promise<Store>): void {
  describe('transactions', () => {
    it('commits every write and returns fn\'s value', () =>
      withStore(makeStore, async (s) => {
        const result = await s.transaction(async () => {
          await s.createUser(user(A1, 'a'));
          await tick();
          await s.setSetting('k', 'v');
          return 42;
        });
        assert.equal(result, 42);
        assert.ok(await s.getUser(A1, 'a'));
        assert.equal(await s.getSetting('k'), 'v');
      }));

    it('rolls back every write (across families) when fn throws, and rethrows the error', () =>
      withStore(makeStore, async (s) => {
        await s.setSetting('k', 'before');
        const boom = new Error('boom');
        await assert.rejects(
          s.transaction(async () => {
            await s.createUser(user(A1, 'a'));
            const p = policy(A1, 'P');
            await s.createPolicy(p, version(p.arn, 'v1', { isDefaultVersion: true }));
            await s.createAccessKey(accessKey(A1, 'a'));
            await s.setSetting('k', 'during');
            await tick();
            throw boom;
          }),
          (e) => e === boom,
        );
        assert.equal(await s.getUser(A1, 'a'), undefined);
        assert.deepEqual((await s.listPolicies(A1)).items, []);
        assert.deepEqual(await s.listAccessKeys(A1, 'a'), []);
        assert.equal(await s.getSetting('k'), 'before');
        // the store is usable afterwards
        await s.createUser(user(A1, 'a'));
        assert.ok(await s.getUser(A1, 'a'));
      }));

    it('lets fn catch a uniqueness error and continue, committing the rest', () =>
      withStore(makeStore, async (s) => {
        await s.createUser(user(A1, 'a'));
        await s.transaction(async () => {
          await assert.rejects(s.createUser(user(A1, 'A')), (e) => isKamenError(e, 'ERR_ENTITY_ALREADY_EXISTS'));
          await s.createUser(user(A1, 'b'));
        });
        assert.deepEqual((await s.listUsers(A1)).items.map((u) => u.userName), ['a', 'b']);
      }));

    it('nests: an inner failure undoes only the inner writes', () =>
      withStore(makeStore, async (s) => {
        await s.transaction(async () => {
          await s.createUser(user(A1, 'outer'));
          await assert.rejects(
            s.transaction(async () => {
              await s.createUser(user(A1, 'inner'));
              throw new Error('inner');
            }),
          );
          await s.transaction(async () => {
            await s.createUser(user(A1, 'inner2'));
          });
        });
        assert.deepEqual((await s.listUsers(A1)).items.map((u) => u.userName), ['inner2', 'outer']);
      }));

    it('isolates uncommitted writes: other requests never see them, and their own writes still land', () =>
      withStore(makeStore, async (s) => {
        let release!: () => void;
        const gate = new Promise<void>((r) => (release = r));
        let entered!: () => void;
        const started = new Promise<void>((r) => (entered = r));
        const tx = s.transaction(async () => {
          await s.createUser(user(A1, 'ghost'));
          assert.ok(await s.getUser(A1, 'ghost'), 'the transaction sees its own write');
          entered();
          await gate;
          throw new Error('abort');
        });
        await started;
        // requests from outside the transaction (a backend may make them wait, or answer from committed data)
        const read = s.getUser(A1, 'ghost');
        const write = s.createUser(user(A1, 'outside'));
        for (let i = 0; i < 5; i++) await tick();
        release();
        await assert.rejects(tx, /abort/);
        assert.equal(await read, undefined, 'the rolled-back write was never visible outside');
        await write;
        assert.ok(await s.getUser(A1, 'outside'), 'the outside write landed');
        assert.equal(await s.getUser(A1, 'ghost'), undefined);
      }));

    it('serializes concurrent transactions (no lost updates in read-modify-write)', () =>
      withStore(makeStore, async (s) => {
        await s.setSetting('counter', '0');
        const order: number[] = [];
        await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            s.transaction(async () => {
              order.push(i);
              const n = Number(await s.getSetting('counter'));
              await tick();
              await new Promise((r) => setTimeout(r, i % 3));
              await s.setSetting('counter', String(n + 1));
              order.push(i);
            }),
          ),
        );
        assert.equal(await s.getSetting('counter'), '20');
        for (let i = 0; i < order.length; i += 2) assert.equal(order[i], order[i + 1], 'transactions never interleave');
      }));

    it('a failing transaction does not disturb the ones queued behind it', () =>
      withStore(makeStore, async (s) => {
        const results = await Promise.allSettled([
          s.transaction(async () => {
            await s.setSetting('x', '1');
            await tick();
            throw new Error('first fails');
          }),
          s.transaction(async () => {
            await s.setSetting('y', '2');
          }),
        ]);
        assert.equal(results[0].status, 'rejected');
        assert.equal(results[1].status, 'fulfilled');
        assert.equal(await s.getSetting('x'), undefined);
        assert.equal(await s.getSetting('y'), '2');
      }));
  });
}
