/**
 * Event retention on both backends, seen from a plain connection: after the sweep deleted old events (and every one of
 * their lookup rows), a DELETE, UPDATE or TRUNCATE outside the sweep is still refused (migration 018).
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';
import { openStore, DB_FILE } from '../../src/store/open.js';
import type { Store, StoredEvent } from '../../src/store/store.js';
import { clusterOrSkip } from '../helpers/postgres.js';

const T0 = Date.UTC(2026, 11, 3, 12, 0, 0);

function ev(n: number): StoredEvent {
  return {
    accountId: '111111111111',
    eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    eventTime: new Date(T0 + n * 1000),
    eventName: 'AttachUserPolicy',
    eventSource: 'iam.amazonaws.com',
    readOnly: false,
    resources: [
      { ResourceType: 'AWS::IAM::User', ResourceName: `u${n}` },
      { ResourceType: 'AWS::IAM::Policy', ResourceName: `p${n}` },
    ],
    record: JSON.stringify({ n }),
    awsRegion: 'us-east-1',
  };
}

/** Stores events 0..9 and sweeps those before event 6's time: 6 events and their 12 resource rows go. */
async function sweepSome(store: Store): Promise<void> {
  // One transaction per event, as state-changing calls store theirs (SQLite: one block each).
  for (let n = 0; n < 10; n++) await store.transaction(() => store.appendEvents([ev(n)]));
  assert.equal(await store.deleteExpiredEvents(new Date(T0 + 6000), 1000), 6);
}

describe('event retention (SQLite file)', () => {
  it('deletes old events with their resource rows; a plain DELETE or UPDATE is still refused afterwards', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-retention-'));
    try {
      const store = await openStore({ dataDir: dir });
      try {
        await sweepSome(store);
      } finally {
        await store.close();
      }
      const db = new Database(path.join(dir, DB_FILE));
      try {
        assert.equal(db.prepare('SELECT sum(count) FROM event_blocks').pluck().get(), 4);
        // each block's keys: name, source, read-only, two resource types and names, and its (not time-led) ID
        assert.equal(db.prepare('SELECT count(*) FROM event_keys').pluck().get(), 4 * 8);
        assert.equal(db.prepare('SELECT count(*) FROM event_keys WHERE seq NOT IN (SELECT seq FROM event_blocks)').pluck().get(), 0);
        assert.equal(db.prepare('SELECT sweeping FROM event_retention WHERE id = 1').pluck().get(), 0, 'the sweep cleared its flag');
        assert.throws(() => db.prepare('DELETE FROM event_blocks').run(), /append-only/);
        assert.throws(() => db.prepare('DELETE FROM event_blocks WHERE seq = (SELECT MIN(seq) FROM event_blocks)').run(), /append-only/);
        assert.throws(() => db.prepare('DELETE FROM event_keys').run(), /append-only/);
        assert.throws(() => db.prepare("UPDATE event_blocks SET count = 0").run(), /append-only/);
        assert.throws(() => db.prepare("UPDATE event_keys SET value = 'x'").run(), /append-only/);
        // Without its control row the retention switch reads as off: deletes stay refused.
        db.prepare('DELETE FROM event_retention').run();
        assert.throws(() => db.prepare('DELETE FROM event_blocks').run(), /append-only/);
        assert.equal(db.prepare('SELECT sum(count) FROM event_blocks').pluck().get(), 4);
      } finally {
        db.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

const got = await clusterOrSkip();
describe('event retention (PostgreSQL)', { skip: 'skip' in got ? got.skip : false }, () => {
  if ('skip' in got) return;
  const { cluster } = got;
  after(() => cluster.stop());
  it('deletes old events with their resource rows; a plain DELETE, UPDATE or TRUNCATE is still refused afterwards', async () => {
    const url = await cluster.createDatabase('retention');
    const store = await openStore({ url, schema: 'rt', masterKey: randomBytes(32), poolSize: 2 });
    try {
      await sweepSome(store);
      // The same pooled sessions sweep again: the setting lived only in the sweep's transaction.
      assert.equal(await store.deleteExpiredEvents(new Date(T0 + 7000), 1000), 1);
    } finally {
      await store.close();
    }
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      const count = async (sql: string): Promise<number> => Number((await c.query<{ n: string }>(sql)).rows[0]!.n);
      assert.equal(await count('SELECT count(*) AS n FROM rt.events'), 3);
      assert.equal(await count('SELECT count(*) AS n FROM rt.event_resources'), 6);
      assert.equal(await count('SELECT count(*) AS n FROM rt.event_resources WHERE seq NOT IN (SELECT seq FROM rt.events)'), 0);
      await assert.rejects(c.query('DELETE FROM rt.events'), /append-only/);
      await assert.rejects(c.query('DELETE FROM rt.event_resources'), /append-only/);
      await assert.rejects(c.query("UPDATE rt.events SET event_name = 'x'"), /append-only/);
      await assert.rejects(c.query('TRUNCATE rt.events CASCADE'), /append-only/);
      await assert.rejects(c.query('TRUNCATE rt.event_resources'), /append-only/);
      // Switched on by a transaction, retention still lets no UPDATE through.
      await c.query('BEGIN');
      await c.query("SELECT set_config('kamen.event_retention', 'on', true)");
      await assert.rejects(c.query("UPDATE rt.events SET event_name = 'x'"), /append-only/);
      await c.query('ROLLBACK');
      assert.equal(await count('SELECT count(*) AS n FROM rt.events'), 3);
    } finally {
      await c.end();
    }
  });
});
