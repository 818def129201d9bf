/**
 * A second, independent signer: Debian's xmlsec1 (libxmlsec1 over OpenSSL) signs the assertion; kamen (xml-crypto)
 * must accept it, and refuse it once a byte of the signed assertion changes. Skipped where xmlsec1 is not installed (.ci/run installs it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { T0 } from '../authz/world.js';
import { A, ANONYMOUS, ENTITY_ID, PROVIDER_ARN, ROLE_ARN, awsError, samlWorld } from './fixture.js';
import { b64, responseXml } from './idp.js';

const XMLSEC = '/usr/bin/xmlsec1';
const skip = fs.existsSync(XMLSEC) ? false : 'xmlsec1 is not installed (apt-get install xmlsec1)';

const TEMPLATE =
  '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>' +
  '<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><ds:Reference URI="#ID_REF"><ds:Transforms>' +
  '<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>' +
  '<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference></ds:SignedInfo><ds:SignatureValue/>' +
  '<ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature>';

test('an assertion signed by xmlsec1 is accepted; altered after signing, refused', { skip }, async () => {
  const s = await samlWorld();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-xmlsec-'));
  try {
    const now = T0 + 3_600_000;
    s.w.clock.set(now);
    const id = '_xmlsec1assertion';
    const unsigned = responseXml({ issuer: ENTITY_ID, now, roles: [`${ROLE_ARN},${PROVIDER_ARN}`], assertionId: id });
    const withTemplate = unsigned.replace(`<saml:Issuer>${ENTITY_ID}</saml:Issuer><saml:Subject>`, `<saml:Issuer>${ENTITY_ID}</saml:Issuer>${TEMPLATE.replace('ID_REF', id)}<saml:Subject>`);
    assert.notEqual(withTemplate, unsigned);
    fs.writeFileSync(path.join(dir, 'in.xml'), withTemplate);
    fs.writeFileSync(path.join(dir, 'key.pem'), s.idp.key);
    fs.writeFileSync(path.join(dir, 'cert.pem'), s.idp.cert);
    const signed = execFileSync(XMLSEC, ['--sign', '--privkey-pem', `${path.join(dir, 'key.pem')},${path.join(dir, 'cert.pem')}`, '--id-attr:ID', 'urn:oasis:names:tc:SAML:2.0:assertion:Assertion', path.join(dir, 'in.xml')], { encoding: 'utf8' });
    const call = (xml: string) => s.h.call(ANONYMOUS, 'sts', 'AssumeRoleWithSAML', { RoleArn: ROLE_ARN, PrincipalArn: PROVIDER_ARN, SAMLAssertion: b64(xml) });
    const out = await call(signed);
    assert.equal(out.AssumedRoleUser.Arn, `arn:aws:sts::${A}:assumed-role/Bastion/alice@example.com`);
    s.w.clock.set(now + 1000);
    const altered = signed.replace('>alice@example.com</saml:NameID>', '>mallory@example.com</saml:NameID>');
    assert.notEqual(altered, signed);
    assert.deepEqual(awsError(await call(altered).catch((e) => e)), { code: 'InvalidIdentityToken', status: 400, message: 'Response signature invalid' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    await s.close();
  }
});
