/** ISO-8601 basic-format timestamps (YYYYMMDDTHHMMSSZ) as SigV4 uses them. */

/** Parses YYYYMMDDTHHMMSSZ to ms since the epoch, or NaN when malformed. */
export function parseAmzDate(s: string): number {
  if (s.length !== 16 || s.charCodeAt(8) !== 84 /* T */ || s.charCodeAt(15) !== 90 /* Z */) return NaN;
  for (let i = 0; i < 15; i++) {
    if (i === 8) continue;
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return NaN;
  }
  const y = digits(s, 0, 4);
  const mo = digits(s, 4, 6);
  const d = digits(s, 6, 8);
  const h = digits(s, 9, 11);
  const mi = digits(s, 11, 13);
  const se = digits(s, 13, 15);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return NaN;
  return Date.UTC(y, mo - 1, d, h, mi, se);
}

/** The number the ASCII digits s[from, to) spell (already checked to be digits). */
function digits(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + s.charCodeAt(i) - 48;
  return n;
}

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

/** Formats ms since the epoch as YYYYMMDDTHHMMSSZ. */
export function formatAmzDate(ms: number): string {
  const t = new Date(ms);
  return (
    String(t.getUTCFullYear()).padStart(4, '0') +
    pad2(t.getUTCMonth() + 1) +
    pad2(t.getUTCDate()) +
    'T' +
    pad2(t.getUTCHours()) +
    pad2(t.getUTCMinutes()) +
    pad2(t.getUTCSeconds()) +
    'Z'
  );
}
