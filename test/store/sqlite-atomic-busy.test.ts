/**
 * SQLite-specific: an atomic read-then-write from outside a transaction, while another connection (the event writer
 * thread's, under exclusive()) holds the write lock, waits for that lock instead of failing with SQLITE_BUSY (which
 * the API answered as a 500: seen as DeleteObject right after a recorded DeleteBucket failure).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { DB_FILE } from '../../src/store/open.js';
import { createContext, openDatabase } from '../../src/store/sqlite/db.js';
import { createSecretCipher } from '../../src/store/crypto.js';

/** A child process that takes the write lock on `file`, says so, holds it for `ms`, then commits a row. */
function holdWriteLock(file: string, ms: number): { locked: Promise<void>; exited: Promise<number | null> } {
  const sqlite = createRequire(import.meta.url).resolve('better-sqlite3');
  const code = `const D=require(${JSON.stringify(sqlite)});const db=new D(${JSON.stringify(file)});
db.exec('BEGIN IMMEDIATE');db.prepare("INSERT INTO t VALUES ('other')").run();process.stdout.write('locked\\n');
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)),0,0,${ms});db.exec('COMMIT');db.close();`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const locked = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => (d.toString().includes('locked') ? resolve() : undefined));
    child.on('exit', () => reject(new Error('the lock holder exited before taking the lock')));
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  return { locked, exited };
}

test('an outside atomic that reads before it writes waits for another connection\'s write lock (no SQLITE_BUSY)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-atomic-busy-'));
  const file = path.join(dir, DB_FILE);
  const db = openDatabase(file);
  db.exec('CREATE TABLE t (k TEXT PRIMARY KEY)');
  const ctx = createContext(db, createSecretCipher(Buffer.alloc(32, 7)), { walFile: file + '-wal' });
  try {
    const count = ctx.db.prepare('SELECT count(*) FROM t').pluck();
    const insert = ctx.db.prepare('INSERT INTO t VALUES (?)');
    const holder = holdWriteLock(file, 300);
    await holder.locked;
    // Read first, then write: the shape of deleteS3ObjectVersion and every read-modify-write of the store.
    const seen = await ctx.run(() =>
      ctx.atomic(() => {
        const before = count.get() as number;
        insert.run('mine');
        return before;
      }),
    );
    assert.equal(seen, 1, 'the atomic ran after the other connection committed, and saw its row');
    assert.equal(await holder.exited, 0);
    assert.deepEqual(ctx.db.prepare('SELECT k FROM t ORDER BY k').pluck().all(), ['mine', 'other']);
  } finally {
    await ctx.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
