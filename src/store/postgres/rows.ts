/** Row helpers of the PostgreSQL store: ASCII case folding, tags, patches, path prefixes. */
import type { Tag } from '../store.js';
import { parseTags, tagsJson } from '../rows/tags.js';

/** The tags column helpers, shared with the other backend (../rows/tags.ts). */
export { parseTags, tagsJson };

/**
 * Folds ASCII letters to lower case, exactly as SQLite's NOCASE and PostgreSQL's lower() on a "C" collation column do,
 * so lookups compare against the `lower(name)` unique indexes.
 */
export function fold(name: string): string {
  return name.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/** undefined → null, for binding optional values. */
export function nul<T>(v: T | undefined): T | null {
  return v === undefined ? null : v;
}

/** True when the patch object carries `key` (even with the value undefined, which clears the column). */
export function has(patch: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(patch, key);
}

/**
 * Builds `SET a = $2, b = $3` for the patch keys present (column, converted value), numbering parameters from `first`;
 * returns undefined when the patch touches nothing.
 */
export function setList(
  patch: object,
  fields: Record<string, [column: string, conv: (v: unknown) => unknown]>,
  first: number,
): { sql: string; params: unknown[] } | undefined {
  const parts: string[] = [];
  const params: unknown[] = [];
  for (const [field, [column, conv]] of Object.entries(fields)) {
    if (!has(patch, field)) continue;
    const v = (patch as Record<string, unknown>)[field];
    params.push(v === undefined ? null : conv(v));
    parts.push(`${column} = $${first + params.length - 1}`);
  }
  return parts.length === 0 ? undefined : { sql: parts.join(', '), params };
}

/** Identity converter for setList. */
export const same = (v: unknown): unknown => v;
/** Date converter for setList. */
export const ms = (v: unknown): unknown => (v as Date).getTime();
/** Tags converter for setList. */
export const tagsConv = (v: unknown): unknown => tagsJson(v as Tag[]);

// Keyset pagination (signed markers, page requests) lives in ../markers.ts, shared with the SQLite backend.

/** The SQL condition "path starts with $n" (case-sensitive), true when the parameter is NULL. */
export function prefixCond(n: number): string {
  return `($${n}::text IS NULL OR left(path, length($${n}::text)) = $${n}::text)`;
}
