/** AWS-style (Coral) input validation against model constraints, with AWS's exact message texts. */
import type { Shape, ServiceModel } from './model.js';

/** A compiled-regex cache for one model (patterns are Java regexes; those JS cannot compile are skipped). */
export class PatternCache {
  private readonly map = new Map<string, RegExp | null>();
  get(pattern: string): RegExp | null {
    let re = this.map.get(pattern);
    if (re === undefined) {
      re = null;
      for (const flags of ['u', '']) {
        try {
          re = new RegExp(`^(?:${pattern})$`, flags);
          break;
        } catch {
          /* try next */
        }
      }
      this.map.set(pattern, re);
    }
    return re;
  }
}

/** lowerCamelCase of a member name, as AWS prints it in validation messages. */
export function lowerCamel(name: string): string {
  return name.length === 0 ? name : name[0]!.toLowerCase() + name.slice(1);
}

function show(v: unknown): string {
  if (Array.isArray(v)) return '[' + v.map(show).join(', ') + ']';
  if (v instanceof Date) return v.toISOString();
  if (v && typeof v === 'object') return '{' + Object.entries(v).map(([k, x]) => `${k}=${show(x)}`).join(', ') + '}';
  return String(v);
}

/** One validation failure, as AWS phrases it; without `showValue` the value is left out ("Value at 'path' …"). */
export function violation(value: unknown, path: string, constraint: string, showValue = true): string {
  if (!showValue) return `Value at '${path}' failed to satisfy constraint: ${constraint}`;
  return `Value ${value === null || value === undefined ? 'null' : `'${show(value)}'`} at '${path}' failed to satisfy constraint: ${constraint}`;
}

/**
 * Whether a service prints the offending value in its validation messages. IAM answers "Value at 'tags' …" without it
 * (recorded from AWS in 2026); STS still answers "Value 'Session1:2' at 'roleSessionName' …".
 */
export function showsValues(endpointPrefix: string | undefined): boolean {
  return endpointPrefix !== 'iam';
}

/** Joins failures into AWS's "N validation error(s) detected: a; b" text. */
export function validationMessage(errors: string[]): string {
  return `${errors.length} validation error${errors.length === 1 ? '' : 's'} detected: ${errors.join('; ')}`;
}

interface MemberCheck {
  name: string;
  path: string;
  shape: string;
  required: boolean;
}
const memberChecks = new WeakMap<Shape, MemberCheck[]>();

function checksOf(shape: Shape): MemberCheck[] {
  let c = memberChecks.get(shape);
  if (!c) {
    const req = new Set(shape.required ?? []);
    c = Object.entries(shape.members ?? {}).map(([name, ref]) => ({ name, path: lowerCamel(name), shape: ref.shape, required: req.has(name) }));
    memberChecks.set(shape, c);
  }
  return c;
}

