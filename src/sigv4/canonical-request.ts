/** Builds the SigV4 canonical request (non-S3 rules: normalized, double-encoded path; re-encoded sorted query; trimmed headers). */
import type { SigV4Auth, SignedRequest } from './types.js';
import { canonicalComponent, uriEncode } from './encoding.js';

/** 1 for chars that may pass through the path fast path unchanged: unreserved plus '/'. */
const PATH_SAFE = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || '-._~/'.includes(ch)) PATH_SAFE[c] = 1;
}

/** The canonical URI: remove empty, '.' and '..' segments, then URI-encode each segment of the raw path (so '%' becomes '%25'). */
export function canonicalUri(rawPath: string): string {
  if (rawPath === '/' || rawPath === '') return '/';
  // Fast path: only safe chars, no '//' and no dot segments.
  let fast = rawPath.charCodeAt(0) === 47;
  for (let i = 0; fast && i < rawPath.length; i++) {
    const c = rawPath.charCodeAt(i);
    if (c >= 128 || PATH_SAFE[c] === 0) fast = false;
    else if (c === 47 && i > 0 && rawPath.charCodeAt(i - 1) === 47) fast = false;
    else if (c === 46 /* . */ && rawPath.charCodeAt(i - 1) === 47) fast = false;
  }
  if (fast) return rawPath;

  const segments: string[] = [];
  for (const seg of rawPath.split('/')) {
    if (seg.length === 0 || seg === '.') continue;
    if (seg === '..') segments.pop();
    else segments.push(uriEncode(seg));
  }
  const trailing = segments.length > 0 && rawPath.endsWith('/') ? '/' : '';
  return '/' + segments.join('/') + trailing;
}

/** The canonical query string from the RAW query: decode, RFC 3986 re-encode, sort by key then value; X-Amz-Signature dropped for presigned. */
export function canonicalQueryString(rawQuery: string, presigned: boolean): string {
  if (rawQuery.length === 0) return '';
  const keys: string[] = [];
  const values: string[] = [];
  let pos = 0;
  while (pos <= rawQuery.length) {
    let amp = rawQuery.indexOf('&', pos);
    if (amp === -1) amp = rawQuery.length;
    if (amp > pos) {
      const eq = rawQuery.indexOf('=', pos);
      let k: string;
      let v: string;
      if (eq === -1 || eq > amp) {
        k = rawQuery.slice(pos, amp);
        v = '';
      } else {
        k = rawQuery.slice(pos, eq);
        v = rawQuery.slice(eq + 1, amp);
      }
      const ck = canonicalComponent(k);
      if (!(presigned && ck === 'X-Amz-Signature')) {
        keys.push(ck);
        values.push(canonicalComponent(v));
      }
    }
    pos = amp + 1;
  }
  const n = keys.length;
  if (n === 0) return '';
  if (n === 1) return keys[0] + '=' + values[0];
  const order = new Array<number>(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => {
    const ka = keys[a]!;
    const kb = keys[b]!;
    if (ka !== kb) return ka < kb ? -1 : 1;
    const va = values[a]!;
    const vb = values[b]!;
    return va < vb ? -1 : va > vb ? 1 : 0;
  });
  let out = keys[order[0]!] + '=' + values[order[0]!];
  for (let i = 1; i < n; i++) out += '&' + keys[order[i]!] + '=' + values[order[i]!];
  return out;
}

/** From this length a header value is searched for whitespace to fold by indexOf (see normalizeHeaderValue). */
const LONG_VALUE = 16;

/** Trims a header value and folds each run of whitespace into one space. */
export function normalizeHeaderValue(v: string): string {
  const t = v.trim();
  // A value of 16 characters or more is searched by indexOf, which scans many characters at a time: a session token
  // (700 characters and more) in 50 ns where the loop below takes over a microsecond; the loop wins only on shorter
  // values. Only what the loop would fold sends it on.
  if (t.length >= LONG_VALUE && t.indexOf('\t') < 0 && t.indexOf('\n') < 0 && t.indexOf('\r') < 0 && t.indexOf('  ') < 0) return t;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c === 9 || c === 10 || c === 13 || (c === 32 && t.charCodeAt(i + 1) === 32) || (c === 32 && t.charCodeAt(i + 1) === 9)) {
      return t.replace(/\s+/g, ' ');
    }
  }
  return t;
}

/** A repeated header's values, each normalized, joined with ','. */
function joinedValues(v: string[]): string {
  let joined = '';
  for (let i = 0; i < v.length; i++) joined += (i > 0 ? ',' : '') + normalizeHeaderValue(v[i]!);
  return joined;
}

/** The canonical headers block: "name:value\n" per signed header present; repeated values joined with ','. */
export function canonicalHeaders(headers: SignedRequest['headers'], signedHeaders: readonly string[]): string {
  let out = '';
  for (const name of signedHeaders) {
    const v = headers[name];
    if (typeof v === 'string') {
      out += name + ':' + normalizeHeaderValue(v) + '\n';
    } else if (Array.isArray(v)) {
      out += name + ':' + joinedValues(v) + '\n';
    }
  }
  return out;
}

/**
 * The full canonical request string for `req` as `auth` claims it was signed, with the given payload hash (the headers
 * block and the signed-headers line built in one pass over the names).
 */
export function canonicalRequest(req: SignedRequest, auth: SigV4Auth, payloadHash: string): string {
  const names = auth.signedHeaders;
  let block = '';
  let line = '';
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    line = i === 0 ? name : line + ';' + name;
    const v = req.headers[name];
    if (typeof v === 'string') block += name + ':' + normalizeHeaderValue(v) + '\n';
    else if (Array.isArray(v)) block += name + ':' + joinedValues(v) + '\n';
  }
  return req.method + '\n' + canonicalUri(req.path) + '\n' + canonicalQueryString(req.query, auth.presigned) + '\n' + block + '\n' + line + '\n' + payloadHash;
}
