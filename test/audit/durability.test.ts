/**
 * Durability: a state-changing call and its event commit together (a failed event write undoes the change), events
 * survive a restart and cannot be updated or deleted; the request log states each request without a secret.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openKamen } from '../../src/app.js';
import { frozenClock } from '../../src/clock.js';
import type { RequestLogEntry } from '../../src/audit/request-log.js';
import { call, xmlText } from './helpers.js';

const T0 = Date.UTC(2026, 11, 3, 12, 0, 0);
const DAY = 86_400_000;

test('a change whose event cannot be written does not happen; a stored change has its event at once', async () => {
  const k = await openKamen({ dataDir: ':memory:', clock: frozenClock(T0), log: () => {} });
  try {
    const root = { accessKeyId: k.bootstrap!.accessKeyId, secretAccessKey: k.bootstrap!.secretAccessKey };
    const account = k.bootstrap!.managementAccountId;
    const original = k.store.appendEvents.bind(k.store);
    k.store.appendEvents = async () => {
      throw new Error('disk full');
    };
    const failed = await call(k, root, 'iam', 'CreateUser', { UserName: 'ghost' });
    assert.equal(failed.status, 500);
    k.store.appendEvents = original;
    assert.equal(await k.store.getUser(account, 'ghost'), undefined);
    assert.equal((await call(k, root, 'iam', 'CreateUser', { UserName: 'real' })).status, 200);
    // no flush: the event of a change is committed with it, before the answer
    const rows = await k.store.lookupEvents({ accountId: account, attribute: { key: 'EventName', value: 'CreateUser' }, startMs: T0 - DAY, endMs: T0 + DAY, limit: 10 });
    assert.deepEqual(rows.map((r) => JSON.parse(r.record).requestParameters.userName), ['real', 'ghost'].slice(0, rows.length));
    assert.equal(JSON.parse(rows[0]!.record).errorCode, undefined);
    await k.events.flush();
    const after = await k.store.lookupEvents({ accountId: account, attribute: { key: 'EventName', value: 'CreateUser' }, startMs: T0 - DAY, endMs: T0 + DAY, limit: 10 });
    // the failed attempt is recorded too, as a failure
    assert.deepEqual(after.map((r) => JSON.parse(r.record).errorCode ?? 'ok').sort(), ['InternalFailure', 'ok']);
  } finally {
    await k.close();
  }
});

test('events survive a restart and the store refuses to update or delete them', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-audit-'));
  try {
    const clock = frozenClock(T0);
    let k = await openKamen({ dataDir: dir, clock, withCa: false, log: () => {} });
    const root = { accessKeyId: k.bootstrap!.accessKeyId, secretAccessKey: k.bootstrap!.secretAccessKey };
    const account = k.bootstrap!.managementAccountId;
    assert.equal((await call(k, root, 'iam', 'CreateUser', { UserName: 'carol' })).status, 200);
    assert.equal((await call(k, root, 'iam', 'GetUser', { UserName: 'carol' })).status, 200);
    await k.close();
    k = await openKamen({ dataDir: dir, clock, withCa: false, log: () => {} });
    const r = await call(k, root, 'cloudtrail', 'LookupEvents', { LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: 'carol' }] });
    assert.deepEqual(r.json.Events.map((e: any) => e.EventName), ['GetUser', 'CreateUser']);
    await k.close();
    const db = new Database(path.join(dir, fs.readdirSync(dir).find((f) => f.endsWith('.db') || f.endsWith('.sqlite'))!));
    try {
      assert.throws(() => db.prepare('UPDATE event_blocks SET count = 0 WHERE account_id = ?').run(account), /append-only/);
      assert.throws(() => db.prepare("UPDATE event_keys SET value = 'Nothing' WHERE account_id = ?").run(account), /append-only/);
      assert.throws(() => db.prepare('DELETE FROM event_blocks').run(), /append-only/);
      assert.throws(() => db.prepare('DELETE FROM event_keys').run(), /append-only/);
    } finally {
      db.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the request log has one line per request with its decision, and no secret', async () => {
  const lines: RequestLogEntry[] = [];
  const k = await openKamen({ dataDir: ':memory:', clock: frozenClock(T0), log: () => {}, requestLog: (e) => lines.push(e) });
  try {
    const root = { accessKeyId: k.bootstrap!.accessKeyId, secretAccessKey: k.bootstrap!.secretAccessKey };
    await call(k, root, 'iam', 'CreateUser', { UserName: 'dave' });
    const key = await call(k, root, 'iam', 'CreateAccessKey', { UserName: 'dave' });
    const dave = { accessKeyId: xmlText(key.body, 'AccessKeyId')!, secretAccessKey: xmlText(key.body, 'SecretAccessKey')! };
    await call(k, root, 'iam', 'CreateLoginProfile', { UserName: 'dave', Password: 'Correct-Horse-9!' });
    await call(k, dave, 'iam', 'ListUsers', {});
    assert.equal(lines.length, 4);
    assert.deepEqual(lines.map((l) => [l.operation, l.decision, l.status]), [['CreateUser', 'Allow', 200], ['CreateAccessKey', 'Allow', 200], ['CreateLoginProfile', 'Allow', 200], ['ListUsers', 'Deny', 403]]);
    assert.equal(lines[0]!.account, k.bootstrap!.managementAccountId);
    assert.equal(lines[0]!.principal, `arn:aws:iam::${k.bootstrap!.managementAccountId}:root`);
    assert.equal(lines[3]!.errorCode, 'AccessDenied');
    for (const l of lines) {
      assert.match(l.requestId, /\S/);
      assert.ok(l.latencyMs >= 0);
    }
    const text = lines.map((l) => JSON.stringify(l)).join('\n');
    for (const secret of [dave.secretAccessKey, root.secretAccessKey, 'Correct-Horse-9!']) assert.ok(!text.includes(secret));
  } finally {
    await k.close();
  }
});
