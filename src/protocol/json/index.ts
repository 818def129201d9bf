/** The AWS JSON 1.1 protocol codec (Organizations): X-Amz-Target routing, JSON bodies, epoch-second timestamps. */
import { KamenError } from '../../errors.js';
import type { Codec, WireRequest, WireResponse } from '../index.js';
import type { Shape, ServiceModel } from '../model.js';
import { PatternCache, lowerCamel, validateValue, validationMessage } from '../validate.js';
import { setOwn } from '../xml.js';
import { wireError } from '../wire-errors.js';

const INTERNAL_MESSAGE = 'The request processing has failed because of an unknown error, exception or failure.';
const PARSED = Symbol.for('kamen.protocol.json');

/** Organizations answers constraint failures as InvalidInputException with a Reason and a fixed text per reason. */
const ORG_REASONS: Array<[RegExp, string, string]> = [
  [/Member must not be null$/, 'INPUT_REQUIRED', 'You must include a value for all required parameters.'],
  [/regular expression pattern/, 'INVALID_PATTERN', 'You provided a value that does not match the required pattern.'],
  [/length greater than or equal/, 'MIN_LENGTH_EXCEEDED', 'You provided a string parameter that is shorter than allowed.'],
  [/length less than or equal/, 'MAX_LENGTH_EXCEEDED', 'You provided a string parameter that is longer than allowed.'],
  [/value greater than or equal/, 'MIN_VALUE_EXCEEDED', 'You provided a numeric parameter that has a smaller value than allowed.'],
  [/value less than or equal/, 'MAX_VALUE_EXCEEDED', 'You provided a numeric parameter that has a larger value than allowed.'],
  [/enum value set/, 'INVALID_ENUM', 'You specified an invalid value.'],
];

