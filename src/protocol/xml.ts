/** Model-driven Query-protocol parameter decoding (IAM/STS and EC2 dialects) and XML rendering, compiled per shape. */
import { KamenError } from '../errors.js';
import type { Shape, ServiceModel } from './model.js';
import { lowerCamel, violation } from './validate.js';
import { isoSeconds as isoFromMs } from '../iso-time.js';

export type Dialect = 'query' | 'ec2';

type Container = Record<string, unknown> | unknown[];

/** The characters xmlEscape replaces. */
const SPECIAL = /[&<>"'\r]/;
/** From this length a value is searched for each special character by indexOf (see hasSpecial). */
const LONG_TEXT = 64;

/**
 * True when `s` has a character xmlEscape replaces. The regular expression reads one character at a time, about a
 * nanosecond each; indexOf scans many at a time, so six of them cost less on a long value (a session token: 700
 * characters, 100 ns instead of 700), though more on a short one.
 */
function hasSpecial(s: string): boolean {
  if (s.length < LONG_TEXT) return SPECIAL.test(s);
  return s.indexOf('&') >= 0 || s.indexOf('<') >= 0 || s.indexOf('>') >= 0 || s.indexOf('"') >= 0 || s.indexOf("'") >= 0 || s.indexOf('\r') >= 0;
}

/** Escapes text for an XML element body. */
export function xmlEscape(s: string): string {
  if (!hasSpecial(s)) return s;
  return s.replace(/[&<>"'\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : c === "'" ? '&apos;' : '&#xD;'));
}

/** ISO-8601 without milliseconds (2023-08-19T01:33:23Z), as AWS prints XML timestamps. */
export function isoSeconds(v: unknown): string {
  const ms = v instanceof Date ? v.getTime() : new Date(typeof v === 'number' || typeof v === 'string' ? v : NaN).getTime();
  return Number.isNaN(ms) ? String(v) : isoFromMs(ms);
}

const SCALARS = new Set(['string', 'integer', 'long', 'boolean', 'timestamp', 'blob', 'double', 'float']);

interface WireMember {
  name: string;
  shape: string;
}

/** Decodes flat Query parameters into a model-shaped input object, following one dialect's naming rules. */
export class ParamDecoder {
  private readonly wireNames = new Map<string, Map<string, WireMember>>();
  private readonly camelNames = new Map<string, string>();
  private readonly model: ServiceModel;
  private readonly dialect: Dialect;
  constructor(model: ServiceModel, dialect: Dialect) {
    this.model = model;
    this.dialect = dialect;
  }

  /** lowerCamel of a member name (the path AWS's messages use), computed once per name. */
  private camel(name: string): string {
    let c = this.camelNames.get(name);
    if (c === undefined) this.camelNames.set(name, (c = lowerCamel(name)));
    return c;
  }

  private membersByWire(shapeName: string): Map<string, WireMember> {
    let m = this.wireNames.get(shapeName);
    if (!m) {
      m = new Map();
      const shape = this.model.shapes[shapeName]!;
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        let wire: string;
        if (this.dialect === 'ec2') wire = ref.queryName ?? (ref.locationName ? ref.locationName[0]!.toUpperCase() + ref.locationName.slice(1) : name);
        else wire = ref.locationName ?? name;
        m.set(wire, { name, shape: ref.shape });
      }
      this.wireNames.set(shapeName, m);
    }
    return m;
  }

  /** Raw tree from the params (strings at the leaves, sparse arrays for lists). */
  decode(inputShape: string, params: Record<string, string>, errors: string[]): Record<string, unknown> {
    const root: Record<string, unknown> = {};
    for (const key in params) {
      if (key === 'Action' || key === 'Version') continue;
      const segs = key.split('.');
      this.put(inputShape, root, segs, 0, params[key]!);
    }
    return this.finish(inputShape, root, '', errors) as Record<string, unknown>;
  }

  private put(shapeName: string, container: Container, segs: string[], i: number, value: string): void {
    const shape = this.model.shapes[shapeName]!;
    if (shape.type === 'structure') {
      const m = this.membersByWire(shapeName).get(segs[i]!);
      if (!m) return;
      this.putChild(m.shape, container as Record<string, unknown>, m.name, segs, i + 1, value);
      return;
    }
  }

  /** Places `value` under container[slot] where the child's shape is `childShape` and segs[i..] remain. */
  private putChild(childShape: string, container: Record<string, unknown> | unknown[], slot: string | number, segs: string[], i: number, value: string): void {
    const shape = this.model.shapes[childShape]!;
    const c = container as Record<string | number, unknown>;
    if (SCALARS.has(shape.type)) {
      if (i === segs.length) c[slot] = value;
      return;
    }
    if (i === segs.length) {
      // `Tags=` is how the Query protocol sends an empty list / map.
      if (value === '' && (shape.type === 'list' || shape.type === 'map') && c[slot] === undefined) c[slot] = shape.type === 'list' ? [] : {};
      return;
    }
    if (shape.type === 'structure') {
      let obj = c[slot] as Record<string, unknown> | undefined;
      if (obj === undefined || typeof obj !== 'object' || Array.isArray(obj)) c[slot] = obj = {};
      this.put(childShape, obj, segs, i, value);
      return;
    }
    if (shape.type === 'list') {
      const flattened = this.dialect === 'ec2' || shape.flattened === true;
      if (!flattened) {
        if (segs[i] !== (shape.member!.locationName ?? 'member')) return;
        i++;
      }
      const idx = index(segs[i]);
      if (idx === undefined) return;
      let arr = c[slot] as unknown[] | undefined;
      if (!Array.isArray(arr)) c[slot] = arr = [];
      this.putChild(shape.member!.shape, arr, idx, segs, i + 1, value);
      return;
    }
    if (shape.type === 'map') {
      const flattened = this.dialect === 'ec2' || shape.flattened === true;
      if (!flattened) {
        if (segs[i] !== 'entry') return;
        i++;
      }
      const idx = index(segs[i]);
      if (idx === undefined || i + 2 !== segs.length) return;
      let arr = c[slot] as Array<{ k?: string; v?: string }> | undefined;
      if (!Array.isArray(arr)) c[slot] = arr = [];
      const entry = (arr[idx] ??= {});
      const which = segs[i + 1];
      const keyName = shape.key!.locationName ?? (this.dialect === 'ec2' ? 'Key' : 'key');
      const valueName = shape.value!.locationName ?? (this.dialect === 'ec2' ? 'Value' : 'value');
      if (which === keyName) entry.k = value;
      else if (which === valueName) entry.v = value;
    }
  }

  private finish(shapeName: string, raw: unknown, path: string, errors: string[]): unknown {
    const shape = this.model.shapes[shapeName]!;
    switch (shape.type) {
      case 'structure': {
        if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return {};
        const obj = raw as Record<string, unknown>;
        for (const name of Object.keys(obj)) {
          const ref = shape.members![name]!;
          obj[name] = this.finish(ref.shape, obj[name], path ? `${path}.${this.camel(name)}` : this.camel(name), errors);
        }
        return obj;
      }
      case 'list': {
        if (!Array.isArray(raw)) return [];
        const out: unknown[] = [];
        for (const k of Object.keys(raw)) out.push(this.finish(shape.member!.shape, raw[Number(k)], `${path}.${out.length + 1}.member`, errors));
        return out;
      }
      case 'map': {
        const out: Record<string, unknown> = {};
        if (!Array.isArray(raw)) return out;
        for (const k of Object.keys(raw)) {
          const e = raw[Number(k)] as { k?: string; v?: string };
          if (e.k !== undefined) setOwn(out, e.k, this.finish(shape.value!.shape, e.v ?? '', `${path}.value`, errors));
        }
        return out;
      }
      default:
        return scalarFromString(shape, raw as string, path, errors);
    }
  }
}

/** Sets an own property even for names like __proto__. */
export function setOwn(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

function index(seg: string | undefined): number | undefined {
  if (seg === undefined || !/^[1-9]\d{0,8}$/.test(seg)) return undefined;
  return Number(seg);
}

/** Converts a Query-string scalar per its shape type; records a failure for text that is not of that type. */
export function scalarFromString(shape: Shape, s: string, path: string, errors: string[]): unknown {
  switch (shape.type) {
    case 'integer':
    case 'long': {
      if (/^[+-]?\d+$/.test(s.trim())) return Number(s);
      errors.push(violation(s, path, 'Member must be a number'));
      return undefined;
    }
    case 'double':
    case 'float': {
      const n = Number(s);
      if (s.trim() !== '' && Number.isFinite(n)) return n;
      errors.push(violation(s, path, 'Member must be a number'));
      return undefined;
    }
    case 'boolean': {
      const l = s.toLowerCase();
      if (l === 'true') return true;
      if (l === 'false') return false;
      errors.push(violation(s, path, 'Member must be a boolean'));
      return undefined;
    }
    case 'timestamp': {
      const d = /^\d+(\.\d+)?$/.test(s) ? new Date(Number(s) * 1000) : new Date(s);
      if (!Number.isNaN(d.getTime())) return d;
      errors.push(violation(s, path, 'Member must be a timestamp'));
      return undefined;
    }
    case 'blob':
      return Buffer.from(s, 'base64');
    default:
      return s;
  }
}

type Render = (v: unknown) => string;

/** Renders model-shaped values as the XML the Query and EC2 protocols answer with; compiled once per shape. */
export class XmlRenderer {
  private readonly compiled = new Map<string, Render>();
  private readonly model: ServiceModel;
  constructor(model: ServiceModel) {
    this.model = model;
  }

  /** The element content of `value` rendered through `shapeName`. */
  content(shapeName: string, value: unknown): string {
    return this.fn(shapeName)(value);
  }

  private fn(shapeName: string): Render {
    let f = this.compiled.get(shapeName);
    if (f) return f;
    // Placeholder breaks recursion for self-referencing shapes.
    let real: Render | undefined;
    this.compiled.set(shapeName, (v) => real!(v));
    real = this.build(this.model.shapes[shapeName]!);
    this.compiled.set(shapeName, real);
    return real;
  }

  private build(shape: Shape): Render {
    switch (shape.type) {
      case 'structure': {
        const parts = Object.entries(shape.members ?? {}).map(([name, ref]) => this.element(name, ref.locationName ?? name, ref.shape, ref.flattened === true));
        return (v) => {
          if (typeof v !== 'object' || v === null) return '';
          const o = v as Record<string, unknown>;
          let out = '';
          for (let i = 0; i < parts.length; i++) {
            const p = parts[i]!;
            const x = o[p.name];
            if (x !== undefined && x !== null) out += p.render(x);
          }
          return out;
        };
      }
      case 'string':
        return (v) => xmlEscape(typeof v === 'string' ? v : String(v));
      case 'boolean':
        return (v) => (v ? 'true' : 'false');
      case 'integer':
      case 'long':
      case 'double':
      case 'float':
        return (v) => String(v);
      case 'timestamp':
        return isoSeconds;
      case 'blob':
        return (v) => (Buffer.isBuffer(v) ? v.toString('base64') : xmlEscape(String(v)));
      default:
        // lists and maps are rendered by element(); a bare one has no content of its own
        return () => '';
    }
  }

  /** A member element renderer: `<tag>…</tag>`, with list/map wrapping. */
  private element(name: string, tag: string, shapeName: string, refFlattened: boolean): { name: string; render: Render } {
    const shape = this.model.shapes[shapeName]!;
    const open = `<${tag}>`;
    const close = `</${tag}>`;
    if (shape.type === 'list') {
      const mref = shape.member!;
      const flattened = refFlattened || shape.flattened === true;
      const itemTag = flattened ? (mref.locationName ?? tag) : (mref.locationName ?? 'member');
      const io = `<${itemTag}>`;
      const ic = `</${itemTag}>`;
      // The item's renderer, looked up on first use (the shape may still be compiling when this element is built).
      let item: Render | undefined;
      return {
        name,
        render: (v) => {
          if (!Array.isArray(v)) return '';
          let out = flattened ? '' : open;
          const f = (item ??= this.fn(mref.shape));
          for (const x of v) out += io + f(x) + ic;
          return flattened ? out : out + close;
        },
      };
    }
    if (shape.type === 'map') {
      const kt = shape.key!.locationName ?? 'key';
      const vt = shape.value!.locationName ?? 'value';
      const vs = shape.value!.shape;
      let value: Render | undefined;
      return {
        name,
        render: (v) => {
          if (typeof v !== 'object' || v === null) return '';
          let out = open;
          const entries = v instanceof Map ? [...v.entries()] : Object.entries(v);
          const f = (value ??= this.fn(vs));
          for (const [k, x] of entries) out += `<entry><${kt}>${xmlEscape(String(k))}</${kt}><${vt}>${f(x)}</${vt}></entry>`;
          return out + close;
        },
      };
    }
    let content: Render | undefined;
    return { name, render: (v) => open + (content ??= this.fn(shapeName))(v) + close };
  }
}

/** Throws the Query-protocol "missing Action" error. */
export function missingAction(): never {
  throw new KamenError('ERR_INVALID_ACTION', 'Missing Action', { wireCode: 'MissingAction' });
}
