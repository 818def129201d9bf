/**
 * Where an S3 request points: virtual-hosted (`bucket.s3.amazonaws.com`, `bucket.s3.<region>.amazonaws.com`,
 * `bucket.s3-<region>.amazonaws.com`) or path-style (`s3.<region>.amazonaws.com/bucket/key`, kamen's own address).
 */
import type { PathKind } from '../../protocol/rest-xml/index.js';

/** What an S3 Host names: the bucket of a virtual-hosted name, and the endpoint's region when the name has one. */
export interface S3Host {
  bucket?: string;
  region?: string;
}

/** The S3 endpoint a Host names, or undefined when it is not an S3 host. A port is ignored. */
export function s3Host(hostHeader: string | undefined): S3Host | undefined {
  if (!hostHeader) return undefined;
  let host = hostHeader.toLowerCase();
  const colon = host.lastIndexOf(':');
  if (colon > 0 && !host.endsWith(']')) host = host.slice(0, colon);
  if (!host.endsWith('.amazonaws.com')) return undefined;
  const labels = host.slice(0, -'.amazonaws.com'.length).split('.');
  const at = labels.findIndex((l) => l === 's3' || l.startsWith('s3-'));
  if (at < 0) return undefined;
  const out: S3Host = {};
  if (at > 0) out.bucket = labels.slice(0, at).join('.');
  const label = labels[at]!;
  if (label.startsWith('s3-') && label !== 's3-external-1') out.region = label.slice(3);
  else if (labels[at + 1] && labels[at + 1] !== 'dualstack') out.region = labels[at + 1];
  else if (labels[at + 2]) out.region = labels[at + 2];
  return out;
}

/** The bucket, key and path kind of a request (the key decoded; `+` is a literal plus in a path). */
export interface S3Target {
  bucket?: string;
  key?: string;
  kind: PathKind;
}

/** Reads bucket and key from the raw path (and the Host's bucket for virtual-hosted requests); undefined when undecodable. */
export function s3Target(rawPath: string, hostBucket: string | undefined): S3Target | undefined {
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return undefined;
  }
  if (!path.startsWith('/')) return undefined;
  if (hostBucket !== undefined) {
    const key = path.slice(1);
    return key === '' ? { bucket: hostBucket, kind: 'bucket' } : { bucket: hostBucket, key, kind: 'object' };
  }
  const rest = path.slice(1);
  if (rest === '') return { kind: 'root' };
  const slash = rest.indexOf('/');
  if (slash < 0) return { bucket: rest, kind: 'bucket' };
  const key = rest.slice(slash + 1);
  return key === '' ? { bucket: rest.slice(0, slash), kind: 'bucket' } : { bucket: rest.slice(0, slash), key, kind: 'object' };
}

/** Decoded query parameters, first occurrence of each name wins (`+` is a space, as S3 reads query strings). */
export function s3Query(raw: string): Map<string, string> {
  const out = new Map<string, string>();
  if (raw === '') return out;
  for (const piece of raw.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const k = dec(eq < 0 ? piece : piece.slice(0, eq));
    if (!out.has(k)) out.set(k, eq < 0 ? '' : dec(piece.slice(eq + 1)));
  }
  return out;
}

function dec(s: string): string {
  const t = s.includes('+') ? s.replace(/\+/g, ' ') : s;
  if (!t.includes('%')) return t;
  try {
    return decodeURIComponent(t);
  } catch {
    return t;
  }
}
