/**
 * kamen's API server: one port for every service, served by node:http (llhttp) with its protections configured, plus
 * proxy mode (CONNECT + TLS per SNI name). Each request's service is decided from its head first; only then is its
 * body read, up to that service's limit, and handed to the pipeline.
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { WireResponse } from '../protocol/index.js';
import { listen } from './listen.js';
import { handleApiRequest, type ConnectionFacts, type PipelineDeps } from './pipeline.js';
import { createConnectHandler, type CertificateAuthority } from './proxy/index.js';
import { bodyLimitFor, isS3Request } from './route.js';
import { unclaimedAnswer } from './unclaimed.js';

/** node:http's protections on the API port; every field has a production default (DEFAULT_LIMITS). */
export interface HttpLimits {
  /** Largest request head (request line + headers, and trailers); larger gets 431. */
  maxHeaderBytes: number;
  /** A request head must arrive within this (slowloris); else 408 and close. */
  headersTimeoutMs: number;
  /** A whole request (head and body) must arrive within this; else 408 and close. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** Requests one connection may carry before it is closed; 0 = no limit. */
  maxRequestsPerSocket: number;
  /** Open connections at most; more are dropped at accept. */
  maxConnections: number;
  /** How often node:http checks the header and request deadlines. */
  checkIntervalMs: number;
}

/** The API port's defaults: node:http's own header cap, deadlines a slow client cannot stretch, idle keep-alive as AWS. */
export const DEFAULT_LIMITS: Readonly<HttpLimits> = {
  maxHeaderBytes: 16 * 1024,
  headersTimeoutMs: 20_000,
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 65_000,
  // The SDKs keep connections for minutes; recycling them costs a TCP handshake and buys nothing here.
  maxRequestsPerSocket: 0,
  maxConnections: 4096,
  checkIntervalMs: 2_000,
};

export interface ServerOptions {
  host: string;
  port: number;
  pipeline: PipelineDeps;
  /** When given, the port also accepts CONNECT for the *.amazonaws.com hosts kamen serves, on 443 (proxy mode). */
  ca?: CertificateAuthority;
  /** Overrides of DEFAULT_LIMITS (tests use small timeouts). */
  limits?: Partial<HttpLimits>;
  /** Drop-in mode only: serves `POST /_kamen/reset` (restores the bootstrapped store; 200 with an empty JSON body). */
  reset?: () => Promise<void>;
}

export interface RunningServer {
  server: http.Server;
  port: number;
  host: string;
  /** http://host:port */
  url: string;
  close(): Promise<void>;
}

/** node:http server options for `limits`: the API port and the differential test's bare server share them. */
export function httpServerOptions(limits: HttpLimits): http.ServerOptions {
  return {
    maxHeaderSize: limits.maxHeaderBytes,
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: limits.checkIntervalMs,
    requireHostHeader: true,
    noDelay: true,
  };
}

/** Applies the limits node:http takes as server properties rather than constructor options. */
export function applyServerLimits(server: http.Server, limits: HttpLimits): void {
  server.maxRequestsPerSocket = limits.maxRequestsPerSocket;
  server.maxConnections = limits.maxConnections;
}

