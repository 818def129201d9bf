/**
 * Which operation a REST request names, from the model alone: the method, whether the path names the service, a bucket
 * or an object, the query markers of the request URI (`?uploads`, `?list-type=2`), and the required members bound to
 * the query string or headers (UploadPart needs `partNumber` and `uploadId`, CopyObject `x-amz-copy-source`).
 */
import type { RestModel } from './model.js';

/** Where the path points: the service root, a bucket, or an object in it. */
export type PathKind = 'root' | 'bucket' | 'object';

interface Candidate {
  name: string;
  method: string;
  kind: PathKind | 'literal';
  literal?: string;
  markers: Array<{ name: string; value?: string }>;
  required: Array<{ location: 'querystring' | 'header'; name: string }>;
  score: number;
}

/** Names that win a tie with an operation of the same binding (the current form of a deprecated pair). */
const PREFERRED: ReadonlySet<string> = new Set([
  'ListBuckets',
  'GetBucketLifecycleConfiguration',
  'PutBucketLifecycleConfiguration',
  'GetBucketNotificationConfiguration',
  'PutBucketNotificationConfiguration',
]);

/** A resolver built once from the model. */
export interface OperationResolver {
  /** The operation for a request; `query` holds decoded parameter names → values, `headers` lower-case names. */
  resolve(method: string, kind: PathKind, rawPath: string, query: ReadonlyMap<string, string>, headers: Record<string, unknown>): string | undefined;
}

/** Compiles the model's request URIs. */
export function createOperationResolver(model: RestModel): OperationResolver {
  const byMethod = new Map<string, Candidate[]>();
  for (const [name, op] of Object.entries(model.operations)) {
    const [pathPart, queryPart] = op.http.requestUri.split('?', 2) as [string, string | undefined];
    const kind: Candidate['kind'] = pathPart === '/' ? 'root' : pathPart.includes('{Key+}') ? 'object' : pathPart.startsWith('/{Bucket}') ? 'bucket' : 'literal';
    const markers: Candidate['markers'] = [];
    for (const piece of queryPart ? queryPart.split('&') : []) {
      const [k, v] = piece.split('=', 2) as [string, string | undefined];
      if (k !== 'x-id') markers.push(v === undefined ? { name: k } : { name: k, value: v });
    }
    const required: Candidate['required'] = [];
    const input = op.input ? model.shapes[op.input] : undefined;
    for (const m of input?.required ?? []) {
      const ref = input?.members?.[m];
      if (ref && (ref.location === 'querystring' || ref.location === 'header')) required.push({ location: ref.location, name: ref.location === 'header' ? (ref.locationName ?? m).toLowerCase() : ref.locationName ?? m });
    }
    const c: Candidate = { name, method: op.http.method, kind, markers, required, score: markers.length * 100 + required.length * 10 + (PREFERRED.has(name) ? 1 : 0) };
    if (kind === 'literal') c.literal = pathPart;
    const list = byMethod.get(c.method) ?? [];
    list.push(c);
    byMethod.set(c.method, list);
  }
  for (const list of byMethod.values()) list.sort((a, b) => b.score - a.score || (a.name < b.name ? -1 : 1));
  return {
    resolve(method, kind, rawPath, query, headers) {
      for (const c of byMethod.get(method) ?? []) {
        if (c.kind === 'literal' ? rawPath !== c.literal : c.kind !== kind) continue;
        if (!c.markers.every((m) => query.has(m.name) && (m.value === undefined || query.get(m.name) === m.value))) continue;
        if (!c.required.every((r) => (r.location === 'querystring' ? query.has(r.name) : headers[r.name] !== undefined))) continue;
        return c.name;
      }
      return undefined;
    },
  };
}
