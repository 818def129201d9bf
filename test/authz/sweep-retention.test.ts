/** The operator's retention of expired temporary credentials: the sweep keeps expired rows for it, never a valid row. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frozenClock } from '../../src/clock.js';
import { DEFAULT_RETENTION_MS, parseRetentionHours, startExpiredCredentialSweeper } from '../../src/authz/sweep-expired.js';
import { MAX_TEMPORARY_LIFETIME_SECONDS } from '../../src/authz/temporary-keys.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { openKamen } from '../../src/app.js';

const T0 = Date.UTC(2026, 11, 3, 8, 0, 0);
const HOUR = 3_600_000;

async function put(store: Store, id: string, expiresAt: number): Promise<void> {
  await store.putTemporaryCredential({ accessKeyId: id, accountId: '111111111111', expiration: new Date(expiresAt), createDate: new Date(expiresAt - 900_000), session: {} });
}

test('--temporary-credential-retention parses hours; the default is the longest lifetime (36 h)', () => {
  assert.equal(DEFAULT_RETENTION_MS, MAX_TEMPORARY_LIFETIME_SECONDS * 1000);
  assert.equal(DEFAULT_RETENTION_MS, 36 * HOUR);
  assert.equal(parseRetentionHours('36'), 36 * HOUR);
  assert.equal(parseRetentionHours('0'), 0);
  assert.equal(parseRetentionHours('1.5'), 1.5 * HOUR);
  assert.equal(parseRetentionHours('720'), 720 * HOUR);
  for (const bad of ['', '-1', 'abc', '1h', 'NaN', 'Infinity', '1e9']) assert.throws(() => parseRetentionHours(bad), /--temporary-credential-retention/, bad);
});

test('a retention of 2 h deletes rows expired more than 2 h ago and keeps the rest', async () => {
  const store = await openStore({});
  const clock = frozenClock(T0);
  const sweeper = startExpiredCredentialSweeper({ store, clock, retentionMs: 2 * HOUR, everyMs: 3_600_000 });
  try {
    await sweeper.sweep();
    await put(store, 'ASIAEXPIRED3H', T0 - 3 * HOUR);
    await put(store, 'ASIAEXPIRED1H', T0 - HOUR);
    await put(store, 'ASIAVALID', T0 + HOUR);
    assert.equal(await sweeper.sweep(), 1);
    assert.equal(await store.getTemporaryCredential('ASIAEXPIRED3H'), undefined);
    assert.ok(await store.getTemporaryCredential('ASIAEXPIRED1H'), 'expired for less than the retention');
    assert.ok(await store.getTemporaryCredential('ASIAVALID'));
    clock.advance(HOUR + 1000);
    assert.equal(await sweeper.sweep(), 1, 'now expired for more than 2 h');
    assert.equal(await store.getTemporaryCredential('ASIAEXPIRED1H'), undefined);
  } finally {
    await sweeper.stop();
    await store.close();
  }
});

test('a retention of 0 deletes every expired row but never a valid one; a long retention keeps expired rows', async () => {
  const store = await openStore({});
  const clock = frozenClock(T0);
  const none = startExpiredCredentialSweeper({ store, clock, retentionMs: 0, everyMs: 3_600_000 });
  const long = startExpiredCredentialSweeper({ store, clock, retentionMs: 720 * HOUR, everyMs: 3_600_000 });
  try {
    await none.sweep();
    await long.sweep();
    await put(store, 'ASIAOLD40H', T0 - 40 * HOUR);
    await put(store, 'ASIAVALIDFOR1S', T0 + 1000);
    assert.equal(await long.sweep(), 0, 'expired 40 h ago, kept for 30 days');
    assert.ok(await store.getTemporaryCredential('ASIAOLD40H'));
    assert.equal(await none.sweep(), 1);
    assert.equal(await store.getTemporaryCredential('ASIAOLD40H'), undefined);
    assert.ok(await store.getTemporaryCredential('ASIAVALIDFOR1S'), 'still valid: never swept');
  } finally {
    await none.stop();
    await long.stop();
    await store.close();
  }
});

test('openKamen hands the retention to its sweeper', async () => {
  const clock = frozenClock(T0);
  const short = await openKamen({ dataDir: ':memory:', clock, temporaryCredentialRetentionMs: HOUR, log: () => {} });
  const plain = await openKamen({ dataDir: ':memory:', clock, log: () => {} });
  try {
    for (const k of [short, plain]) {
      await k.sweepExpiredCredentials();
      await put(k.store, 'ASIAEXPIRED2H', T0 - 2 * HOUR);
    }
    assert.equal(await short.sweepExpiredCredentials(), 1, 'retention 1 h: a row expired 2 h ago goes');
    assert.equal(await short.store.getTemporaryCredential('ASIAEXPIRED2H'), undefined);
    assert.equal(await plain.sweepExpiredCredentials(), 0, 'default 36 h: it stays');
    assert.ok(await plain.store.getTemporaryCredential('ASIAEXPIRED2H'));
  } finally {
    await short.close();
    await plain.close();
  }
});
