/**
 * SQLite-specific: the write gate (calls from outside an open transaction never see or interleave with it), group commit
 * (one WAL sync per batch, acknowledged only after it), and the durable reader (reads from outside answer at once from
 * the last durable state, never an unsynced row, always every acknowledged write).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openStore, DB_FILE } from '../../src/store/open.js';
import { createContext, createRowCache, openDatabase, type DurabilityOptions } from '../../src/store/sqlite/db.js';
import { createSecretCipher } from '../../src/store/crypto.js';
import { A1, role, T0, user } from '../contract/fixtures.js';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/**
 * A context on a file database whose WAL syncs the test releases one by one. `count` reads the serving connection
 * directly; `read` and `insert` are statements prepared the way the store families prepare theirs (on `ctx.db`).
 */
const heldSyncs = (prefix: string, options: DurabilityOptions = {}) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const file = path.join(dir, DB_FILE);
  const db = openDatabase(file);
  db.exec('CREATE TABLE t (k TEXT PRIMARY KEY)');
  const syncs: Array<() => void> = [];
  const ctx = createContext(db, createSecretCipher(Buffer.alloc(32, 7)), { walFile: file + '-wal', syncFile: () => new Promise<void>((r) => syncs.push(r)), ...options });
  const count = () => (db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n;
  const keysStmt = ctx.db.prepare('SELECT k FROM t ORDER BY k').pluck();
  const keys = () => keysStmt.all() as string[];
  const insert = ctx.db.prepare('INSERT INTO t VALUES (?)');
  const done = async () => {
    while (syncs.length) syncs.shift()!();
    await ctx.close();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { db, ctx, file, syncs, count, keys, insert, done };
};

/** A seeded PRNG (mulberry32), so the property loop is the same sequence on every run. */
const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
  return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
};

