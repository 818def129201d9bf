/** Test helpers: sign with the JS SDK's own SigV4 signer and turn its output into the wire form the server sees. */
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import type { SignedRequest } from '../../src/sigv4/index.js';

/** The shape @smithy/signature-v4 signs (a subset of @smithy/protocol-http's HttpRequest). */
export interface SdkRequest {
  method: string;
  protocol: string;
  hostname: string;
  path: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string>;
  body?: string;
}

export interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** A signer from the SDK itself (not kamen code), so round trips prove wire compatibility. */
export function sdkSigner(creds: Creds, region: string, service: string, applyChecksum = false): SignatureV4 {
  return new SignatureV4({ credentials: creds, region, service, sha256: Sha256, applyChecksum });
}

/** The SDK's URI escaping (encodeURIComponent plus !'()*). */
export function escapeUri(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/**
 * Serializes a query object the way an HTTP client puts it on the wire. `variant` exercises legal wire
 * variations the server must canonicalize: 0 = SDK style; 1 = reversed order; 2 = lowercase hex escapes and
 * needlessly escaped unreserved chars.
 */
export function wireQuery(query: Record<string, string | string[]>, variant = 0): string {
  const parts: string[] = [];
  for (const k of Object.keys(query)) {
    const v = query[k]!;
    for (const one of Array.isArray(v) ? v : [v]) parts.push(escapeUri(k) + '=' + escapeUri(one));
  }
  if (variant === 1) parts.reverse();
  if (variant === 2) {
    return parts
      .map((p) => p.replace(/a/g, '%61').replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()))
      .join('&');
  }
  return parts.join('&');
}

/** The request as node would hand it to kamen: raw path, raw query, lowercase headers, body bytes. */
export function toWire(r: SdkRequest, variant = 0): SignedRequest {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers)) headers[k.toLowerCase()] = v;
  return { method: r.method, path: r.path, query: wireQuery(r.query, variant), headers, body: Buffer.from(r.body ?? '', 'utf8') };
}

/** A deep copy of an SDK request so signing does not alias test inputs. */
export function cloneRequest(r: SdkRequest): SdkRequest {
  return { ...r, query: JSON.parse(JSON.stringify(r.query)) as SdkRequest['query'], headers: { ...r.headers } };
}
