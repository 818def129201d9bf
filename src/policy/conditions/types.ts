/** The one interface every condition operator family implements. */
import type { RequestContext } from '../types.js';

/** Tests one context value against all of an operator's policy values (true = some policy value matches). */
export type ValueTest = (contextValue: string, ctx: RequestContext) => boolean;

/** A compiled operator instance: the value test, plus a check that its policy variables resolve. */
export interface CompiledValues {
  test: ValueTest;
  /** False when a policy variable in the values has no value in this request (informational: such a value matches nothing). */
  resolvable?: (ctx: RequestContext) => boolean;
}

/** One condition operator: its canonical name, whether it is a negation, and how to compile its values. */
export interface OperatorDef {
  name: string;
  /** Negated operators (StringNotEquals …) are true when the key is missing and true when no value matches. */
  negated: boolean;
  /** Compiles the policy values; returns an error message for a value the operator cannot take. */
  compile(values: string[]): CompiledValues | string;
}
