/**
 * Safe XML parsing for SAML: no DTD, no entity declarations, no processing instructions but the XML declaration, no
 * comments (comment injection), every parser warning fatal. Returns the document or throws `onFail()`.
 */
import { DOMParser, type Document, type Node } from '@xmldom/xmldom';
import type { KamenError } from '../../errors.js';

export const NS = {
  protocol: 'urn:oasis:names:tc:SAML:2.0:protocol',
  assertion: 'urn:oasis:names:tc:SAML:2.0:assertion',
  metadata: 'urn:oasis:names:tc:SAML:2.0:metadata',
  dsig: 'http://www.w3.org/2000/09/xmldsig#',
  xenc: 'http://www.w3.org/2001/04/xmlenc#',
} as const;

/** Largest XML document kamen parses (a SAML response is at most 100 000 base64 characters on the wire). */
export const MAX_XML_BYTES = 10_000_000;

const FORBIDDEN = /<!DOCTYPE|<!ENTITY|<!\[CDATA\[|<!--/i;

/** Parses `text` as XML, refusing DTDs, entities, CDATA sections and comments; throws `onFail()` on any problem. */
export function parseXml(text: string, onFail: () => KamenError): Document {
  if (text.length > MAX_XML_BYTES || FORBIDDEN.test(text)) throw onFail();
  // Processing instructions other than a leading XML declaration are refused too.
  const pi = text.indexOf('<?', 1);
  if (pi !== -1 || (text.startsWith('<?') && !/^<\?xml[\s?]/.test(text))) throw onFail();
  let failed = false;
  const parser = new DOMParser({
    onError: () => {
      failed = true;
    },
  });
  let doc: Document;
  try {
    doc = parser.parseFromString(text, 'text/xml');
  } catch {
    throw onFail();
  }
  if (failed || !doc.documentElement || hasForbiddenNodes(doc)) throw onFail();
  return doc;
}

/** True when the tree holds a comment, doctype, entity reference or processing instruction (belt and braces). */
function hasForbiddenNodes(root: Node): boolean {
  const stack: Node[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    // 7 processing instruction, 8 comment, 10 doctype, 5 entity reference, 6 entity, 4 CDATA
    if (n.nodeType === 7 && (n as { target?: string }).target === 'xml' && n.parentNode === root) continue; // the XML declaration
    if (n.nodeType === 7 || n.nodeType === 8 || n.nodeType === 10 || n.nodeType === 5 || n.nodeType === 6 || n.nodeType === 4) return true;
    for (let c = n.firstChild; c; c = c.nextSibling) stack.push(c);
  }
  return false;
}

/** A set of accepted values (Audience, Recipient, Destination). */
export interface Accepted {
  has(value: string): boolean;
}
