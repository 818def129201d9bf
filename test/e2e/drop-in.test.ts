/** Drop-in mode end to end: an unknown key acts as the default account's root; /_kamen/reset restores the store (SQLite and PostgreSQL). */
import { after, test } from 'node:test';
import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateAccessKeyCommand, CreateUserCommand, GetUserCommand, UpdateAccessKeyCommand, IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { openKamen, type KamenOptions } from '../../src/app.js';
import { startServer } from '../../src/http/server.js';
import { readVectors } from '../helpers/paths.js';
import { clusterOrSkip } from '../helpers/postgres.js';

const ERRORS = readVectors<Record<string, { name: string; message?: string }>>('drop-in', 'errors.json');
const UNKNOWN = { accessKeyId: 'AKIAUNKNOWNEMULATOR1', secretAccessKey: 'test' };
/** A throwaway PostgreSQL cluster for the PostgreSQL cases (started before any test is registered). */
const pg = await clusterOrSkip();

async function serve(opts: Partial<KamenOptions>) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-dropin-'));
  if (opts.storeUrl && opts.masterKey) fs.writeFileSync(path.join(dataDir, 'master.key'), opts.masterKey + '\n', { mode: 0o600 });
  const kamen = await openKamen({ dataDir, log: () => {}, withCa: false, ...opts });
  const running = await startServer({ host: '127.0.0.1', port: 0, pipeline: kamen.pipeline, ...(kamen.reset ? { reset: kamen.reset } : {}) });
  const client = <C>(Ctor: new (c: object) => C, credentials = UNKNOWN): C => new Ctor({ region: 'us-east-1', endpoint: running.url, credentials, maxAttempts: 1 });
  return {
    kamen,
    url: running.url,
    client,
    async stop() {
      await running.close();
      await kamen.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The reset scenario on one store backend (`store`: extra options, e.g. a PostgreSQL URL). */
async function resetScenario(store: Partial<KamenOptions>): Promise<void> {
  const k = await serve({ acceptAnyCredentials: { defaultAccountId: '123456789012' }, ...store });
  try {
    assert.equal(k.kamen.defaultAccountId, '123456789012');
    const sts = k.client(STSClient);
    const who = await sts.send(new GetCallerIdentityCommand({}));
    assert.equal(who.Account, '123456789012');
    assert.equal(who.Arn, 'arn:aws:iam::123456789012:root');
    const iam = k.client(IAMClient);
    const made = await iam.send(new CreateUserCommand({ UserName: 'suite-user' }));
    assert.equal(made.User?.Arn, 'arn:aws:iam::123456789012:user/suite-user');
    assert.equal((await iam.send(new GetUserCommand({ UserName: 'suite-user' }))).User?.UserName, 'suite-user');

    // Enforcement still applies to real principals: the new user has no policy, so it is denied.
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'suite-user' }))).AccessKey!;
    const asUser = k.client(IAMClient, { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! });
    await assert.rejects(asUser.send(new ListUsersCommand({})), (e: Error) => e.name === 'AccessDenied' || e.name === 'AccessDeniedException');

    // A known but inactive key is refused as without the mode (it is not adopted as the default account's root).
    await iam.send(new UpdateAccessKeyCommand({ UserName: 'suite-user', AccessKeyId: key.AccessKeyId!, Status: 'Inactive' }));
    await assert.rejects(asUser.send(new ListUsersCommand({})), (e: Error) => e.name === ERRORS.unknownKeyModeOff!.name);

    // A known key's signature is still verified: the bootstrap key with a wrong secret is refused.
    const wrong = k.client(IAMClient, { accessKeyId: k.kamen.bootstrap!.accessKeyId, secretAccessKey: 'wrong-secret' });
    await assert.rejects(wrong.send(new ListUsersCommand({})), (e: Error) => e.name === ERRORS.badSignatureKnownKey!.name);

    const res = await fetch(`${k.url}/_kamen/reset`, { method: 'POST' });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { reset: true });
    assert.equal((await fetch(`${k.url}/_kamen/reset`)).status, 405);

    const after = await iam.send(new ListUsersCommand({}));
    assert.deepEqual(after.Users ?? [], []);
    await assert.rejects(iam.send(new GetUserCommand({ UserName: 'suite-user' })), (e: Error) => e.name === 'NoSuchEntityException');
    // The bootstrap key survives the reset.
    const boot = k.client(STSClient, { accessKeyId: k.kamen.bootstrap!.accessKeyId, secretAccessKey: k.kamen.bootstrap!.secretAccessKey });
    assert.equal((await boot.send(new GetCallerIdentityCommand({}))).Account, '123456789012');
  } finally {
    await k.stop();
  }
}

test('drop-in: an unknown key is the default account root; reset empties what it made', () => resetScenario({}));

if ('skip' in pg) {
  test('drop-in on PostgreSQL', { skip: pg.skip }, () => {});
} else {
  after(() => pg.cluster.stop());

  test('drop-in on PostgreSQL: the same reset', async () => {
    await resetScenario({ storeUrl: await pg.cluster.createDatabase('dropin_reset'), masterKey: randomBytes(32).toString('base64'), poolSize: 3 });
  });

  test('drop-in on PostgreSQL: a reset on one node is seen by another node sharing the store (its caches are dropped)', async () => {
    const storeUrl = await pg.cluster.createDatabase('dropin_nodes');
    const masterKey = randomBytes(32).toString('base64');
    const a = await serve({ acceptAnyCredentials: { defaultAccountId: '123456789012' }, storeUrl, masterKey, poolSize: 3 });
    let b: Awaited<ReturnType<typeof serve>> | undefined;
    try {
      b = await serve({ acceptAnyCredentials: { defaultAccountId: '123456789012' }, storeUrl, masterKey, poolSize: 3 });
      const iamA = a.client(IAMClient);
      await iamA.send(new CreateUserCommand({ UserName: 'node-user' }));
      const key = (await iamA.send(new CreateAccessKeyCommand({ UserName: 'node-user' }))).AccessKey!;
      const creds = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
      // Node B resolves (and caches) the user's key.
      assert.equal((await b.client(STSClient, creds).send(new GetCallerIdentityCommand({}))).Arn, 'arn:aws:iam::123456789012:user/node-user');
      assert.equal((await fetch(`${a.url}/_kamen/reset`, { method: 'POST' })).status, 200);
      // On node B the key is now unknown: in drop-in mode it acts as the default account's root, never as the deleted user.
      await assert.rejects(b.client(IAMClient).send(new GetUserCommand({ UserName: 'node-user' })), (e: Error) => e.name === 'NoSuchEntityException');
      assert.equal((await b.client(STSClient, creds).send(new GetCallerIdentityCommand({}))).Arn, 'arn:aws:iam::123456789012:root');
    } finally {
      await b?.stop();
      await a.stop();
    }
  });
}

test('drop-in: off by default — an unknown key gets InvalidClientTokenId and there is no reset endpoint', async () => {
  const k = await serve({});
  try {
    assert.equal(k.kamen.reset, undefined);
    const iam = k.client(IAMClient);
    await assert.rejects(iam.send(new ListUsersCommand({})), (e: Error) => {
      assert.equal(e.name, ERRORS.unknownKeyModeOff!.name);
      assert.equal(e.message, ERRORS.unknownKeyModeOff!.message);
      return true;
    });
    const res = await fetch(`${k.url}/_kamen/reset`, { method: 'POST' });
    assert.notEqual(res.status, 200);
  } finally {
    await k.stop();
  }
});
