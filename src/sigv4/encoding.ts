/** RFC 3986 percent-encoding helpers used by canonicalization (table driven, no regexes on the hot path). */
import { KamenError } from '../errors.js';

/** 1 for A-Z a-z 0-9 - . _ ~ (the unreserved set), else 0; indexed by char code < 128. */
const UNRESERVED = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch === '-' || ch === '.' || ch === '_' || ch === '~') {
    UNRESERVED[c] = 1;
  }
}

/** True when every char of `s` is unreserved, so encoding it is the identity. */
export function isAllUnreserved(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || UNRESERVED[c] === 0) return false;
  }
  return true;
}

const HEX = '0123456789ABCDEF';
const HEX_PAIR = /^[0-9a-fA-F]{2}$/;

/** Percent-encodes everything except unreserved chars, UTF-8 for non-ASCII (AWS's UriEncode). */
export function uriEncode(s: string): string {
  if (isAllUnreserved(s)) return s;
  const bytes = Buffer.from(s, 'utf8');
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 128 && UNRESERVED[b] === 1) out += String.fromCharCode(b);
    else out += '%' + HEX[b >> 4] + HEX[b & 15];
  }
  return out;
}

/** Percent-decodes `s` (no '+' to space), throwing MalformedQueryString on a bad escape like AWS does. */
export function uriDecode(s: string): string {
  if (s.indexOf('%') === -1) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    // Not valid UTF-8 or a broken escape: decode byte-wise, rejecting malformed escapes with AWS's text.
    const bytes: number[] = [];
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === 37 /* % */) {
        const hex = s.slice(i + 1, i + 3);
        if (hex.length < 2) throw new KamenError('ERR_MALFORMED_QUERY_STRING', 'Incomplete trailing escape % sequence');
        const v = parseInt(hex, 16);
        if (!HEX_PAIR.test(hex)) {
          throw new KamenError('ERR_MALFORMED_QUERY_STRING', `Illegal hex character in escape % pattern: %${hex}`);
        }
        bytes.push(v);
        i += 2;
      } else {
        const cp = s.codePointAt(i)!;
        if (cp > 0xffff) i++;
        for (const b of Buffer.from(String.fromCodePoint(cp), 'utf8')) bytes.push(b);
      }
    }
    return Buffer.from(bytes).toString('utf8');
  }
}

/** Re-encodes a raw (possibly already percent-encoded) query component into its canonical RFC 3986 form. */
export function canonicalComponent(raw: string): string {
  if (isAllUnreserved(raw)) return raw;
  return uriEncode(uriDecode(raw));
}
