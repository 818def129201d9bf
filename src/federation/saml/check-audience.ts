/** Audience: every AudienceRestriction of the Conditions must name AWS (https://signin.aws.amazon.com/saml or urn:amazon:webservices). */
import type { Element } from '@xmldom/xmldom';
import { children, text } from './dom.js';
import { wrongAudience } from './errors.js';
import { NS, type Accepted } from './parse.js';

/** Returns the audience values, or throws when there is no restriction or one of them omits every accepted audience. */
export function checkAudience(conditions: Element | undefined, accepted: Accepted): string[] {
  const restrictions = conditions ? children(conditions, NS.assertion, 'AudienceRestriction') : [];
  if (restrictions.length === 0) throw wrongAudience();
  const all: string[] = [];
  for (const r of restrictions) {
    const values = children(r, NS.assertion, 'Audience').map((a) => text(a) ?? '');
    if (!values.some((v) => accepted.has(v))) throw wrongAudience();
    all.push(...values);
  }
  return all;
}
