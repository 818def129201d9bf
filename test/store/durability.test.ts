/** Durability of the SQLite store: data survives close/reopen and a killed process; secrets are encrypted at rest or derived. */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { openStore, DB_FILE, MASTER_KEY_FILE } from '../../src/store/open.js';
import { createSecretCipher } from '../../src/store/crypto.js';
import { isKamenError } from '../../src/errors.js';
import { migrations } from '../../src/store/migrations/index.js';
import type { Store } from '../../src/store/store.js';
import { A1, accessKey, at, mfa, policy, T0, tempCred, user, version } from '../contract/fixtures.js';

let root: string;
before(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-durability-'));
});
after(() => fs.rmSync(root, { recursive: true, force: true }));

const newDir = (): string => fs.mkdtempSync(path.join(root, 'd-'));

/** Every byte SQLite keeps for the database (main file plus WAL/journal if present). */
function dbBytes(dir: string): Buffer {
  const parts = [DB_FILE, DB_FILE + '-wal', DB_FILE + '-journal']
    .map((f) => path.join(dir, f))
    .filter((f) => fs.existsSync(f))
    .map((f) => fs.readFileSync(f));
  return Buffer.concat(parts);
}

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const SEED = 'KAMENSEEDPLAINTEXTJBSWY3DPEHPK3PXP';

async function populate(s: Store) {
  const u = user(A1, 'durable-alice', { tags: [{ Key: 'k', Value: 'v' }], passwordLastUsed: at(1) });
  const key = accessKey(A1, 'durable-alice', { secretAccessKey: SECRET, lastUsed: { date: at(2), serviceName: 'sts', region: 'us-east-1' } });
  const dev = mfa(A1, 'alice-phone', { seedBase32: SEED, userName: 'durable-alice', enableDate: at(3), lastUsedStep: 123 });
  const record = tempCred(A1, at(3600));
  const p = policy(A1, 'DurablePolicy');
  const v1 = version(p.arn, 'v1', { isDefaultVersion: true });
  const cred = await s.transaction(async () => {
    await s.createUser(u);
    await s.createAccessKey(key);
    await s.createMfaDevice(dev);
    const minted = await s.putTemporaryCredential(record);
    await s.createPolicy(p, v1);
    await s.setSetting('bootstrap', 'done');
    return minted;
  });
  return { u, key, dev, cred, p, v1 };
}

async function check(s: Store, w: Awaited<ReturnType<typeof populate>>): Promise<void> {
  assert.deepEqual(await s.getUser(A1, 'durable-alice'), w.u);
  assert.deepEqual(await s.getAccessKey(w.key.accessKeyId), w.key);
  assert.deepEqual(await s.getMfaDevice(w.dev.serialNumber), w.dev);
  assert.deepEqual(await s.getTemporaryCredential(w.cred.accessKeyId), w.cred);
  assert.deepEqual(await s.getPolicy(w.p.arn), w.p);
  assert.deepEqual(await s.listPolicyVersions(w.p.arn), [w.v1]);
  assert.equal(await s.getSetting('bootstrap'), 'done');
}

