/** A tiny SigV4 signer (node:crypto) for the console's own API calls: POST to "/" with a body, or any method, path and query (S3). */
import { createHash, createHmac } from 'node:crypto';

/** The credentials a console request is signed with (temporary: with a session token). */
export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** What to sign: the service's host, signing name and region, the body and its content type (plus extra headers). */
export interface SignInput {
  host: string;
  service: string;
  region: string;
  body: string;
  headers: Record<string, string>;
  nowMs: number;
  /** The method (default POST). */
  method?: string;
  /** The canonical (already URI-encoded) path (default "/"). */
  path?: string;
  /** The canonical query string: encoded `name=value` pairs, sorted, joined by `&` (default none). */
  query?: string;
  /** The payload hash to sign instead of the body's SHA-256 (S3's `UNSIGNED-PAYLOAD` for streamed uploads). */
  payloadHash?: string;
}

function sha256Hex(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex');
}

function hmac(key: Buffer | string, s: string): Buffer {
  return createHmac('sha256', key).update(s, 'utf8').digest();
}

/** `20260101T000000Z` for a millisecond time. */
export function amzDate(nowMs: number): string {
  return new Date(nowMs).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** Returns the request headers (lower-case names) including x-amz-date, the token and Authorization. */
export function signRequest(input: SignInput, creds: SigningCredentials): Record<string, string> {
  const date = amzDate(input.nowMs);
  const day = date.slice(0, 8);
  const payloadHash = input.payloadHash ?? sha256Hex(input.body);
  const headers: Record<string, string> = { host: input.host, 'x-amz-date': date, 'x-amz-content-sha256': payloadHash };
  for (const [k, v] of Object.entries(input.headers)) headers[k.toLowerCase()] = v;
  if (creds.sessionToken) headers['x-amz-security-token'] = creds.sessionToken;
  const names = Object.keys(headers).sort();
  const canonicalHeaders = names.map((n) => `${n}:${headers[n]!.trim().replace(/\s+/g, ' ')}\n`).join('');
  const signedHeaders = names.join(';');
  const canonicalRequest = [input.method ?? 'POST', input.path ?? '/', input.query ?? '', canonicalHeaders, signedHeaders, payloadHash].join('\n');
  const scope = `${day}/${input.region}/${input.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', date, scope, sha256Hex(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${creds.secretAccessKey}`, day), input.region), input.service), 'aws4_request');
  const signature = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
  headers['authorization'] = `AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return headers;
}
