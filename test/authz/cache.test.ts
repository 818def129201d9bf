/** The principal-policy cache: decisions follow every policy write at once; bookkeeping writes keep the cache. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createGenerationCache } from '../../src/authz/cache.js';
import { MGMT, addUser, allow, callerFor, inline, newWorld } from './world.js';
import { harness } from './setup.js';

test('cached decisions change as soon as a policy is written, detached or a group membership changes', async () => {
  const w = await newWorld();
  try {
    const h = harness(w);
    const u = await callerFor(w, await addUser(w, MGMT, 'c'));
    await assert.rejects(h.call(u, 'iam', 'ListUsers'));
    await inline(w, MGMT, 'user', 'c', allow('iam:ListUsers'), 'p1');
    await h.call(u, 'iam', 'ListUsers');
    await h.call(u, 'iam', 'ListUsers'); // served from the cache
    await w.store.deleteInlinePolicy(MGMT, 'user', 'c', 'p1');
    await assert.rejects(h.call(u, 'iam', 'ListUsers'));
    await w.store.createGroup({ accountId: MGMT, groupId: 'AGPACACHE00000000001', groupName: 'g', path: '/', arn: `arn:aws:iam::${MGMT}:group/g`, createDate: new Date(0) });
    await inline(w, MGMT, 'group', 'g', allow('iam:ListUsers'));
    await assert.rejects(h.call(u, 'iam', 'ListUsers'));
    await w.store.addUserToGroup(MGMT, 'g', 'c');
    await h.call(u, 'iam', 'ListUsers');
    await w.store.removeUserFromGroup(MGMT, 'g', 'c');
    await assert.rejects(h.call(u, 'iam', 'ListUsers'));
  } finally {
    await w.close();
  }
});

test('bookkeeping writes do not invalidate; policy writes and writes in flight do', async () => {
  const w = await newWorld();
  try {
    const cache = createGenerationCache<number>(w.store, 2);
    let computed = 0;
    const compute = async () => ++computed;
    assert.equal(await cache.through('a', compute), 1);
    assert.equal(await cache.through('a', compute), 1);
    await w.store.setSetting('x', 'y');
    await w.store.putTemporaryCredential({ accessKeyId: 'ASIACACHE00000000001', accountId: MGMT, expiration: new Date(1e13), createDate: new Date(0), session: {} });
    assert.equal(await cache.through('a', compute), 1);
    await inline(w, MGMT, 'user', 'nobody', allow('s3:*'));
    assert.equal(await cache.through('a', compute), 2);
    // a computation that overlaps a write is not kept
    const slow = cache.through('b', async () => {
      await inline(w, MGMT, 'user', 'nobody', allow('s3:*'));
      return 100;
    });
    assert.equal(await slow, 100);
    assert.equal(cache.get('b'), undefined);
    // LRU bound
    await cache.through('c', compute);
    await cache.through('d', compute);
    assert.equal(cache.size(), 2);
    cache.invalidate();
    assert.equal(cache.get('d'), undefined);
  } finally {
    await w.close();
  }
});

test('a store that cannot be instrumented is not cached (never stale)', async () => {
  const w = await newWorld();
  try {
    const frozen = Object.freeze({ ...w.store });
    const cache = createGenerationCache<number>(frozen, 10);
    let n = 0;
    await cache.through('a', async () => ++n);
    await cache.through('a', async () => ++n);
    assert.equal(n, 2);
    assert.equal(cache.size(), 0);
  } finally {
    await w.close();
  }
});

test('an entry read between insertions stays cached while entries never read again are evicted', async () => {
  const w = await newWorld();
  try {
    const cache = createGenerationCache<string>(w.store, 4);
    await cache.through('hot', async () => 'hot');
    for (let i = 0; i < 40; i++) {
      await cache.through(`cold${i}`, async () => `cold${i}`);
      assert.equal(cache.get('hot'), 'hot', `still cached after ${i + 1} insertions`);
    }
    assert.equal(cache.size(), 4);
    assert.equal(cache.get('cold0'), undefined);
    assert.equal(cache.get('cold39'), 'cold39');
  } finally {
    await w.close();
  }
});