describe('sqlite store durability', () => {
  it('keeps everything across close and reopen of the same data dir, with a generated master.key (0600)', async () => {
    const dir = newDir();
    const s1 = await openStore({ dataDir: dir });
    const written = await populate(s1);
    await s1.close();
    const keyFile = path.join(dir, MASTER_KEY_FILE);
    assert.ok(fs.existsSync(keyFile));
    assert.equal(fs.statSync(keyFile).mode & 0o777, 0o600);
    assert.equal(Buffer.from(fs.readFileSync(keyFile, 'utf8').trim(), 'base64').length, 32);
    assert.equal(fs.statSync(path.join(dir, DB_FILE)).mode & 0o777, 0o600, 'the database file is owner-only');
    const s2 = await openStore({ dataDir: dir });
    try {
      await check(s2, written);
      assert.equal((await s2.getUser(A1, 'durable-alice'))?.createDate.getTime(), T0.getTime());
    } finally {
      await s2.close();
    }
    const s3 = await openStore({ dataDir: dir });
    await check(s3, written);
    await s3.close();
  });

  it('applies migrations once and records them in schema_migrations', async () => {
    const dir = newDir();
    for (let i = 0; i < 3; i++) await (await openStore({ dataDir: dir })).close();
    const db = new Database(path.join(dir, DB_FILE), { readonly: true });
    try {
      const rows = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
      assert.deepEqual(rows, migrations.map((m) => ({ version: m.version, name: m.name })));
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    } finally {
      db.close();
    }
  });

  it('refuses a database written by a newer kamen (unknown migration)', async () => {
    const dir = newDir();
    await (await openStore({ dataDir: dir })).close();
    const db = new Database(path.join(dir, DB_FILE));
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, ?, 0)').run('future');
    db.close();
    await assert.rejects(openStore({ dataDir: dir }), /migration 999/);
  });

  it('does not keep secrets, session tokens or MFA seeds in plaintext in the database files', async () => {
    const dir = newDir();
    const s = await openStore({ dataDir: dir });
    const { cred } = await populate(s);
    // while open (data may sit in the WAL) and after close (checkpointed into the main file)
    for (const phase of ['open', 'closed']) {
      if (phase === 'closed') await s.close();
      const bytes = dbBytes(dir);
      assert.ok(bytes.includes('durable-alice'), `${phase}: the probe finds ordinary data`);
      // the temporary secret and token are derived from the key ID under the master key, not stored at all
      for (const secret of [SECRET, SEED, cred.sessionToken.slice(17, 60), cred.secretAccessKey]) {
        assert.ok(!bytes.includes(secret), `${phase}: ${secret.slice(0, 12)}... is not stored in plaintext`);
      }
      assert.ok(bytes.includes('v1:'), `${phase}: encrypted envelopes are stored`);
    }
  });

  it('fails to open with a wrong master key, with a clear error, and works again with the right one', async () => {
    const dir = newDir();
    const key = randomBytes(32);
    const s = await openStore({ dataDir: dir, masterKey: key });
    const written = await populate(s);
    await s.close();
    await assert.rejects(openStore({ dataDir: dir, masterKey: randomBytes(32) }), (e) => {
      assert.ok(isKamenError(e, 'ERR_INTERNAL'));
      assert.match(e.message, /master key/i);
      return true;
    });
    // no key given: master.key is generated, which is not the key the data was written with
    await assert.rejects(openStore({ dataDir: dir }), /master key/i);
    const again = await openStore({ dataDir: dir, masterKey: key });
    await check(again, written);
    await again.close();
  });

  it('still reads temporary credentials an earlier kamen stored encrypted, until they expire', async () => {
    const dir = newDir();
    const key = randomBytes(32);
    await (await openStore({ dataDir: dir, masterKey: key })).close();
    // the row as kamen wrote it before secrets were derived: secret and token encrypted together
    const legacy = { secret: 'LegacySecret0123456789abcdefghijklmnopqrs', token: 'IQoJb3JpZ2luX2VjE' + 'L'.repeat(420) };
    const db = new Database(path.join(dir, DB_FILE));
    db.prepare('INSERT INTO temporary_credentials (access_key_id, account_id, secrets_enc, expiration, create_date, session) VALUES (?, ?, ?, ?, ?, ?)')
      .run('ASIALEGACY0000000001', A1, createSecretCipher(key).encrypt(JSON.stringify([legacy.secret, legacy.token])), at(3600).getTime(), T0.getTime(), '{"v":1}');
    db.close();
    const s = await openStore({ dataDir: dir, masterKey: key });
    try {
      const got = await s.getTemporaryCredential('ASIALEGACY0000000001');
      assert.equal(got?.secretAccessKey, legacy.secret);
      assert.equal(got?.sessionToken, legacy.token);
      assert.deepEqual(got?.session, { v: 1 });
      const fresh = await s.putTemporaryCredential(tempCred(A1, at(3600)));
      assert.notEqual(fresh.secretAccessKey, legacy.secret, 'new credentials are derived, not the legacy pair');
      assert.deepEqual(await s.getTemporaryCredential(fresh.accessKeyId), fresh);
    } finally {
      await s.close();
    }
  });

  it('rejects a master key that is not 32 bytes, and a corrupt master.key file', async () => {
    await assert.rejects(openStore({ dataDir: newDir(), masterKey: randomBytes(16) }), /32 bytes/);
    const dir = newDir();
    fs.writeFileSync(path.join(dir, MASTER_KEY_FILE), 'not a key\n', { mode: 0o600 });
    await assert.rejects(openStore({ dataDir: dir }), /master\.key/);
  });

  it('keeps acknowledged writes when the process is killed without closing the store', async () => {
    const dir = newDir();
    const openJs = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/store/open.js');
    const script = `
      const { openStore } = await import(${JSON.stringify(openJs)});
      const s = await openStore({ dataDir: ${JSON.stringify(dir)} });
      for (let i = 0; i < 20; i++) await s.setSetting('k' + i, 'v' + i);
      await s.transaction(async () => { await s.setSetting('tx', 'committed'); });
      process.kill(process.pid, 'SIGKILL');
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.equal(r.signal, 'SIGKILL', r.stderr);
    const s = await openStore({ dataDir: dir });
    try {
      for (let i = 0; i < 20; i++) assert.equal(await s.getSetting('k' + i), 'v' + i);
      assert.equal(await s.getSetting('tx'), 'committed');
    } finally {
      await s.close();
    }
  });

  it('keeps in-memory stores separate from each other', async () => {
    const a = await openStore({});
    const b = await openStore({ dataDir: ':memory:' });
    await a.setSetting('x', '1');
    assert.equal(await b.getSetting('x'), undefined);
    await a.close();
    await b.close();
  });
});
