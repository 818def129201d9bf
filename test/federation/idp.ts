/** A hand-held SAML IdP for unit tests: RSA keys and self-signed certificates, metadata, responses, xml-crypto signing. */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';
import { SignedXml } from 'xml-crypto';

/** A signing identity: PEM private key and certificate, and the certificate's base64 body. */
export interface Signer {
  key: string;
  cert: string;
  certB64: string;
}

/** A fresh RSA key (2048 bits unless given) and a self-signed certificate for it. */
export function newSigner(cn = 'test-idp', bits = 2048): Signer {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  cert.serialNumber = '01' + randomBytes(8).toString('hex');
  cert.validity.notBefore = new Date(Date.UTC(2020, 0, 1));
  cert.validity.notAfter = new Date(Date.UTC(2040, 0, 1));
  const attrs = [{ name: 'commonName', value: cn }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.sign(forge.pki.privateKeyFromPem(privateKey), forge.md.sha256.create());
  const pem = forge.pki.certificateToPem(cert);
  return { key: privateKey, cert: pem, certB64: pem.replace(/-----[A-Z ]+-----|\s+/g, '') };
}

/** IdP metadata naming `entityId` with the signing certificates given. */
export function metadata(entityId: string, signers: Signer[], validUntil?: string): string {
  const kds = signers
    .map((s) => `<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${s.certB64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`)
    .join('');
  return (
    `<?xml version="1.0" encoding="UTF-8"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${entityId}"${validUntil ? ` validUntil="${validUntil}"` : ''}>` +
    `<md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">${kds}` +
    `<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>` +
    `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/sso"/></md:IDPSSODescriptor></md:EntityDescriptor>`
  );
}

/** What goes into a response (every field has a sensible default). */
export interface ResponseSpec {
  issuer: string;
  now: number;
  roles: string[];
  sessionName?: string | null;
  nameId?: string;
  nameIdFormat?: string;
  audience?: string;
  recipient?: string;
  destination?: string | null;
  lifetimeMs?: number;
  notBefore?: number;
  assertionId?: string;
  responseId?: string;
  extraAttributes?: Record<string, string[]>;
  status?: string;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** An unsigned samlp:Response with one assertion (the assertion's Issuer is its first child, where signatures go after). */
export function responseXml(s: ResponseSpec): string {
  const rid = s.responseId ?? '_r' + randomBytes(8).toString('hex');
  const aid = s.assertionId ?? '_a' + randomBytes(8).toString('hex');
  const end = s.now + (s.lifetimeMs ?? 300_000);
  const recipient = s.recipient ?? 'https://signin.aws.amazon.com/saml';
  const attrs: Record<string, string[]> = { 'https://aws.amazon.com/SAML/Attributes/Role': s.roles, ...(s.extraAttributes ?? {}) };
  if (s.sessionName !== null) attrs['https://aws.amazon.com/SAML/Attributes/RoleSessionName'] = [s.sessionName ?? 'alice@example.com'];
  const attrXml = Object.entries(attrs)
    .map(([n, vs]) => `<saml:Attribute Name="${n}">${vs.map((v) => `<saml:AttributeValue>${v}</saml:AttributeValue>`).join('')}</saml:Attribute>`)
    .join('');
  const dest = s.destination === null ? '' : ` Destination="${s.destination ?? recipient}"`;
  return (
    `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${rid}" Version="2.0" IssueInstant="${iso(s.now)}"${dest}>` +
    `<saml:Issuer>${s.issuer}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="${s.status ?? 'urn:oasis:names:tc:SAML:2.0:status:Success'}"/></samlp:Status>` +
    `<saml:Assertion ID="${aid}" Version="2.0" IssueInstant="${iso(s.now)}"><saml:Issuer>${s.issuer}</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="${s.nameIdFormat ?? 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent'}">${s.nameId ?? 'alice@example.com'}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="${iso(end)}" Recipient="${recipient}"/></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${iso(s.notBefore ?? s.now - 60_000)}" NotOnOrAfter="${iso(end)}"><saml:AudienceRestriction><saml:Audience>${s.audience ?? 'https://signin.aws.amazon.com/saml'}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${iso(s.now)}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:Password</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    `<saml:AttributeStatement>${attrXml}</saml:AttributeStatement></saml:Assertion></samlp:Response>`
  );
}

/** Signs the element with local name `what` (its ID referenced), placing the signature after its Issuer. */
export function sign(xml: string, what: 'Assertion' | 'Response', signer: Signer, opts: { sha1?: boolean; keyInfo?: boolean } = {}): string {
  const sx = new SignedXml({
    privateKey: signer.key,
    publicCert: signer.cert,
    signatureAlgorithm: opts.sha1 ? 'http://www.w3.org/2000/09/xmldsig#rsa-sha1' : 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  });
  if (opts.keyInfo === false) sx.getKeyInfoContent = () => null;
  sx.addReference({
    xpath: `//*[local-name(.)='${what}']`,
    transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
    digestAlgorithm: opts.sha1 ? 'http://www.w3.org/2000/09/xmldsig#sha1' : 'http://www.w3.org/2001/04/xmlenc#sha256',
  });
  sx.computeSignature(xml, { location: { reference: `//*[local-name(.)='${what}']/*[local-name(.)='Issuer']`, action: 'after' } });
  return sx.getSignedXml();
}

/** Base64 of a response, as the SAMLResponse form field and the SAMLAssertion parameter carry it. */
export const b64 = (xml: string): string => Buffer.from(xml, 'utf8').toString('base64');
