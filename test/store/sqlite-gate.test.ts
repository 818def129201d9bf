/** SQLite-specific: on the single connection, calls from outside an open transaction wait for it to end. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openStore, DB_FILE } from '../../src/store/open.js';
import { A1, user } from '../contract/fixtures.js';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

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
});
