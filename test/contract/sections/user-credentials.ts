/** Contract: IAM users' SSH public keys, signing certificates and service-specific credentials. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isKamenError } from '../../../src/errors.js';
import type { Store, UserCredential } from '../../../src/store/store.js';
import { withStore } from '../fixtures.js';

const A = '111111111111';
const B = '222222222222';

function cred(over: Partial<UserCredential>): UserCredential {
  return {
    kind: 'ssh-public-key',
    id: 'APKAAAAAAAAAAAAAAAAA',
    accountId: A,
    userName: 'u',
    userId: 'AIDAUUUUUUUUUUUUUUUUU',
    status: 'Active',
    createDate: new Date(Date.UTC(2026, 0, 1)),
    data: { body: 'ssh-rsa AAAA', fingerprint: 'aa:bb' },
    ...over,
  };
}

/** Registers the user credentials contract tests. */
export function userCredentialsContract(makeStore: () => Promise<Store>): void {
  describe('user credentials', () => {
    it('creates, reads, lists by user and kind (oldest first), updates and deletes; secrets round-trip', () =>
      withStore(makeStore, async (s) => {
        const k1 = cred({});
        const k2 = cred({ id: 'APKABBBBBBBBBBBBBBBB', createDate: new Date(Date.UTC(2026, 0, 2)) });
        const other = cred({ id: 'APKACCCCCCCCCCCCCCCC', userName: 'v', userId: 'AIDAVVVVVVVVVVVVVVVVV' });
        const svc = cred({ kind: 'service-specific-credential', id: 'ACCAAAAAAAAAAAAAAAAA', data: { serviceName: 'codecommit.amazonaws.com' }, secret: 'pw+/=' });
        await s.createUserCredential(k2);
        await s.createUserCredential(k1);
        await s.createUserCredential(other);
        await s.createUserCredential(svc);
        await s.createUserCredential(cred({ accountId: B }));
        await assert.rejects(s.createUserCredential(k1), (e: unknown) => isKamenError(e, 'ERR_ENTITY_ALREADY_EXISTS'));
        assert.deepEqual(await s.getUserCredential(A, 'ssh-public-key', k1.id), k1);
        assert.equal(await s.getUserCredential(A, 'signing-certificate', k1.id), undefined);
        assert.deepEqual((await s.listUserCredentials(A, 'ssh-public-key', k1.userId)).map((c) => c.id), [k1.id, k2.id]);
        assert.deepEqual((await s.listAccountUserCredentials(A, 'ssh-public-key')).map((c) => c.id), [k1.id, other.id, k2.id]);
        assert.deepEqual(await s.getUserCredential(A, 'service-specific-credential', svc.id), svc);
        await s.updateUserCredential(A, 'service-specific-credential', svc.id, { status: 'Inactive', secret: 'new' });
        const upd = await s.getUserCredential(A, 'service-specific-credential', svc.id);
        assert.equal(upd?.status, 'Inactive');
        assert.equal(upd?.secret, 'new');
        assert.deepEqual(upd?.data, svc.data);
        await s.updateUserCredential(A, 'ssh-public-key', k1.id, { data: { body: 'x' } });
        assert.deepEqual((await s.getUserCredential(A, 'ssh-public-key', k1.id))?.data, { body: 'x' });
        await s.deleteUserCredential(A, 'ssh-public-key', k1.id);
        assert.equal(await s.getUserCredential(A, 'ssh-public-key', k1.id), undefined);
        assert.ok(await s.getUserCredential(B, 'ssh-public-key', k1.id));
      }));

    it('a credential written in a transaction that fails is not kept', () =>
      withStore(makeStore, async (s) => {
        await assert.rejects(
          s.transaction(async () => {
            await s.createUserCredential(cred({}));
            throw new Error('boom');
          }),
        );
        assert.equal(await s.getUserCredential(A, 'ssh-public-key', 'APKAAAAAAAAAAAAAAAAA'), undefined);
      }));
  });
}
