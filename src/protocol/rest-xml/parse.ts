/**
 * Model-driven REST-XML input: members bound to the URI, the query string, headers (and a header prefix map such as
 * `x-amz-meta-`), and an XML payload read through its shape. A streaming (blob) payload is left to the service.
 */
import { KamenError } from '../../errors.js';
import type { RestModel, RestRef, RestShape } from './model.js';
import { parseXml, XmlSyntaxError, type XmlElement } from './xml-parse.js';

/** The parts of a request the input is read from. */
export interface RestRequestParts {
  bucket?: string;
  key?: string;
  /** Decoded query parameters (first occurrence of each name). */
  query: ReadonlyMap<string, string>;
  headers: Record<string, string | string[] | undefined>;
  /** The body of an operation whose payload is XML (absent for streaming payloads). */
  body?: Buffer;
}

/** The model's input for `operation`, as plain values keyed by member name. */
export function parseRestInput(model: RestModel, operation: string, parts: RestRequestParts): Record<string, unknown> {
  const op = model.operations[operation];
  const shape = op?.input ? model.shapes[op.input] : undefined;
  const input: Record<string, unknown> = {};
  if (!shape?.members) return input;
  for (const [name, ref] of Object.entries(shape.members)) {
    const target = model.shapes[ref.shape]!;
    switch (ref.location) {
      case 'uri':
        if (name === 'Bucket' && parts.bucket !== undefined) input[name] = parts.bucket;
        else if (name === 'Key' && parts.key !== undefined) input[name] = parts.key;
        break;
      case 'querystring': {
        const v = parts.query.get(ref.locationName ?? name);
        if (v !== undefined) input[name] = scalar(target, v, ref.locationName ?? name, 'query');
        break;
      }
      case 'header': {
        const raw = parts.headers[(ref.locationName ?? name).toLowerCase()];
        const v = Array.isArray(raw) ? raw.join(',') : raw;
        if (v !== undefined) {
          const parsed = scalar(target, v, ref.locationName ?? name, 'header');
          if (parsed !== undefined) input[name] = parsed;
        }
        break;
      }
      case 'headers': {
        const prefix = (ref.locationName ?? '').toLowerCase();
        const map: Record<string, string> = {};
        for (const [h, v] of Object.entries(parts.headers)) if (h.startsWith(prefix) && v !== undefined) map[h.slice(prefix.length)] = Array.isArray(v) ? v.join(',') : v;
        input[name] = map;
        break;
      }
      case 'statusCode':
        break;
      default:
        if (name !== shape.payload || !parts.body || parts.body.length === 0) break;
        if (target.type === 'structure') input[name] = readPayload(model, ref, target, parts.body);
        else if (target.type === 'string') input[name] = parts.body.toString('utf8');
    }
  }
  return input;
}

/** A header or query value as the member's type; an unparseable date header is ignored (as S3 ignores it). */
function scalar(shape: RestShape, v: string, name: string, where: 'query' | 'header'): unknown {
  switch (shape.type) {
    case 'integer':
    case 'long': {
      if (!/^-?[0-9]+$/.test(v.trim())) throw new KamenError('ERR_S3_INVALID_ARGUMENT', `Provided ${name} not an integer or within integer range`, { ArgumentName: name, ArgumentValue: v });
      return Number(v.trim());
    }
    case 'boolean':
      return v.trim().toLowerCase() === 'true';
    case 'timestamp': {
      const t = where === 'header' ? Date.parse(v) : Date.parse(v);
      return Number.isNaN(t) ? undefined : new Date(t);
    }
    default:
      return v;
  }
}

/** Reads an XML payload through its shape; malformed XML or a wrong root is MalformedXML. */
function readPayload(model: RestModel, ref: RestRef, shape: RestShape, body: Buffer): Record<string, unknown> {
  let root: XmlElement;
  try {
    root = parseXml(body.toString('utf8'));
  } catch (err) {
    if (err instanceof XmlSyntaxError) throw malformed();
    throw err;
  }
  const rootName = ref.locationName ?? shape.locationName;
  if (rootName && root.name !== rootName) throw malformed();
  return readStructure(model, shape, root);
}

/** S3's MalformedXML error. */
export function malformed(): KamenError {
  return new KamenError('ERR_S3_MALFORMED_XML', 'The XML you provided was not well-formed or did not validate against our published schema');
}

function readStructure(model: RestModel, shape: RestShape, el: XmlElement): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    const target = model.shapes[ref.shape]!;
    if (target.type === 'list') {
      const memberRef = target.member!;
      const flat = ref.flattened || target.flattened;
      const itemName = flat ? (ref.locationName ?? memberRef.locationName ?? name) : (memberRef.locationName ?? 'member');
      const holders = flat ? [el] : el.children.filter((c) => c.name === (ref.locationName ?? name));
      if (holders.length === 0) continue;
      const items: unknown[] = [];
      for (const h of holders) for (const c of h.children) if (c.name === itemName) items.push(readValue(model, memberRef, c));
      out[name] = items;
      continue;
    }
    const child = el.children.find((c) => c.name === (ref.locationName ?? name));
    if (child) out[name] = readValue(model, ref, child);
  }
  return out;
}

function readValue(model: RestModel, ref: RestRef, el: XmlElement): unknown {
  const shape = model.shapes[ref.shape]!;
  switch (shape.type) {
    case 'structure':
      return readStructure(model, shape, el);
    case 'integer':
    case 'long': {
      if (!/^-?[0-9]+$/.test(el.text.trim())) throw malformed();
      return Number(el.text.trim());
    }
    case 'boolean': {
      const t = el.text.trim();
      if (t !== 'true' && t !== 'false') throw malformed();
      return t === 'true';
    }
    case 'timestamp': {
      const t = Date.parse(el.text.trim());
      if (Number.isNaN(t)) throw malformed();
      return new Date(t);
    }
    default:
      return el.text;
  }
}
