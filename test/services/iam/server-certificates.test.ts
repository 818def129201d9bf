import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { readVectors } from '../../helpers/paths.js';
import { ACCT, env, type Env } from './helpers.js';

const c = readVectors<{ certs: Record<string, string> }>('iam', 'credential-material.json').certs;

describe('IAM server certificates', () => {
  let e: Env;
  beforeEach(async () => {
    e = await env();
    e.clock.set(Date.UTC(2027, 0, 1));
  });
  afterEach(async () => {
    await e.close();
  });

  it('uploads with a chain, gets, lists by path, renames, tags and deletes', async () => {
    const up = await e.call('UploadServerCertificate', {
      ServerCertificateName: 'www',
      Path: '/cloudfront/',
      CertificateBody: c['chained'],
      PrivateKey: c['chainedKey'],
      CertificateChain: c['ca'],
      Tags: [{ Key: 'env', Value: 'prod' }],
    });
    const meta = up.ServerCertificateMetadata;
    assert.match(meta.ServerCertificateId, /^ASCA[A-Z2-7]{17}$/);
    assert.equal(meta.Arn, `arn:aws:iam::${ACCT}:server-certificate/cloudfront/www`);
    assert.equal(meta.Expiration.getTime(), Date.parse(new X509Certificate(c['chained']!).validTo));
    assert.equal(meta.UploadDate.getTime(), Date.UTC(2027, 0, 1));
    assert.deepEqual(up.Tags, [{ Key: 'env', Value: 'prod' }]);
    const got = (await e.call('GetServerCertificate', { ServerCertificateName: 'WWW' })).ServerCertificate;
    assert.equal(got.CertificateBody, c['chained']!.trim());
    assert.equal(got.CertificateChain, c['ca']!.trim());
    assert.equal(got.PrivateKey, undefined);
    await e.call('UploadServerCertificate', { ServerCertificateName: 'self', CertificateBody: c['self'], PrivateKey: c['selfKey'] });
    await e.fails('UploadServerCertificate', { ServerCertificateName: 'SELF', CertificateBody: c['self'], PrivateKey: c['selfKey'] }, 'ERR_ENTITY_ALREADY_EXISTS', 'The Server Certificate with name SELF already exists.');
    const list = await e.call('ListServerCertificates', { PathPrefix: '/cloudfront/' });
    assert.deepEqual(list.ServerCertificateMetadataList.map((m: any) => m.ServerCertificateName), ['www']);
    assert.equal((await e.call('ListServerCertificates', {})).ServerCertificateMetadataList.length, 2);
    await e.call('UpdateServerCertificate', { ServerCertificateName: 'www', NewServerCertificateName: 'web', NewPath: '/elb/' });
    const moved = (await e.call('GetServerCertificate', { ServerCertificateName: 'web' })).ServerCertificate.ServerCertificateMetadata;
    assert.equal(moved.Arn, `arn:aws:iam::${ACCT}:server-certificate/elb/web`);
    assert.equal(moved.ServerCertificateId, meta.ServerCertificateId);
    await e.fails('UpdateServerCertificate', { ServerCertificateName: 'web', NewServerCertificateName: 'self' }, 'ERR_ENTITY_ALREADY_EXISTS');
    await e.call('TagServerCertificate', { ServerCertificateName: 'web', Tags: [{ Key: 'team', Value: 'edge' }] });
    await e.call('UntagServerCertificate', { ServerCertificateName: 'web', TagKeys: ['env'] });
    assert.deepEqual((await e.call('ListServerCertificateTags', { ServerCertificateName: 'web' })).Tags, [{ Key: 'team', Value: 'edge' }]);
    await e.call('DeleteServerCertificate', { ServerCertificateName: 'web' });
    await e.fails('GetServerCertificate', { ServerCertificateName: 'web' }, 'ERR_NO_SUCH_ENTITY', 'The Server Certificate with name web cannot be found.');
    await e.fails('TagServerCertificate', { ServerCertificateName: 'web', Tags: [{ Key: 'a', Value: 'b' }] }, 'ERR_NO_SUCH_ENTITY');
  });

  it('refuses a mismatched key, a wrong chain, bad PEM and expired certificates', async () => {
    const base = { ServerCertificateName: 'x', CertificateBody: c['self'], PrivateKey: c['selfKey'] };
    await e.fails('UploadServerCertificate', { ...base, PrivateKey: c['otherKey'] }, 'ERR_KEY_PAIR_MISMATCH');
    await e.fails('UploadServerCertificate', { ...base, CertificateBody: c['chained'], PrivateKey: c['chainedKey'], CertificateChain: c['other'] }, 'ERR_MALFORMED_CERTIFICATE');
    await e.fails('UploadServerCertificate', { ...base, CertificateBody: 'garbage' }, 'ERR_MALFORMED_CERTIFICATE');
    await e.fails('UploadServerCertificate', { ...base, PrivateKey: 'garbage' }, 'ERR_MALFORMED_CERTIFICATE');
    await e.fails('UploadServerCertificate', { ...base, CertificateChain: 'garbage' }, 'ERR_MALFORMED_CERTIFICATE');
    e.clock.set(Date.UTC(2040, 0, 1));
    await e.fails('UploadServerCertificate', base, 'ERR_MALFORMED_CERTIFICATE', 'The certificate has expired.');
    assert.deepEqual((await e.call('ListServerCertificates', {})).ServerCertificateMetadataList, []);
  });
});
