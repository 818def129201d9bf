/** A small JSON parser that remembers where every value starts, so problems carry line and column. */

/** Where a value starts in the text. */
export interface Position {
  line: number;
  column: number;
}

/** A parse result: the value, the position of each JSON path, and duplicate keys seen. */
export interface LocatedJson {
  value: unknown;
  positions: Map<string, Position>;
  duplicates: string[];
}

/** A JSON syntax error with its position. */
export class JsonSyntaxError extends Error {
  readonly line: number;
  readonly column: number;
  constructor(message: string, line: number, column: number) {
    super(message);
    this.line = line;
    this.column = column;
  }
}

/** Appends a key to a JSON path ($.a.b[0]). */
export function childPath(path: string, key: string | number): string {
  return typeof key === 'number' ? `${path}[${key}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/** Parses JSON text, recording positions; throws JsonSyntaxError on bad input. */
export function parseLocated(text: string): LocatedJson {
  let i = 0;
  const positions = new Map<string, Position>();
  const duplicates: string[] = [];
  const lineStarts: number[] = [0];
  for (let k = 0; k < text.length; k++) if (text.charCodeAt(k) === 10) lineStarts.push(k + 1);
  const pos = (at: number): Position => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: at - lineStarts[lo]! + 1 };
  };
  const fail = (msg: string): never => {
    const p = pos(Math.min(i, text.length));
    throw new JsonSyntaxError(msg, p.line, p.column);
  };
  const ws = () => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
  };
  const str = (): string => {
    const start = i;
    i++;
    while (i < text.length) {
      const c = text[i];
      if (c === '\\') i += 2;
      else if (c === '"') {
        i++;
        try {
          return JSON.parse(text.slice(start, i)) as string;
        } catch {
          i = start;
          return fail('bad string');
        }
      } else if (text.charCodeAt(i) < 32) return fail('control character in string');
      else i++;
    }
    return fail('unterminated string');
  };
  let depth = 0;
  const value = (path: string): unknown => {
    ws();
    if (depth > 64) fail('nested too deeply');
    positions.set(path, pos(i));
    const c = text[i];
    if (c === '{') {
      i++;
      depth++;
      const obj: Record<string, unknown> = {};
      ws();
      if (text[i] === '}') {
        i++;
        depth--;
        return obj;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected key');
        const key = str();
        ws();
        if (text[i] !== ':') fail('expected colon');
        i++;
        const p = childPath(path, key);
        if (Object.prototype.hasOwnProperty.call(obj, key)) duplicates.push(p);
        Object.defineProperty(obj, key, { value: value(p), enumerable: true, writable: true, configurable: true });
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          depth--;
          return obj;
        } else fail('expected , or }');
      }
    }
    if (c === '[') {
      i++;
      depth++;
      const arr: unknown[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        depth--;
        return arr;
      }
      for (;;) {
        arr.push(value(childPath(path, arr.length)));
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          depth--;
          return arr;
        } else fail('expected , or ]');
      }
    }
    if (c === '"') return str();
    const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
    if (!m) return fail('unexpected token');
    i += m[0].length;
    return JSON.parse(m[0]);
  };
  const v = value('$');
  ws();
  if (i < text.length) fail('trailing characters');
  return { value: v, positions, duplicates };
}
