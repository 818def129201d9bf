import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { readVectors } from '../../helpers/paths.js';
import { env, userCaller, type Env } from './helpers.js';

const c = readVectors<{ certs: Record<string, string> }>('iam', 'credential-material.json').certs;
/** RFC 4648 Base32 of the SHA-1 of the certificate's DER, computed independently of the service. */
function expectedId(pem: string): string {
  const hex = createHash('sha1').update(new X509Certificate(pem).raw).digest();
  let bin = '';
  for (const b of hex) bin += b.toString(2).padStart(8, '0');
  return bin.match(/.{1,5}/g)!.map((g) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[parseInt(g.padEnd(5, '0'), 2)]).join('');
}

describe('IAM signing certificates', () => {
  let e: Env;
  beforeEach(async () => {
    e = await env();
    e.clock.set(Date.UTC(2027, 0, 1));
    await e.call('CreateUser', { UserName: 'signer' });
  });
  afterEach(async () => {
    await e.close();
  });

  it('uploads, lists, updates and deletes; IDs come from the certificate', async () => {
    const up = (await e.call('UploadSigningCertificate', { UserName: 'signer', CertificateBody: c['self'] })).Certificate;
    assert.equal(up.CertificateId, expectedId(c['self']!));
    assert.equal(up.CertificateId.length, 32);
    assert.equal(up.Status, 'Active');
    assert.equal(up.CertificateBody.trim(), c['self']!.trim());
    await e.fails('UploadSigningCertificate', { UserName: 'signer', CertificateBody: c['self'] }, 'ERR_DUPLICATE_CERTIFICATE');
    await e.call('UpdateSigningCertificate', { UserName: 'signer', CertificateId: up.CertificateId, Status: 'Inactive' });
    const list = await e.call('ListSigningCertificates', {}, userCaller('signer'));
    assert.deepEqual(list.Certificates.map((x: any) => [x.CertificateId, x.Status]), [[up.CertificateId, 'Inactive']]);
    await e.call('UploadSigningCertificate', { UserName: 'signer', CertificateBody: c['other'] });
    await e.fails('UploadSigningCertificate', { UserName: 'signer', CertificateBody: c['chained'] }, 'ERR_LIMIT_EXCEEDED', 'Cannot exceed quota for SigningCertificatesPerUser: 2');
    await e.call('DeleteSigningCertificate', { UserName: 'signer', CertificateId: up.CertificateId });
    await e.fails('DeleteSigningCertificate', { UserName: 'signer', CertificateId: up.CertificateId }, 'ERR_NO_SUCH_ENTITY', `The Certificate with id ${up.CertificateId} cannot be found.`);
    assert.equal((await e.call('ListSigningCertificates', { UserName: 'signer' })).Certificates.length, 1);
  });

  it('refuses malformed and out-of-date certificates', async () => {
    await e.fails('UploadSigningCertificate', { UserName: 'signer', CertificateBody: 'not a cert' }, 'ERR_MALFORMED_CERTIFICATE');
    await e.fails('UploadSigningCertificate', { UserName: 'signer', CertificateBody: c['self']!.replace(/\n[A-Za-z0-9+/]{64}\n/, '\n') }, 'ERR_MALFORMED_CERTIFICATE');
    await e.fails('UploadSigningCertificate', { UserName: 'signer', CertificateBody: c['self']! + c['other']! }, 'ERR_MALFORMED_CERTIFICATE');
    e.clock.set(Date.UTC(2040, 0, 1));
    await e.fails('UploadSigningCertificate', { UserName: 'signer', CertificateBody: c['self'] }, 'ERR_INVALID_CERTIFICATE');
    await e.fails('UploadSigningCertificate', { UserName: 'ghost', CertificateBody: c['self'] }, 'ERR_INVALID_CERTIFICATE');
  });
});
