/**
 * Temporary key IDs in the SQLite event lookup keys as ranges (src/store/sqlite/key-id-ranges.ts): the keys one
 * block's AssumeRole events issued become one row per prefix, a lookup of each key finds its event and nothing
 * else, rows of blocks written before ranges (one per key) are still found, and the retention sweep leaves no row of
 * either shape behind.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createSealedKeyIds } from '../../src/authz/temporary-keys.js';
import { keysOf } from '../../src/store/sqlite/event-block.js';
import { KeyIdRanges, isRangedKeyId, keyIdBounds, keyRowHolds, rangeRowBounds } from '../../src/store/sqlite/key-id-ranges.js';
import { openStore, DB_FILE } from '../../src/store/open.js';
import type { EventLookupKey, Store, StoredEvent } from '../../src/store/store.js';

const T0 = Date.UTC(2026, 11, 4, 12, 0, 0);
const A = '111111111111';
/** A random source that always starts a slot's numbering at `start`. */
const startingAt = (start: number) => (n: number) => Buffer.from([start >> 12, (start >> 4) & 255, start & 15, ...Array(Math.max(0, n - 3)).fill(0)]);

const dirs: string[] = [];
after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** An AssumeRole event at `timeMs` naming the key it issued. */
function assumed(i: number, timeMs: number, keyId: string): StoredEvent {
  return {
    accountId: A,
    eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    eventTime: new Date(timeMs),
    eventName: 'AssumeRole',
    eventSource: 'sts.amazonaws.com',
    readOnly: true,
    username: 'alice',
    accessKeyId: 'AKIAALICE',
    resources: [
      { ResourceType: 'AWS::IAM::AccessKey', ResourceName: keyId },
      { ResourceType: 'AWS::IAM::Role', ResourceName: `arn:aws:iam::${A}:role/r` },
    ],
    record: JSON.stringify({ i }),
    awsRegion: 'us-east-1',
  };
}

describe('key ID ranges', () => {
  it('gather the keys of one prefix into one row that holds exactly the numbers from its lowest to its highest', () => {
    const ids = createSealedKeyIds(startingAt(1000));
    const keys = Array.from({ length: 50 }, () => ids(A, T0));
    assert.ok(keys.every((k) => isRangedKeyId('ResourceName', k) && isRangedKeyId('AccessKeyId', k)));
    assert.equal(isRangedKeyId('Username', keys[0]!), false, 'only resource names and access key IDs');
    assert.equal(isRangedKeyId('ResourceName', 'AKIAIOSFODNN7EXAMPLE'), false, 'long-term keys are named one by one');
    const ranges = new KeyIdRanges();
    for (const k of [...keys].reverse()) ranges.add('ResourceName', k);
    const rows: Array<[EventLookupKey, string]> = [];
    ranges.rows(rows);
    assert.equal(rows.length, 1);
    const [, value] = rows[0]!;
    assert.equal(value, keys[0]! + keys[49]!.slice(16));
    for (const k of keys) assert.ok(keyRowHolds(value, k), k);
    // the numbers just outside, and the same numbers under another slot's prefix
    const before = createSealedKeyIds(startingAt(999))(A, T0);
    const past = createSealedKeyIds(startingAt(1050))(A, T0);
    const otherSlot = createSealedKeyIds(startingAt(1010))(A, T0 + 10);
    for (const k of [before, past, otherSlot]) assert.equal(keyRowHolds(value, k), false, k);
    // a row naming one key holds that key only
    assert.ok(keyRowHolds(keys[3]!, keys[3]!));
    assert.equal(keyRowHolds(keys[3]!, keys[4]!), false);
    const { prefix, end } = keyIdBounds(keys[7]!);
    assert.ok(value >= prefix && value < end && keys[7]! >= prefix && keys[7]! < end);
    assert.deepEqual(rangeRowBounds('ResourceName', value), { prefix, end });
    assert.equal(rangeRowBounds('ResourceName', keys[0]!), undefined, 'a row naming one key is deleted as itself');
    assert.equal(rangeRowBounds('ResourceType', value), undefined);
  });

  it('keep each attribute and prefix apart when their keys come interleaved', () => {
    const slotA = createSealedKeyIds(startingAt(100));
    const slotB = createSealedKeyIds(startingAt(200));
    const a = Array.from({ length: 6 }, () => slotA(A, T0));
    const b = Array.from({ length: 6 }, () => slotB(A, T0 + 10));
    assert.notEqual(a[0]!.slice(0, 16), b[0]!.slice(0, 16), 'two prefixes');
    const ranges = new KeyIdRanges();
    // prefixes and attributes alternate, and each range's lowest and highest come last
    for (let i = 4; i >= 0; i -= 2) {
      ranges.add('ResourceName', a[i + 1]!);
      ranges.add('AccessKeyId', a[i]!);
      ranges.add('ResourceName', b[i]!);
      ranges.add('ResourceName', a[i]!);
      ranges.add('ResourceName', b[i + 1]!);
    }
    const rows: Array<[EventLookupKey, string]> = [];
    ranges.rows(rows);
    assert.deepEqual(rows.map(([k, v]) => `${k} ${v}`).sort(), [`AccessKeyId ${a[0]!}${a[4]!.slice(16)}`, `ResourceName ${a[0]!}${a[5]!.slice(16)}`, `ResourceName ${b[0]!}${b[5]!.slice(16)}`].sort());
  });

  it('are what keysOf gives a block: one row per prefix of each attribute', () => {
    const ids = createSealedKeyIds(startingAt(5));
    const events = Array.from({ length: 30 }, (_, i) => assumed(i, T0 + i, ids(A, T0 + (i < 20 ? 0 : 10))));
    events[29]!.accessKeyId = events[0]!.resources[0]!.ResourceName; // a call made with an issued key
    const names = keysOf(events, false).filter(([k, v]) => k === 'ResourceName' && v.startsWith('ASIA'));
    assert.equal(names.length, 2, 'the first 20 keys share a slot, the last 10 another');
    const accessKeys = keysOf(events, false).filter(([k]) => k === 'AccessKeyId').map(([, v]) => v);
    assert.deepEqual(accessKeys.sort(), ['AKIAALICE', events[0]!.resources[0]!.ResourceName + events[0]!.resources[0]!.ResourceName.slice(16)].sort());
  });
});

