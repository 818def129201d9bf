/** String operators: StringEquals, StringNotEquals, StringEqualsIgnoreCase, StringNotEqualsIgnoreCase, StringLike, StringNotLike. */
import type { OperatorDef, CompiledValues } from './types.js';
import type { RequestContext } from '../types.js';
import { parseTemplate, renderLiteral, renderRegex, type Template } from '../variables.js';
import { compileGlob } from '../glob.js';

function resolvableAll(ts: Template[]): ((ctx: RequestContext) => boolean) | undefined {
  const withVars = ts.filter((t) => t.hasVars);
  if (!withVars.length) return undefined;
  return (ctx) => withVars.every((t) => renderLiteral(t, ctx) !== undefined);
}

function equals(ignoreCase: boolean) {
  return (values: string[]): CompiledValues => {
    const ts = values.map(parseTemplate);
    if (!ts.some((t) => t.hasVars)) {
      const set = new Set(ts.map((t) => (ignoreCase ? renderLiteral(t, undefined)!.toLowerCase() : renderLiteral(t, undefined)!)));
      if (set.size === 1) {
        const only = [...set][0]!;
        return { test: ignoreCase ? (v) => v.toLowerCase() === only : (v) => v === only };
      }
      return { test: ignoreCase ? (v) => set.has(v.toLowerCase()) : (v) => set.has(v) };
    }
    const r: CompiledValues = {
      test: (v, ctx) => {
        const cv = ignoreCase ? v.toLowerCase() : v;
        for (const t of ts) {
          const pv = renderLiteral(t, ctx);
          if (pv !== undefined && (ignoreCase ? pv.toLowerCase() : pv) === cv) return true;
        }
        return false;
      },
    };
    const res = resolvableAll(ts);
    if (res) r.resolvable = res;
    return r;
  };
}

function like(values: string[]): CompiledValues {
  const ts = values.map(parseTemplate);
  if (!ts.some((t) => t.hasVars || t.hasEscapes)) {
    const ms = values.map((v) => compileGlob(v));
    return {
      test: (v) => {
        for (let i = 0; i < ms.length; i++) if (ms[i]!(v)) return true;
        return false;
      },
    };
  }
  const r: CompiledValues = {
    test: (v, ctx) => {
      for (const t of ts) {
        const src = renderRegex(t, ctx, false);
        if (src !== undefined && new RegExp('^' + src + '$', 's').test(v)) return true;
      }
      return false;
    },
  };
  const res = resolvableAll(ts);
  if (res) r.resolvable = res;
  return r;
}

/** The string operator family. */
export const stringOperators: OperatorDef[] = [
  { name: 'StringEquals', negated: false, compile: equals(false) },
  { name: 'StringNotEquals', negated: true, compile: equals(false) },
  { name: 'StringEqualsIgnoreCase', negated: false, compile: equals(true) },
  { name: 'StringNotEqualsIgnoreCase', negated: true, compile: equals(true) },
  { name: 'StringLike', negated: false, compile: like },
  { name: 'StringNotLike', negated: true, compile: like },
];
