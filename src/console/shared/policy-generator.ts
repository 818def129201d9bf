/** The policy generator (AWS Policy Generator, seed 004): statements of effect, actions, resources and conditions → JSON. */

/** One condition row: operator, key and value(s) (comma-separated in the form). */
export interface GeneratorCondition {
  operator: string;
  key: string;
  values: string[];
}

/** One statement as the generator's form builds it. */
export interface GeneratorStatement {
  effect: 'Allow' | 'Deny';
  /** "service:Action" names, or "service:*". */
  actions: string[];
  /** ARNs (or "*"); empty means "*". */
  resources: string[];
  conditions: GeneratorCondition[];
  sid?: string;
}

/** A problem with a statement (for the form), or undefined. */
export function statementProblem(s: GeneratorStatement): string | undefined {
  if (s.effect !== 'Allow' && s.effect !== 'Deny') return 'Choose an effect.';
  if (!s.actions.length) return 'Choose at least one action.';
  for (const a of s.actions) if (!/^[a-z0-9-]+:[A-Za-z0-9*?]+$/.test(a) && a !== '*') return `Action ${a} is not of the form service:Action.`;
  for (const r of s.resources) if (r !== '*' && !/^arn:[^:]+:[^:]*:[^:]*:[^:]*:.+$/.test(r)) return `Resource ${r} must be an ARN or *.`;
  for (const c of s.conditions) {
    if (!c.operator || !c.key) return 'A condition needs an operator and a key.';
    if (!c.values.length) return `Condition ${c.key} needs a value.`;
  }
  if (s.sid !== undefined && s.sid !== '' && !/^[0-9A-Za-z]*$/.test(s.sid)) return 'Sid must be alphanumeric.';
  return undefined;
}

/** A single value stays a string; several become a list (as AWS writes them). */
function one(list: string[]): string | string[] {
  return list.length === 1 ? list[0]! : list;
}

/** The policy document for the statements, in the order added. */
export function generatePolicy(statements: GeneratorStatement[]): { Version: string; Statement: Array<Record<string, unknown>> } {
  return {
    Version: '2012-10-17',
    Statement: statements.map((s) => {
      const out: Record<string, unknown> = {};
      if (s.sid) out['Sid'] = s.sid;
      out['Effect'] = s.effect;
      out['Action'] = one([...new Set(s.actions)]);
      out['Resource'] = one(s.resources.length ? [...new Set(s.resources)] : ['*']);
      if (s.conditions.length) {
        const cond: Record<string, Record<string, string | string[]>> = {};
        for (const c of s.conditions) {
          const block = (cond[c.operator] ??= {});
          const prev = block[c.key];
          const merged = prev === undefined ? c.values : [...(Array.isArray(prev) ? prev : [prev]), ...c.values];
          block[c.key] = one(merged);
        }
        out['Condition'] = cond;
      }
      return out;
    }),
  };
}

/** Splits a comma/newline separated field into trimmed non-empty values. */
export function splitValues(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
}
