/**
 * Model-driven REST-XML output: members bound to headers (and a header prefix map), the status code, and the body —
 * a streaming payload as given, a structure payload or the unbound members as XML — and S3's `<Error>` documents.
 */
import type { Readable } from 'node:stream';
import { xmlEscape } from '../xml.js';
import type { RestModel, RestRef, RestShape } from './model.js';

/** The S3 document namespace every XML answer declares on its root. */
export const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** An answer to one REST request. */
export interface RestResponse {
  status: number;
  headers: Record<string, string>;
  /** XML text, a string payload, or the bytes of a streaming payload. */
  body?: string | Readable;
}

/** Renders `output` of `operation`; `rootName` names the XML root of an unbound-members body (S3's documents' names). */
export function renderRestOutput(model: RestModel, operation: string, output: Record<string, unknown> | undefined, rootName: string | undefined): RestResponse {
  const op = model.operations[operation]!;
  const shape = op.output ? model.shapes[op.output] : undefined;
  const res: RestResponse = { status: op.http.responseCode ?? 200, headers: {} };
  if (!shape?.members || !output) return res;
  let hasBodyMembers = false;
  for (const [name, ref] of Object.entries(shape.members)) {
    const v = output[name];
    if (v === undefined || v === null) continue;
    const target = model.shapes[ref.shape]!;
    if (ref.location === 'header') res.headers[(ref.locationName ?? name).toLowerCase()] = headerValue(target, ref, v);
    else if (ref.location === 'headers') {
      const prefix = (ref.locationName ?? '').toLowerCase();
      for (const [k, hv] of Object.entries(v as Record<string, string>)) res.headers[prefix + k.toLowerCase()] = String(hv);
    } else if (ref.location === 'statusCode') res.status = Number(v);
    else if (name === shape.payload) {
      if (target.type === 'structure') res.body = xmlDocument(model, ref.locationName ?? target.locationName ?? name, ref.shape, v as Record<string, unknown>);
      else res.body = v as string | Readable;
    } else if (!ref.location) hasBodyMembers = true;
  }
  if (!shape.payload && hasBodyMembers) res.body = xmlDocument(model, rootName ?? op.output!.replace(/Output$/, 'Result'), op.output!, output);
  if (typeof res.body === 'string' && res.headers['content-type'] === undefined) res.headers['content-type'] = 'application/xml';
  return res;
}

/** `<?xml …?><root xmlns=…>…</root>` for a structure. */
export function xmlDocument(model: RestModel, root: string, shapeName: string, value: Record<string, unknown>): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${element(model, root, { shape: shapeName }, value, S3_XMLNS)}`;
}

function headerValue(shape: RestShape, ref: RestRef, v: unknown): string {
  void ref;
  return shape.type === 'timestamp' && v instanceof Date ? v.toUTCString() : String(v);
}

function scalarText(shape: RestShape, v: unknown): string {
  if (shape.type === 'timestamp') return (v instanceof Date ? v : new Date(String(v))).toISOString();
  return xmlEscape(String(v));
}

function element(model: RestModel, name: string, ref: RestRef, v: unknown, xmlns?: string): string {
  const shape = model.shapes[ref.shape]!;
  const ns = xmlns ? ` xmlns="${xmlns}"` : '';
  if (shape.type !== 'structure') return `<${name}${ns}>${scalarText(shape, v)}</${name}>`;
  const value = v as Record<string, unknown>;
  let attrs = '';
  let inner = '';
  for (const [m, mref] of Object.entries(shape.members ?? {})) {
    const mv = value[m];
    if (mv === undefined || mv === null || mref.location) continue;
    const mshape = model.shapes[mref.shape]!;
    const mname = mref.locationName ?? m;
    if (mref.xmlAttribute) {
      if (mname.includes(':')) attrs += ` xmlns:${mname.split(':')[0]}="http://www.w3.org/2001/XMLSchema-instance"`;
      attrs += ` ${mname}="${xmlEscape(String(mv))}"`;
      continue;
    }
    if (mshape.type === 'list') {
      const item = mshape.member!;
      const items = mv as unknown[];
      if (mref.flattened || mshape.flattened) for (const it of items) inner += element(model, mname, { ...item, shape: item.shape }, it);
      else inner += `<${mname}>${items.map((it) => element(model, item.locationName ?? 'member', item, it)).join('')}</${mname}>`;
    } else inner += element(model, mname, mref, mv);
  }
  return `<${name}${ns}${attrs}>${inner}</${name}>`;
}

/** S3's `<Error>` document: Code, Message, the resource fields given, RequestId and HostId. */
export function errorDocument(code: string, message: string, fields: Record<string, string>, requestId: string, hostId: string): string {
  let extra = '';
  for (const [k, v] of Object.entries(fields)) extra += `<${k}>${xmlEscape(v)}</${k}>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(message)}</Message>${extra}<RequestId>${requestId}</RequestId><HostId>${xmlEscape(hostId)}</HostId></Error>`;
}
