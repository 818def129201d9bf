/** issueCredentials: a key ID drawn twice is drawn again, never overwritten. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { frozenClock } from '../../../src/clock.js';
import { issueCredentials } from '../../../src/services/sts/common.js';
import type { OperationContext } from '../../../src/services/types.js';
import { openStore } from '../../../src/store/open.js';

const T0 = Date.UTC(2026, 11, 1, 8, 0, 0);

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
    const b = await issueCredentials(ctx, '111111111111', { ...principal, arn: 'arn:aws:sts::111111111111:federated-user/b', userName: 'b' }, info, 1800);
    assert.notEqual(a.AccessKeyId, b.AccessKeyId);
    assert.equal(draws, 3, 'the colliding draw was replaced by a fresh one');
    const storedA = (await store.getTemporaryCredential(a.AccessKeyId))!;
    assert.equal(storedA.session['arn'], principal.arn, 'the first session was not overwritten');
    assert.equal(storedA.expiration.getTime(), a.Expiration.getTime());
    assert.equal(storedA.secretAccessKey, a.SecretAccessKey);
    const storedB = (await store.getTemporaryCredential(b.AccessKeyId))!;
    assert.equal(storedB.session['arn'], 'arn:aws:sts::111111111111:federated-user/b');
    assert.equal(storedB.secretAccessKey, b.SecretAccessKey);
  } finally {
    await store.close();
  }
});
