/** Contract: SAML and OIDC providers (create, read, update, list per account, delete) and the SAML replay record. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { OidcProvider, SamlProvider, Store } from '../../../src/store/store.js';
import { withStore } from '../fixtures.js';

const A = '111111111111';
const B = '222222222222';

function saml(account: string, name: string): SamlProvider {
  return {
    accountId: account,
    arn: `arn:aws:iam::${account}:saml-provider/${name}`,
    name,
    uuid: `uuid-${name}`,
    metadataDocument: `<EntityDescriptor entityID="urn:${name}"/>`,
    createDate: new Date(1_700_000_000_000),
    validUntil: new Date(1_800_000_000_000),
    privateKeys: [],
    tags: [],
  };
}

function oidc(account: string, url: string): OidcProvider {
  return {
    accountId: account,
    arn: `arn:aws:iam::${account}:oidc-provider/${url}`,
    url,
    clientIds: ['app'],
    thumbprints: ['a'.repeat(40)],
    createDate: new Date(1_700_000_000_000),
    tags: [{ Key: 'k', Value: 'v' }],
  };
}

/** Registers the federation contract tests. */
export function federationContract(makeStore: () => Promise<Store>): void {
  describe('federation', () => {
    it('stores SAML providers per account, keeps private keys readable, updates and deletes them', () =>
      withStore(makeStore, async (s) => {
        const p = { ...saml(A, 'Google'), privateKeys: [{ keyId: 'K1', privateKey: '-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n', timestamp: new Date(1_700_000_001_000) }], assertionEncryptionMode: 'Allowed' };
        await s.createSamlProvider(p);
        await s.createSamlProvider(saml(A, 'Another'));
        await s.createSamlProvider(saml(B, 'Google'));
        await assert.rejects(s.createSamlProvider(saml(A, 'Google')), (e: { code?: string }) => e.code === 'ERR_ENTITY_ALREADY_EXISTS');
        assert.deepEqual(await s.getSamlProvider(p.arn), p);
        assert.deepEqual((await s.listSamlProviders(A)).map((x) => x.name), ['Another', 'Google']);
        await s.updateSamlProvider({ ...p, metadataDocument: '<new/>', tags: [{ Key: 'a', Value: 'b' }], privateKeys: [] });
        const got = await s.getSamlProvider(p.arn);
        assert.equal(got?.metadataDocument, '<new/>');
        assert.deepEqual(got?.tags, [{ Key: 'a', Value: 'b' }]);
        assert.deepEqual(got?.privateKeys, []);
        await s.deleteSamlProvider(p.arn);
        assert.equal(await s.getSamlProvider(p.arn), undefined);
        assert.equal((await s.listSamlProviders(B)).length, 1);
      }));

    it('stores OIDC providers per account, updates client IDs and thumbprints, deletes them', () =>
      withStore(makeStore, async (s) => {
        const p = oidc(A, 'idp.example.com/path');
        await s.createOidcProvider(p);
        await assert.rejects(s.createOidcProvider(p), (e: { code?: string }) => e.code === 'ERR_ENTITY_ALREADY_EXISTS');
        assert.deepEqual(await s.getOidcProvider(p.arn), p);
        await s.updateOidcProvider({ ...p, clientIds: ['app', 'cli'], thumbprints: [] });
        assert.deepEqual((await s.getOidcProvider(p.arn))?.clientIds, ['app', 'cli']);
        assert.deepEqual((await s.listOidcProviders(A)).map((x) => x.url), ['idp.example.com/path']);
        assert.deepEqual(await s.listOidcProviders(B), []);
        await s.deleteOidcProvider(p.arn);
        assert.equal(await s.getOidcProvider(p.arn), undefined);
      }));

    it('accepts an assertion ID once until it expires, per provider', () =>
      withStore(makeStore, async (s) => {
        const arn = saml(A, 'Google').arn;
        const now = new Date(1_700_000_000_000);
        const exp = new Date(1_700_000_300_000);
        assert.equal(await s.consumeSamlAssertion(arn, '_a1', exp, now), true);
        assert.equal(await s.consumeSamlAssertion(arn, '_a1', exp, now), false);
        assert.equal(await s.consumeSamlAssertion(saml(B, 'Google').arn, '_a1', exp, now), true);
        // After it expired, the ID is swept and may be recorded again.
        assert.equal(await s.consumeSamlAssertion(arn, '_a1', new Date(1_700_000_900_000), new Date(1_700_000_400_000)), true);
      }));
  });
}
