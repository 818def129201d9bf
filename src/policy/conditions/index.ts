/** The condition operator registry and the compiler of a Condition block (operators ANDed, keys ANDed, values ORed). */
import { contextValue } from '../context.js';
import type { RequestContext } from '../types.js';
import type { OperatorDef } from './types.js';
import { stringOperators } from './string.js';
import { numericOperators } from './numeric.js';
import { dateOperators } from './date.js';
import { boolOperators } from './bool.js';
import { binaryOperators } from './binary.js';
import { ipOperators } from './ip.js';
import { arnOperators } from './arn.js';
import { nullOperators } from './null.js';

export type { OperatorDef, CompiledValues, ValueTest } from './types.js';

/** Every operator, by lowercased name. */
const OPERATORS: ReadonlyMap<string, OperatorDef> = new Map(
  [...stringOperators, ...numericOperators, ...dateOperators, ...boolOperators, ...binaryOperators, ...ipOperators, ...arnOperators, ...nullOperators].map((d) => [d.name.toLowerCase(), d]),
);

/** The names of all base operators (without IfExists / qualifiers). */
export const operatorNames: string[] = [...OPERATORS.values()].map((d) => d.name);

/** A parsed operator name: base operator, set qualifier, IfExists. */
export interface ParsedOperator {
  def: OperatorDef;
  qualifier?: 'any' | 'all';
  ifExists: boolean;
}

/** Parses "ForAnyValue:StringLikeIfExists" and the like; undefined for an unknown operator. */
export function parseOperator(raw: string): ParsedOperator | undefined {
  let s = raw;
  let qualifier: 'any' | 'all' | undefined;
  const colon = s.indexOf(':');
  if (colon >= 0) {
    const q = s.slice(0, colon).toLowerCase();
    if (q === 'foranyvalue') qualifier = 'any';
    else if (q === 'forallvalues') qualifier = 'all';
    else return undefined;
    s = s.slice(colon + 1);
  }
  let ifExists = false;
  if (s.toLowerCase().endsWith('ifexists')) {
    ifExists = true;
    s = s.slice(0, -8);
  }
  const def = OPERATORS.get(s.toLowerCase());
  if (!def) return undefined;
  if (def.name === 'Null' && ifExists) return undefined;
  const r: ParsedOperator = { def, ifExists };
  if (qualifier) r.qualifier = qualifier;
  return r;
}

/** A compiled condition test. */
export type ConditionTest = (ctx: RequestContext) => boolean;

/** Normalizes a condition value (scalar or array of scalars) to strings; undefined when malformed. */
export function conditionValues(v: unknown): string[] | undefined {
  const list = Array.isArray(v) ? v : [v];
  const out: string[] = [];
  for (const x of list) {
    if (typeof x === 'string') out.push(x);
    else if (typeof x === 'number' || typeof x === 'boolean') out.push(String(x));
    else return undefined;
  }
  return out;
}

/**
 * Compiles one (operator, key, values) triple. Case table for a key missing from the request:
 *   IfExists               → true
 *   ForAllValues:          → true  (empty set)
 *   ForAnyValue:           → false
 *   negated (…Not…)        → true
 *   otherwise              → false
 * Present: unqualified = any request value matches (negated: none does); ForAnyValue = some value passes;
 * ForAllValues = every value passes (a value passes a negated operator when it matches no policy value).
 * A policy value whose variable has no value in the request is null: it equals and is like nothing, so it never
 * matches (StringEquals against it is false, StringNotEquals true), as IAM documents for policy variables with no value.
 */
export function compileCondition(op: ParsedOperator, key: string, values: string[]): ConditionTest | string {
  const c = op.def.compile(values);
  if (typeof c === 'string') return c;
  const k = key.toLowerCase();
  const { test } = c;
  if (op.def.name === 'Null') return (ctx) => test(contextValue(ctx, k)?.length ? 'true' : 'false', ctx);
  const negated = op.def.negated;
  const missing = op.ifExists || op.qualifier === 'all' ? true : op.qualifier === 'any' ? false : negated;
  const q = op.qualifier;
  return (ctx) => {
    const vals = contextValue(ctx, k);
    if (vals === undefined || vals.length === 0) return missing;
    if (q === 'all') {
      for (let i = 0; i < vals.length; i++) if (test(vals[i]!, ctx) === negated) return false;
      return true;
    }
    if (q === 'any') {
      for (let i = 0; i < vals.length; i++) if (test(vals[i]!, ctx) !== negated) return true;
      return false;
    }
    let any = false;
    for (let i = 0; i < vals.length; i++)
      if (test(vals[i]!, ctx)) {
        any = true;
        break;
      }
    return negated ? !any : any;
  };
}

/** Compiles a whole Condition block into one test; returns error messages for unknown operators or bad values. */
export function compileConditionBlock(block: Record<string, unknown>): { test: ConditionTest; errors: string[] } {
  const tests: ConditionTest[] = [];
  const errors: string[] = [];
  for (const [opName, body] of Object.entries(block)) {
    const op = parseOperator(opName);
    if (!op) {
      errors.push(`Invalid Condition type : ${opName}.`);
      continue;
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      errors.push('Syntax errors in policy.');
      continue;
    }
    for (const [key, raw] of Object.entries(body as Record<string, unknown>)) {
      const values = conditionValues(raw);
      if (!values) {
        errors.push('Syntax errors in policy.');
        continue;
      }
      const t = compileCondition(op, key, values);
      if (typeof t === 'string') errors.push(t);
      else tests.push(t);
    }
  }
  if (tests.length === 0) return { test: () => true, errors };
  if (tests.length === 1) return { test: tests[0]!, errors };
  return {
    test: (ctx) => {
      for (let i = 0; i < tests.length; i++) if (!tests[i]!(ctx)) return false;
      return true;
    },
    errors,
  };
}
