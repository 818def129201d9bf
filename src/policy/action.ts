/** Action / NotAction matching: case-insensitive, with '*' and '?' wildcards. */
import { compileGlob } from './glob.js';

/** A compiled action matcher over lowercased action names. */
export type ActionMatcher = (actionLower: string) => boolean;

/** Compiles a list of action patterns (any matches); exact names go through one Set lookup. */
export function compileActionList(patterns: string[]): ActionMatcher {
  const exact = new Set<string>();
  const globs: Array<(s: string) => boolean> = [];
  for (const raw of patterns) {
    const p = raw.toLowerCase();
    if (p === '*') return () => true;
    if (p.includes('*') || p.includes('?')) globs.push(compileGlob(p));
    else exact.add(p);
  }
  if (globs.length === 0) {
    if (exact.size === 1) {
      const only = [...exact][0]!;
      return (a) => a === only;
    }
    return (a) => exact.has(a);
  }
  if (exact.size === 0 && globs.length === 1) return globs[0]!;
  return (a) => {
    if (exact.has(a)) return true;
    for (let i = 0; i < globs.length; i++) if (globs[i]!(a)) return true;
    return false;
  };
}

/** True when an action string has the vendor:name shape IAM requires. */
export function isWellFormedAction(a: string): boolean {
  return a === '*' || /^[a-zA-Z0-9_*?-]+:[a-zA-Z0-9_*?-]*$/.test(a);
}