describe('key ID ranges in a SQLite store', () => {
  it('find each issued key by ResourceName, none in between, keys of earlier rows too, and the sweep leaves no row', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-key-ranges-'));
    dirs.push(dir);
    // Keys numbered from 100 in one slot; every third one goes to another account (a gap in this account's range).
    const ids = createSealedKeyIds(startingAt(100));
    const all = Array.from({ length: 90 }, () => ids(A, T0));
    const ours = all.filter((_, i) => i % 3 !== 0);
    const theirs = all.filter((_, i) => i % 3 === 0);
    const store: Store = await openStore({ dataDir: dir });
    try {
      // two blocks (transactions) of 30 events each, then one more event in its own block
      await store.transaction(() => store.appendEvents(ours.slice(0, 30).map((k, i) => assumed(i, T0 + 1000, k))));
      await store.transaction(() => store.appendEvents(ours.slice(30).map((k, i) => assumed(30 + i, T0 + 2000, k))));
      const later = ids(A, T0 + 5000);
      await store.transaction(() => store.appendEvents([assumed(60, T0 + 5000, later)]));
      const byName = async (keyId: string): Promise<number[]> =>
        (await store.lookupEvents({ accountId: A, region: 'us-east-1', attribute: { key: 'ResourceName', value: keyId }, startMs: T0, endMs: T0 + 60_000, limit: 50 })).map((e) => (JSON.parse(e.record) as { i: number }).i);
      for (const [i, k] of ours.entries()) assert.deepEqual(await byName(k), [i], k);
      assert.deepEqual(await byName(later), [60]);
      for (const k of theirs) assert.deepEqual(await byName(k), [], `${k} was not issued here`);
    } finally {
      await store.close();
    }
    const db = new Database(path.join(dir, DB_FILE));
    try {
      const rows = db.prepare("SELECT value FROM event_keys WHERE attr = 'ResourceName' AND value LIKE 'ASIA%' ORDER BY seq").pluck().all() as string[];
      assert.equal(rows.length, 3, 'one row per block for the keys of one slot');
      assert.ok(rows.every((v) => v.length === 24));
      // A block written before ranges named each key in a row of its own: the second block's row becomes one such.
      db.prepare('UPDATE event_retention SET sweeping = 1 WHERE id = 1').run();
      const last = db.prepare("SELECT seq, max_time FROM event_keys WHERE attr = 'ResourceName' AND value LIKE 'ASIA%' ORDER BY seq LIMIT 1 OFFSET 1").get() as { seq: number; max_time: number };
      db.prepare("DELETE FROM event_keys WHERE attr = 'ResourceName' AND value LIKE 'ASIA%' AND seq = ?").run(last.seq);
      db.prepare("INSERT INTO event_keys (account_id, aws_region, attr, value, max_time, seq) VALUES (?, 'us-east-1', 'ResourceName', ?, ?, ?)").run(A, ours[ours.length - 1], last.max_time, last.seq);
      db.prepare('UPDATE event_retention SET sweeping = 0 WHERE id = 1').run();
    } finally {
      db.close();
    }
    const again = await openStore({ dataDir: dir });
    try {
      const found = await again.lookupEvents({ accountId: A, region: 'us-east-1', attribute: { key: 'ResourceName', value: ours[ours.length - 1]! }, startMs: T0, endMs: T0 + 60_000, limit: 50 });
      assert.deepEqual(found.map((e) => (JSON.parse(e.record) as { i: number }).i), [59]);
      // Sweeping every block but the newest (which always stays) leaves no key row of the blocks it deleted.
      assert.equal(await again.deleteExpiredEvents(new Date(T0 + 60_000), 1000), 60);
    } finally {
      await again.close();
    }
    const check = new Database(path.join(dir, DB_FILE));
    try {
      assert.equal(check.prepare('SELECT count(*) FROM event_keys WHERE seq NOT IN (SELECT seq FROM event_blocks)').pluck().get(), 0);
      assert.equal(check.prepare("SELECT count(*) FROM event_keys WHERE value LIKE 'ASIA%'").pluck().get(), 1, 'the newest block keeps its row');
    } finally {
      check.close();
    }
  });
});
