/** Temporary credentials acting as an IAM user, and federation tokens, are bound to the issuing user's unique ID. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCredentialResolver, resolveCredentials } from '../../src/authz/authenticate.js';
import { packSession } from '../../src/authz/session.js';
import { isKamenError } from '../../src/errors.js';
import type { SessionInfo } from '../../src/services/types.js';
import type { Store } from '../../src/store/store.js';
import { MGMT, T0, addUser, newWorld, type World } from './world.js';

const INVALID = (e: unknown) => isKamenError(e, 'ERR_INVALID_CLIENT_TOKEN_ID') && e.message === 'The security token included in the request is invalid.';

type Resolve = (id: string, token: string | undefined, now: number) => ReturnType<typeof resolveCredentials>;
const variants: Array<[string, (store: Store) => Resolve]> = [
  ['store', (store) => (id, token, now) => resolveCredentials(store, id, token, now)],
  ['cached', (store) => createCredentialResolver(store)],
];

let seq = 0;
/** Stores a temporary credential for `principal` issued at `createdAt`; returns its key ID and token. */
async function session(w: World, principal: Parameters<typeof packSession>[0], info: SessionInfo, createdAt = T0): Promise<{ id: string; token: string }> {
  const id = `ASIAEXAMPLE${String(++seq).padStart(9, '0')}`;
  const cred = await w.store.putTemporaryCredential({ accessKeyId: id, accountId: MGMT, expiration: new Date(T0 + 3_600_000), createDate: new Date(createdAt), session: packSession(principal, info) });
  return { id, token: cred.sessionToken };
}

for (const [label, make] of variants) {
  test(`${label}: a console-style user session (no token type) stops working when its user is deleted, and stays dead when the name is reused`, async () => {
    const w = await newWorld();
    const resolve = make(w.store);
    try {
      const u = await addUser(w, MGMT, 'dora');
      const s = await session(w, { kind: 'user', arn: u.arn, userId: u.userId, userName: 'dora' }, { sourceArn: u.arn, issuedAt: new Date(T0).toISOString(), mfaAuthenticated: false });
      assert.equal((await resolve(s.id, s.token, T0)).caller.userId, u.userId);
      await w.store.deleteAccessKey(u.accessKeyId);
      await w.store.deleteUser(MGMT, 'dora');
      await assert.rejects(resolve(s.id, s.token, T0), INVALID);
      await addUser(w, MGMT, 'dora');
      await assert.rejects(resolve(s.id, s.token, T0), INVALID);
    } finally {
      await w.close();
    }
  });

  test(`${label}: a federation token follows its issuer's renames and dies with it`, async () => {
    const w = await newWorld();
    const resolve = make(w.store);
    try {
      const u = await addUser(w, MGMT, 'fran');
      const fed = { kind: 'federated-user' as const, arn: `arn:aws:sts::${MGMT}:federated-user/f`, userId: `${MGMT}:f`, userName: 'f' };
      const s = await session(w, fed, { sourceArn: u.arn, sourceId: u.userId, sessionName: 'f', issuedAt: new Date(T0).toISOString(), mfaAuthenticated: false, tokenType: 'federation-token' });
      await w.store.updateUser(MGMT, 'fran', { userName: 'frances', arn: `arn:aws:iam::${MGMT}:user/frances` });
      const r = await resolve(s.id, s.token, T0);
      assert.equal(r.caller.arn, fed.arn);
      assert.equal(r.caller.session?.sourceArn, `arn:aws:iam::${MGMT}:user/frances`);
      await w.store.deleteAccessKey(u.accessKeyId);
      await w.store.deleteUser(MGMT, 'frances');
      await addUser(w, MGMT, 'fran');
      await assert.rejects(resolve(s.id, s.token, T0), INVALID);
    } finally {
      await w.close();
    }
  });

  test(`${label}: a federation token recorded without its issuer's ID binds to a user that existed when it was issued`, async () => {
    const w = await newWorld();
    const resolve = make(w.store);
    try {
      const u = await addUser(w, MGMT, 'gail'); // created at T0
      const fed = { kind: 'federated-user' as const, arn: `arn:aws:sts::${MGMT}:federated-user/g`, userId: `${MGMT}:g`, userName: 'g' };
      const info: SessionInfo = { sourceArn: u.arn, sessionName: 'g', issuedAt: new Date(T0).toISOString(), mfaAuthenticated: false, tokenType: 'federation-token' };
      const issuedAfter = await session(w, fed, info, T0 + 1000);
      const issuedBefore = await session(w, fed, info, T0 - 1000);
      assert.equal((await resolve(issuedAfter.id, issuedAfter.token, T0 + 2000)).caller.arn, fed.arn);
      await assert.rejects(resolve(issuedBefore.id, issuedBefore.token, T0 + 2000), INVALID);
    } finally {
      await w.close();
    }
  });
}
