/** AssumeRoleWithSAML sessions: trust conditions on saml:* keys, durations, session tags, source identity, encryption, usable credentials. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encrypt } from 'xml-encryption';
import { resolveCredentials } from '../../src/authz/authenticate.js';
import { T0 } from '../authz/world.js';
import { A, ANONYMOUS, ENTITY_ID, PROVIDER_ARN, ROLE_ARN, awsError, samlTrust, samlWorld, type SamlWorld } from './fixture.js';
import { b64, newSigner, responseXml, sign, type ResponseSpec } from './idp.js';

const PREFIX = 'https://aws.amazon.com/SAML/Attributes/';
let n = 0;

function signed(s: SamlWorld, spec: Partial<ResponseSpec> = {}): string {
  const now = T0 + ++n * 3_600_000;
  s.w.clock.set(now);
  return b64(sign(responseXml({ issuer: ENTITY_ID, now, roles: [`${ROLE_ARN},${PROVIDER_ARN}`], ...spec }), 'Assertion', s.idp));
}

const assume = (s: SamlWorld, assertion: string, extra: Record<string, unknown> = {}) =>
  s.h.call(ANONYMOUS, 'sts', 'AssumeRoleWithSAML', { RoleArn: ROLE_ARN, PrincipalArn: PROVIDER_ARN, SAMLAssertion: assertion, ...extra });

test('the response carries AWS\'s fields and the credentials act as the role session', async () => {
  const s = await samlWorld();
  try {
    const out = await assume(s, signed(s, { nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient' }));
    assert.equal(out.SubjectType, 'transient');
    assert.equal(out.Audience, 'https://signin.aws.amazon.com/saml');
    assert.equal(out.NameQualifier.length, 28);
    assert.equal(out.Credentials.Expiration.getTime(), s.w.clock.now() + 3600_000);
    const { caller } = await resolveCredentials(s.w.store, out.Credentials.AccessKeyId, out.Credentials.SessionToken, s.w.clock.now());
    assert.equal(caller.arn, `arn:aws:sts::${A}:assumed-role/Bastion/alice@example.com`);
    assert.equal(caller.session?.roleName, 'Bastion');
  } finally {
    await s.close();
  }
});

test('durations: SessionDuration shortens, DurationSeconds above MaxSessionDuration is refused', async () => {
  const s = await samlWorld({ roleMaxSession: 7200 });
  try {
    const short = await assume(s, signed(s, { extraAttributes: { [PREFIX + 'SessionDuration']: ['1800'] } }), { DurationSeconds: 7200 });
    assert.equal(short.Credentials.Expiration.getTime(), s.w.clock.now() + 1800_000);
    const long = await assume(s, signed(s), { DurationSeconds: 7200 });
    assert.equal(long.Credentials.Expiration.getTime(), s.w.clock.now() + 7200_000);
    assert.deepEqual(awsError(await assume(s, signed(s), { DurationSeconds: 7201 }).catch((e) => e)), {
      code: 'ValidationError',
      status: 400,
      message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    });
  } finally {
    await s.close();
  }
});

test('trust conditions on saml:sub and session tags need their grants', async () => {
  const s = await samlWorld();
  try {
    await s.iam('UpdateAssumeRolePolicy', { RoleName: 'Bastion', PolicyDocument: samlTrust(PROVIDER_ARN, { StringLike: { 'saml:sub': '*@example.com' } }) });
    assert.ok(await assume(s, signed(s)));
    assert.deepEqual(awsError(await assume(s, signed(s, { nameId: 'bob@elsewhere.test' })).catch((e) => e)), { code: 'AccessDenied', status: 403, message: 'Not authorized to perform sts:AssumeRoleWithSAML' });
    // Tags are passed and transitive; without sts:TagSession in the trust policy they are refused.
    const tagged = await assume(s, signed(s, { extraAttributes: { [PREFIX + 'PrincipalTag:Project']: ['Blue'], [PREFIX + 'TransitiveTagKeys']: ['Project'], [PREFIX + 'SourceIdentity']: ['alice'] } }));
    assert.equal(tagged.SourceIdentity, 'alice');
    const { caller } = await resolveCredentials(s.w.store, tagged.Credentials.AccessKeyId, tagged.Credentials.SessionToken, s.w.clock.now());
    assert.deepEqual(caller.session?.tags, { Project: 'Blue' });
    assert.deepEqual(caller.session?.transitiveTagKeys, ['Project']);
    const noTagSession = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: PROVIDER_ARN }, Action: 'sts:AssumeRoleWithSAML' }] });
    await s.iam('UpdateAssumeRolePolicy', { RoleName: 'Bastion', PolicyDocument: noTagSession });
    assert.equal(awsError(await assume(s, signed(s, { extraAttributes: { [PREFIX + 'PrincipalTag:Project']: ['Blue'] } })).catch((e) => e)).code, 'AccessDenied');
    // A trust policy naming another provider lets nobody in through this one.
    const other = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${A}:root` }, Action: 'sts:AssumeRoleWithSAML' }] });
    await s.iam('UpdateAssumeRolePolicy', { RoleName: 'Bastion', PolicyDocument: other });
    assert.equal(awsError(await assume(s, signed(s)).catch((e) => e)).code, 'AccessDenied');
  } finally {
    await s.close();
  }
});

test('an encrypted assertion is decrypted with the provider\'s private key; without the key it is refused', async () => {
  const s = await samlWorld();
  const sp = newSigner('sp');
  try {
    const now = T0 + ++n * 3_600_000;
    s.w.clock.set(now);
    const xml = sign(responseXml({ issuer: ENTITY_ID, now, roles: [`${ROLE_ARN},${PROVIDER_ARN}`] }), 'Assertion', s.idp);
    const start = xml.indexOf('<saml:Assertion');
    const end = xml.indexOf('</saml:Assertion>') + '</saml:Assertion>'.length;
    const assertion = xml.slice(start, end).replace('<saml:Assertion ', '<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ');
    const enc = await new Promise<string>((resolve, reject) =>
      encrypt(assertion, { rsa_pub: sp.cert, pem: sp.cert, encryptionAlgorithm: 'http://www.w3.org/2009/xmlenc11#aes256-gcm', keyEncryptionAlgorithm: 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p', disallowEncryptionWithInsecureAlgorithm: true }, (e, r) => (e ? reject(e) : resolve(r!))),
    );
    const wrapped = xml.slice(0, start) + `<saml:EncryptedAssertion>${enc}</saml:EncryptedAssertion>` + xml.slice(end);
    assert.deepEqual(awsError(await assume(s, b64(wrapped)).catch((e) => e)), { code: 'InvalidIdentityToken', status: 400, message: 'Unable to decrypt the SAML assertion' });
    await s.iam('UpdateSAMLProvider', { SAMLProviderArn: PROVIDER_ARN, AddPrivateKey: sp.key });
    const out = await assume(s, b64(wrapped));
    assert.equal(out.Subject, 'alice@example.com');
  } finally {
    await s.close();
  }
});
