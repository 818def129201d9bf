/** The expired-credential sweeper: only rows whose whole issue second has expired go, in batches, on a timer. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frozenClock } from '../../src/clock.js';
import { startExpiredCredentialSweeper } from '../../src/authz/sweep-expired.js';
import { MAX_TEMPORARY_LIFETIME_SECONDS } from '../../src/authz/temporary-keys.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';

const T0 = Date.UTC(2026, 11, 1, 8, 0, 0);
const MAX_MS = MAX_TEMPORARY_LIFETIME_SECONDS * 1000;

async function put(store: Store, id: string, expiresAt: number): Promise<void> {
  await store.putTemporaryCredential({ accessKeyId: id, accountId: '111111111111', expiration: new Date(expiresAt), createDate: new Date(expiresAt - 900_000), session: {} });
}

test('sweeps what expired more than the longest lifetime ago, in batches, and keeps the rest', async () => {
  const store = await openStore({});
  const clock = frozenClock(T0);
  const sweeper = startExpiredCredentialSweeper({ store, clock, batch: 2, everyMs: 3_600_000 });
  try {
    for (let i = 0; i < 5; i++) await put(store, `ASIAOLD${i}`, T0 - MAX_MS - 1000 * (i + 1));
    await put(store, 'ASIARECENTLYEXPIRED', T0 - MAX_MS + 1000);
    await put(store, 'ASIALIVE', T0 + 3_600_000);
    assert.equal(await sweeper.sweep(), 5, 'five rows in three batches of at most two');
    for (let i = 0; i < 5; i++) assert.equal(await store.getTemporaryCredential(`ASIAOLD${i}`), undefined);
    assert.ok(await store.getTemporaryCredential('ASIARECENTLYEXPIRED'), 'expired, but its issue second may have live credentials');
    assert.ok(await store.getTemporaryCredential('ASIALIVE'));
    clock.advance(2000);
    assert.equal(await sweeper.sweep(), 1);
    assert.equal(await sweeper.sweep(), 0);
  } finally {
    await sweeper.stop();
    await store.close();
  }
});

test('runs at start and on its timer, reports failures and keeps going', async () => {
  const store = await openStore({});
  const clock = frozenClock(T0);
  await put(store, 'ASIAOLDATSTART', T0 - MAX_MS - 1000);
  const errors: unknown[] = [];
  let calls = 0;
  const real = store.deleteExpiredTemporaryCredentials.bind(store);
  store.deleteExpiredTemporaryCredentials = async (before, limit) => {
    calls++;
    if (calls === 2) throw new Error('disk on fire');
    return real(before, limit);
  };
  const sweeper = startExpiredCredentialSweeper({ store, clock, everyMs: 20, onError: (e) => errors.push(e) });
  try {
    const deadline = Date.now() + 5000;
    while (calls < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.equal(await store.getTemporaryCredential('ASIAOLDATSTART'), undefined, 'the sweep at start removed it');
    assert.ok(calls >= 3, 'the timer swept again after the failure');
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]), /disk on fire/);
  } finally {
    await sweeper.stop();
    await store.close();
  }
  const after = calls;
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(calls, after, 'stopped: no more sweeps');
});
