/** ISO 8601 times to the second, as AWS prints them (policy condition keys, XML timestamps, session facts). */

const pad2 = (n: number) => (n < 10 ? '0' + n : String(n));

/** The second isoSeconds printed last, and its text (a server prints the same second for thousands of requests). */
let lastSecond = NaN;
let lastText = '';

/** ISO 8601 UTC to the second (2026-01-15T12:00:00Z) by arithmetic: Date#toISOString dominated context building. */
export function isoSeconds(ms: number): string {
  const secs = Math.floor(ms / 1000);
  if (secs === lastSecond) return lastText;
  lastText = civilSeconds(ms, secs);
  lastSecond = secs;
  return lastText;
}

function civilSeconds(ms: number, secs: number): string {
  const days = Math.floor(secs / 86400);
  const rem = secs - days * 86400;
  // Howard Hinnant's civil_from_days.
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  if (y < 0 || y > 9999) return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const h = Math.floor(rem / 3600);
  const mi = Math.floor((rem % 3600) / 60);
  return `${String(y).padStart(4, '0')}-${pad2(m)}-${pad2(d)}T${pad2(h)}:${pad2(mi)}:${pad2(rem % 60)}Z`;
}
