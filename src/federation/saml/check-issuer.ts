/** Issuer: the assertion's Issuer (and the response's, when present) must be the provider's metadata entity ID. */
import type { Element } from '@xmldom/xmldom';
import { child, text } from './dom.js';
import { malformed, wrongIssuer } from './errors.js';
import { NS } from './parse.js';

/** Returns the issuer, or throws "Issuer not present in specified provider". */
export function checkIssuer(assertion: Element, response: Element | undefined, entityId: string): string {
  const issuer = text(child(assertion, NS.assertion, 'Issuer', malformed));
  if (!issuer || issuer !== entityId) throw wrongIssuer();
  if (response) {
    const outer = text(child(response, NS.assertion, 'Issuer', malformed));
    if (outer !== undefined && outer !== entityId) throw wrongIssuer();
  }
  return issuer;
}
