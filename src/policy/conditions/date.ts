/** Date operators: DateEquals, DateNotEquals, DateLessThan(Equals), DateGreaterThan(Equals); ISO 8601 or epoch seconds. */
import type { OperatorDef, CompiledValues } from './types.js';

const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Parses a date condition value into epoch milliseconds; NaN when invalid. */
export function parseDate(s: string): number {
  const t = s.trim();
  if (/^\d+$/.test(t)) return Number(t) * 1000;
  if (!ISO.test(t)) return NaN;
  const withZone = /T/.test(t) && !/(Z|[+-]\d{2}:?\d{2})$/.test(t) ? t + 'Z' : t;
  return Date.parse(withZone);
}

function date(cmp: (c: number, p: number) => boolean) {
  return (values: string[]): CompiledValues | string => {
    const ds = values.map(parseDate);
    const bad = values.find((_, i) => Number.isNaN(ds[i]));
    if (bad !== undefined) return `Invalid date in condition: ${bad}`;
    return {
      test: (v) => {
        const c = parseDate(v);
        if (Number.isNaN(c)) return false;
        for (let i = 0; i < ds.length; i++) if (cmp(c, ds[i]!)) return true;
        return false;
      },
    };
  };
}

/** The date operator family. */
export const dateOperators: OperatorDef[] = [
  { name: 'DateEquals', negated: false, compile: date((c, p) => c === p) },
  { name: 'DateNotEquals', negated: true, compile: date((c, p) => c === p) },
  { name: 'DateLessThan', negated: false, compile: date((c, p) => c < p) },
  { name: 'DateLessThanEquals', negated: false, compile: date((c, p) => c <= p) },
  { name: 'DateGreaterThan', negated: false, compile: date((c, p) => c > p) },
  { name: 'DateGreaterThanEquals', negated: false, compile: date((c, p) => c >= p) },
];
