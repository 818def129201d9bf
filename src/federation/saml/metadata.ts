/** Reads an IdP's SAML metadata document: entity ID, signing certificates (PEM), validUntil; "Could not parse metadata." otherwise. */
import { X509Certificate } from 'node:crypto';
import { KamenError } from '../../errors.js';
import { children, descendants, text } from './dom.js';
import { NS, parseXml } from './parse.js';

/** What kamen keeps from an IdP's metadata. */
export interface IdpMetadata {
  entityId: string;
  /** PEM certificates of the IdP's signing keys (KeyDescriptor use="signing" or without use). */
  signingCerts: string[];
  /** PEM certificates offered for encryption (use="encryption"); informational. */
  validUntil?: Date;
  /** The IdP's SingleSignOnService locations (informational). */
  ssoUrls: string[];
}

const couldNotParse = (): KamenError => new KamenError('ERR_INVALID_INPUT', 'Could not parse metadata.');

/** Wraps base64 DER in PEM armour (64-character lines). */
export function toPem(b64: string): string {
  const body = b64.replace(/\s+/g, '');
  return `-----BEGIN CERTIFICATE-----\n${body.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
}

/** Parses and checks IdP metadata (an EntityDescriptor with an IDPSSODescriptor and at least one signing certificate of ≥1024 bits). */
export function readIdpMetadata(xml: string): IdpMetadata {
  const doc = parseXml(xml.replace(/^\uFEFF/, ''), couldNotParse);
  const root = doc.documentElement!;
  if (root.namespaceURI !== NS.metadata || root.localName !== 'EntityDescriptor') throw couldNotParse();
  const entityId = root.getAttribute('entityID');
  if (!entityId) throw couldNotParse();
  const idp = children(root, NS.metadata, 'IDPSSODescriptor');
  if (idp.length !== 1) throw couldNotParse();
  const signingCerts: string[] = [];
  for (const kd of children(idp[0]!, NS.metadata, 'KeyDescriptor')) {
    const use = kd.getAttribute('use');
    if (use && use !== 'signing') continue;
    for (const c of descendants(kd, NS.dsig, 'X509Certificate')) {
      const pem = toPem(text(c) ?? '');
      let cert: X509Certificate;
      try {
        cert = new X509Certificate(pem);
      } catch {
        throw couldNotParse();
      }
      const bits = cert.publicKey.asymmetricKeyDetails?.modulusLength;
      if (cert.publicKey.asymmetricKeyType === 'rsa' && (bits === undefined || bits < 1024)) throw couldNotParse();
      signingCerts.push(pem);
    }
  }
  if (signingCerts.length === 0) throw couldNotParse();
  const out: IdpMetadata = {
    entityId,
    signingCerts,
    ssoUrls: children(idp[0]!, NS.metadata, 'SingleSignOnService').map((e) => e.getAttribute('Location') ?? '').filter(Boolean),
  };
  const vu = root.getAttribute('validUntil');
  if (vu) {
    const t = Date.parse(vu);
    if (Number.isNaN(t)) throw couldNotParse();
    out.validUntil = new Date(t);
  }
  return out;
}
