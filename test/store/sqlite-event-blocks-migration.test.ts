/**
 * Migration 020 (SQLite): the events an earlier version stored one per row become one block each, found by every
 * lookup attribute (a random event ID included), in the same order, with trail positions carried over, and the
 * retention sweep deletes them with their key rows.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openStore, DB_FILE } from '../../src/store/open.js';
import { databaseBefore } from '../helpers/sqlite-migrations.js';
import type { EventLookupKey } from '../../src/store/store.js';

const T0 = Date.UTC(2026, 11, 3, 12, 0, 0);
const A = '111111111111';

/** A database as migration 019 left it, with `n` events (event i at T0 + i s; odd ones by alice with a key and a resource). */
function legacyDatabase(dir: string, n: number): void {
  const db = databaseBefore(dir, 20);
  const insert = db.prepare('INSERT INTO events (account_id, event_id, event_time, event_name, event_source, read_only, username, access_key_id, resources, record, aws_region) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const resource = db.prepare("INSERT INTO event_resources (seq, account_id, event_time, resource_type, resource_name, aws_region) VALUES (?, ?, ?, 'AWS::IAM::User', 'alice', ?)");
  for (let i = 0; i < n; i++) {
    const odd = i % 2 === 1;
    const res = odd ? [{ ResourceType: 'AWS::IAM::User', ResourceName: 'alice' }] : [];
    // random (version 4) IDs, as versions before time-led IDs made them
    const id = `a0a0a0a0-0000-4000-8000-${String(i).padStart(12, '0')}`;
    const seq = insert.run(A, id, T0 + i * 1000, odd ? 'GetUser' : 'CreateUser', 'iam.amazonaws.com', odd ? 'true' : 'false', odd ? 'alice' : null, odd ? 'AKIAALICE' : null, JSON.stringify(res), JSON.stringify({ i, text: 'quote " ✓' }), 'us-east-1').lastInsertRowid;
    if (odd) resource.run(seq, A, T0 + i * 1000, 'us-east-1');
  }
  // a logging trail that has delivered the first four events
  db.prepare("INSERT INTO trails (account_id, home_region, name, arn, config, created_at, position, delivery) VALUES (?, 'us-east-1', 't', 'arn:aws:cloudtrail:us-east-1:111111111111:trail/t', '{\"isLogging\":true}', 0, 4, '{}')").run(A);
  db.close();
}

describe('migration 020 (SQLite): events into blocks', () => {
  it('keeps every event findable by every attribute, in order, with trail positions and retention working on them', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-020-'));
    try {
      legacyDatabase(dir, 8);
      const store = await openStore({ dataDir: dir });
      try {
        const find = async (attribute?: { key: EventLookupKey; value: string }) =>
          (await store.lookupEvents({ accountId: A, region: 'us-east-1', ...(attribute ? { attribute } : {}), startMs: 0, endMs: T0 + 60_000, limit: 50 })).map((e) => (JSON.parse(e.record) as { i: number }).i);
        assert.deepEqual(await find(), [7, 6, 5, 4, 3, 2, 1, 0]);
        assert.deepEqual(await find({ key: 'Username', value: 'alice' }), [7, 5, 3, 1]);
        assert.deepEqual(await find({ key: 'AccessKeyId', value: 'AKIAALICE' }), [7, 5, 3, 1]);
        assert.deepEqual(await find({ key: 'EventName', value: 'CreateUser' }), [6, 4, 2, 0]);
        assert.deepEqual(await find({ key: 'ReadOnly', value: 'false' }), [6, 4, 2, 0]);
        assert.deepEqual(await find({ key: 'ResourceName', value: 'alice' }), [7, 5, 3, 1]);
        assert.deepEqual(await find({ key: 'ResourceType', value: 'AWS::IAM::User' }), [7, 5, 3, 1]);
        assert.deepEqual(await find({ key: 'EventSource', value: 'iam.amazonaws.com' }), [7, 6, 5, 4, 3, 2, 1, 0]);
        assert.deepEqual(await find({ key: 'EventId', value: 'a0a0a0a0-0000-4000-8000-000000000005' }), [5]);
        const [e5] = await store.lookupEvents({ accountId: A, region: 'us-east-1', attribute: { key: 'Username', value: 'alice' }, startMs: 0, endMs: T0 + 5000, limit: 1 });
        assert.deepEqual(e5!.resources, [{ ResourceType: 'AWS::IAM::User', ResourceName: 'alice' }]);
        assert.equal(e5!.accessKeyId, 'AKIAALICE');
        assert.equal(e5!.readOnly, true);
        assert.equal(e5!.eventTime.getTime(), T0 + 5000);

        // The trail delivered events 1..4 (positions 1..4 then): it goes on with event 5, and new events follow.
        const [trail] = await store.listTrails(A);
        const rest = await store.readEventsAfter(trail!.position, 100);
        assert.deepEqual(rest.map((e) => (JSON.parse(e.record) as { i: number }).i), [4, 5, 6, 7]);
        await store.transaction(() => store.appendEvents([{ accountId: A, eventId: 'new', eventTime: new Date(T0 + 9000), eventName: 'CreateRole', eventSource: 'iam.amazonaws.com', readOnly: false, resources: [], record: '{"i":8}', awsRegion: 'us-east-1' }]));
        const all = await store.readEventsAfter(0, 100);
        assert.deepEqual(all.map((e) => (JSON.parse(e.record) as { i: number }).i), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
        for (let k = 1; k < all.length; k++) assert.ok(all[k]!.seq > all[k - 1]!.seq, 'positions increase');
        assert.equal(await store.lastEventPosition(), all[all.length - 1]!.seq);

        // Retention: what is older than event 6 goes, but not the block of the logging trail's position (event 3) nor
        // anything after it; key rows go with their blocks.
        assert.equal(await store.deleteExpiredEvents(new Date(T0 + 6000), 1000), 3);
        assert.deepEqual(await find(), [8, 7, 6, 5, 4, 3]);
        assert.deepEqual(await find({ key: 'Username', value: 'alice' }), [7, 5, 3]);
      } finally {
        await store.close();
      }
      const db = new Database(path.join(dir, DB_FILE), { readonly: true });
      try {
        assert.equal(db.prepare("SELECT count(*) FROM sqlite_master WHERE name IN ('events', 'event_resources')").pluck().get(), 0, 'the old tables are gone');
        assert.equal(db.prepare('SELECT count(*) FROM event_keys WHERE seq NOT IN (SELECT seq FROM event_blocks)').pluck().get(), 0, 'no key row outlives its block');
      } finally {
        db.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
