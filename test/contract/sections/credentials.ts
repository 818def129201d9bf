/** Contract: access keys (users' and root's), MFA devices, instance profiles, temporary credentials, settings. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../../src/store/store.js';
import { isKamenError } from '../../../src/errors.js';
import { A1, A2, accessKey, at, drain, instanceProfile, mfa, role, tempCred, withStore } from '../fixtures.js';

/** Registers the credentials contract tests. */
export function credentialsContract(makeStore: () => Promise<Store>): void {
  describe('access keys', () => {
    it('creates, reads (secret included), lists per user and per root, updates and deletes', () =>
      withStore(makeStore, async (s) => {
        const k1 = accessKey(A1, 'alice', { createDate: at(1) });
        const k2 = accessKey(A1, 'alice', { createDate: at(2), status: 'Inactive' });
        const r1 = accessKey(A1, undefined, { createDate: at(3) });
        const other = accessKey(A2, 'alice');
        for (const k of [k2, k1, r1, other]) await s.createAccessKey(k);
        assert.deepEqual(await s.getAccessKey(k1.accessKeyId), k1);
        assert.deepEqual(await s.getAccessKey(r1.accessKeyId), r1);
        assert.ok(!('userName' in (await s.getAccessKey(r1.accessKeyId))!), "root's keys have no userName");
        assert.equal(await s.getAccessKey('AKIANOPE'), undefined);
        assert.deepEqual((await s.listAccessKeys(A1, 'alice')).map((k) => k.accessKeyId), [k1.accessKeyId, k2.accessKeyId]);
        assert.deepEqual((await s.listAccessKeys(A1, 'Alice')).length, 2);
        assert.deepEqual(await s.listAccessKeys(A1, undefined), [r1]);
        assert.deepEqual(await s.listAccessKeys(A2, undefined), []);
        await assert.rejects(s.createAccessKey({ ...k1 }), (e) => isKamenError(e, 'ERR_ENTITY_ALREADY_EXISTS'));

        await s.updateAccessKey(k1.accessKeyId, { status: 'Inactive' });
        assert.equal((await s.getAccessKey(k1.accessKeyId))?.status, 'Inactive');
        const used = { date: at(99), serviceName: 'iam', region: 'us-east-1' };
        await s.updateAccessKey(k1.accessKeyId, { lastUsed: used });
        const got = await s.getAccessKey(k1.accessKeyId);
        assert.deepEqual(got?.lastUsed, used);
        assert.equal(got?.status, 'Inactive', 'a lastUsed patch keeps the status');
        assert.equal(got?.secretAccessKey, k1.secretAccessKey);
        await s.deleteAccessKey(k1.accessKeyId);
        assert.equal(await s.getAccessKey(k1.accessKeyId), undefined);
        assert.deepEqual((await s.listAccessKeys(A1, 'alice')).map((k) => k.accessKeyId), [k2.accessKeyId]);
      }));
  });

  describe('MFA devices', () => {
    it('creates, reads (seed included), assigns, records the last step, lists and deletes devices', () =>
      withStore(makeStore, async (s) => {
        const d = mfa(A1, 'alice-phone', { tags: [{ Key: 'k', Value: 'v' }] });
        await s.createMfaDevice(d);
        assert.deepEqual(await s.getMfaDevice(d.serialNumber), d);
        await assert.rejects(s.createMfaDevice(mfa(A1, 'alice-phone')), (e) => isKamenError(e, 'ERR_ENTITY_ALREADY_EXISTS'));
        await s.updateMfaDevice(d.serialNumber, { userName: 'alice', enableDate: at(5) });
        await s.updateMfaDevice(d.serialNumber, { lastUsedStep: 56666666 });
        let got = await s.getMfaDevice(d.serialNumber);
        assert.deepEqual(got, { ...d, userName: 'alice', enableDate: at(5), lastUsedStep: 56666666 });
        await s.updateMfaDevice(d.serialNumber, { tags: [] });
        assert.deepEqual((await s.getMfaDevice(d.serialNumber))?.tags, []);
        await s.updateMfaDevice(d.serialNumber, { userName: undefined, enableDate: undefined });
        got = await s.getMfaDevice(d.serialNumber);
        assert.equal(got?.userName, undefined);
        assert.equal(got?.enableDate, undefined);
        assert.equal(got?.lastUsedStep, 56666666);
        assert.equal(got?.seedBase32, d.seedBase32);

        await s.createMfaDevice(mfa(A1, 'Bob-key'));
        await s.createMfaDevice(mfa(A2, 'carol'));
        assert.deepEqual((await s.listMfaDevices(A1)).map((x) => x.name), ['alice-phone', 'Bob-key']);
        await s.deleteMfaDevice(d.serialNumber);
        assert.equal(await s.getMfaDevice(d.serialNumber), undefined);
        assert.deepEqual((await s.listMfaDevices(A1)).map((x) => x.name), ['Bob-key']);
      }));
  });

  describe('instance profiles', () => {
    it('creates with roles, reads, updates roles and tags, lists, finds by role, and deletes', () =>
      withStore(makeStore, async (s) => {
        await s.createRole(role(A1, 'web'));
        await s.createRole(role(A1, 'batch'));
        const ip = instanceProfile(A1, 'WebServer', { path: '/app/', roleNames: ['web'], tags: [{ Key: 'a', Value: 'b' }] });
        await s.createInstanceProfile(ip);
        assert.deepEqual(await s.getInstanceProfile(A1, 'webserver'), ip);
        await assert.rejects(s.createInstanceProfile(instanceProfile(A1, 'WEBSERVER')), (e) => isKamenError(e, 'ERR_ENTITY_ALREADY_EXISTS'));
        await s.createInstanceProfile(instanceProfile(A1, 'batch', { roleNames: ['batch'] }));
        await s.createInstanceProfile(instanceProfile(A1, 'Empty'));
        await s.createInstanceProfile(instanceProfile(A2, 'zzz', { roleNames: ['web'] }));

        assert.deepEqual((await drain((o) => s.listInstanceProfiles(A1, o), 2)).items.map((p) => p.name), ['batch', 'Empty', 'WebServer']);
        assert.deepEqual((await s.listInstanceProfiles(A1, { pathPrefix: '/app' })).items.map((p) => p.name), ['WebServer']);
        assert.deepEqual((await s.listInstanceProfilesForRole(A1, 'WEB')).map((p) => p.name), ['WebServer']);

        await s.updateInstanceProfile(A1, 'WebServer', { roleNames: ['batch', 'web'] });
        assert.deepEqual((await s.getInstanceProfile(A1, 'WebServer'))?.roleNames, ['batch', 'web']);
        await s.updateInstanceProfile(A1, 'WebServer', { roleNames: ['web', 'batch'], tags: [] });
        const got = await s.getInstanceProfile(A1, 'WebServer');
        assert.deepEqual(got?.roleNames, ['web', 'batch']);
        assert.deepEqual(got?.tags, []);
        assert.deepEqual((await s.listInstanceProfilesForRole(A1, 'batch')).map((p) => p.name), ['batch', 'WebServer']);
        await s.deleteInstanceProfile(A1, 'webserver');
        assert.equal(await s.getInstanceProfile(A1, 'WebServer'), undefined);
        assert.deepEqual((await s.listInstanceProfilesForRole(A1, 'web')).map((p) => p.name), []);
        await s.createInstanceProfile(instanceProfile(A1, 'WebServer'));
        assert.deepEqual((await s.getInstanceProfile(A1, 'WebServer'))?.roleNames, [], 'a recreated profile starts empty');
      }));
  });

  describe('temporary credentials', () => {
    it('round-trips credentials with their session, and deletes only the expired ones', () =>
      withStore(makeStore, async (s) => {
        const old1 = tempCred(A1, at(100));
        const old2 = tempCred(A2, at(200));
        const live = tempCred(A1, at(300));
        const [minted1, , minted] = [await s.putTemporaryCredential(old1), await s.putTemporaryCredential(old2), await s.putTemporaryCredential(live)];
        const { secretAccessKey, sessionToken, ...record } = minted!;
        assert.deepEqual(record, live, 'put returns the record it kept');
        assert.match(secretAccessKey, /^[A-Za-z0-9]{40}$/);
        assert.match(sessionToken, /^IQoJb3JpZ2luX2VjE[A-Za-z0-9+/=]{400,}$/);
        assert.notEqual(minted1!.secretAccessKey, secretAccessKey, 'each key ID has its own secret');
        assert.notEqual(minted1!.sessionToken, sessionToken, 'each key ID has its own token');
        assert.deepEqual(await s.getTemporaryCredential(live.accessKeyId), minted, 'get answers the same secret and token');
        assert.deepEqual(await s.getDerivedTemporarySecrets(live.accessKeyId), { secretAccessKey, sessionToken });
        const unknown = await s.getDerivedTemporarySecrets('ASIANOTSTOREDANYWHERE');
        assert.notEqual(unknown.sessionToken, sessionToken, 'derivable for any key ID, and distinct');
        assert.equal(await s.getTemporaryCredential('ASIANOPE'), undefined);
        assert.equal(await s.deleteExpiredTemporaryCredentials(at(200)), 1, 'strictly before');
        assert.equal(await s.getTemporaryCredential(old1.accessKeyId), undefined);
        assert.ok(await s.getTemporaryCredential(old2.accessKeyId));
        assert.equal(await s.deleteExpiredTemporaryCredentials(at(1000), 1), 1, 'at most the limit');
        assert.ok(await s.getTemporaryCredential(live.accessKeyId), 'oldest first: the later-expiring one stays');
        assert.equal(await s.deleteExpiredTemporaryCredentials(at(1000)), 1);
        assert.equal(await s.deleteExpiredTemporaryCredentials(at(1000)), 0);
        assert.equal(await s.getTemporaryCredential(live.accessKeyId), undefined);
      }));
  });

  describe('settings', () => {
    it('gets, sets and overwrites settings', () =>
      withStore(makeStore, async (s) => {
        assert.equal(await s.getSetting('bootstrap.account'), undefined);
        await s.setSetting('bootstrap.account', A1);
        await s.setSetting('other', '');
        assert.equal(await s.getSetting('bootstrap.account'), A1);
        assert.equal(await s.getSetting('other'), '');
        await s.setSetting('bootstrap.account', A2);
        assert.equal(await s.getSetting('bootstrap.account'), A2);
      }));
  });
}
