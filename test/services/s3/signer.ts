/** A test-side S3 SigV4 signer (header auth over the raw path and query), written from the S3 documentation. */
import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';

export interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

const enc = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());

function hmac(key: Buffer | string, s: string): Buffer {
  return createHmac('sha256', key).update(s, 'utf8').digest();
}

/** The signing key for a date, region and s3. */
export function signingKey(secret: string, date: string, region: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), 's3'), 'aws4_request');
}

export interface SignedS3Request {
  method: string;
  /** The raw (already encoded) path, e.g. /bucket/a%20b */
  path: string;
  /** Decoded query parameters. */
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** x-amz-content-sha256 to send (default: the body's hex SHA-256). */
  payloadHash?: string;
  region?: string;
  nowMs?: number;
}

/** Signs `r` for `host`; returns the headers and the encoded query string. */
export function signS3(r: SignedS3Request, creds: Creds, host: string): { headers: Record<string, string>; query: string; seedSignature: string; amzDate: string; scope: string; key: Buffer } {
  const body = typeof r.body === 'string' ? Buffer.from(r.body) : (r.body ?? Buffer.alloc(0));
  const now = new Date(r.nowMs ?? Date.now());
  const amzDate = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const date = amzDate.slice(0, 8);
  const region = r.region ?? 'us-east-1';
  const payloadHash = r.payloadHash ?? createHash('sha256').update(body).digest('hex');
  const headers: Record<string, string> = { host, 'x-amz-date': amzDate, 'x-amz-content-sha256': payloadHash, ...(r.headers ?? {}) };
  if (creds.sessionToken) headers['x-amz-security-token'] = creds.sessionToken;
  const lower: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) lower[k.toLowerCase()] = String(v).trim();
  const names = Object.keys(lower).sort();
  const query = Object.entries(r.query ?? {})
    .map(([k, v]) => [enc(k), enc(v)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalPath = r.path.split('/').map((s) => enc(decodeURIComponent(s))).join('/');
  const canonical = [r.method, canonicalPath, query, names.map((n) => `${n}:${lower[n]}\n`).join(''), names.join(';'), payloadHash].join('\n');
  const scope = `${date}/${region}/s3/aws4_request`;
  const sts = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
  const key = signingKey(creds.secretAccessKey, date, region);
  const signature = hmac(key, sts).toString('hex');
  lower['authorization'] = `AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
  return { headers: lower, query, seedSignature: signature, amzDate, scope, key };
}

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

/** Sends a raw request to 127.0.0.1:port. */
export function send(port: number, method: string, pathAndQuery: string, headers: Record<string, string>, body?: Buffer | string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: pathAndQuery, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const b = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: b, text: b.toString('utf8') });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Signs and sends `r` to kamen on `port` (path-style). */
export function s3Call(port: number, creds: Creds, r: SignedS3Request): Promise<Answer> {
  const host = `127.0.0.1:${port}`;
  const s = signS3(r, creds, host);
  return send(port, r.method, r.path + (s.query ? `?${s.query}` : ''), s.headers, r.body);
}

/** The Code of an S3 error document. */
export function errorCode(a: Answer): string | undefined {
  return /<Code>([^<]+)<\/Code>/.exec(a.text)?.[1];
}
