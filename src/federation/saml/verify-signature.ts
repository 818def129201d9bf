/**
 * Verifies the enveloped XML-DSig signature of one element with xml-crypto against the provider's metadata
 * certificates only (a certificate carried in the message's KeyInfo is never used). The signature must have exactly one
 * Reference, to `#<the element's ID>`, that ID must be unique in the document, the canonicalization must be exclusive
 * c14n (without comments) and the algorithm RSA-SHA256 or RSA-SHA1. Returns the canonical XML that was signed.
 */
import type { Element } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { children, idValues } from './dom.js';
import { signatureInvalid } from './errors.js';
import { NS } from './parse.js';

const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
const SIGNATURE_ALGORITHMS: ReadonlySet<string> = new Set(['http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', 'http://www.w3.org/2000/09/xmldsig#rsa-sha1']);
const DIGEST_ALGORITHMS: ReadonlySet<string> = new Set(['http://www.w3.org/2001/04/xmlenc#sha256', 'http://www.w3.org/2000/09/xmldsig#sha1']);
const TRANSFORMS: ReadonlySet<string> = new Set([ENVELOPED, EXC_C14N]);

/** The element's own ds:Signature child (undefined when unsigned; two are refused). */
export function signatureOf(el: Element): Element | undefined {
  const sigs = children(el, NS.dsig, 'Signature');
  if (sigs.length > 1) throw signatureInvalid();
  return sigs[0];
}

/** Checks the shape of `sig` (one reference to `el`'s unique ID, allowed algorithms) before any cryptography. */
function checkShape(sig: Element, el: Element, documentRoot: Element): void {
  const id = el.getAttribute('ID');
  if (!id) throw signatureInvalid();
  if (idValues(documentRoot).filter((v) => v === id).length !== 1) throw signatureInvalid();
  const signedInfo = children(sig, NS.dsig, 'SignedInfo');
  if (signedInfo.length !== 1) throw signatureInvalid();
  const si = signedInfo[0]!;
  const c14n = children(si, NS.dsig, 'CanonicalizationMethod');
  if (c14n.length !== 1 || c14n[0]!.getAttribute('Algorithm') !== EXC_C14N) throw signatureInvalid();
  const method = children(si, NS.dsig, 'SignatureMethod');
  if (method.length !== 1 || !SIGNATURE_ALGORITHMS.has(method[0]!.getAttribute('Algorithm') ?? '')) throw signatureInvalid();
  const refs = children(si, NS.dsig, 'Reference');
  if (refs.length !== 1 || refs[0]!.getAttribute('URI') !== `#${id}`) throw signatureInvalid();
  const transforms = children(refs[0]!, NS.dsig, 'Transforms');
  for (const t of transforms.flatMap((ts) => children(ts, NS.dsig, 'Transform'))) {
    if (!TRANSFORMS.has(t.getAttribute('Algorithm') ?? '')) throw signatureInvalid();
  }
  const digest = children(refs[0]!, NS.dsig, 'DigestMethod');
  if (digest.length !== 1 || !DIGEST_ALGORITHMS.has(digest[0]!.getAttribute('Algorithm') ?? '')) throw signatureInvalid();
}

/**
 * Verifies `el`'s signature `sig` inside the document serialized as `xml` (rooted at `documentRoot`) against each of
 * `certs` in turn; returns the canonical XML of the signed element, or throws "Response signature invalid".
 */
export function verifyElementSignature(xml: string, documentRoot: Element, el: Element, sig: Element, certs: readonly string[]): string {
  checkShape(sig, el, documentRoot);
  for (const cert of certs) {
    // Only `ID` is resolved (SAML's attribute); uniqueness across ID/Id/id was checked above.
    const sx = new SignedXml({ publicCert: cert, getCertFromKeyInfo: () => null });
    sx.idAttributes = ['ID'];
    try {
      sx.loadSignature(sig as unknown as Parameters<SignedXml['loadSignature']>[0]);
      if (!sx.checkSignature(xml)) continue;
    } catch {
      continue;
    }
    const signed = sx.getSignedReferences();
    if (signed.length === 1) return signed[0]!;
  }
  throw signatureInvalid();
}
