/**
 * The PostgreSQL store's cross-node change feed: a write committed through one node invalidates the caches another node
 * built (measured: the time until the other node's cache entry is gone, printed); a rolled-back transaction notifies
 * nobody; "last used" stamps and new temporary credentials stay silent; a lost LISTEN connection (terminated, or the
 * server restarted) pauses every cache and flushes it when the node listens again.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createGenerationCache } from '../../src/authz/cache.js';
import { openStore } from '../../src/store/open.js';
import { changeChannel, LISTENER_APPLICATION_NAME } from '../../src/store/postgres/notify.js';
import type { Store, StoreChange } from '../../src/store/store.js';
import { clusterOrSkip } from '../helpers/postgres.js';
import { A1, accessKey, at, tempCred, user } from '../contract/fixtures.js';

/** Polls `check` every 2 ms until it holds or `capMs` passes (a generous cap, not a timing assertion); the elapsed ms. */
async function until(check: () => boolean | Promise<boolean>, capMs = 10_000): Promise<number> {
  const start = performance.now();
  while (!(await check())) {
    if (performance.now() - start > capMs) throw new Error(`not within ${capMs} ms`);
    await new Promise((r) => setTimeout(r, 2));
  }
  return performance.now() - start;
}

const got = await clusterOrSkip();
if ('skip' in got) {
  it('PostgreSQL change feed', { skip: got.skip }, () => {});
} else {
  const { cluster } = got;
  after(() => cluster.stop());
  const url = await cluster.createDatabase('notify');
  let n = 0;
  const open = async (count: number): Promise<Store[]> => {
    const schema = `n${++n}`;
    const masterKey = randomBytes(32);
    const stores: Store[] = [];
    for (let i = 0; i < count; i++) stores.push(await openStore({ url, schema, masterKey, poolSize: 3 }));
    return stores;
  };

  /** Every payload sent on `schema`'s channel, collected by a plain LISTEN client. */
  const tap = async (schema: string): Promise<{ payloads: string[]; close: () => Promise<void> }> => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const payloads: string[] = [];
    c.on('notification', (m) => payloads.push(m.payload ?? ''));
    await c.query(`LISTEN ${changeChannel(schema)}`);
    return { payloads, close: () => c.end() };
  };

  describe('PostgreSQL change feed', () => {
    it('a write through node A drops node B’s cached entry (latency printed), repeatedly', async () => {
      const [a, b] = await open(2);
      try {
        const cache = createGenerationCache<string>(b!, 100);
        const samples: number[] = [];
        for (let i = 0; i < 20; i++) {
          assert.equal(await cache.through('k', async () => `v${i}`), `v${i}`);
          assert.equal(cache.get('k'), `v${i}`, 'cached while nothing changes');
          await a!.createUser(user(A1, `u${i}`));
          samples.push(await until(() => cache.get('k') === undefined));
        }
        samples.sort((x, y) => x - y);
        console.log(`# cross-node invalidation after commit: median ${samples[10]!.toFixed(2)} ms, max ${samples[19]!.toFixed(2)} ms (20 writes)`);
      } finally {
        await Promise.all([a!.close(), b!.close()]);
      }
    });

    it('notifications are sent only on commit, name the method, and skip "last used" stamps, temporary credentials and audit events', async () => {
      const [a] = await open(1);
      const t = await tap(`n${n}`);
      try {
        await a!.createUser(user(A1, 'alice'));
        await assert.rejects(
          a!.transaction(async () => {
            await a!.createUser(user(A1, 'rolled-back'));
            throw new Error('abort');
          }),
          /abort/,
        );
        await a!.createAccessKey(accessKey(A1, 'alice', { accessKeyId: 'AKIAEXAMPLEKEY000001' }));
        await a!.updateAccessKey('AKIAEXAMPLEKEY000001', { lastUsed: { date: at(5), serviceName: 'iam', region: 'us-east-1' } });
        await a!.putTemporaryCredential(tempCred(A1, at(3600)));
        await a!.appendEvents([]);
        await a!.updateAccessKey('AKIAEXAMPLEKEY000001', { status: 'Inactive' });
        await until(() => t.payloads.some((p) => p.includes(' updateAccessKey ')));
        const methods = t.payloads.map((p) => `${p.split(' ')[1]} ${p.split(' ')[2]}`);
        assert.deepEqual(methods, ['createUser ' + Object.keys(user(A1, 'alice')).join(','), 'createAccessKey ' + Object.keys(accessKey(A1, 'alice')).join(','), 'updateAccessKey status']);
      } finally {
        await t.close();
        await a!.close();
      }
    });

    it('a write inside a transaction notifies at its commit, and a neutral remote write leaves the policy cache alone', async () => {
      const [a, b] = await open(2);
      try {
        const cache = createGenerationCache<string>(b!, 100);
        await cache.through('k', async () => 'v');
        // Neutral for gathered policies (a new access key), then a relevant one: only the latter may drop the entry.
        const events: StoreChange[] = [];
        b!.subscribeChanges!((c) => events.push(c));
        await a!.createAccessKey(accessKey(A1, undefined, { accessKeyId: 'AKIAEXAMPLEKEY000002' }));
        await until(() => events.length === 1);
        assert.equal(cache.get('k'), 'v', 'a new access key does not change gathered policies');
        // CloudTrail events appended on every call invalidate nothing, locally either.
        const local = createGenerationCache<string>(a!, 100);
        await local.through('k', async () => 'local');
        await a!.appendEvents([]);
        assert.equal(local.get('k'), 'local');
        let inside = false;
        await a!.transaction(async () => {
          await a!.createUser(user(A1, 'in-tx'));
          await new Promise((r) => setTimeout(r, 50));
          inside = cache.get('k') === 'v';
        });
        assert.ok(inside, 'nothing was delivered before COMMIT');
        await until(() => cache.get('k') === undefined);
      } finally {
        await Promise.all([a!.close(), b!.close()]);
      }
    });

    it('a terminated LISTEN connection pauses caching, then flushes and listens again', async () => {
      const [a, b] = await open(2);
      try {
        const events: StoreChange[] = [];
        b!.subscribeChanges!((c) => events.push(c));
        const cache = createGenerationCache<string>(b!, 100);
        await cache.through('k', async () => 'v');
        await cluster.exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '${LISTENER_APPLICATION_NAME}' AND datname = 'notify'`);
        await until(() => events.some((e) => e.live === false));
        assert.equal(cache.get('k'), undefined, 'flushed when the feed was lost');
        const paused = await cache.through('k', async () => 'during');
        assert.equal(paused, 'during');
        await until(() => events.some((e) => e.live === true));
        // Live again: the node caches, and another node's write reaches it.
        await cache.through('k', async () => 'after');
        assert.equal(cache.get('k'), 'after');
        await a!.createUser(user(A1, 'after-reconnect'));
        await until(() => cache.get('k') === undefined);
      } finally {
        await Promise.all([a!.close(), b!.close()]);
      }
    });

    it('PostgreSQL restarting: the feed comes back by itself and invalidates again', async () => {
      const [a, b] = await open(2);
      try {
        const events: StoreChange[] = [];
        b!.subscribeChanges!((c) => events.push(c));
        const cache = createGenerationCache<string>(b!, 100);
        await cluster.restart();
        await until(() => events.some((e) => e.live === false), 30_000);
        await until(() => events.some((e) => e.live === true), 30_000);
        await cache.through('k', async () => 'v');
        assert.equal(cache.get('k'), 'v');
        // The pool may still hold connections the restart cut: retry the write until it lands.
        await until(async () => a!.createUser(user(A1, 'after-restart')).then(() => true, () => false), 30_000);
        await until(() => cache.get('k') === undefined);
      } finally {
        await Promise.all([a!.close(), b!.close()]);
      }
    });
  });
}
