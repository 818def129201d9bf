/** createAuthzRuntime: the pipeline hooks in order (resolve → note key use → authorize), and throttled last-used writes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAuthzRuntime } from '../../src/authz/runtime.js';
import { isKamenError } from '../../src/errors.js';
import { MGMT, addUser, allow, inline, newWorld, opCtx } from './world.js';
import { CATALOG } from './setup.js';

test('runtime hooks: resolve, note key use (throttled), authorize', async () => {
  const w = await newWorld();
  try {
    const rt = createAuthzRuntime({ store: w.store, clock: w.clock, managedPolicies: { get: (a) => CATALOG[a] } });
    const key = await addUser(w, MGMT, 'rt');
    const { caller, secretAccessKey } = await rt.resolveCredentials(key.accessKeyId, undefined, w.clock.now());
    assert.equal(secretAccessKey, key.secretAccessKey);
    rt.noteKeyUsed(caller, 'iam', 'us-east-1');
    await new Promise((r) => setImmediate(r));
    const first = (await w.store.getAccessKey(key.accessKeyId))!.lastUsed;
    assert.deepEqual(first, { date: new Date(w.clock.now()), serviceName: 'iam', region: 'us-east-1' });
    w.clock.advance(10_000);
    rt.noteKeyUsed(caller, 'iam', 'us-east-1');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual((await w.store.getAccessKey(key.accessKeyId))!.lastUsed, first); // throttled
    rt.noteKeyUsed(caller, 'sts', 'us-east-1');
    await new Promise((r) => setImmediate(r));
    assert.equal((await w.store.getAccessKey(key.accessKeyId))!.lastUsed?.serviceName, 'sts');
    const ctx = opCtx(w, caller, rt.serviceDeps);
    await assert.rejects(rt.authorizeOperation(ctx, 'iam', 'ListUsers', {}), (e: unknown) => isKamenError(e, 'ERR_ACCESS_DENIED'));
    await inline(w, MGMT, 'user', 'rt', allow('iam:ListUsers'));
    await rt.authorizeOperation(ctx, 'iam', 'ListUsers', {});
  } finally {
    await w.close();
  }
});
