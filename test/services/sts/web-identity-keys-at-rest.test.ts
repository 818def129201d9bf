/** Outbound web identity federation keeps its private signing keys encrypted under the master key, never in plain settings. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openStore } from '../../../src/store/open.js';
import type { Store } from '../../../src/store/store.js';
import type { OperationContext } from '../../../src/services/types.js';
import { outboundFederationOperations, outboundIssuerDocument, readOutboundFederation, ISSUER_HOST_SUFFIX } from '../../../src/services/iam/outbound-federation.js';

const ACCOUNT = '111122223333';

/** Every plain setting of the outbound federation keys of ACCOUNT, as stored. */
async function storedValues(store: Store): Promise<string[]> {
  const out: string[] = [];
  for (const k of [`iam.outboundWebIdentityFederation.${ACCOUNT}`, `iam.outboundWebIdentitySigningKeys.${ACCOUNT}`]) {
    const v = await store.getSetting(k);
    if (v !== undefined) out.push(v);
  }
  return out;
}

const hasPrivatePart = (text: string): boolean => /"d"\s*:/.test(text);

describe('outbound federation signing keys at rest', () => {
  let store: Store;
  const ctx = () => ({ caller: { accountId: ACCOUNT }, store }) as unknown as OperationContext;
  before(async () => {
    store = await openStore({ dataDir: ':memory:' });
  });
  after(async () => {
    await store.close();
  });

  it('stores the private keys encrypted and still signs and publishes with them', async () => {
    const ops = outboundFederationOperations();
    const out = (await ops['EnableOutboundWebIdentityFederation']!(ctx(), {})) as { IssuerIdentifier: string };
    const stored = await storedValues(store);
    assert.equal(stored.length, 2);
    for (const v of stored) assert.equal(hasPrivatePart(v), false, 'no private key material in plain settings');
    const rec = await readOutboundFederation(store, ACCOUNT);
    assert.equal(rec?.keys.length, 2);
    for (const k of rec!.keys) assert.equal(typeof k.jwk.d, 'string', 'the private key is read back for signing');
    const host = new URL(out.IssuerIdentifier).host;
    assert.ok(host.endsWith(ISSUER_HOST_SUFFIX));
    const jwks = (await outboundIssuerDocument(store, host, '/.well-known/jwks.json')) as { keys: Array<Record<string, unknown>> };
    assert.deepEqual(jwks.keys.map((k) => k['kid']).sort(), rec!.keys.map((k) => k.kid).sort());
    for (const k of jwks.keys) assert.equal(k['d'], undefined);
    await ops['DisableOutboundWebIdentityFederation']!(ctx(), {});
    for (const v of await storedValues(store)) assert.equal(hasPrivatePart(v), false, 'disable keeps the keys encrypted');
    assert.deepEqual((await readOutboundFederation(store, ACCOUNT))?.keys, rec!.keys);
  });

  it('re-encrypts a record written with plaintext private keys on first read', async () => {
    const rec = await readOutboundFederation(store, ACCOUNT);
    const legacy = { issuerId: rec!.issuerId, enabled: true, keys: rec!.keys };
    await store.setSetting(`iam.outboundWebIdentityFederation.${ACCOUNT}`, JSON.stringify(legacy));
    assert.equal(hasPrivatePart((await storedValues(store))[0]!), true);
    const read = await readOutboundFederation(store, ACCOUNT);
    assert.deepEqual(read, legacy);
    for (const v of await storedValues(store)) assert.equal(hasPrivatePart(v), false, 'the legacy record was rewritten');
    assert.deepEqual(await readOutboundFederation(store, ACCOUNT), legacy);
  });
});
