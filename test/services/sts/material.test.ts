/** Temporary credential material: key ID shape and order, and a key ID drawn twice is drawn again, never overwritten. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { frozenClock } from '../../../src/clock.js';
import { issueCredentials, newTemporaryMaterial } from '../../../src/services/sts/common.js';
import type { OperationContext } from '../../../src/services/types.js';
import { openStore } from '../../../src/store/open.js';

const T0 = Date.UTC(2026, 11, 1, 8, 0, 0);

test('temporary key IDs are ASIA + 16 Base32 characters, later ones sorting after earlier ones', () => {
  const ids = [0, 1000, 61_000, 86_400_000].map((d) => newTemporaryMaterial(T0 + d).accessKeyId);
  for (const id of ids) assert.match(id, /^ASIA[A-Z2-7]{16}$/);
  assert.deepEqual([...ids].sort(), ids);
  const m = newTemporaryMaterial(T0);
  assert.equal(m.secretAccessKey.length, 40);
  assert.match(m.sessionToken, /^IQoJb3JpZ2luX2VjE[A-Za-z0-9+/=]{400,}$/);
  assert.notEqual(newTemporaryMaterial(T0).accessKeyId, newTemporaryMaterial(T0).accessKeyId);
});

test('issueCredentials draws again when the key ID is taken, and both sessions stay intact', async () => {
  const store = await openStore({});
  try {
    const first = randomBytes(400);
    let draws = 0;
    // the first two draws are the same bytes: the second issue collides on its key ID
    const random = (n: number) => (draws++ < 2 ? Buffer.from(first.subarray(0, n)) : randomBytes(n));
    const ctx = { requestId: 'r', caller: { kind: 'root', accountId: '111111111111', arn: 'arn:aws:iam::111111111111:root', userId: '111111111111', accessKeyId: 'AKIA' }, store, clock: frozenClock(T0), region: 'us-east-1', sourceIp: '127.0.0.1', secureTransport: true, deps: { random } } as OperationContext;
    const principal = { kind: 'federated-user' as const, arn: 'arn:aws:sts::111111111111:federated-user/a', userId: '111111111111:a', userName: 'a' };
    const info = { sourceArn: 'arn:aws:iam::111111111111:root', issuedAt: '2026-12-01T08:00:00Z', mfaAuthenticated: false };
    const a = await issueCredentials(ctx, '111111111111', principal, info, 900);
    const b = await issueCredentials(ctx, '111111111111', principal, info, 900);
    assert.notEqual(a.AccessKeyId, b.AccessKeyId);
    assert.equal(draws, 3, 'the colliding draw was replaced by a fresh one');
    assert.equal((await store.getTemporaryCredential(a.AccessKeyId))!.secretAccessKey, a.SecretAccessKey, 'the first session was not overwritten');
    assert.equal((await store.getTemporaryCredential(b.AccessKeyId))!.secretAccessKey, b.SecretAccessKey);
  } finally {
    await store.close();
  }
});
