/** kamen's API server: one port for every service, plain HTTP plus proxy mode (CONNECT + TLS per SNI name). */
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { WireResponse } from '../protocol/index.js';
import { createDateHeader, createTurnBatcher, serveConnection, type Http1Options, type Http1Request, type Http1Response } from './http1.js';
import { listen } from './listen.js';
import { handleApiRequest, type PipelineDeps } from './pipeline.js';
import { createConnectHandler, type CertificateAuthority } from './proxy/index.js';

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
  server: net.Server;
  port: number;
  host: string;
  /** http://host:port */
  url: string;
  close(): Promise<void>;
}

/** Starts listening; resolves once the port is bound. */
export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const sockets = new Set<Duplex>();
  const track = (s: Duplex): void => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  };
  // Requests read in the same turn of the event loop are handled together (see createTurnBatcher).
  const http1: Http1Options = { maxBodyBytes: MAX_BODY_BYTES, date: createDateHeader(), schedule: createTurnBatcher() };
  /** Serves one connection: plain, or a proxy-mode TLS tunnel (aws:SecureTransport true). */
  const serve = (socket: net.Socket | TLSSocket, secure: boolean): void => {
    track(socket);
    const conn = { sourceIp: normalizeIp(socket.remoteAddress ?? ''), secureTransport: secure };
    serveConnection(socket, (req) => answer(opts.pipeline, req, conn), http1);
  };
  if (opts.ca) http1.onConnect = createConnectHandler(opts.ca, (tlsSocket) => serve(tlsSocket, true));
  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) => serve(socket, false));
  const bound = await listen(server, opts.host, opts.port, () => {
    for (const s of sockets) s.destroy();
  });
  return { server, host: opts.host, ...bound };
}

/** One request through the API pipeline; the health check and a 404 for anything no service claims. */
async function answer(deps: PipelineDeps, req: Http1Request, conn: { sourceIp: string; secureTransport: boolean }): Promise<Http1Response> {
  const url = req.target;
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? '' : url.slice(q + 1);
  try {
    const out: WireResponse | undefined = await handleApiRequest(deps, { method: req.method, path, query, headers: req.headers, body: req.body, host: req.headers['host'] }, conn);
    if (out) return out;
  } catch (err) {
    deps.log?.({ level: 'error', msg: 'request failed', err: String((err as Error)?.stack ?? err) });
    return { status: 500, headers: { 'content-type': 'text/plain' }, body: 'Internal Server Error\n' };
  }
  if (req.method === 'GET' && (path === '/' || path === '/health')) {
    return { status: 200, headers: { 'content-type': 'application/json' }, body: '{"service":"kamen","status":"ok"}' };
  }
  return { status: 404, headers: { 'content-type': 'text/plain' }, body: 'kamen: no service for this request\n' };
}

/** `::ffff:127.0.0.1` → `127.0.0.1`, so IPv4 conditions match as AWS sees them. */
function normalizeIp(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}
