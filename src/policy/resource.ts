/** Resource / NotResource matching: ARN segments compared part-wise, the resource part as a glob; variables resolved per request. */
import type { RequestContext } from './types.js';
import { parseTemplate, renderRegex } from './variables.js';

/** A compiled resource pattern. */
export type ResourceMatcher = (resource: string, ctx: RequestContext) => boolean;

/** Compiles one Resource pattern (ARN with wildcards, '*', or with policy variables). */
export function compileResourcePattern(pattern: string): ResourceMatcher {
  if (pattern === '*') return () => true;
  const t = parseTemplate(pattern);
  if (!t.hasVars && !t.hasEscapes) {
    const star = pattern.indexOf('*');
    const q = pattern.indexOf('?');
    if (star < 0 && q < 0) return (r) => r === pattern;
    if (q < 0 && star === pattern.length - 1 && colonCount(pattern) >= 5) {
      const prefix = pattern.slice(0, -1);
      return (r) => r.startsWith(prefix);
    }
  }
  if (!t.hasVars) {
    const re = new RegExp('^' + renderRegex(t, undefined, true)! + '$', 's');
    return (r) => re.test(r);
  }
  // Variables: render per request; cache the last few compiled regexes by source.
  const cache = new Map<string, RegExp>();
  return (r, ctx) => {
    const src = renderRegex(t, ctx, true);
    if (src === undefined) return false;
    let re = cache.get(src);
    if (!re) {
      re = new RegExp('^' + src + '$', 's');
      if (cache.size > 64) cache.clear();
      cache.set(src, re);
    }
    return re.test(r);
  };
}

function colonCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 58) n++;
  return n;
}

/** Compiles a list of patterns into one matcher (any pattern matches). */
export function compileResourceList(patterns: string[]): ResourceMatcher {
  if (patterns.includes('*')) return () => true;
  const ms = patterns.map(compileResourcePattern);
  if (ms.length === 1) return ms[0]!;
  return (r, ctx) => {
    for (let i = 0; i < ms.length; i++) if (ms[i]!(r, ctx)) return true;
    return false;
  };
}

/** Splits an ARN into partition, service, region, account and resource; undefined when it is not an ARN. */
export function splitArn(arn: string): { partition: string; service: string; region: string; account: string; resource: string } | undefined {
  const p = arn.split(':');
  if (p.length < 6 || p[0] !== 'arn') return undefined;
  return { partition: p[1]!, service: p[2]!, region: p[3]!, account: p[4]!, resource: p.slice(5).join(':') };
}