/** Checks a decoded value against its shape's constraints, pushing AWS-phrased failures into `errors`. */
export function validateValue(model: ServiceModel, patterns: PatternCache, shape: Shape, value: unknown, path: string, errors: string[], showValue = true): void {
  switch (shape.type) {
    case 'structure': {
      const obj = value as Record<string, unknown>;
      const checks = checksOf(shape);
      for (let i = 0; i < checks.length; i++) {
        const m = checks[i]!;
        const v = obj[m.name];
        if (v === undefined || v === null) {
          if (m.required) errors.push(violation(null, path ? `${path}.${m.path}` : m.path, 'Member must not be null', showValue));
          continue;
        }
        validateValue(model, patterns, model.shapes[m.shape]!, v, path ? `${path}.${m.path}` : m.path, errors, showValue);
      }
      return;
    }
    case 'list': {
      const arr = value as unknown[];
      lengthChecks(shape, arr, arr.length, path, errors, showValue);
      const el = model.shapes[shape.member!.shape]!;
      if (SCALAR_TYPES.has(el.type)) {
        // A list of scalars fails as a whole, naming every constraint of its member (AWS's "Member must satisfy constraint: [...]").
        if (arr.some((v) => v === null || v === undefined || scalarFails(patterns, el, v))) {
          errors.push(violation(arr, path, `Member must satisfy constraint: [${memberConstraints(el).join(', ')}]`, showValue));
        }
        return;
      }
      for (let i = 0; i < arr.length; i++) validateValue(model, patterns, el, arr[i], `${path}.${i + 1}.member`, errors, showValue);
      return;
    }
    case 'map': {
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj);
      lengthChecks(shape, obj, keys.length, path, errors, showValue);
      const ks = model.shapes[shape.key!.shape]!;
      const vs = model.shapes[shape.value!.shape]!;
      for (const k of keys) {
        validateValue(model, patterns, ks, k, `${path}.key`, errors, showValue);
        validateValue(model, patterns, vs, obj[k], `${path}.value`, errors, showValue);
      }
      return;
    }
    case 'string': {
      const s = value as string;
      // AWS reports a pattern failure before a length failure of the same member (recorded: Value '' at 'roleArn').
      if (shape.pattern !== undefined) {
        const re = patterns.get(shape.pattern);
        if (re && !re.test(s)) errors.push(violation(s, path, `Member must satisfy regular expression pattern: ${shape.pattern}`, showValue));
      }
      lengthChecks(shape, s, s.length, path, errors, showValue);
      if (shape.enum && !shape.enum.includes(s)) errors.push(violation(s, path, `Member must satisfy enum value set: [${shape.enum.join(', ')}]`, showValue));
      return;
    }
    case 'integer':
    case 'long':
    case 'double':
    case 'float': {
      const n = value as number;
      if (shape.min !== undefined && n < shape.min) errors.push(violation(n, path, `Member must have value greater than or equal to ${shape.min}`, showValue));
      if (shape.max !== undefined && n > shape.max) errors.push(violation(n, path, `Member must have value less than or equal to ${shape.max}`, showValue));
      return;
    }
    case 'blob': {
      const b = value as Buffer;
      lengthChecks(shape, b, b.length, path, errors, showValue);
      return;
    }
    default:
      return;
  }
}

function lengthChecks(shape: Shape, value: unknown, len: number, path: string, errors: string[], showValue: boolean): void {
  if (shape.min !== undefined && len < shape.min) errors.push(violation(value, path, `Member must have length greater than or equal to ${shape.min}`, showValue));
  if (shape.max !== undefined && len > shape.max) errors.push(violation(value, path, `Member must have length less than or equal to ${shape.max}`, showValue));
}

const SCALAR_TYPES: ReadonlySet<string> = new Set(['string', 'integer', 'long', 'double', 'float']);

function scalarFails(patterns: PatternCache, shape: Shape, value: unknown): boolean {
  if (shape.type === 'string') {
    const s = value as string;
    if ((shape.min !== undefined && s.length < shape.min) || (shape.max !== undefined && s.length > shape.max)) return true;
    const re = shape.pattern !== undefined ? patterns.get(shape.pattern) : null;
    if (re && !re.test(s)) return true;
    return shape.enum !== undefined && !shape.enum.includes(s);
  }
  const n = value as number;
  return (shape.min !== undefined && n < shape.min) || (shape.max !== undefined && n > shape.max);
}

/** Every constraint of a scalar member, in the order AWS lists them inside "Member must satisfy constraint: [...]". */
function memberConstraints(shape: Shape): string[] {
  const out: string[] = [];
  const unit = shape.type === 'string' ? 'length' : 'value';
  if (shape.max !== undefined) out.push(`Member must have ${unit} less than or equal to ${shape.max}`);
  if (shape.min !== undefined) out.push(`Member must have ${unit} greater than or equal to ${shape.min}`);
  if (shape.pattern !== undefined) out.push(`Member must satisfy regular expression pattern: ${shape.pattern}`);
  if (shape.enum !== undefined) out.push(`Member must satisfy enum value set: [${shape.enum.join(', ')}]`);
  out.push('Member must not be null');
  return out;
}