/** Starts listening; resolves once the port is bound. */
export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const limits: HttpLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  const deps = opts.pipeline;
  /** Per-connection facts, computed once per socket (plain or a proxy-mode TLS tunnel). */
  const facts = new WeakMap<Duplex, ConnectionFacts>();
  const schedule = createTurnBatcher();
  const reset = opts.reset;
  const server = http.createServer(httpServerOptions(limits), (req, res) =>
    reset && req.url === RESET_PATH ? onReset(reset, req, res) : onRequest(deps, req, res, facts, schedule),
  );
  applyServerLimits(server, limits);
  server.on('connection', (socket: Socket) => {
    facts.set(socket, { sourceIp: normalizeIp(socket.remoteAddress ?? ''), secureTransport: (socket as Socket & { encrypted?: boolean }).encrypted === true });
  });
  server.on('clientError', createClientErrorHandler());
  // Expect: 100-continue: a declared body over the limit is refused without inviting it.
  server.on('checkContinue', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const query = q < 0 ? '' : url.slice(q + 1);
    const limit = deps.s3 && isS3Request(req.headers.host, req.headers.authorization, query) ? Infinity : bodyLimitFor(req.headers.host, req.headers.authorization, query);
    if (Number(req.headers['content-length'] ?? 0) > limit) return tooLarge(res, limit);
    res.writeContinue();
    onRequest(deps, req, res, facts, schedule);
  });
  if (opts.ca) {
    const connect = createConnectHandler(opts.ca, (tlsSocket) => server.emit('connection', tlsSocket));
    server.on('connect', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => connect(req.url, socket, head));
  } else {
    server.on('connect', (_req: http.IncomingMessage, socket: Duplex) => {
      socket.on('error', () => socket.destroy());
      socket.end('HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    });
  }
  const bound = await listen(server, opts.host, opts.port);
  return { server, host: opts.host, ...bound };
}

/** Drop-in mode's reset endpoint. */
const RESET_PATH = '/_kamen/reset';

/** POST /_kamen/reset: restores the store (other methods: 405); the body is drained and ignored. */
function onReset(reset: () => Promise<void>, req: http.IncomingMessage, res: http.ServerResponse): void {
  req.resume();
  const reply = (status: number, body: Record<string, unknown>): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  if (req.method !== 'POST') return reply(405, { message: 'Use POST to reset the store.' });
  reset().then(
    () => reply(200, { reset: true }),
    (err: unknown) => reply(500, { message: `reset failed: ${String(err)}` }),
  );
}

/** One request: its body limit from its head, then its body (capped), then (turn-batched) the pipeline, then one write. */
function onRequest(deps: PipelineDeps, req: http.IncomingMessage, res: http.ServerResponse, facts: WeakMap<Duplex, ConnectionFacts>, schedule: Schedule): void {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? '' : url.slice(q + 1);
  const headers = req.headers;
  if (deps.wellKnown && req.method === 'GET' && path.startsWith('/.well-known/') && deps.wellKnown.claims(headers.host)) return onWellKnown(deps, req, res, path);
  if (deps.s3 && isS3Request(headers.host, headers.authorization, query)) {
    deps.s3(req, res, facts.get(req.socket) ?? { sourceIp: normalizeIp(req.socket.remoteAddress ?? ''), secureTransport: false });
    return;
  }
  const limit = bodyLimitFor(headers.host, headers.authorization, query);
  const declared = headers['content-length'];
  // llhttp has checked Content-Length is digits; a declared length over the limit is refused before any body byte.
  if (declared !== undefined && Number(declared) > limit) return tooLarge(res, limit);
  const conn = facts.get(req.socket) ?? { sourceIp: normalizeIp(req.socket.remoteAddress ?? ''), secureTransport: false };
  let chunks: Buffer[] | undefined;
  let first: Buffer | undefined;
  let size = 0;
  const onData = (c: Buffer): void => {
    size += c.length;
    if (size > limit) {
      req.off('data', onData);
      req.off('end', onEnd);
      first = chunks = undefined;
      tooLarge(res, limit);
      return;
    }
    if (first === undefined) first = c;
    else (chunks ??= [first]).push(c);
  };
  const onEnd = (): void => schedule(run);
  const run = (): void => {
    const body = chunks ? Buffer.concat(chunks, size) : first ?? EMPTY;
    const wire = { method: req.method ?? 'GET', path, query, headers, body, host: headers.host };
    handleApiRequest(deps, wire, conn).then(
      (out) => send(res, out ?? unclaimedAnswer(wire)),
      (err: unknown) => {
        deps.log?.({ level: 'error', msg: 'request failed', err: String((err as Error)?.stack ?? err) });
        send(res, { status: 500, headers: { 'content-type': 'text/plain' }, body: 'Internal Server Error\n' });
      },
    );
  };
  req.on('data', onData);
  req.on('end', onEnd);
}

const EMPTY = Buffer.alloc(0);

/** GET /.well-known/… on a claimed host: the document (200, JSON), else 404; never reaches the API pipeline. */
function onWellKnown(deps: PipelineDeps, req: http.IncomingMessage, res: http.ServerResponse, path: string): void {
  req.resume();
  const reply = (status: number, body: string): void => {
    res.writeHead(status, { 'content-type': status === 200 ? 'application/json' : 'text/plain', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
  deps.wellKnown!.document(req.headers.host, path).then(
    (doc) => (doc ? reply(200, JSON.stringify(doc)) : reply(404, 'Not Found\n')),
    (err: unknown) => {
      deps.log?.({ level: 'error', msg: 'well-known document failed', err: String(err) });
      reply(500, 'Internal Server Error\n');
    },
  );
}

/** Runs a request's pipeline call; one per server (createTurnBatcher). */
type Schedule = (task: () => void) => void;

/**
 * A scheduler that runs the pipeline for every request completed in one turn of the event loop together, once all
 * ready sockets have been read (setImmediate): requests arriving on many connections at once are handled back to
 * back and their answers written in one stretch, instead of read, handle, write one at a time. On the benchmark
 * machine this cuts the server CPU a signed GetCallerIdentity costs by about a third.
 */
export function createTurnBatcher(): Schedule {
  let queue: Array<() => void> = [];
  const drain = (): void => {
    const tasks = queue;
    queue = [];
    for (const t of tasks) {
      try {
        t();
      } catch {
        // a task answers its own request's failures; one failing never stops the rest of the turn
      }
    }
  };
  return (task) => {
    if (queue.push(task) === 1) setImmediate(drain);
  };
}

/** Writes an answer as one head + body write; node:http adds Date (cached per second) and Connection. Never throws. */
function send(res: http.ServerResponse, out: WireResponse): void {
  if (res.destroyed) return;
  try {
    const h: Record<string, string | number> = out.headers;
    h['content-length'] = Buffer.byteLength(out.body);
    res.writeHead(out.status, h);
    res.end(out.body);
  } catch {
    // A header node:http refuses (e.g. a control character in a value): a 500 if nothing went out yet, else drop.
    if (res.headersSent) res.destroy();
    else res.writeHead(500, { 'content-type': 'text/plain', 'content-length': 22 }).end('Internal Server Error\n');
  }
}

/** 413 for a body over the service's limit; the connection closes (the rest of the body is never read). */
function tooLarge(res: http.ServerResponse, limit: number): void {
  if (res.headersSent || res.destroyed) return;
  const body = `<ErrorResponse><Error><Type>Sender</Type><Code>RequestEntityTooLarge</Code><Message>Request body is larger than ${limit} bytes</Message></Error></ErrorResponse>`;
  res.writeHead(413, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(body), connection: 'close' });
  res.end(body);
}

/** Status lines node:http answers a malformed request with, by error code (the same as node:http's own defaults). */
const CLIENT_ERRORS: Record<string, string> = {
  HPE_HEADER_OVERFLOW: 'HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n',
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 'HTTP/1.1 413 Payload Too Large\r\nConnection: close\r\n\r\n',
  ERR_HTTP_REQUEST_TIMEOUT: 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n',
};
const BAD_REQUEST = 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n';

/** What node:http keeps on a socket: the response being written (its request, whether its head went out). */
type HttpSocket = Duplex & { _httpMessage?: (http.ServerResponse & { req?: http.IncomingMessage }) | null };

/**
 * The 'clientError' handler: a malformed request or a deadline is answered as node:http answers it (400, 413, 431,
 * 408) and the connection closed. Answers still owed for complete requests read before the bad bytes go out first, in
 * order (node:http alone would drop them); bytes after a `Connection: close` request are ignored once its answer is owed.
 */
function createClientErrorHandler(): (err: Error & { code?: string }, socket: Duplex) => void {
  /** Sockets whose error answer waits for the answers owed before it. */
  const waiting = new WeakSet<Duplex>();
  const onClientError = (err: Error & { code?: string }, socket: Duplex): void => {
    const owed = (socket as HttpSocket)._httpMessage;
    if (owed && !owed.headersSent && owed.req?.complete === true) {
      if (err.code === 'HPE_CLOSED_CONNECTION' || waiting.has(socket)) return; // the owed answer closes, or already waiting
      waiting.add(socket);
      socket.pause();
      const gone = (): void => {
        socket.destroy();
      };
      owed.once('close', gone);
      owed.once('finish', () => {
        owed.off('close', gone);
        waiting.delete(socket);
        onClientError(err, socket);
      });
      return;
    }
    if (err.code !== 'ECONNRESET' && err.code !== 'HPE_CLOSED_CONNECTION' && socket.writable && !owed?.headersSent) socket.write(CLIENT_ERRORS[err.code ?? ''] ?? BAD_REQUEST);
    socket.destroy();
  };
  return onClientError;
}

/** `::ffff:127.0.0.1` → `127.0.0.1`, so IPv4 conditions match as AWS sees them. */
function normalizeIp(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}
