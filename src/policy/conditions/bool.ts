/** The Bool operator: case-insensitive "true"/"false" comparison. */
import type { OperatorDef } from './types.js';

/** The boolean operator family. */
export const boolOperators: OperatorDef[] = [
  {
    name: 'Bool',
    negated: false,
    compile: (values) => {
      const set = new Set(values.map((v) => v.toLowerCase()));
      for (const v of set) if (v !== 'true' && v !== 'false') return `Invalid boolean in condition: ${v}`;
      return { test: (v) => set.has(v.toLowerCase()) };
    },
  },
];
