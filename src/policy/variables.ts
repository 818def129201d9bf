/** Policy variables (${aws:username}, ${aws:PrincipalTag/k, 'default'}) and the literal escapes ${*}, ${?}, ${$}. */
import { contextValue } from './context.js';
import type { RequestContext } from './types.js';
import { reEscape } from './glob.js';

/** One piece of a template: text where * and ? are wildcards, literal text, or a variable. */
export type TemplatePart = { t: 'lit'; s: string } | { t: 'esc'; s: string } | { t: 'var'; key: string; name: string; def?: string };

/** A parsed template, or an error message for a malformed variable. */
export interface Template {
  parts: TemplatePart[];
  hasVars: boolean;
  hasEscapes: boolean;
}

/** Parses ${...} references in a policy string; unterminated or empty references stay literal text. */
export function parseTemplate(s: string): Template {
  const parts: TemplatePart[] = [];
  let hasVars = false;
  let hasEscapes = false;
  let i = 0;
  let lit = '';
  while (i < s.length) {
    const at = s.indexOf('${', i);
    if (at < 0) {
      lit += s.slice(i);
      break;
    }
    const end = s.indexOf('}', at + 2);
    if (end < 0) {
      lit += s.slice(i);
      break;
    }
    lit += s.slice(i, at);
    const body = s.slice(at + 2, end).trim();
    i = end + 1;
    if (body === '*' || body === '?' || body === '$') {
      if (lit) parts.push({ t: 'lit', s: lit });
      lit = '';
      parts.push({ t: 'esc', s: body });
      hasEscapes = true;
      continue;
    }
    const m = /^([^,\s]+)\s*(?:,\s*'([^']*)')?$/.exec(body);
    if (!m) {
      lit += s.slice(at, end + 1);
      continue;
    }
    if (lit) parts.push({ t: 'lit', s: lit });
    lit = '';
    const v: TemplatePart = { t: 'var', key: m[1]!.toLowerCase(), name: m[1]! };
    if (m[2] !== undefined) v.def = m[2];
    parts.push(v);
    hasVars = true;
  }
  if (lit) parts.push({ t: 'lit', s: lit });
  return { parts, hasVars, hasEscapes };
}

/** The single value of a context key used as a variable, or undefined when absent or multi-valued. */
export function variableValue(ctx: RequestContext, key: string, def: string | undefined): string | undefined {
  const v = contextValue(ctx, key);
  if (v && v.length === 1) return v[0];
  return def;
}

/** Renders a template to plain text (wildcards kept as characters); undefined when a variable has no value. */
export function renderLiteral(t: Template, ctx: RequestContext | undefined): string | undefined {
  let out = '';
  for (const p of t.parts) {
    if (p.t === 'var') {
      const v = ctx ? variableValue(ctx, p.key, p.def) : undefined;
      if (v === undefined) return undefined;
      out += v;
    } else out += p.s;
  }
  return out;
}

/**
 * Renders a template to regex source: in 'lit' parts * and ? are wildcards; escapes and variable values are literal.
 * `segmentAware`: in the first five ARN segments wildcards do not cross ':'.
 */
export function renderRegex(t: Template, ctx: RequestContext | undefined, segmentAware: boolean): string | undefined {
  let out = '';
  let colons = 0;
  const lit = (s: string) => {
    for (const ch of s) {
      out += reEscape(ch);
      if (ch === ':') colons++;
    }
  };
  for (const p of t.parts) {
    if (p.t === 'var') {
      const v = ctx ? variableValue(ctx, p.key, p.def) : undefined;
      if (v === undefined) return undefined;
      lit(v);
    } else if (p.t === 'esc') lit(p.s);
    else
      for (const ch of p.s) {
        const inSeg = segmentAware && colons < 5;
        if (ch === '*') out += inSeg ? '[^:]*' : '.*';
        else if (ch === '?') out += inSeg ? '[^:]' : '.';
        else lit(ch);
      }
  }
  return out;
}

/** The variable names a string references (for validation). */
export function variableNames(s: string): string[] {
  return parseTemplate(s)
    .parts.filter((p) => p.t === 'var')
    .map((p) => (p as { name: string }).name);
}
