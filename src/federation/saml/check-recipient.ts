/**
 * Recipient and Destination: exactly one bearer SubjectConfirmation whose SubjectConfirmationData carries a Recipient
 * that is AWS's SAML endpoint (and a NotOnOrAfter, checked with the time window); the response's Destination, when
 * present, must be such an endpoint too.
 */
import type { Element } from '@xmldom/xmldom';
import { children } from './dom.js';
import { wrongRecipient } from './errors.js';
import { NS, type Accepted } from './parse.js';

const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';

/** The bearer confirmation's data element and its Recipient; throws when the recipient or destination is not accepted. */
export function checkRecipient(subject: Element | undefined, response: Element | undefined, accepted: Accepted): { recipient: string; data: Element } {
  const confirmations = subject ? children(subject, NS.assertion, 'SubjectConfirmation') : [];
  if (confirmations.length !== 1 || confirmations[0]!.getAttribute('Method') !== BEARER) throw wrongRecipient();
  const data = children(confirmations[0]!, NS.assertion, 'SubjectConfirmationData');
  if (data.length !== 1) throw wrongRecipient();
  const recipient = data[0]!.getAttribute('Recipient') ?? '';
  if (!accepted.has(recipient)) throw wrongRecipient();
  const destination = response?.getAttribute('Destination');
  if (destination && !accepted.has(destination)) throw wrongRecipient();
  return { recipient, data: data[0]! };
}
