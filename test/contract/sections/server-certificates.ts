/** Contract: server certificates (unique per account by name without case; private keys round-trip). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isKamenError } from '../../../src/errors.js';
import type { ServerCertificate, Store } from '../../../src/store/store.js';
import { withStore } from '../fixtures.js';

const A = '111111111111';

function cert(name: string, over: Partial<ServerCertificate> = {}): ServerCertificate {
  return {
    accountId: A,
    serverCertificateId: `ASCA${name.toUpperCase().padEnd(17, 'X')}`,
    name,
    path: '/',
    arn: `arn:aws:iam::${A}:server-certificate/${name}`,
    certificateBody: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----',
    privateKey: '-----BEGIN PRIVATE KEY-----\nsecret\n-----END PRIVATE KEY-----',
    uploadDate: new Date(Date.UTC(2026, 0, 1)),
    expiration: new Date(Date.UTC(2030, 0, 1)),
    tags: [],
    ...over,
  };
}

/** Registers the server certificate contract tests. */
export function serverCertificatesContract(makeStore: () => Promise<Store>): void {
  describe('server certificates', () => {
    it('creates, reads without case, lists by name, renames, retags and deletes', () =>
      withStore(makeStore, async (s) => {
        const b = cert('beta', { certificateChain: 'chain', tags: [{ Key: 'k', Value: 'v' }] });
        await s.createServerCertificate(b);
        await s.createServerCertificate(cert('Alpha'));
        await assert.rejects(s.createServerCertificate(cert('ALPHA', { serverCertificateId: 'ASCAOTHEROTHEROTHERO' })), (e: unknown) => isKamenError(e, 'ERR_ENTITY_ALREADY_EXISTS'));
        assert.deepEqual(await s.getServerCertificate(A, 'BETA'), b);
        assert.equal(await s.getServerCertificate('222222222222', 'beta'), undefined);
        assert.deepEqual((await s.listServerCertificates(A)).map((c) => c.name), ['Alpha', 'beta']);
        await s.updateServerCertificate(A, 'beta', { name: 'gamma', path: '/p/', arn: `arn:aws:iam::${A}:server-certificate/p/gamma`, tags: [] });
        const g = await s.getServerCertificate(A, 'gamma');
        assert.equal(g?.path, '/p/');
        assert.deepEqual(g?.tags, []);
        assert.equal(g?.privateKey, b.privateKey);
        assert.equal(await s.getServerCertificate(A, 'beta'), undefined);
        await assert.rejects(s.updateServerCertificate(A, 'gamma', { name: 'alpha' }), (e: unknown) => isKamenError(e, 'ERR_ENTITY_ALREADY_EXISTS'));
        await s.deleteServerCertificate(A, 'GAMMA');
        assert.deepEqual((await s.listServerCertificates(A)).map((c) => c.name), ['Alpha']);
      }));
  });
}
