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

/** Parsed parameters with the request parts they were parsed from. */
interface Parsed {
  method: string;
  query: string;
  body: Buffer;
  params: Record<string, string>;
}

/**
 * The query-string and form-body parameters of a request, parsed on first call and cached on the request. The cache
 * is a plain property (defineProperty costs more than the parse) holding the parts it was parsed from, so a copy of
 * the request with another body, query or method (a spread copies the property) parses its own.
 */
export function requestParams(req: WireRequest): Record<string, string> {
  const holder = req as unknown as Record<symbol, Parsed | undefined>;
  const cached = holder[PARSED];
  if (cached !== undefined && cached.body === req.body && cached.query === req.query && cached.method === req.method) return cached.params;
  const params: Record<string, string> = Object.create(null);
  if (req.query) parseUrlEncoded(req.query.charCodeAt(0) === 63 ? req.query.slice(1) : req.query, params);
  if (req.body && req.body.length > 0 && req.method !== 'GET') parseUrlEncoded(req.body.toString('utf8'), params);
  holder[PARSED] = { method: req.method, query: req.query, body: req.body, params };
  return params;
}
