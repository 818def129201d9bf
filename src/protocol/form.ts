/** Fast application/x-www-form-urlencoded parsing, cached on the request object so a body is parsed once. */
import type { WireRequest } from './index.js';

const PARSED = Symbol.for('kamen.protocol.params');

function decode(s: string): string {
  if (s.indexOf('+') !== -1) s = s.replace(/\+/g, ' ');
  if (s.indexOf('%') === -1) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return unescape(s);
  }
}

/** Parses `a=1&b=x+y` into a null-prototype record (the last value wins). */
export function parseUrlEncoded(text: string, into: Record<string, string> = Object.create(null)): Record<string, string> {
  let i = 0;
  const n = text.length;
  while (i < n) {
    let amp = text.indexOf('&', i);
    if (amp === -1) amp = n;
    if (amp > i) {
      const eq = text.indexOf('=', i);
      if (eq === -1 || eq > amp) into[decode(text.slice(i, amp))] = '';
      else into[decode(text.slice(i, eq))] = decode(text.slice(eq + 1, amp));
    }
    i = amp + 1;
  }
  return into;
}

/** The query-string and form-body parameters of a request, parsed on first call and cached on the request. */
export function requestParams(req: WireRequest): Record<string, string> {
  const cached = (req as unknown as Record<symbol, Record<string, string> | undefined>)[PARSED];
  if (cached) return cached;
  const params: Record<string, string> = Object.create(null);
  if (req.query) parseUrlEncoded(req.query.charCodeAt(0) === 63 ? req.query.slice(1) : req.query, params);
  if (req.body && req.body.length > 0 && req.method !== 'GET') parseUrlEncoded(req.body.toString('utf8'), params);
  Object.defineProperty(req, PARSED, { value: params, enumerable: false, configurable: true });
  return params;
}
