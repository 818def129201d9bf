/** The BinaryEquals operator: compares base64-encoded byte strings. */
import type { OperatorDef } from './types.js';

function canonical(b64: string): string | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64.trim())) return undefined;
  return Buffer.from(b64.trim(), 'base64').toString('base64');
}

/** The binary operator family. */
export const binaryOperators: OperatorDef[] = [
  {
    name: 'BinaryEquals',
    negated: false,
    compile: (values) => {
      const set = new Set<string>();
      for (const v of values) {
        const c = canonical(v);
        if (c === undefined) return `Invalid base64 in condition: ${v}`;
        set.add(c);
      }
      return { test: (v) => set.has(canonical(v) ?? '\u0000') };
    },
  },
];
