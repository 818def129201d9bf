/** Wildcard matching as IAM does it: '*' any run of characters (including none), '?' exactly one character. */

/** A compiled wildcard pattern. */
export type GlobMatcher = (s: string) => boolean;

const RE_SPECIAL = /[.+^${}()|[\]\\*?]/g;

/** Escapes a literal string for a RegExp. */
export function reEscape(s: string): string {
  if (s.length === 1) return SPECIAL_CHARS.includes(s) ? '\\' + s : s;
  return s.replace(RE_SPECIAL, '\\$&');
}

const SPECIAL_CHARS = '.+^${}()|[]\\*?';

/** Regex source for a glob pattern (no anchors). */
export function globSource(pattern: string): string {
  let out = '';
  for (const ch of pattern) {
    if (ch === '*') out += '.*';
    else if (ch === '?') out += '.';
    else out += reEscape(ch);
  }
  return out;
}

/** Compiles a glob into the cheapest matcher: equality, prefix, suffix, or an anchored regex. */
export function compileGlob(pattern: string, ignoreCase = false): GlobMatcher {
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const star = p.indexOf('*');
  const q = p.indexOf('?');
  if (p === '*') return () => true;
  if (star < 0 && q < 0) return ignoreCase ? (s) => s.toLowerCase() === p : (s) => s === p;
  if (q < 0 && star === p.length - 1) {
    const prefix = p.slice(0, -1);
    return ignoreCase ? (s) => s.toLowerCase().startsWith(prefix) : (s) => s.startsWith(prefix);
  }
  if (q < 0 && star === 0 && p.indexOf('*', 1) < 0) {
    const suffix = p.slice(1);
    return ignoreCase ? (s) => s.toLowerCase().endsWith(suffix) : (s) => s.endsWith(suffix);
  }
  const re = new RegExp('^' + globSource(p) + '$', ignoreCase ? 'is' : 's');
  return (s) => re.test(s);
}
