/** A tiny node:http server that runs requests through a codec, for SDK round-trip tests. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Codec, WireRequest } from '../../src/protocol/index.js';

export interface Recorded {
  operation?: string;
  input?: Record<string, unknown>;
  raw?: WireRequest;
}

/** Starts a server on a free loopback port: parse with `codec`, answer with `handler`'s output or error. */
export async function startCodecServer(codec: Codec, handler: (op: string, input: Record<string, unknown>) => unknown): Promise<{ endpoint: string; last: Recorded; close(): Promise<void> }> {
  const last: Recorded = {};
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const wire: WireRequest = { method: req.method ?? 'GET', query: q === -1 ? '' : url.slice(q + 1), headers: req.headers, body: Buffer.concat(chunks) };
      last.raw = wire;
      last.operation = undefined;
      last.input = undefined;
      const requestId = 'c0ffee00-0000-4000-8000-000000000001';
      let out;
      try {
        const op = codec.operationName(wire);
        last.operation = op;
        const input = codec.parseInput(op ?? '', wire);
        last.input = input;
        out = codec.renderResult(op!, handler(op!, input), requestId);
      } catch (err) {
        out = codec.renderError(err, requestId);
      }
      res.writeHead(out.status, out.headers);
      res.end(out.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    last,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Client options pointing an SDK v3 client at the harness. */
export function clientConfig(endpoint: string) {
  return { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' }, maxAttempts: 1 };
}

/** Builds a WireRequest from a form body (POST). */
export function formRequest(body: string, headers: Record<string, string> = {}): WireRequest {
  return { method: 'POST', query: '', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', ...headers }, body: Buffer.from(body) };
}
