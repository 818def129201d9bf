/**
 * Finds the parts of a SAML response before any trust is placed in it: the root must be a samlp:Response, and the whole
 * document must hold exactly one Assertion or EncryptedAssertion, a direct child of that Response (a second assertion
 * anywhere, e.g. hidden in an Extensions, Object or Signature element, is the signature-wrapping pattern and is refused).
 */
import type { Document, Element } from '@xmldom/xmldom';
import { children, descendants } from './dom.js';
import { malformed, signatureInvalid } from './errors.js';
import { NS } from './parse.js';

/** The response element and its one (possibly encrypted) assertion. */
export interface Located {
  response: Element;
  assertion?: Element;
  encrypted?: Element;
}

/** Locates the response and its single assertion in `doc`. */
export function locate(doc: Document | Element): Located {
  const response = 'documentElement' in doc ? doc.documentElement : doc;
  if (!response || response.namespaceURI !== NS.protocol || response.localName !== 'Response') throw malformed();
  const all = [...descendants(response, NS.assertion, 'Assertion'), ...descendants(response, NS.assertion, 'EncryptedAssertion')];
  if (all.length !== 1) throw signatureInvalid();
  const direct = [...children(response, NS.assertion, 'Assertion'), ...children(response, NS.assertion, 'EncryptedAssertion')];
  if (direct.length !== 1 || direct[0] !== all[0]) throw signatureInvalid();
  const el = direct[0]!;
  return el.localName === 'Assertion' ? { response, assertion: el } : { response, encrypted: el };
}
