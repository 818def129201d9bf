/** IAM SAML and OIDC providers: create/get/update/list/delete, keys, tags, quotas' errors, and Federated trust validation. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { oidcProviderOperations } from '../../src/services/iam/oidc-providers.js';
import { opCtx } from '../authz/world.js';
import { A, ENTITY_ID, PROVIDER_ARN, awsError, samlTrust, samlWorld } from './fixture.js';
import { metadata, newSigner } from './idp.js';

const pem = () => generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;

test('SAML providers: create, get, update metadata and keys, tags, list, delete, with IAM\'s errors', async () => {
  const s = await samlWorld();
  try {
    const got = await s.iam('GetSAMLProvider', { SAMLProviderArn: PROVIDER_ARN });
    assert.match(got.SAMLMetadataDocument, /EntityDescriptor/);
    assert.match(got.SAMLProviderUUID, /^[0-9a-f-]{36}$/);
    assert.equal(got.ValidUntil.getUTCFullYear() - got.CreateDate.getUTCFullYear(), 100);
    assert.deepEqual(awsError(await s.iam('CreateSAMLProvider', { Name: 'Google', SAMLMetadataDocument: metadata(ENTITY_ID, [s.idp]) }).catch((e) => e)), {
      code: 'EntityAlreadyExists',
      status: 409,
      message: 'SAMLProvider Google already exists.',
    });
    assert.deepEqual(awsError(await s.iam('CreateSAMLProvider', { Name: 'Bad', SAMLMetadataDocument: '<x/>' + ' '.repeat(1000) }).catch((e) => e)), {
      code: 'InvalidInput',
      status: 400,
      message: 'Could not parse metadata.',
    });
    const created = await s.iam('CreateSAMLProvider', { Name: 'Okta', SAMLMetadataDocument: metadata('urn:okta', [s.idp], '2031-02-03T04:05:06Z'), AddPrivateKey: pem(), AssertionEncryptionMode: 'Allowed', Tags: [{ Key: 'team', Value: 'sec' }] });
    assert.equal(created.SAMLProviderArn, `arn:aws:iam::${A}:saml-provider/Okta`);
    const okta = await s.iam('GetSAMLProvider', { SAMLProviderArn: created.SAMLProviderArn });
    assert.equal(okta.ValidUntil.toISOString(), '2031-02-03T04:05:06.000Z');
    assert.equal(okta.AssertionEncryptionMode, 'Allowed');
    assert.equal(okta.PrivateKeyList.length, 1);
    assert.match(okta.PrivateKeyList[0].KeyId, /^[A-Z0-9]{22,64}$/);
    assert.deepEqual(okta.Tags, [{ Key: 'team', Value: 'sec' }]);
    // A second key, then a third is over the limit; removing the first leaves the second.
    await s.iam('UpdateSAMLProvider', { SAMLProviderArn: created.SAMLProviderArn, AddPrivateKey: pem() });
    assert.equal(awsError(await s.iam('UpdateSAMLProvider', { SAMLProviderArn: created.SAMLProviderArn, AddPrivateKey: pem() }).catch((e) => e)).code, 'LimitExceeded');
    await s.iam('UpdateSAMLProvider', { SAMLProviderArn: created.SAMLProviderArn, RemovePrivateKey: okta.PrivateKeyList[0].KeyId });
    const after = await s.iam('GetSAMLProvider', { SAMLProviderArn: created.SAMLProviderArn });
    assert.equal(after.PrivateKeyList.length, 1);
    assert.notEqual(after.PrivateKeyList[0].KeyId, okta.PrivateKeyList[0].KeyId);
    assert.equal(awsError(await s.iam('UpdateSAMLProvider', { SAMLProviderArn: created.SAMLProviderArn, AddPrivateKey: 'not a key' }).catch((e) => e)).message, 'The private key is not valid.');
    await s.iam('TagSAMLProvider', { SAMLProviderArn: created.SAMLProviderArn, Tags: [{ Key: 'env', Value: 'prod' }] });
    await s.iam('UntagSAMLProvider', { SAMLProviderArn: created.SAMLProviderArn, TagKeys: ['team'] });
    assert.deepEqual((await s.iam('ListSAMLProviderTags', { SAMLProviderArn: created.SAMLProviderArn })).Tags, [{ Key: 'env', Value: 'prod' }]);
    assert.deepEqual((await s.iam('ListSAMLProviders', {})).SAMLProviderList.map((p: { Arn: string }) => p.Arn), [PROVIDER_ARN, created.SAMLProviderArn]);
    await s.iam('DeleteSAMLProvider', { SAMLProviderArn: created.SAMLProviderArn });
    assert.deepEqual(awsError(await s.iam('GetSAMLProvider', { SAMLProviderArn: created.SAMLProviderArn }).catch((e) => e)), {
      code: 'NoSuchEntity',
      status: 404,
      message: `Manifest not found for arn ${created.SAMLProviderArn}`,
    });
    assert.equal(awsError(await s.iam('GetSAMLProvider', { SAMLProviderArn: 'arn:aws:iam::x' }).catch((e) => e)).code, 'InvalidInput');
    // New metadata replaces the old (a rotated certificate).
    const rotated = newSigner('rotated');
    await s.iam('UpdateSAMLProvider', { SAMLProviderArn: PROVIDER_ARN, SAMLMetadataDocument: metadata(ENTITY_ID, [rotated]) });
    assert.ok((await s.iam('GetSAMLProvider', { SAMLProviderArn: PROVIDER_ARN })).SAMLMetadataDocument.includes(rotated.certB64));
  } finally {
    await s.close();
  }
});

test('OIDC providers: create, get, client IDs, thumbprints, tags, list, delete', async () => {
  const s = await samlWorld();
  try {
    const ops = oidcProviderOperations();
    const call = (op: string, input: Record<string, unknown>) => ops[op]!(opCtx(s.w, s.admin), input);
    const { OpenIDConnectProviderArn: arn } = await call('CreateOpenIDConnectProvider', { Url: 'https://token.example.com/tenant/', ClientIDList: ['app'], ThumbprintList: ['A'.repeat(40)] });
    assert.equal(arn, `arn:aws:iam::${A}:oidc-provider/token.example.com/tenant`);
    const got = await call('GetOpenIDConnectProvider', { OpenIDConnectProviderArn: arn });
    assert.equal(got.Url, 'token.example.com/tenant');
    assert.deepEqual(got.ThumbprintList, ['a'.repeat(40)]);
    assert.equal(awsError(await call('CreateOpenIDConnectProvider', { Url: 'https://token.example.com/tenant' }).catch((e) => e)).code, 'EntityAlreadyExists');
    assert.equal(awsError(await call('CreateOpenIDConnectProvider', { Url: 'http://token.example.com' }).catch((e) => e)).message, "The URL must begin with 'https://'.");
    assert.equal((await call('CreateOpenIDConnectProvider', { Url: 'http://127.0.0.1:8080' })).OpenIDConnectProviderArn, `arn:aws:iam::${A}:oidc-provider/127.0.0.1:8080`);
    assert.equal(awsError(await call('CreateOpenIDConnectProvider', { Url: 'https://x.example.com', ThumbprintList: ['zz'] }).catch((e) => e)).code, 'InvalidInput');
    await call('AddClientIDToOpenIDConnectProvider', { OpenIDConnectProviderArn: arn, ClientID: 'cli' });
    await call('AddClientIDToOpenIDConnectProvider', { OpenIDConnectProviderArn: arn, ClientID: 'cli' });
    await call('RemoveClientIDFromOpenIDConnectProvider', { OpenIDConnectProviderArn: arn, ClientID: 'app' });
    await call('UpdateOpenIDConnectProviderThumbprint', { OpenIDConnectProviderArn: arn, ThumbprintList: ['b'.repeat(40)] });
    await call('TagOpenIDConnectProvider', { OpenIDConnectProviderArn: arn, Tags: [{ Key: 'k', Value: 'v' }] });
    const again = await call('GetOpenIDConnectProvider', { OpenIDConnectProviderArn: arn });
    assert.deepEqual(again.ClientIDList, ['cli']);
    assert.deepEqual(again.ThumbprintList, ['b'.repeat(40)]);
    assert.deepEqual(again.Tags, [{ Key: 'k', Value: 'v' }]);
    assert.equal((await call('ListOpenIDConnectProviders', {})).OpenIDConnectProviderList.length, 2);
    await call('DeleteOpenIDConnectProvider', { OpenIDConnectProviderArn: arn });
    assert.deepEqual(awsError(await call('GetOpenIDConnectProvider', { OpenIDConnectProviderArn: arn }).catch((e) => e)), {
      code: 'NoSuchEntity',
      status: 404,
      message: `OpenIDConnect Provider not found for arn ${arn}`,
    });
  } finally {
    await s.close();
  }
});

test('trust policies naming a Federated IAM provider must name one that exists', async () => {
  const s = await samlWorld();
  try {
    const missing = `arn:aws:iam::${A}:saml-provider/Missing`;
    assert.deepEqual(awsError(await s.iam('CreateRole', { RoleName: 'R1', AssumeRolePolicyDocument: samlTrust(missing) }).catch((e) => e)), {
      code: 'MalformedPolicyDocument',
      status: 400,
      message: `Invalid principal in policy: "Federated":"${missing}"`,
    });
    const oidcMissing = `arn:aws:iam::${A}:oidc-provider/token.example.com`;
    assert.equal(awsError(await s.iam('UpdateAssumeRolePolicy', { RoleName: 'Bastion', PolicyDocument: samlTrust(oidcMissing) }).catch((e) => e)).code, 'MalformedPolicyDocument');
    // Well-known web identity providers are not IAM entities and are kept as written.
    const google = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: 'accounts.google.com' }, Action: 'sts:AssumeRoleWithWebIdentity' }] });
    assert.ok((await s.iam('CreateRole', { RoleName: 'R2', AssumeRolePolicyDocument: google })).Role);
  } finally {
    await s.close();
  }
});
