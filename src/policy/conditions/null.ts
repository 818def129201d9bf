/** The Null operator: "true" = the key is absent, "false" = the key is present. */
import type { OperatorDef } from './types.js';

/** The Null family; its test is applied to presence, not values (see conditions/index.ts). */
export const nullOperators: OperatorDef[] = [
  {
    name: 'Null',
    negated: false,
    compile: (values) => {
      const set = new Set(values.map((v) => v.toLowerCase()));
      for (const v of set) if (v !== 'true' && v !== 'false') return `Invalid Null value in condition: ${v}`;
      return { test: (present) => set.has(present === 'true' ? 'false' : 'true') };
    },
  },
];
