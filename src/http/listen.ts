/** Binds a server to host:port and hands back what callers need: the bound port, its URL, and close(). */
import type http from 'node:http';
import type net from 'node:net';

export interface Listening {
  port: number;
  /** http://host:port (IPv6 hosts bracketed). */
  url: string;
  /** Stops accepting and drops open connections. */
  close(): Promise<void>;
}

/** Resolves once `server` listens on host:port (port 0 picks a free one); `dropConnections` ends the open ones on close. */
export async function listen(server: net.Server, host: string, port: number, dropConnections: () => void = () => (server as http.Server).closeAllConnections()): Promise<Listening> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as net.AddressInfo).port;
  const hostForUrl = host.includes(':') ? `[${host}]` : host;
  return {
    port: bound,
    url: `http://${hostForUrl}:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        dropConnections();
      }),
  };
}
