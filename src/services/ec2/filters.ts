/** EC2 describe helpers: Filter matching with * and ? wildcards, and NextToken/MaxResults paging. */
import { KamenError } from '../../errors.js';

/** An EC2 Filter as the protocol layer parses it (Filter.N.Name / Filter.N.Value.M). */
export interface Ec2Filter {
  Name?: string;
  Values?: string[];
}

/** How to read a filter's values off an item: filter name → the item's values as strings. */
export type FilterTable<T> = Record<string, (item: T) => Array<string | number | boolean | undefined>>;

const globCache = new Map<string, RegExp>();

/** True when `value` matches the EC2 filter pattern (`*` any run, `?` one character, `\` escapes). */
export function globMatch(pattern: string, value: string): boolean {
  if (!pattern.includes('*') && !pattern.includes('?') && !pattern.includes('\\')) return pattern === value;
  let re = globCache.get(pattern);
  if (!re) {
    let src = '';
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i]!;
      if (c === '\\' && i + 1 < pattern.length) src += escapeRe(pattern[++i]!);
      else if (c === '*') src += '[\\s\\S]*';
      else if (c === '?') src += '[\\s\\S]';
      else src += escapeRe(c);
    }
    re = new RegExp('^' + src + '$');
    if (globCache.size < 1000) globCache.set(pattern, re);
  }
  return re.test(value);
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Checks filter names against the table (InvalidParameterValue for an unknown one) and returns a predicate. */
export function compileFilters<T>(filters: Ec2Filter[] | undefined, table: FilterTable<T>): (item: T) => boolean {
  const list = (filters ?? []).map((f) => {
    const name = f.Name ?? '';
    const read = table[name];
    if (!read) throw new KamenError('ERR_INVALID_PARAMETER_VALUE', `The filter '${name}' is invalid`);
    return { read, values: f.Values ?? [] };
  });
  if (list.length === 0) return () => true;
  return (item) =>
    list.every(({ read, values }) => {
      const have = read(item)
        .filter((v) => v !== undefined)
        .map((v) => String(v));
      return values.some((pattern) => have.some((h) => globMatch(pattern, h)));
    });
}

/** Pages a list for EC2 describes: MaxResults within [min, max] (InvalidParameterValue otherwise), opaque NextToken. */
export function pageItems<T>(
  items: T[],
  input: { MaxResults?: number; NextToken?: string },
  kind: string,
  limits: { min: number; max: number; defaultSize: number },
): { items: T[]; NextToken?: string } {
  const max = input.MaxResults;
  if (max !== undefined && (max < limits.min || max > limits.max)) {
    throw new KamenError('ERR_INVALID_PARAMETER_VALUE', `Value ( ${max} ) for parameter maxResults is invalid. Parameter must be between ${limits.min} and ${limits.max}.`);
  }
  let offset = 0;
  if (input.NextToken !== undefined && input.NextToken !== '') {
    try {
      const t = JSON.parse(Buffer.from(input.NextToken, 'base64url').toString('utf8')) as { o?: unknown; k?: unknown };
      if (t.k !== kind || typeof t.o !== 'number' || !Number.isInteger(t.o) || t.o < 0) throw new Error('bad');
      offset = t.o;
    } catch {
      throw new KamenError('ERR_EC2_INVALID_NEXT_TOKEN', `The token '${input.NextToken}' is invalid.`);
    }
  }
  const size = max ?? limits.defaultSize;
  const out: { items: T[]; NextToken?: string } = { items: items.slice(offset, offset + size) };
  if (offset + size < items.length) out.NextToken = Buffer.from(JSON.stringify({ o: offset + size, k: kind })).toString('base64url');
  return out;
}
