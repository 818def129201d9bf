/** Unit tests of the SAML verification steps, one check at a time (src/federation/saml/). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DOMParser } from '@xmldom/xmldom';
import { openStore } from '../../src/store/open.js';
import { parseXml } from '../../src/federation/saml/parse.js';
import { locate } from '../../src/federation/saml/locate.js';
import { readIdpMetadata } from '../../src/federation/saml/metadata.js';
import { signatureOf, verifyElementSignature } from '../../src/federation/saml/verify-signature.js';
import { checkIssuer } from '../../src/federation/saml/check-issuer.js';
import { checkAudience } from '../../src/federation/saml/check-audience.js';
import { checkRecipient } from '../../src/federation/saml/check-recipient.js';
import { checkTime, CLOCK_SKEW_MS } from '../../src/federation/saml/check-time.js';
import { checkReplay } from '../../src/federation/saml/check-replay.js';
import { readAttributes, rolePair } from '../../src/federation/saml/attributes.js';
import { acceptedAudiences, acceptedRecipients, nameQualifier } from '../../src/federation/saml/index.js';
import { malformed } from '../../src/federation/saml/errors.js';
import { metadata, newSigner, responseXml, sign } from './idp.js';

const A = 'urn:oasis:names:tc:SAML:2.0:assertion';
const T = Date.UTC(2026, 0, 15, 10, 0, 0);
const ROLE = 'arn:aws:iam::222222222222:role/Bastion';
const PROV = 'arn:aws:iam::222222222222:saml-provider/Google';
const idp = newSigner();
const other = newSigner('other');

const message = (msg: string) => (err: unknown) => (err as Error).message === msg;
const assertionOf = (xml: string) => new DOMParser().parseFromString(xml, 'text/xml').getElementsByTagNameNS(A, 'Assertion')[0]!;

test('parse: refuses DOCTYPE, entities, comments, CDATA and processing instructions; accepts the XML declaration', () => {
  assert.equal(parseXml('<?xml version="1.0"?><a/>', malformed).documentElement!.localName, 'a');
  for (const bad of ['<!DOCTYPE a><a/>', '<a><!-- c --></a>', '<a><![CDATA[x]]></a>', '<a><?pi x?></a>', '<a>', '<?php x?><a/>']) {
    assert.throws(() => parseXml(bad, malformed), message('Invalid SAML response'), bad);
  }
});

test('metadata: entity ID and signing certificates; anything else is "Could not parse metadata."', () => {
  const md = readIdpMetadata(metadata('urn:idp', [idp, other], '2030-01-01T00:00:00Z'));
  assert.equal(md.entityId, 'urn:idp');
  assert.equal(md.signingCerts.length, 2);
  assert.equal(md.validUntil?.toISOString(), '2030-01-01T00:00:00.000Z');
  const bad = [metadata('urn:idp', []), '<x/>', metadata('urn:idp', [idp]).replace('entityID="urn:idp"', ''), metadata('urn:idp', [{ ...idp, certB64: 'AAAA' }]), metadata('urn:idp', [newSigner('small', 512)])];
  for (const doc of bad) assert.throws(() => readIdpMetadata(doc), message('Could not parse metadata.'));
});

test('locate: exactly one assertion, a direct child of the Response', () => {
  const xml = responseXml({ issuer: 'i', now: T, roles: [] });
  assert.ok(locate(parseXml(xml, malformed)).assertion);
  const two = xml.replace('</samlp:Response>', xml.slice(xml.indexOf('<saml:Assertion'), xml.indexOf('</samlp:Response>')) + '</samlp:Response>');
  assert.throws(() => locate(parseXml(two, malformed)), message('Response signature invalid'));
  assert.throws(() => locate(parseXml('<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"/>', malformed)), message('Invalid SAML response'));
});

test('signature: verifies with a metadata certificate only, returns the signed bytes, refuses other keys and shapes', () => {
  const xml = sign(responseXml({ issuer: 'i', now: T, roles: [] }), 'Assertion', idp);
  const doc = parseXml(xml, malformed);
  const a = locate(doc).assertion!;
  const signed = verifyElementSignature(xml, doc.documentElement!, a, signatureOf(a)!, [other.cert, idp.cert]);
  assert.match(signed, /^<saml:Assertion/);
  assert.doesNotMatch(signed, /Signature/);
  // The key in the message's KeyInfo is idp's, but only `other` is trusted: refused.
  assert.throws(() => verifyElementSignature(xml, doc.documentElement!, a, signatureOf(a)!, [other.cert]), message('Response signature invalid'));
  // Canonicalization with comments is refused before any cryptography.
  const withComments = xml.replace('<CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"', '<CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#WithComments"');
  assert.notEqual(withComments, xml);
  const d2 = parseXml(withComments, malformed);
  const a2 = locate(d2).assertion!;
  assert.throws(() => verifyElementSignature(withComments, d2.documentElement!, a2, signatureOf(a2)!, [idp.cert]), message('Response signature invalid'));
});

test('issuer: must equal the entity ID (assertion and response)', () => {
  const xml = responseXml({ issuer: 'urn:idp', now: T, roles: [] });
  const doc = parseXml(xml, malformed);
  const loc = locate(doc);
  assert.equal(checkIssuer(loc.assertion!, loc.response, 'urn:idp'), 'urn:idp');
  assert.throws(() => checkIssuer(loc.assertion!, loc.response, 'urn:other'), message('Issuer not present in specified provider'));
});

test('audience: every restriction must name AWS; kamen\'s own ACS URLs count too', () => {
  const cond = (aud: string) => assertionOf(responseXml({ issuer: 'i', now: T, roles: [], audience: aud })).getElementsByTagNameNS(A, 'Conditions')[0]!;
  assert.deepEqual(checkAudience(cond('urn:amazon:webservices'), acceptedAudiences()), ['urn:amazon:webservices']);
  assert.deepEqual(checkAudience(cond('https://us-west-2.signin.aws.amazon.com/saml'), acceptedAudiences()), ['https://us-west-2.signin.aws.amazon.com/saml']);
  assert.throws(() => checkAudience(cond('https://kamen.test/saml'), acceptedAudiences()), message('SAML Assertion does not contain the required audience'));
  assert.ok(checkAudience(cond('https://kamen.test/saml'), acceptedAudiences(['https://kamen.test/saml'])));
  assert.throws(() => checkAudience(undefined, acceptedAudiences()), message('SAML Assertion does not contain the required audience'));
});

test('recipient: one bearer confirmation to AWS\'s endpoint; Destination when present', () => {
  const parts = (recipient: string, destination?: string | null) => {
    const loc = locate(parseXml(responseXml({ issuer: 'i', now: T, roles: [], recipient, destination }), malformed));
    return [loc.assertion!.getElementsByTagNameNS(A, 'Subject')[0]!, loc.response] as const;
  };
  assert.equal(checkRecipient(...parts('https://signin.aws.amazon.com/saml'), acceptedRecipients()).recipient, 'https://signin.aws.amazon.com/saml');
  assert.throws(() => checkRecipient(...parts('https://evil.test/acs', null), acceptedRecipients()), message('SAML Response does not contain the required recipient'));
  assert.throws(() => checkRecipient(...parts('https://signin.aws.amazon.com/saml', 'https://evil.test/acs'), acceptedRecipients()), message('SAML Response does not contain the required recipient'));
});

test('time: NotBefore and NotOnOrAfter with the 5-minute skew (frozen instants)', () => {
  const a = assertionOf(responseXml({ issuer: 'i', now: T, roles: [], lifetimeMs: 60_000, notBefore: T }));
  const cond = a.getElementsByTagNameNS(A, 'Conditions')[0]!;
  const scd = a.getElementsByTagNameNS(A, 'SubjectConfirmationData')[0]!;
  assert.equal(checkTime(cond, scd, T), T + 60_000);
  assert.equal(checkTime(cond, scd, T - CLOCK_SKEW_MS), T + 60_000);
  assert.throws(() => checkTime(cond, scd, T - CLOCK_SKEW_MS - 1), message('SAML Assertion is not yet valid'));
  assert.equal(checkTime(cond, scd, T + 60_000 + CLOCK_SKEW_MS - 1), T + 60_000);
  assert.throws(() => checkTime(cond, scd, T + 60_000 + CLOCK_SKEW_MS), (e) => (e as { code?: string }).code === 'ERR_EXPIRED_TOKEN_EXCEPTION');
});

test('replay: an assertion ID once per provider until it expires', async () => {
  const store = await openStore({ dataDir: ':memory:' });
  try {
    await checkReplay(store, PROV, '_x', T + 1000, T);
    await assert.rejects(checkReplay(store, PROV, '_x', T + 1000, T + 500), message('SAML Assertion has already been used'));
    await checkReplay(store, PROV + '2', '_x', T + 1000, T);
    await checkReplay(store, PROV, '_x', T + 2 * CLOCK_SKEW_MS, T + CLOCK_SKEW_MS + 2000);
  } finally {
    await store.close();
  }
});

test('attributes: role pairs in either order, session name, duration, tags, source identity, mapped keys', () => {
  assert.deepEqual(rolePair(`${PROV},${ROLE}`), { roleArn: ROLE, providerArn: PROV });
  assert.deepEqual(rolePair(`${ROLE}, ${PROV}`), { roleArn: ROLE, providerArn: PROV });
  assert.equal(rolePair(`${ROLE},${ROLE}`), undefined);
  const a = assertionOf(
    responseXml({
      issuer: 'i',
      now: T,
      roles: [`${ROLE},${PROV}`, `${PROV},arn:aws:iam::222222222222:role/Admin`, 'junk'],
      extraAttributes: {
        'https://aws.amazon.com/SAML/Attributes/SessionDuration': ['1800'],
        'https://aws.amazon.com/SAML/Attributes/PrincipalTag:Project': ['Blue'],
        'https://aws.amazon.com/SAML/Attributes/TransitiveTagKeys': ['Project'],
        'https://aws.amazon.com/SAML/Attributes/SourceIdentity': ['alice'],
        'urn:oid:1.3.6.1.4.1.5923.1.1.1.1': ['staff', 'member'],
      },
    }),
  );
  const r = readAttributes(a);
  assert.deepEqual(r.roles.map((p) => p.roleArn), [ROLE, 'arn:aws:iam::222222222222:role/Admin']);
  assert.equal(r.roleSessionName, 'alice@example.com');
  assert.equal(r.sessionDuration, 1800);
  assert.deepEqual(r.principalTags, { Project: 'Blue' });
  assert.deepEqual(r.transitiveTagKeys, ['Project']);
  assert.equal(r.sourceIdentity, 'alice');
  assert.deepEqual(r.conditionKeys['saml:eduPersonAffiliation'], ['staff', 'member']);
  const badSource = assertionOf(responseXml({ issuer: 'i', now: T, roles: [], extraAttributes: { 'https://aws.amazon.com/SAML/Attributes/SourceIdentity': ['aws:me'] } }));
  assert.throws(() => readAttributes(badSource), message('Source Identity must match [a-zA-Z_0-9+=,.@-]{2,64} and not begin with "aws:"'));
});

test('NameQualifier is base64(SHA-1(issuer + account + "/" + provider name))', () => {
  assert.equal(nameQualifier('urn:idp', '222222222222', 'Google'), 'OZ69XwaZxbuxw/FmKFEeTLks8cU=');
});
