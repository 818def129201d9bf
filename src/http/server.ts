/** kamen's HTTP server: one port for every service, plain HTTP plus proxy mode (CONNECT + TLS per SNI name). */
import http from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { WireResponse } from '../protocol/index.js';
import { listen } from './listen.js';
import { handleApiRequest, type PipelineDeps } from './pipeline.js';
import { attachProxyMode, type CertificateAuthority } from './proxy/index.js';

/** Largest request body kamen reads (AWS Query requests are far smaller). */
const MAX_BODY_BYTES = 2 * 1024 * 1024;

export interface ServerOptions {
  host: string;
  port: number;
  pipeline: PipelineDeps;
  /** When given, the port also accepts CONNECT for *.amazonaws.com:443 (proxy mode). */
  ca?: CertificateAuthority;
}

export interface RunningServer {
  server: http.Server;
  port: number;
  host: string;
  /** http://host:port */
  url: string;
  close(): Promise<void>;
}

/** Starts listening; resolves once the port is bound. */
export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const server = http.createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    handle(opts.pipeline, req, res).catch((err) => {
      opts.pipeline.log?.({ level: 'error', msg: 'request failed', err: String(err?.stack ?? err) });
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end();
    });
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  if (opts.ca) attachProxyMode(server, opts.ca);
  const bound = await listen(server, opts.host, opts.port);
  return { server, host: opts.host, ...bound };
}

async function handle(deps: PipelineDeps, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const body = await readBody(req);
  if (body === undefined) {
    res.writeHead(413, { 'content-type': 'text/plain', connection: 'close' });
    res.end('Request Entity Too Large');
    return;
  }
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? '' : url.slice(q + 1);
  const socket = req.socket as TLSSocket;
  const sourceIp = normalizeIp(socket.remoteAddress ?? '');
  const wire = { method: req.method ?? 'GET', path, query, headers: req.headers, body, host: req.headers.host };
  const out = await handleApiRequest(deps, wire, { sourceIp, secureTransport: socket.encrypted === true });
  if (out) return send(res, out);
  if (req.method === 'GET' && (path === '/' || path === '/health')) {
    return send(res, { status: 200, headers: { 'content-type': 'application/json' }, body: '{"service":"kamen","status":"ok"}' });
  }
  send(res, { status: 404, headers: { 'content-type': 'text/plain' }, body: 'kamen: no service for this request\n' });
}

/** Writes a response; answers finished in the same tick leave in one write (the socket is corked until then). */
function send(res: http.ServerResponse, out: WireResponse): void {
  const headers: Record<string, string | number> = { ...out.headers, 'content-length': Buffer.byteLength(out.body) };
  const socket = res.socket;
  socket?.cork();
  res.writeHead(out.status, headers);
  res.end(out.body);
  if (socket) process.nextTick(uncork, socket);
}

function uncork(socket: NonNullable<http.ServerResponse['socket']>): void {
  socket.uncork();
}

function readBody(req: http.IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(tooLarge ? undefined : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** `::ffff:127.0.0.1` → `127.0.0.1`, so IPv4 conditions match as AWS sees them. */
function normalizeIp(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}
