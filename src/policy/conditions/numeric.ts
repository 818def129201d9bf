/** Numeric operators: NumericEquals, NumericNotEquals, NumericLessThan(Equals), NumericGreaterThan(Equals). */
import type { OperatorDef, CompiledValues } from './types.js';

const NUM = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/;

/** Parses a numeric condition value; NaN when it is not a number. */
export function parseNumber(s: string): number {
  return NUM.test(s) ? Number(s) : NaN;
}

function numeric(cmp: (c: number, p: number) => boolean) {
  return (values: string[]): CompiledValues | string => {
    const nums = values.map(parseNumber);
    const bad = values.find((_, i) => Number.isNaN(nums[i]));
    if (bad !== undefined) return `Invalid number in condition: ${bad}`;
    return {
      test: (v) => {
        const c = parseNumber(v);
        if (Number.isNaN(c)) return false;
        for (let i = 0; i < nums.length; i++) if (cmp(c, nums[i]!)) return true;
        return false;
      },
    };
  };
}

/** The numeric operator family. */
export const numericOperators: OperatorDef[] = [
  { name: 'NumericEquals', negated: false, compile: numeric((c, p) => c === p) },
  { name: 'NumericNotEquals', negated: true, compile: numeric((c, p) => c === p) },
  { name: 'NumericLessThan', negated: false, compile: numeric((c, p) => c < p) },
  { name: 'NumericLessThanEquals', negated: false, compile: numeric((c, p) => c <= p) },
  { name: 'NumericGreaterThan', negated: false, compile: numeric((c, p) => c > p) },
  { name: 'NumericGreaterThanEquals', negated: false, compile: numeric((c, p) => c >= p) },
];