/** Builds the JSON-protocol codec for `model`. */
export function createJsonCodec(model: ServiceModel): Codec {
  const patterns = new PatternCache();
  const prefix = model.metadata.targetPrefix! + '.';
  const headers = (requestId: string): Record<string, string> => ({ 'content-type': `application/x-amz-json-${model.metadata.jsonVersion ?? '1.1'}`, 'x-amzn-requestid': requestId });
  const hasTs = new Map<string, boolean>();
  const reasonStyle = model.shapes['InvalidInputException']?.members?.['Reason'] !== undefined;

  function validationError(errors: string[]): KamenError {
    if (reasonStyle) {
      for (const [re, reason, text] of ORG_REASONS) if (re.test(errors[0]!)) return new KamenError('ERR_VALIDATION', text, { Reason: reason });
    }
    return new KamenError('ERR_VALIDATION', validationMessage(errors));
  }

  function containsTimestamp(name: string, seen = new Set<string>()): boolean {
    const c = hasTs.get(name);
    if (c !== undefined) return c;
    if (seen.has(name)) return false;
    seen.add(name);
    const s = model.shapes[name]!;
    let r = s.type === 'timestamp' || s.type === 'blob';
    if (!r && s.members) r = Object.values(s.members).some((m) => containsTimestamp(m.shape, seen));
    if (!r && s.member) r = containsTimestamp(s.member.shape, seen);
    if (!r && s.value) r = containsTimestamp(s.value.shape, seen);
    hasTs.set(name, r);
    return r;
  }

  /** Output: dates → epoch seconds, buffers → base64, undefined dropped by JSON.stringify. */
  function out(name: string, v: unknown): unknown {
    if (v === undefined || v === null || !containsTimestamp(name)) return v;
    const s = model.shapes[name]!;
    switch (s.type) {
      case 'timestamp': {
        const ms = v instanceof Date ? v.getTime() : typeof v === 'number' ? v : Date.parse(String(v));
        return ms / 1000;
      }
      case 'blob':
        return Buffer.isBuffer(v) ? v.toString('base64') : v;
      case 'list':
        return Array.isArray(v) ? v.map((x) => out(s.member!.shape, x)) : v;
      case 'map': {
        const o: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v as object)) o[k] = out(s.value!.shape, x);
        return o;
      }
      case 'structure': {
        const o: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v as object)) o[k] = s.members![k] ? out(s.members![k]!.shape, x) : x;
        return o;
      }
      default:
        return v;
    }
  }

  /** Input: type-checks JSON values against shapes, converting timestamps and blobs. */
  function coerce(s: Shape, v: unknown, path: string): unknown {
    const bad = (): never => {
      throw new KamenError('ERR_SERIALIZATION', `Unexpected value type in payload at '${path}'`);
    };
    switch (s.type) {
      case 'structure': {
        if (typeof v !== 'object' || v === null || Array.isArray(v)) return bad();
        const o: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v)) {
          const ref = s.members?.[k];
          if (!ref || x === null) continue;
          o[k] = coerce(model.shapes[ref.shape]!, x, path ? `${path}.${lowerCamel(k)}` : lowerCamel(k));
        }
        return o;
      }
      case 'list':
        if (!Array.isArray(v)) return bad();
        return v.map((x, i) => coerce(model.shapes[s.member!.shape]!, x, `${path}.${i + 1}.member`));
      case 'map': {
        if (typeof v !== 'object' || v === null || Array.isArray(v)) return bad();
        const o: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v)) setOwn(o, k, coerce(model.shapes[s.value!.shape]!, x, `${path}.value`));
        return o;
      }
      case 'string':
        return typeof v === 'string' ? v : bad();
      case 'boolean':
        return typeof v === 'boolean' ? v : bad();
      case 'integer':
      case 'long':
        return typeof v === 'number' && Number.isInteger(v) ? v : bad();
      case 'double':
      case 'float':
        return typeof v === 'number' ? v : bad();
      case 'timestamp':
        if (typeof v === 'number') return new Date(v * 1000);
        if (typeof v === 'string' && !Number.isNaN(Date.parse(v))) return new Date(v);
        return bad();
      case 'blob':
        return typeof v === 'string' ? Buffer.from(v, 'base64') : bad();
      default:
        return v;
    }
  }

  function target(req: WireRequest): string | undefined {
    const t = req.headers['x-amz-target'];
    return Array.isArray(t) ? t[0] : t;
  }

  return {
    protocol: 'json',
    operationName(req: WireRequest): string | undefined {
      const t = target(req);
      if (!t || !t.startsWith(prefix)) return undefined;
      return t.slice(prefix.length);
    },
    hasOperation(operation: string): boolean {
      return Object.prototype.hasOwnProperty.call(model.operations, operation);
    },
    parseInput(operation: string, req: WireRequest): Record<string, unknown> {
      const t = target(req);
      if (!t || !t.startsWith(prefix) || t.slice(prefix.length) !== operation || !Object.prototype.hasOwnProperty.call(model.operations, operation)) {
        throw new KamenError('ERR_UNKNOWN_OPERATION', '');
      }
      const r = req as unknown as Record<symbol, unknown>;
      let body = r[PARSED];
      if (body === undefined) {
        const text = req.body.length ? req.body.toString('utf8') : '{}';
        try {
          body = JSON.parse(text.trim() === '' ? '{}' : text);
        } catch {
          throw new KamenError('ERR_SERIALIZATION', 'Start of structure or map found where not expected.');
        }
        Object.defineProperty(req, PARSED, { value: body, enumerable: false, configurable: true });
      }
      const op = model.operations[operation]!;
      if (!op.input) return {};
      const shape = model.shapes[op.input]!;
      const input = coerce(shape, body ?? {}, '') as Record<string, unknown>;
      const errors: string[] = [];
      validateValue(model, patterns, shape, input, '', errors);
      if (errors.length) throw validationError(errors);
      return input;
    },
    renderResult(operation: string, output: unknown, requestId: string): WireResponse {
      const op = model.operations[operation];
      const body = op?.output ? JSON.stringify(out(op.output, output ?? {}) ?? {}) : '{}';
      return { status: 200, headers: headers(requestId), body };
    },
    renderError(err: unknown, requestId: string): WireResponse {
      const known = err instanceof KamenError;
      const w = wireError(known ? err.code : 'ERR_INTERNAL', 'json', known ? err.extra : undefined);
      const payload: Record<string, unknown> = { __type: w.code, Message: known ? err.message : INTERNAL_MESSAGE };
      if (known && err.extra) for (const [k, x] of Object.entries(err.extra)) if (k !== 'wireCode' && k !== 'encodedMessage') payload[k] = x;
      return { status: w.status, headers: { ...headers(requestId), 'x-amzn-errortype': w.code }, body: JSON.stringify(payload) };
    },
  };
}

