/** resolveCredentials (from the store, and through the exact cache): root and user keys, unknown/inactive keys, temporary credentials (token match, expiry, swept rows). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCredentialResolver, resolveCredentials } from '../../src/authz/authenticate.js';
import type { Store } from '../../src/store/store.js';
import { packSession } from '../../src/authz/session.js';
import { startExpiredCredentialSweeper } from '../../src/authz/sweep-expired.js';
import { createTemporaryKeyIds } from '../../src/authz/temporary-keys.js';
import { isKamenError } from '../../src/errors.js';
import { MGMT, T0, addUser, newWorld } from './world.js';

const EXPIRED = (e: unknown) => isKamenError(e, 'ERR_EXPIRED_TOKEN') && e.message === 'The security token included in the request is expired';
const INVALID = (e: unknown) => isKamenError(e, 'ERR_INVALID_CLIENT_TOKEN_ID') && e.message === 'The security token included in the request is invalid.';

type Resolve = (id: string, token: string | undefined, now: number) => ReturnType<typeof resolveCredentials>;
const variants: Array<[string, (store: Store) => Resolve]> = [
  ['store', (store) => (id, token, now) => resolveCredentials(store, id, token, now)],
  ['cached', (store) => createCredentialResolver(store)],
];

for (const [label, make] of variants) {
  test(`${label}: root and IAM user access keys resolve to their callers`, async () => {
    const w = await newWorld();
    const resolve = make(w.store);
    try {
      const rootKey = (await w.store.listAccessKeys(MGMT, undefined))[0]!;
      const root = await resolve(rootKey.accessKeyId, undefined, w.clock.now());
      assert.deepEqual(root.caller, { kind: 'root', accountId: MGMT, arn: `arn:aws:iam::${MGMT}:root`, userId: MGMT, accessKeyId: rootKey.accessKeyId });
      assert.equal(root.secretAccessKey, rootKey.secretAccessKey);
      const u = await addUser(w, MGMT, 'alice', { path: '/eng/' });
      const r = await resolve(u.accessKeyId, undefined, w.clock.now());
      assert.deepEqual(r.caller, { kind: 'user', accountId: MGMT, arn: `arn:aws:iam::${MGMT}:user/eng/alice`, userId: u.userId, accessKeyId: u.accessKeyId, userName: 'alice' });
      assert.match(r.caller.userId, /^AIDA/);
      assert.equal(r.secretAccessKey, u.secretAccessKey);
    } finally {
      await w.close();
    }
  });

  test(`${label}: unknown and inactive keys are InvalidClientTokenId`, async () => {
    const w = await newWorld();
    const resolve = make(w.store);
    try {
      await assert.rejects(resolve('AKIAIOSFODNN7EXAMPLE', undefined, w.clock.now()), INVALID);
      const u = await addUser(w, MGMT, 'bob');
      assert.equal((await resolve(u.accessKeyId, undefined, w.clock.now())).caller.userName, 'bob');
      await w.store.updateAccessKey(u.accessKeyId, { lastUsed: { date: new Date(T0), serviceName: 'iam', region: 'us-east-1' } });
      assert.equal((await resolve(u.accessKeyId, undefined, w.clock.now())).caller.userName, 'bob', 'a last-used stamp changes nothing');
      await w.store.updateAccessKey(u.accessKeyId, { status: 'Inactive' });
      await assert.rejects(resolve(u.accessKeyId, undefined, w.clock.now()), INVALID);
      await assert.rejects(resolve('ASIAIOSFODNN7EXAMPLE', 'token', w.clock.now()), INVALID);
      // a renamed user's key resolves to the new ARN at once; a deleted one's not at all
      const c = await addUser(w, MGMT, 'carol');
      assert.equal((await resolve(c.accessKeyId, undefined, w.clock.now())).caller.arn, `arn:aws:iam::${MGMT}:user/carol`);
      await w.store.updateUser(MGMT, 'carol', { userName: 'carol2', arn: `arn:aws:iam::${MGMT}:user/carol2` });
      assert.equal((await resolve(c.accessKeyId, undefined, w.clock.now())).caller.arn, `arn:aws:iam::${MGMT}:user/carol2`);
      await w.store.deleteAccessKey(c.accessKeyId);
      await assert.rejects(resolve(c.accessKeyId, undefined, w.clock.now()), INVALID);
    } finally {
      await w.close();
    }
  });

  test(`${label}: temporary credentials: token must match; expired → ExpiredToken`, async () => {
    const w = await newWorld();
    const resolve = make(w.store);
    try {
      const info = { sourceArn: `arn:aws:iam::${MGMT}:role/r`, roleName: 'r', roleId: 'AROAEXAMPLE000000001', sessionName: 's', issuedAt: new Date(T0).toISOString(), mfaAuthenticated: false, tokenType: 'assume-role' as const };
      const principal = { kind: 'assumed-role' as const, arn: `arn:aws:sts::${MGMT}:assumed-role/r/s`, userId: 'AROAEXAMPLE000000001:s' };
      const cred = await w.store.putTemporaryCredential({ accessKeyId: 'ASIAEXAMPLE000000001', accountId: MGMT, expiration: new Date(T0 + 900_000), createDate: new Date(T0), session: packSession(principal, info) });
      const r = await resolve('ASIAEXAMPLE000000001', cred.sessionToken, w.clock.now());
      assert.equal(r.secretAccessKey, cred.secretAccessKey);
      assert.deepEqual(r.caller, { ...principal, accountId: MGMT, accessKeyId: 'ASIAEXAMPLE000000001', session: info, sessionExpiresAt: T0 + 900_000 });
      await assert.rejects(resolve('ASIAEXAMPLE000000001', 'X' + cred.sessionToken.slice(1), w.clock.now()), INVALID);
      await assert.rejects(resolve('ASIAEXAMPLE000000001', undefined, w.clock.now()), INVALID);
      w.clock.advance(900_000);
      await assert.rejects(resolve('ASIAEXAMPLE000000001', cred.sessionToken, w.clock.now()), (e: unknown) => isKamenError(e, 'ERR_EXPIRED_TOKEN') && e.message === 'The security token included in the request is expired');
    } finally {
      await w.close();
    }
  });

  test(`${label}: a swept temporary key still answers ExpiredToken to its own token, and InvalidClientTokenId otherwise`, async () => {
    const w = await newWorld();
    const resolve = make(w.store);
    const sweeper = startExpiredCredentialSweeper({ store: w.store, clock: w.clock });
    try {
      const principal = { kind: 'federated-user' as const, arn: `arn:aws:sts::${MGMT}:federated-user/f`, userId: `${MGMT}:f`, userName: 'f' };
      const info = { sourceArn: `arn:aws:iam::${MGMT}:root`, issuedAt: new Date(T0).toISOString(), mfaAuthenticated: false, tokenType: 'federation-token' as const };
      const keyIds = createTemporaryKeyIds();
      const cred = await w.store.putTemporaryCredential({ accessKeyId: keyIds(w.clock.now()), accountId: MGMT, expiration: new Date(T0 + 129_600_000), createDate: new Date(T0), session: packSession(principal, info) });
      // a key ID of kamen's shape issued at the same time that was never stored
      const never = keyIds(w.clock.now());
      const neverToken = (await w.store.getDerivedTemporarySecrets(never)).sessionToken;
      assert.equal((await resolve(cred.accessKeyId, cred.sessionToken, w.clock.now())).caller.arn, principal.arn);
      w.clock.advance(129_600_000);
      await assert.rejects(resolve(cred.accessKeyId, cred.sessionToken, w.clock.now()), EXPIRED);
      assert.equal(await sweeper.sweep(), 0, 'an expired row stays for the longest lifetime more');
      await assert.rejects(resolve(never, neverToken, w.clock.now()), INVALID, 'an unknown key ID issued less than the longest lifetime ago is unknown');
      w.clock.advance(129_600_000 + 1000);
      assert.equal(await sweeper.sweep(), 1);
      assert.equal(await w.store.getTemporaryCredential(cred.accessKeyId), undefined);
      const fresh = label === 'cached' ? createCredentialResolver(w.store) : resolve;
      await assert.rejects(fresh(cred.accessKeyId, cred.sessionToken, w.clock.now()), EXPIRED, 'swept: still expired, not unknown');
      await assert.rejects(fresh(cred.accessKeyId, 'X' + cred.sessionToken.slice(1), w.clock.now()), INVALID, 'a wrong token is invalid');
      await assert.rejects(fresh(cred.accessKeyId, undefined, w.clock.now()), INVALID);
      await assert.rejects(fresh('ASIAXXXXXXXXXXXXXXX1', 'whatever', w.clock.now()), INVALID, 'not a key ID kamen issues');
    } finally {
      await sweeper.stop();
      await w.close();
    }
  });
}
