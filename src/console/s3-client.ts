/**
 * The console's S3 calls: each one is a real REST request (path-style, SigV4 with the session's credentials) handed to
 * kamen's S3 front door in process over an in-memory connection, so uploads and downloads stream and every request
 * is authenticated and authorized exactly as the AWS CLI's are.
 */
import http from 'node:http';
import { Duplex, Readable } from 'node:stream';
import { S3_CONSOLE_USER_AGENT } from '../audit/console-events.js';
import type { ConnectionFacts, PipelineDeps } from '../http/pipeline.js';
import { ApiError } from './aws-client.js';
import { signRequest, type SigningCredentials } from './sigv4-sign.js';
import { child, parseXml, type XmlNode } from './xml-read.js';

const HOST = 's3.amazonaws.com';
const MAX_XML_BYTES = 8 * 1024 * 1024;

/** One S3 request: method, bucket and key, query parameters, extra headers and an optional body. */
export interface S3Request {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE' | 'HEAD';
  bucket?: string;
  key?: string;
  query?: Record<string, string | undefined>;
  headers?: Record<string, string>;
  /** A small body, signed by its SHA-256. */
  body?: string;
  /** A streamed body of `length` bytes, sent as UNSIGNED-PAYLOAD. */
  stream?: { body: Readable; length: number };
}

/** An S3 answer with its body still unread. */
export interface S3Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: http.IncomingMessage;
}

/** Sends S3 requests as the holder of `creds`. */
export interface S3Client {
  /** The raw answer (any status). */
  send(creds: SigningCredentials, req: S3Request, conn: ConnectionFacts): Promise<S3Answer>;
  /** The answer's XML document (null when empty); S3's `<Error>` answers become ApiErrors. */
  call(creds: SigningCredentials, req: S3Request, conn: ConnectionFacts): Promise<XmlNode | null>;
}

/** RFC 3986 encoding as SigV4 wants it (S3 paths keep their slashes). */
function uriEncode(s: string, keepSlash = false): string {
  const e = encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return keepSlash ? e.replace(/%2F/g, '/') : e;
}

/**
 * Two connected in-memory stream ends with backpressure: what one writes, the other reads. Closing one end is an EOF
 * for the other (data it has not read yet is kept), and a write toward a closed end fails with EPIPE.
 */
function streamPair(): [Duplex, Duplex] {
  const ends: Duplex[] = [];
  const waiting = new Map<Duplex, (err?: Error) => void>();
  const epipe = (): Error => Object.assign(new Error('the other end of the connection is closed'), { code: 'EPIPE' });
  const make = (i: number): Duplex =>
    new Duplex({
      read() {
        const resume = waiting.get(ends[1 - i]!);
        if (resume) {
          waiting.delete(ends[1 - i]!);
          resume();
        }
      },
      write(chunk: Buffer, _enc, cb) {
        const peer = ends[1 - i]!;
        if (peer.destroyed) return cb(epipe());
        if (peer.push(chunk)) cb();
        else waiting.set(ends[i]!, cb);
      },
      final(cb) {
        ends[1 - i]!.push(null);
        cb();
      },
      destroy(err, cb) {
        const peer = ends[1 - i]!;
        if (!peer.destroyed) peer.push(null);
        // A write of the other end waiting for this end to read fails; one of this end's own is dropped.
        const blocked = waiting.get(peer);
        waiting.delete(peer);
        waiting.delete(ends[i]!);
        blocked?.(epipe());
        cb(err);
      },
    });
  ends.push(make(0), make(1));
  return [ends[0]!, ends[1]!];
}

/** S3's `<Error>` answer as an ApiError (HEAD answers have no body: the status says it). */
export async function s3Error(answer: S3Answer): Promise<ApiError> {
  const text = await readText(answer.body, MAX_XML_BYTES);
  let code = answer.status === 404 ? 'NotFound' : answer.status === 403 ? 'AccessDenied' : 'Error';
  let message = http.STATUS_CODES[answer.status] ?? '';
  try {
    const err = child(parseXml(text), 'Error');
    if (err) {
      code = child(err, 'Code')?.text ?? code;
      message = child(err, 'Message')?.text ?? message;
    }
  } catch {
    // not XML: keep the status text
  }
  return new ApiError(code, message, answer.status);
}

/** Reads a body as UTF-8 text, at most `max` bytes (the rest is discarded). */
export async function readText(body: Readable, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of body as AsyncIterable<Buffer>) {
    if (size < max) chunks.push(c);
    size += c.length;
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, max);
}

/** Builds the S3 client over the pipeline's S3 front door. */
export function createS3Client(pipeline: PipelineDeps): S3Client {
  const facts = new WeakMap<object, ConnectionFacts>();
  const server = http.createServer((req, res) => {
    const conn = facts.get(req.socket);
    if (!pipeline.s3 || !conn) {
      res.writeHead(501, { 'content-type': 'application/xml' });
      res.end('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NotImplemented</Code><Message>S3 is not served here.</Message></Error>');
      return;
    }
    pipeline.s3(req, res, conn);
  });

  const send: S3Client['send'] = (creds, r, conn) => {
    const path = r.bucket === undefined ? '/' : r.key === undefined ? `/${uriEncode(r.bucket)}` : `/${uriEncode(r.bucket)}/${uriEncode(r.key, true)}`;
    const pairs = Object.entries(r.query ?? {})
      .filter((e): e is [string, string] => e[1] !== undefined)
      .map(([k, v]) => `${uriEncode(k)}=${uriEncode(v)}`)
      .sort();
    const query = pairs.join('&');
    const extra: Record<string, string> = { ...(r.headers ?? {}) };
    if (r.stream) extra['content-length'] = String(r.stream.length);
    else if (r.body !== undefined) extra['content-length'] = String(Buffer.byteLength(r.body));
    const headers = signRequest({ host: HOST, service: 's3', region: 'us-east-1', method: r.method, path, query, body: r.body ?? '', headers: extra, nowMs: pipeline.clock.now(), ...(r.stream ? { payloadHash: 'UNSIGNED-PAYLOAD' } : {}) }, creds);
    return new Promise<S3Answer>((resolve, reject) => {
      const [clientEnd, serverEnd] = streamPair();
      facts.set(serverEnd, conn);
      server.emit('connection', serverEnd);
      // The S3 console's requests carry its SDK's user agent (what CloudTrail records as their userAgent).
      const ua: Record<string, string> = conn.console ? { 'user-agent': S3_CONSOLE_USER_AGENT } : {};
      const req = http.request({ method: r.method, path: query ? `${path}?${query}` : path, headers: { ...headers, ...ua, connection: 'close' }, createConnection: () => clientEnd as never });
      req.on('response', (res) => resolve({ status: res.statusCode ?? 500, headers: res.headers, body: res }));
      req.on('error', reject);
      if (r.stream) {
        r.stream.body.on('error', (err) => req.destroy(err));
        r.stream.body.pipe(req);
      } else req.end(r.body);
    });
  };

  return {
    send,
    async call(creds, r, conn) {
      const answer = await send(creds, r, conn);
      if (answer.status >= 300) throw await s3Error(answer);
      const text = await readText(answer.body, MAX_XML_BYTES);
      return text.trim() ? (parseXml(text).children[0] ?? null) : null;
    },
  };
}
