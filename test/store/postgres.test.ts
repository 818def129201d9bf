/**
 * The PostgreSQL store beyond the shared contract: nodes starting together migrate once, writes from several nodes
 * serialize, unique names hold across nodes, a wrong master key is refused, and an unreachable server gives
 * ServiceUnavailable until the pool reconnects by itself.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import pg from 'pg';
import { isKamenError } from '../../src/errors.js';
import { migrations } from '../../src/store/migrations/index.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { clusterOrSkip } from '../helpers/postgres.js';
import { A1, accessKey, at, mfa, tempCred, user } from '../contract/fixtures.js';

const got = await clusterOrSkip();
if ('skip' in got) {
  it('PostgreSQL store', { skip: got.skip }, () => {});
} else {
  const { cluster } = got;
  after(() => cluster.stop());
  const url = await cluster.createDatabase('specifics');
  let n = 0;
  const schema = (): string => `p${++n}`;

  /** Opens `count` stores ("nodes") on one schema with one master key, all at once. */
  const nodes = async (count: number, s = schema(), masterKey = randomBytes(32)): Promise<Store[]> =>
    Promise.all(Array.from({ length: count }, () => openStore({ url, schema: s, masterKey, poolSize: 3 })));
  const closeAll = (stores: Store[]): Promise<unknown> => Promise.all(stores.map((s) => s.close()));

  const sql = async <R>(text: string, params: unknown[] = []): Promise<R[]> => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      return (await c.query(text, params)).rows as R[];
    } finally {
      await c.end();
    }
  };

  describe('PostgreSQL store', () => {
    it('runs each migration once when several nodes start together on an empty schema', async () => {
      const s = schema();
      const stores = await nodes(5, s);
      try {
        const rows = await sql<{ version: number }>(`SELECT version FROM ${s}.schema_migrations ORDER BY version`);
        assert.deepEqual(rows.map((r) => r.version), migrations.map((m) => m.version));
        await stores[0]!.createUser(user(A1, 'alice'));
        assert.equal((await stores[4]!.getUser(A1, 'ALICE'))?.userName, 'alice', 'every node sees the same tables');
      } finally {
        await closeAll(stores);
      }
    });

    it('refuses a database that carries a migration this build does not know', async () => {
      const s = schema();
      await closeAll(await nodes(1, s));
      await sql(`INSERT INTO ${s}.schema_migrations (version, name, applied_at) VALUES (9999, 'future', 0)`);
      await assert.rejects(openStore({ url, schema: s, masterKey: randomBytes(32) }), /migration 9999/);
    });

    it('refuses to open with a master key other than the one the schema was created with', async () => {
      const s = schema();
      await closeAll(await nodes(1, s));
      await assert.rejects(openStore({ url, schema: s, masterKey: randomBytes(32) }), (e) => isKamenError(e) && /master key does not match/.test(e.message));
    });

    it('keeps access key secrets and MFA seeds encrypted at rest, and temporary credentials\' secrets not at all', async () => {
      const s = schema();
      const [store] = await nodes(1, s);
      try {
        const key = accessKey(A1, undefined);
        await store!.createAccessKey(key);
        const dev = mfa(A1, 'phone');
        await store!.createMfaDevice(dev);
        const temp = await store!.putTemporaryCredential(tempCred(A1, at(100)));
        const [k] = await sql<{ secret_enc: string }>(`SELECT secret_enc FROM ${s}.access_keys`);
        const [m] = await sql<{ seed_enc: string }>(`SELECT seed_enc FROM ${s}.mfa_devices`);
        const [t] = await sql<{ secrets_enc: string }>(`SELECT secrets_enc FROM ${s}.temporary_credentials`);
        assert.match(k!.secret_enc, /^v1:/);
        assert.ok(!k!.secret_enc.includes(key.secretAccessKey));
        assert.match(m!.seed_enc, /^v1:/);
        assert.ok(!m!.seed_enc.includes(dev.seedBase32));
        assert.equal(t!.secrets_enc, 'derived:v1');
        const all = JSON.stringify(await sql(`SELECT * FROM ${s}.temporary_credentials`));
        assert.ok(!all.includes(temp.secretAccessKey) && !all.includes(temp.sessionToken.slice(20, 60)));
        assert.equal((await store!.getAccessKey(key.accessKeyId))?.secretAccessKey, key.secretAccessKey);
      } finally {
        await store!.close();
      }
    });

    it('serializes read-modify-write transactions across nodes (no lost update)', async () => {
      const stores = await nodes(3);
      try {
        await stores[0]!.setSetting('counter', '0');
        await Promise.all(
          Array.from({ length: 30 }, (_, i) => {
            const s = stores[i % stores.length]!;
            return s.transaction(async () => {
              const v = Number(await s.getSetting('counter'));
              await new Promise((r) => setTimeout(r, i % 3));
              await s.setSetting('counter', String(v + 1));
            });
          }),
        );
        assert.equal(await stores[1]!.getSetting('counter'), '30');
      } finally {
        await closeAll(stores);
      }
    });

    it('keeps names unique under concurrency across nodes: one create wins, the others are EntityAlreadyExists', async () => {
      const stores = await nodes(3);
      try {
        const results = await Promise.allSettled(
          ['Dup', 'dup', 'DUP', 'dUp', 'duP', 'Dup'].map((name, i) => stores[i % stores.length]!.createUser(user(A1, name))),
        );
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
        for (const r of results) if (r.status === 'rejected') assert.ok(isKamenError(r.reason, 'ERR_ENTITY_ALREADY_EXISTS'), String(r.reason));
        assert.equal((await stores[2]!.listUsers(A1)).items.length, 1);
      } finally {
        await closeAll(stores);
      }
    });

    it('gives ServiceUnavailable while PostgreSQL is down, keeps acknowledged writes, and reconnects by itself', async () => {
      const [s] = await nodes(1);
      try {
        await s!.createUser(user(A1, 'before'));
        cluster.kill();
        const unavailable = (e: unknown): boolean => isKamenError(e, 'ERR_SERVICE_UNAVAILABLE');
        await assert.rejects(s!.getUser(A1, 'before'), unavailable);
        await assert.rejects(s!.createUser(user(A1, 'during')), unavailable);
        await assert.rejects(s!.transaction(() => s!.setSetting('k', 'v')), unavailable);
        await cluster.restart();
        assert.equal((await s!.getUser(A1, 'before'))?.userName, 'before', 'the acknowledged write survived the crash');
        await s!.createUser(user(A1, 'after'));
        assert.deepEqual((await s!.listUsers(A1)).items.map((u) => u.userName), ['after', 'before']);
      } finally {
        await s!.close();
      }
    });

    it('survives the server going away while a transaction holds a client between statements (no crash, rolled back)', async () => {
      const [s] = await nodes(1);
      try {
        let inside!: () => void;
        const entered = new Promise<void>((r) => (inside = r));
        let proceed!: () => void;
        const resume = new Promise<void>((r) => (proceed = r));
        const tx = s!.transaction(async () => {
          await s!.setSetting('first', '1');
          inside();
          await resume; // the connection dies while the client is checked out and idle
          await s!.setSetting('second', '2');
        });
        await entered;
        cluster.kill();
        await new Promise((r) => setTimeout(r, 100));
        proceed();
        await assert.rejects(tx, (e) => isKamenError(e, 'ERR_SERVICE_UNAVAILABLE'));
        await cluster.restart();
        assert.equal(await s!.getSetting('first'), undefined, 'the cut-off transaction was rolled back');
        await s!.setSetting('third', '3');
        assert.equal(await s!.getSetting('third'), '3');
      } finally {
        await s!.close();
      }
    });

    it('gives ServiceUnavailable at open when nothing listens at the URL', async () => {
      const port = await new Promise<number>((resolve) => {
        const srv = net.createServer().listen(0, '127.0.0.1', () => {
          const p = (srv.address() as net.AddressInfo).port;
          srv.close(() => resolve(p));
        });
      });
      await assert.rejects(
        openStore({ url: `postgres://kamen@127.0.0.1:${port}/nothing`, masterKey: randomBytes(32) }),
        (e) => isKamenError(e, 'ERR_SERVICE_UNAVAILABLE'),
      );
    });
  });
}