describe('sqlite write gate', () => {
  it('makes reads and writes from other requests wait while a transaction is open, then run in order', async () => {
    const s = await openStore({});
    try {
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let entered!: () => void;
      const started = new Promise<void>((r) => (entered = r));
      const events: string[] = [];
      const tx = s.transaction(async () => {
        await s.createUser(user(A1, 'inside'));
        entered();
        await gate;
        events.push('commit');
      });
      await started;
      const read = s.getUser(A1, 'inside').then((u) => {
        events.push('read');
        return u;
      });
      const write = s.createUser(user(A1, 'outside')).then(() => events.push('write'));
      for (let i = 0; i < 10; i++) await tick();
      assert.deepEqual(events, [], 'nothing from outside ran while the transaction was open');
      release();
      await tx;
      assert.ok(await read, 'the read ran after the commit and sees it');
      await write;
      assert.deepEqual(events, ['commit', 'read', 'write']);
    } finally {
      await s.close();
    }
  });

  it('treats work a finished transaction left behind as outside work (it waits for the next transaction)', async () => {
    const s = await openStore({});
    try {
      let fire!: () => void;
      const timer = new Promise<void>((r) => (fire = r));
      let leaked!: Promise<unknown>;
      await s.transaction(async () => {
        // this continuation inherits the transaction's async context but runs after it committed
        leaked = timer.then(() => s.createUser(user(A1, 'leaked')));
      });
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const tx2 = s.transaction(async () => {
        await s.setSetting('tx2', 'yes');
        fire();
        await gate;
        throw new Error('tx2 rolls back');
      });
      for (let i = 0; i < 5; i++) await tick();
      release();
      await assert.rejects(tx2, /rolls back/);
      await leaked;
      assert.ok(await s.getUser(A1, 'leaked'), 'the leaked write was not swallowed by the rolled-back transaction');
      assert.equal(await s.getSetting('tx2'), undefined);
    } finally {
      await s.close();
    }
  });

  it('waits for an open transaction before closing', async () => {
    const s = await openStore({});
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const tx = s.transaction(async () => {
      await gate;
      await s.setSetting('k', 'v');
    });
    const closed = s.close();
    await tick();
    release();
    await tx;
    await closed;
    await assert.rejects(s.transaction(async () => 1), /closed/);
  });

  it('group commit: concurrent transactions share a commit, each acknowledged only once it is on disk', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-group-'));
    const s = await openStore({ dataDir: dir });
    const other = new Database(path.join(dir, DB_FILE), { readonly: true });
    try {
      const seen: number[] = [];
      const names = Array.from({ length: 20 }, (_, i) => `u${i}`);
      // each acknowledgement is checked from a second connection: the row must already be committed
      const txs = names.map((n, i) =>
        s
          .transaction(async () => {
            await s.createUser(user(A1, n));
            if (i === 7) throw new Error('this one rolls back');
          })
          .then(() => {
            const row = other.prepare('SELECT count(*) AS n FROM iam_users WHERE user_name = ?').get(n) as { n: number };
            seen.push(row.n);
          }),
      );
      const results = await Promise.allSettled(txs);
      assert.equal(results.filter((r) => r.status === 'rejected').length, 1);
      assert.deepEqual(seen, Array(19).fill(1), 'every acknowledged transaction was visible to another connection');
      assert.equal(await s.getUser(A1, 'u7'), undefined, 'the failed transaction left nothing');
      assert.ok(await s.getUser(A1, 'u19'));
      const total = other.prepare('SELECT count(*) AS n FROM iam_users').get() as { n: number };
      assert.equal(total.n, 19);
    } finally {
      other.close();
      await s.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a batch is acknowledged only after its WAL sync, which runs off the event loop; an outside read answers at once with the last durable state', async () => {
    const { db, ctx, syncs, keys, insert, done } = heldSyncs('kamen-walsync-');
    try {
      const acked: string[] = [];
      const put = (k: string) => ctx.transaction(async () => ctx.run(() => insert.run(k))).then(() => acked.push(k));
      const both = Promise.all([put('a'), put('b')]);
      while (syncs.length === 0) await tick();
      assert.equal(syncs.length, 1, 'one sync for the two transactions');
      assert.deepEqual(acked, [], 'nothing is acknowledged before the sync completes');
      let read: string[] | undefined;
      const reader = ctx.run(() => (read = keys()));
      await tick();
      assert.deepEqual(read, [], 'a read from outside answers at once, without the rows whose sync is still running');
      await reader;
      assert.equal(db.pragma('synchronous', { simple: true }), 2, 'back to synchronous=FULL outside batches');
      syncs[0]!();
      await both;
      assert.deepEqual(acked.sort(), ['a', 'b']);
      assert.deepEqual(await ctx.run(keys), ['a', 'b']);
    } finally {
      await done();
    }
  });

  it('a batch commits only once the previous one is durable, collecting transactions meanwhile; the snapshot moves at each sync completion', async () => {
    const { ctx, syncs, count, keys, insert, done } = heldSyncs('kamen-snapshot-');
    try {
      const acked: string[] = [];
      const put = (k: string) => ctx.transaction(async () => ctx.run(() => insert.run(k))).then(() => acked.push(k));
      const a = put('a');
      while (syncs.length < 1) await tick();
      const b = put('b');
      const c = put('c');
      for (let i = 0; i < 10; i++) await tick();
      assert.equal(syncs.length, 1, 'the second batch waits for the first one\'s sync before it commits');
      assert.deepEqual(await ctx.run(keys), [], 'a read while the first sync is held: the last durable state');
      syncs[0]!();
      await a;
      // The writer's own client reads right after its acknowledgement, with the second batch open or syncing.
      assert.deepEqual(await ctx.run(keys), ['a'], 'an acknowledged write is in the very next read');
      while (syncs.length < 2) await tick();
      assert.equal(count(), 3, 'b and c were committed together, in one batch');
      assert.deepEqual(await ctx.run(keys), ['a'], 'committed but not yet durable: not shown');
      syncs[1]!();
      await Promise.all([b, c]);
      assert.deepEqual(acked, ['a', 'b', 'c']);
      assert.deepEqual(await ctx.run(keys), ['a', 'b', 'c']);
    } finally {
      await done();
    }
  });

  it('property: no outside read ever shows an unsynced row, and each shows every write acknowledged before it was issued', async () => {
    const { file, ctx, syncs, keys, insert, done } = heldSyncs('kamen-property-');
    // A third connection sees what is committed at the moment each sync starts; that becomes durable when it is released.
    const observer = new Database(file, { readonly: true });
    const committed = observer.prepare('SELECT k FROM t').pluck();
    try {
      const random = prng(18);
      const atSync: Array<Set<string>> = [];
      const sync = async (): Promise<void> => {
        atSync.push(new Set(committed.all() as string[]));
      };
      let durable = new Set<string>();
      const acked = new Set<string>();
      const pending: Array<Promise<unknown>> = [];
      let reads = 0;
      let next = 0;
      for (let step = 0; step < 400; step++) {
        const r = random();
        if (r < 0.3) {
          const k = `k${String(next++).padStart(4, '0')}`;
          const write = random() < 0.5
            ? ctx.transaction(async () => {
                await ctx.run(() => insert.run(k));
                if (random() < 0.5) await tick();
              })
            : ctx.commitOne(() => insert.run(k));
          pending.push(write.then(() => acked.add(k)));
        } else if (r < 0.6) {
          const before = new Set(acked);
          pending.push(
            ctx.run(() => {
              const seen = keys();
              for (const k of seen) assert.ok(durable.has(k), `read showed ${k}, which is not yet on disk`);
              return seen;
            }).then((seen) => {
              for (const k of before) assert.ok(seen.includes(k), `read missed ${k}, acknowledged before it was issued`);
              reads++;
            }),
          );
        } else if (r < 0.8) {
          while (atSync.length < syncs.length) await sync();
          if (syncs.length) {
            durable = atSync.shift()!;
            syncs.shift()!();
          }
        } else {
          await tick();
        }
        while (atSync.length < syncs.length) await sync();
      }
      while (pending.length) {
        while (atSync.length < syncs.length) await sync();
        if (syncs.length) {
          durable = atSync.shift()!;
          syncs.shift()!();
        }
        await tick();
        const settled = await Promise.race([Promise.allSettled(pending).then(() => true), tick().then(() => false)]);
        if (settled) break;
      }
      const results = await Promise.allSettled(pending);
      const failed = results.find((x) => x.status === 'rejected');
      if (failed) throw (failed as PromiseRejectedResult).reason;
      assert.ok(reads > 50, 'the loop read often');
      assert.deepEqual(new Set(await ctx.run(keys)), acked);
    } finally {
      observer.close();
      await done();
    }
  });

  it('close() waits for the sync in flight, then commits and syncs the batch still open, acknowledging every write', async () => {
    const { file, ctx, syncs, insert, done } = heldSyncs('kamen-close-');
    try {
      const acked: string[] = [];
      const put = (k: string) => ctx.transaction(async () => ctx.run(() => insert.run(k))).then(() => acked.push(k));
      const a = put('a');
      while (syncs.length < 1) await tick();
      const b = put('b');
      await tick();
      let closed = false;
      const closing = ctx.close().then(() => (closed = true));
      for (let i = 0; i < 10; i++) await tick();
      assert.equal(closed, false, 'close waits for the sync in flight');
      assert.deepEqual(acked, []);
      syncs.shift()!();
      await closing;
      await Promise.all([a, b]);
      assert.deepEqual(acked, ['a', 'b']);
      const other = new Database(file, { readonly: true });
      assert.deepEqual(other.prepare('SELECT k FROM t ORDER BY k').pluck().all(), ['a', 'b']);
      other.close();
      await assert.rejects(ctx.transaction(async () => 1), /closed/);
    } finally {
      await done();
    }
  });

  it('a row cache is never filled from a snapshot (its row may be older than a write that already emptied the cache)', async () => {
    const { db, ctx, syncs, done } = heldSyncs('kamen-cache-');
    try {
      db.exec("CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT); INSERT INTO kv VALUES ('x', 'v0')");
      const get = ctx.db.prepare('SELECT v FROM kv WHERE k = ?').pluck();
      const set = ctx.db.prepare('UPDATE kv SET v = ? WHERE k = ?');
      const cache = createRowCache<string>(ctx, (v) => v);
      const update = ctx.transaction(async () => {
        await ctx.run(() => set.run('v1', 'x'));
        cache.clear();
      });
      while (syncs.length < 1) await tick(); // committed, its sync held
      assert.equal(await cache.read('x', () => get.get('x') as string | undefined), 'v0', 'the snapshot: the last durable value');
      syncs.shift()!();
      await update;
      assert.equal(await cache.read('x', () => get.get('x') as string | undefined), 'v1', 'the acknowledged write, not a cached snapshot row');
    } finally {
      await done();
    }
  });

  it('the WAL stays bounded under a sustained write load while the reader keeps answering (it steps aside for restarts)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-walbound-'));
    const file = path.join(dir, DB_FILE);
    const db = openDatabase(file);
    db.exec('CREATE TABLE blobs (id INTEGER PRIMARY KEY, v BLOB)');
    const ctx = createContext(db, createSecretCipher(Buffer.alloc(32, 7)), { walFile: file + '-wal', restartFrames: 256, checkpointMs: 10 });
    const insert = ctx.db.prepare('INSERT INTO blobs (v) VALUES (?)');
    const remove = ctx.db.prepare('DELETE FROM blobs WHERE id = ?');
    const count = ctx.db.prepare('SELECT count(*) FROM blobs').pluck();
    const header = Buffer.alloc(4);
    const fd = fs.openSync(file + '-wal', 'r');
    try {
      // The WAL header's checkpoint sequence number changes each time the WAL starts over.
      const sequence = (): number => (fs.readSync(fd, header, 0, 4, 12), header.readUInt32BE(0));
      const sequences = new Set<number>();
      const row = Buffer.alloc(16 * 1024, 1);
      const PAIRS = 3000; // 16 KiB in and out each: ~100 MiB of WAL frames if the WAL never started over
      let next = 0;
      let reads = 0;
      let writing = true;
      const writers = Array.from({ length: 16 }, async () => {
        while (next < PAIRS) {
          next++;
          const id = await ctx.transaction(async () => ctx.run(() => insert.run(row).lastInsertRowid));
          await ctx.transaction(async () => ctx.run(() => remove.run(id)));
          sequences.add(sequence());
        }
      });
      const readers = Array.from({ length: 2 }, async () => {
        while (writing) {
          assert.ok((await ctx.run(() => count.get() as number)) <= 16);
          reads++;
          await tick();
        }
      });
      await Promise.all(writers);
      writing = false;
      await Promise.all(readers);
      const size = fs.statSync(file + '-wal').size;
      assert.ok(sequences.size >= 3, `the WAL started over ${sequences.size - 1} times`);
      assert.ok(size < 12 * 2 ** 20, `the WAL file reached ${(size / 2 ** 20).toFixed(1)} MiB`);
      assert.ok(reads > 100);
    } finally {
      fs.closeSync(fd);
      await ctx.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without the durable reader, an outside read waits only for the batch open when it came, not for later ones (no starvation)', async () => {
    const { ctx, syncs, count, insert, done } = heldSyncs('kamen-starve-', { durableReader: false });
    try {
      const put = (k: string) => ctx.transaction(async () => ctx.run(() => insert.run(k)));
      const first = put('a');
      while (syncs.length < 1) await tick();
      let read: number | undefined;
      const reader = ctx.run(() => (read = count()));
      const second = put('b'); // a newer batch, open while the first one's sync is still running
      for (let i = 0; i < 5; i++) await tick();
      assert.equal(read, undefined, 'the read waits for the sync');
      syncs[0]!();
      await first;
      while (syncs.length < 2) await tick();
      for (let i = 0; i < 10 && read === undefined; i++) await tick();
      assert.notEqual(read, undefined, 'the read ran once the batch it came during was durable, with a newer sync pending');
      syncs[1]!();
      await Promise.all([second, reader]);
    } finally {
      await done();
    }
  });

  it('an outside write that lands in a newer open batch is acknowledged only once that batch is durable', async () => {
    const { db, ctx, syncs, count, keys, insert, done } = heldSyncs('kamen-outside-');
    try {
      const acked: string[] = [];
      const first = ctx.transaction(async () => ctx.run(() => insert.run('a'))).then(() => acked.push('a'));
      while (syncs.length < 1) await tick();
      // an outside write during the first batch's sync: it waits for that batch to be durable
      let inBatch: boolean | undefined;
      const outside = ctx.run(() => {
        inBatch = db.inTransaction;
        return insert.run('x');
      }).then(() => acked.push('x'));
      // meanwhile a transaction opens a second batch, which stays open (uncommitted) for two turns of the event loop
      let entered!: () => void;
      const started = new Promise<void>((r) => (entered = r));
      const second = ctx.transaction(async () => {
        await ctx.run(() => insert.run('b'));
        entered();
      }).then(() => acked.push('b'));
      await started;
      syncs[0]!(); // the first batch is durable: the outside write now runs, inside the open second batch
      await first;
      while (syncs.length < 2) await tick(); // the second batch committed; its sync is held
      for (let i = 0; i < 5; i++) await tick();
      assert.equal(inBatch, true, 'the outside write ran inside the open second batch');
      assert.deepEqual(acked, ['a'], 'neither the transaction nor the outside write of the second batch is acknowledged before its sync');
      syncs[1]!();
      await Promise.all([outside, second]);
      assert.deepEqual(acked.slice(1).sort(), ['b', 'x']);
      assert.equal(count(), 3);
      // an outside read during an open batch does not wait for it (nor shows it), and a write with no batch open is
      // durable at once
      const third = ctx.transaction(async () => ctx.run(() => insert.run('c')));
      let read: string[] | undefined;
      await ctx.run(() => (read = keys()));
      assert.deepEqual(read, ['a', 'b', 'x'], 'the read answered from the last durable state without waiting for the batch');
      while (syncs.length < 3) await tick();
      syncs[2]!();
      await third;
      await ctx.run(() => insert.run('d'));
      assert.equal(count(), 5);
      assert.deepEqual(await ctx.run(keys), ['a', 'b', 'c', 'd', 'x']);
    } finally {
      await done();
    }
  });

  it('commitOne: one statement joins the open batch without a savepoint, acknowledged only after its sync', async () => {
    const { db, ctx, syncs, count, done } = heldSyncs('kamen-one-');
    try {
      const insert = db.prepare('INSERT INTO t VALUES (?)');
      const acked: string[] = [];
      const one = (k: string) => ctx.commitOne(() => insert.run(k)).then(() => acked.push(k));
      const inTx = ctx.transaction(async () => ctx.run(() => insert.run('tx'))).then(() => acked.push('tx'));
      const a = one('a');
      const dup = ctx.commitOne(() => insert.run('a')); // fails alone: the batch and its other writes stay
      const b = one('b');
      await assert.rejects(dup, /UNIQUE/);
      while (syncs.length === 0) await tick();
      for (let i = 0; i < 5; i++) await tick();
      assert.equal(syncs.length, 1, 'one sync for the transaction and both single writes');
      assert.deepEqual(acked, [], 'nothing is acknowledged before the sync completes');
      syncs[0]!();
      await Promise.all([a, b, inTx]);
      assert.deepEqual(acked.sort(), ['a', 'b', 'tx']);
      assert.equal(count(), 3);
      // Inside a transaction it is part of it: a rollback takes it away too.
      await assert.rejects(ctx.transaction(async () => {
        await ctx.commitOne(() => insert.run('inner'));
        throw new Error('roll back');
      }), /roll back/);
      assert.equal(count(), 3);
    } finally {
      await done();
    }
  });

  it('the getUser cache: writes show at once, a rolled-back write never does, and callers cannot change it', async () => {
    const s = await openStore({});
    try {
      await s.createUser(user(A1, 'cached', { tags: [{ Key: 'k', Value: 'v1' }] }));
      const first = (await s.getUser(A1, 'CACHED'))!;
      first.tags[0]!.Value = 'scribbled';
      first.path = '/scribbled/';
      assert.deepEqual((await s.getUser(A1, 'cached'))!.tags, [{ Key: 'k', Value: 'v1' }], 'a caller\'s changes do not leak into the cache');
      assert.equal((await s.getUser(A1, 'cached'))!.path, '/');
      await s.updateUser(A1, 'cached', { tags: [{ Key: 'k', Value: 'v2' }] });
      assert.deepEqual((await s.getUser(A1, 'cached'))!.tags, [{ Key: 'k', Value: 'v2' }]);
      await assert.rejects(
        s.transaction(async () => {
          await s.updateUser(A1, 'cached', { tags: [{ Key: 'k', Value: 'v3' }] });
          assert.deepEqual((await s.getUser(A1, 'cached'))!.tags, [{ Key: 'k', Value: 'v3' }], 'the transaction sees its own write');
          throw new Error('roll back');
        }),
        /roll back/,
      );
      assert.deepEqual((await s.getUser(A1, 'cached'))!.tags, [{ Key: 'k', Value: 'v2' }], 'the rolled-back write is gone');
      await s.updateUser(A1, 'cached', { userName: 'renamed', arn: `arn:aws:iam::${A1}:user/renamed` });
      assert.equal(await s.getUser(A1, 'cached'), undefined);
      assert.equal((await s.getUser(A1, 'renamed'))!.arn, `arn:aws:iam::${A1}:user/renamed`);
      await s.deleteUser(A1, 'renamed');
      assert.equal(await s.getUser(A1, 'renamed'), undefined);
    } finally {
      await s.close();
    }
  });

  it('a cached user or role is served at once, even while another request\'s transaction is open; a miss still waits', async () => {
    const s = await openStore({});
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    try {
      await s.createRole(role(A1, 'cached-role'));
      await s.createUser(user(A1, 'cached-user'));
      assert.ok(await s.getRole(A1, 'cached-role'));
      assert.ok(await s.getUser(A1, 'cached-user'));
      const tx = s.transaction(async () => {
        await s.setSetting('busy', 'yes');
        await gate;
      });
      await tick();
      const got: string[] = [];
      const miss = s.getRole(A1, 'not-cached').then(() => got.push('miss'));
      const hits = Promise.all([
        s.getRole(A1, 'CACHED-ROLE').then((r) => got.push(r!.roleName)),
        s.getUser(A1, 'cached-user').then((u) => got.push(u!.userName)),
      ]);
      for (let i = 0; i < 5; i++) await tick();
      assert.deepEqual(got.sort(), ['cached-role', 'cached-user'], 'the committed rows came at once; the miss waits for the open transaction');
      release();
      await Promise.all([tx, miss, hits]);
      assert.ok(got.includes('miss'));
    } finally {
      release();
      await s.close();
    }
  });

  it('the getRole cache: trust policy and last-used updates show at once; a rolled-back update never does', async () => {
    const s = await openStore({});
    try {
      await s.createRole(role(A1, 'r'));
      const doc = (await s.getRole(A1, 'R'))!.assumeRolePolicyDocument;
      await s.updateRole(A1, 'r', { assumeRolePolicyDocument: '{"changed":1}' });
      assert.equal((await s.getRole(A1, 'r'))!.assumeRolePolicyDocument, '{"changed":1}');
      assert.notEqual(doc, '{"changed":1}');
      const got = (await s.getRole(A1, 'r'))!;
      got.tags.push({ Key: 'x', Value: 'y' });
      assert.deepEqual((await s.getRole(A1, 'r'))!.tags, [], 'a caller\'s changes do not leak into the cache');
      await assert.rejects(s.transaction(async () => {
        await s.updateRole(A1, 'r', { maxSessionDuration: 7200 });
        assert.equal((await s.getRole(A1, 'r'))!.maxSessionDuration, 7200);
        throw new Error('roll back');
      }), /roll back/);
      assert.notEqual((await s.getRole(A1, 'r'))!.maxSessionDuration, 7200);
      await s.updateRole(A1, 'r', { lastUsed: { date: new Date(T0), region: 'eu-west-1' } });
      assert.equal((await s.getRole(A1, 'r'))!.lastUsed?.region, 'eu-west-1');
      await s.deleteRole(A1, 'r');
      assert.equal(await s.getRole(A1, 'r'), undefined);
    } finally {
      await s.close();
    }
  });
});
