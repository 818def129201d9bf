/**
 * Time window with AWS's clock skew (5 minutes): Conditions NotBefore must have come, Conditions NotOnOrAfter and the
 * bearer confirmation's NotOnOrAfter (required) must not have passed. Returns when the assertion stops being valid.
 */
import type { Element } from '@xmldom/xmldom';
import { expired, malformed, notYetValid, wrongRecipient } from './errors.js';

/** AWS's allowance for clocks that disagree. */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;

function instant(el: Element | undefined, name: string): number | undefined {
  const v = el?.getAttribute(name);
  if (!v) return undefined;
  const t = Date.parse(v);
  if (Number.isNaN(t) || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(v)) throw malformed();
  return t;
}

/** Checks the window at `now` (ms); returns the earliest NotOnOrAfter (ms). */
export function checkTime(conditions: Element | undefined, confirmationData: Element, now: number): number {
  const notBefore = instant(conditions, 'NotBefore');
  if (notBefore !== undefined && now + CLOCK_SKEW_MS < notBefore) throw notYetValid();
  const scdNotBefore = instant(confirmationData, 'NotBefore');
  if (scdNotBefore !== undefined && now + CLOCK_SKEW_MS < scdNotBefore) throw notYetValid();
  const scdNotOnOrAfter = instant(confirmationData, 'NotOnOrAfter');
  if (scdNotOnOrAfter === undefined) throw wrongRecipient();
  const condNotOnOrAfter = instant(conditions, 'NotOnOrAfter');
  const end = Math.min(scdNotOnOrAfter, condNotOnOrAfter ?? Infinity);
  if (now - CLOCK_SKEW_MS >= end) throw expired();
  return end;
}
