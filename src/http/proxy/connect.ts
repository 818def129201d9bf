/** Proxy mode: terminates HTTPS CONNECT tunnels to AWS hostnames locally and serves them on the same port's server. */
import type * as http from 'node:http';
import type { Duplex } from 'node:stream';
import * as tls from 'node:tls';
import type { CertificateAuthority } from './ca.js';

export interface ProxyModeOptions {
  allowHost?: (host: string, port: number) => boolean;
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

/** Builds the CONNECT handler: locally minted TLS per SNI name for allowed AWS hosts; never opens outbound connections. */
export function createConnectHandler(ca: CertificateAuthority, serve: (tlsSocket: tls.TLSSocket) => void, opts: ProxyModeOptions = {}): ConnectHandler {
  const allow = opts.allowHost ?? isAwsHost;
  const contexts = new Map<string, tls.SecureContext>();
  const contextFor = (name: string): tls.SecureContext => {
    const key = name.toLowerCase();
    let ctx = contexts.get(key);
    if (!ctx) {
      ctx = tls.createSecureContext(ca.certFor(key));
      if (contexts.size >= 512) {
        const oldest = contexts.keys().next().value;
        if (oldest !== undefined) contexts.delete(oldest);
      }
      contexts.set(key, ctx);
    }
    return ctx;
  };

  return (rawTarget, socket, head) => {
    socket.on('error', () => socket.destroy());
    const target = parseAuthority(rawTarget);
    let ok = false;
    try {
      ok = target !== undefined && allow(target.host, target.port);
    } catch {
      ok = false;
    }
    if (!ok || !target) {
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    let fallback: tls.SecureContext;
    try {
      fallback = contextFor(target.host);
    } catch {
      socket.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head && head.length > 0) socket.unshift(head);
    const tlsSocket = new tls.TLSSocket(socket, {
      isServer: true,
      secureContext: fallback,
      ALPNProtocols: ['http/1.1'],
      SNICallback: (servername, cb) => {
        try {
          const name = servername.toLowerCase();
          if (!allow(name, target.port)) {
            cb(null, fallback);
            return;
          }
          cb(null, contextFor(name));
        } catch (err) {
          cb(err as Error);
        }
      },
    });
    tlsSocket.on('error', () => {
      tlsSocket.destroy();
      socket.destroy();
    });
    tlsSocket.on('close', () => socket.destroy());
    serve(tlsSocket);
  };
}

/** Installs a 'connect' handler on a node:http server that serves the tunnels with that same server. */
export function attachProxyMode(server: http.Server, ca: CertificateAuthority, opts: ProxyModeOptions = {}): void {
  const handle = createConnectHandler(ca, (tlsSocket) => server.emit('connection', tlsSocket), opts);
  server.on('connect', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => handle(req.url, socket, head));
}
