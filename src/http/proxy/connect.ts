/** Proxy mode: terminates HTTPS CONNECT tunnels to AWS hostnames locally and serves them on the same port's server. */
import type * as http from 'node:http';
import type { Duplex } from 'node:stream';
import * as tls from 'node:tls';
import { servesHost } from '../route.js';
import type { CertificateAuthority } from './ca.js';
import { createLru } from './lru.js';

export interface ProxyModeOptions {
  /** Which CONNECT targets are AWS endpoints at all (others: 403); default isAwsHost. */
  allowHost?: (host: string, port: number) => boolean;
  /** Which AWS hosts kamen serves (others: 502 naming the host); default: the services in route.ts. */
  servesHost?: (host: string) => boolean;
  /** Most TLS contexts kept, one per name (least recently used dropped first); default 512. */
  maxContexts?: number;
}

/** Default policy: only *.amazonaws.com and *.api.aws on port 443. */
export function isAwsHost(host: string, port: number): boolean {
  if (port !== 443) return false;
  const h = host.toLowerCase();
  return (h.endsWith('.amazonaws.com') || h.endsWith('.api.aws')) && /^[a-z0-9.-]+$/.test(h);
}

function parseAuthority(target: string | undefined): { host: string; port: number } | undefined {
  if (!target) return undefined;
  const m = /^([A-Za-z0-9.-]+):(\d{1,5})$/.exec(target);
  if (!m) return undefined;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return undefined;
  return { host: m[1]!.toLowerCase(), port };
}

/** Handles one CONNECT: `target` is host:port; an allowed AWS host gets a local TLS endpoint that `serve` answers on. */
export type ConnectHandler = (target: string | undefined, socket: Duplex, head: Buffer) => void;

/**
 * Builds the CONNECT handler: locally minted TLS per SNI name for the AWS hosts kamen serves; never opens outbound
 * connections. Certificates are minted off the event loop (see ca.ts), so a burst of new names stalls no other client.
 */
export function createConnectHandler(ca: CertificateAuthority, serve: (tlsSocket: tls.TLSSocket) => void, opts: ProxyModeOptions = {}): ConnectHandler {
  const allow = opts.allowHost ?? isAwsHost;
  const serves = opts.servesHost ?? servesHost;
  const contexts = createLru<Promise<tls.SecureContext>>(opts.maxContexts ?? 512);
  const contextFor = (name: string): Promise<tls.SecureContext> => {
    const key = name.toLowerCase();
    let ctx = contexts.get(key);
    if (!ctx) {
      ctx = ca.certFor(key).then((pair) => tls.createSecureContext(pair));
      contexts.set(key, ctx);
      ctx.catch(() => contexts.delete(key));
    }
    return ctx;
  };

  return (rawTarget, socket, head) => {
    socket.on('error', () => socket.destroy());
    const target = parseAuthority(rawTarget);
    let ok = false;
    let served = false;
    try {
      ok = target !== undefined && allow(target.host, target.port);
      served = ok && serves(target!.host);
    } catch {
      ok = false;
    }
    if (!ok || !target) {
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    if (!served) {
      refuse(socket, `kamen does not serve ${target.host}: proxy mode answers only the AWS services kamen implements\n`);
      return;
    }
    contextFor(target.host).then(
      (fallback) => {
        if (socket.destroyed) return;
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (head && head.length > 0) socket.unshift(head);
        const tlsSocket = new tls.TLSSocket(socket, {
          isServer: true,
          secureContext: fallback,
          ALPNProtocols: ['http/1.1'],
          SNICallback: (servername, cb) => {
            const name = servername.toLowerCase();
            let use: Promise<tls.SecureContext>;
            try {
              use = allow(name, target.port) && serves(name) ? contextFor(name) : Promise.resolve(fallback);
            } catch (err) {
              use = Promise.reject(err);
            }
            use.then((ctx) => cb(null, ctx), (err: Error) => cb(err));
          },
        });
        tlsSocket.on('error', () => {
          tlsSocket.destroy();
          socket.destroy();
        });
        tlsSocket.on('close', () => socket.destroy());
        serve(tlsSocket);
      },
      () => refuse(socket, `kamen could not make a certificate for ${target.host}\n`),
    );
  };
}

/** Answers a CONNECT with 502 and a one-line reason, then closes. */
function refuse(socket: Duplex, reason: string): void {
  if (socket.destroyed) return;
  socket.end(`HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(reason)}\r\nConnection: close\r\n\r\n${reason}`);
}

/** Installs a 'connect' handler on a node:http server that serves the tunnels with that same server. */
export function attachProxyMode(server: http.Server, ca: CertificateAuthority, opts: ProxyModeOptions = {}): void {
  const handle = createConnectHandler(ca, (tlsSocket) => server.emit('connection', tlsSocket), opts);
  server.on('connect', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => handle(req.url, socket, head));
}
