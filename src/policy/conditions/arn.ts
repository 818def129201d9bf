/** ARN operators: ArnEquals, ArnLike, ArnNotEquals, ArnNotLike (segment-wise wildcard match; Equals and Like behave alike). */
import type { OperatorDef, CompiledValues } from './types.js';
import { compileResourcePattern } from '../resource.js';
import { parseTemplate, renderLiteral } from '../variables.js';

function arn(values: string[]): CompiledValues | string {
  for (const v of values) if (v !== '*' && !/^arn:[^:]*:[^:]*:[^:]*:[^:]*:.+/s.test(v)) return `Invalid ARN in condition: ${v}`;
  const ms = values.map(compileResourcePattern);
  const ts = values.map(parseTemplate).filter((t) => t.hasVars);
  const r: CompiledValues = {
    test: (v, ctx) => {
      for (let i = 0; i < ms.length; i++) if (ms[i]!(v, ctx)) return true;
      return false;
    },
  };
  if (ts.length) r.resolvable = (ctx) => ts.every((t) => renderLiteral(t, ctx) !== undefined);
  return r;
}

/** The ARN operator family. */
export const arnOperators: OperatorDef[] = [
  { name: 'ArnEquals', negated: false, compile: arn },
  { name: 'ArnLike', negated: false, compile: arn },
  { name: 'ArnNotEquals', negated: true, compile: arn },
  { name: 'ArnNotLike', negated: true, compile: arn },
];
