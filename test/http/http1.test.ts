/** The API port's own HTTP/1.1 server: framing, pipelining order, keep-alive and close, limits, Expect, errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { createTurnBatcher, serializeResponse, serveConnection, type Http1Options, type Http1Request, type Http1Response } from '../../src/http/http1.js';
import { readVectors } from '../helpers/paths.js';

interface Case {
  name: string;
  raw: string;
  statuses: number[];
  closed: boolean;
  seen: Array<{ method: string; target: string; body: string; headers?: Record<string, string> }>;
}

/** A server on a free loopback port whose connections `serveConnection` answers with `handler`. */
async function serve(handler: (req: Http1Request) => Promise<Http1Response>, opts: Http1Options = {}): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: true }, (s) => {
    sockets.add(s);
    serveConnection(s, handler, { maxBodyBytes: 64, maxHeaderBytes: 512, ...opts });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  };
}

/** Parses a stream of responses into status codes and bodies (Content-Length framed). */
function responses(bytes: Buffer): Array<{ status: number; headers: Record<string, string>; body: string }> {
  const out: Array<{ status: number; headers: Record<string, string>; body: string }> = [];
  let rest = bytes;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) return out;
    const lines = rest.subarray(0, end).toString('latin1').split('\r\n');
    const headers: Record<string, string> = {};
    for (const l of lines.slice(1)) headers[l.slice(0, l.indexOf(':')).toLowerCase()] = l.slice(l.indexOf(':') + 1).trim();
    const len = Number(headers['content-length'] ?? 0);
    out.push({ status: Number(lines[0]!.split(' ')[1]), headers, body: rest.subarray(end + 4, end + 4 + len).toString() });
    rest = rest.subarray(end + 4 + len);
  }
}

/** Sends `chunks` (with a pause between them) and collects what comes back until the server closes or `waitMs` passes. */
function exchange(port: number, chunks: Array<string | Buffer>, waitMs = 300): Promise<{ data: Buffer; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    const got: Buffer[] = [];
    let closed = false;
    sock.on('data', (d) => got.push(d));
    sock.on('end', () => {
      closed = true;
      sock.end();
    });
    sock.on('error', reject);
    sock.on('connect', async () => {
      for (const c of chunks) {
        sock.write(c);
        await new Promise((r) => setTimeout(r, 2));
      }
      setTimeout(() => {
        sock.destroy();
        resolve({ data: Buffer.concat(got), closed });
      }, waitMs);
    });
  });
}

const echo = (seen: Http1Request[]) => async (req: Http1Request): Promise<Http1Response> => {
  seen.push(req);
  return { status: 200, headers: { 'content-type': 'text/plain' }, body: `${req.method} ${req.target} ${req.body.length}` };
};

const { cases } = readVectors<{ cases: Case[] }>('http', 'http1-requests.json');

for (const c of cases) {
  for (const delivery of ['at once', 'byte by byte', 'at once, turn-batched'] as const) {
    test(`http1: ${c.name} (${delivery})`, async () => {
      const seen: Http1Request[] = [];
      const s = await serve(echo(seen), delivery.endsWith('turn-batched') ? { schedule: createTurnBatcher() } : {});
      try {
        const raw = Buffer.from(c.raw, 'latin1');
        const chunks = delivery === 'byte by byte' ? [...raw].map((b) => Buffer.from([b])) : [raw];
        const r = await exchange(s.port, chunks, delivery === 'byte by byte' ? 300 : 200);
        const got = responses(r.data);
        assert.deepEqual(got.map((g) => g.status), c.statuses);
        assert.equal(r.closed, c.closed, 'connection closed');
        assert.deepEqual(seen.map((q) => ({ method: q.method, target: q.target, body: q.body.toString('latin1'), ...(c.seen.find((x) => x.target === q.target)?.headers ? { headers: Object.fromEntries(Object.keys(c.seen.find((x) => x.target === q.target)!.headers!).map((k) => [k, q.headers[k]])) } : {}) })), c.seen);
        for (const g of got) {
          assert.ok(g.headers['date'], 'every answer has a Date');
          assert.equal(g.headers['connection'], g === got[got.length - 1] && c.closed ? 'close' : 'keep-alive');
        }
      } finally {
        await s.close();
      }
    });
  }
}

/** A socket stand-in: the test pushes bytes in with `data` and reads what was written. */
class FakeSocket extends EventEmitter {
  writable = true;
  written = '';
  write(b: Buffer | string): boolean {
    this.written += b.toString();
    return true;
  }
  end(b?: Buffer | string): void {
    if (b) this.write(b);
  }
  pause(): void {}
  resume(): void {}
  destroy(): void {}
}

test('http1: with a turn batcher, requests read in one turn on several connections are handled together, each in order', async () => {
  const handled: string[] = [];
  const schedule = createTurnBatcher();
  const a = new FakeSocket();
  const b = new FakeSocket();
  const handler = async (req: Http1Request): Promise<Http1Response> => {
    handled.push(req.target);
    return { status: 200, headers: {}, body: req.target };
  };
  serveConnection(a as unknown as Duplex, handler, { schedule });
  serveConnection(b as unknown as Duplex, handler, { schedule });
  a.emit('data', Buffer.from('GET /a1 HTTP/1.1\r\nHost: x\r\n\r\nGET /a2 HTTP/1.1\r\nHost: x\r\n\r\n'));
  b.emit('data', Buffer.from('GET /b1 HTTP/1.1\r\nHost: x\r\n\r\n'));
  assert.deepEqual(handled, [], 'no handler runs while sockets are still being read');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(handled, ['/a1', '/a2', '/b1'], 'all three ran in the same turn, in arrival order');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(responses(Buffer.from(a.written)).map((g) => g.body), ['/a1', '/a2']);
  assert.deepEqual(responses(Buffer.from(b.written)).map((g) => g.body), ['/b1']);
});

test('http1: a handler that throws at once is a 500 and does not stop the rest of its turn', async () => {
  const schedule = createTurnBatcher();
  const a = new FakeSocket();
  const b = new FakeSocket();
  const handler = (req: Http1Request): Promise<Http1Response> => {
    if (req.target === '/boom') throw new Error('boom');
    return Promise.resolve({ status: 200, headers: {}, body: req.target });
  };
  serveConnection(a as unknown as Duplex, handler, { schedule });
  serveConnection(b as unknown as Duplex, handler, { schedule });
  a.emit('data', Buffer.from('GET /boom HTTP/1.1\r\nHost: x\r\n\r\n'));
  b.emit('data', Buffer.from('GET /ok HTTP/1.1\r\nHost: x\r\n\r\n'));
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
  assert.deepEqual(responses(Buffer.from(a.written)).map((g) => g.status), [500]);
  assert.deepEqual(responses(Buffer.from(b.written)).map((g) => g.body), ['/ok']);
});

test('http1: answers leave in request order even when a later one finishes first', async () => {
  const s = await serve(async (req) => {
    if (req.target === '/slow') await new Promise((r) => setTimeout(r, 50));
    return { status: req.target === '/slow' ? 201 : 202, headers: {}, body: req.target };
  });
  try {
    const r = await exchange(s.port, ['GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /fast HTTP/1.1\r\nHost: x\r\n\r\n'], 200);
    assert.deepEqual(responses(r.data).map((g) => g.body), ['/slow', '/fast']);
  } finally {
    await s.close();
  }
});

test('http1: Expect: 100-continue gets "100 Continue" before the body is sent', async () => {
  const seen: Http1Request[] = [];
  const s = await serve(echo(seen));
  try {
    const sock = net.connect(s.port, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    sock.write('POST /e HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n');
    const interim = await new Promise<string>((r) => sock.once('data', (d) => r(d.toString())));
    assert.equal(interim, 'HTTP/1.1 100 Continue\r\n\r\n');
    sock.write('body');
    const final = await new Promise<string>((r) => sock.once('data', (d) => r(d.toString())));
    assert.match(final, /^HTTP\/1\.1 200 OK\r\n/);
    assert.equal(seen[0]!.body.toString(), 'body');
    sock.destroy();
  } finally {
    await s.close();
  }
});

test('http1: a request head over the limit is 431; a throwing handler is a 500, never a crash', async () => {
  const s = await serve(async (req) => {
    if (req.target === '/boom') throw new Error('boom');
    return { status: 200, headers: {}, body: 'ok' };
  });
  try {
    const big = await exchange(s.port, [`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(600)}\r\n\r\n`]);
    assert.deepEqual(responses(big.data).map((g) => g.status), [431]);
    assert.equal(big.closed, true);
    const boom = await exchange(s.port, ['GET /boom HTTP/1.1\r\nHost: x\r\n\r\nGET /after HTTP/1.1\r\nHost: x\r\n\r\n']);
    assert.deepEqual(responses(boom.data).map((g) => g.status), [500, 200]);
  } finally {
    await s.close();
  }
});

test('http1: HEAD answers carry the length but no body', async () => {
  const s = await serve(async () => ({ status: 200, headers: {}, body: 'twelve bytes' }));
  try {
    const r = await exchange(s.port, ['HEAD / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n']);
    const text = r.data.toString();
    assert.equal((text.match(/content-length: 12/g) ?? []).length, 2);
    assert.ok(text.endsWith('\r\n\r\ntwelve bytes'), 'only the GET has a body');
  } finally {
    await s.close();
  }
});

test('http1: an answer is its head (latin1) then its body (UTF-8), whichever way it is assembled', () => {
  const cases: Array<[Http1Response, boolean]> = [
    [{ status: 200, headers: { 'content-type': 'text/xml' }, body: '<a>日本語 ü</a>' }, false],
    [{ status: 200, headers: { 'x-amz-meta-name': 'caf\u00e9' }, body: '<a>日本語 ü</a>' }, false],
    [{ status: 403, headers: {}, body: Buffer.from([0, 255, 10]) }, true],
    [{ status: 204, headers: {}, body: '' }, false],
  ];
  for (const [res, close] of cases) {
    const body = typeof res.body === 'string' ? Buffer.from(res.body, 'utf8') : res.body;
    let head = `HTTP/1.1 ${res.status} ${res.status === 200 ? 'OK' : res.status === 403 ? 'Forbidden' : 'Unknown'}\r\n`;
    for (const [k, v] of Object.entries(res.headers)) head += `${k}: ${v}\r\n`;
    head += `date: D\r\ncontent-length: ${body.length}\r\nconnection: ${close ? 'close' : 'keep-alive'}\r\n\r\n`;
    assert.deepEqual(serializeResponse(res, close, 'D'), Buffer.concat([Buffer.from(head, 'latin1'), body]));
    assert.deepEqual(serializeResponse(res, close, 'D', true), Buffer.from(head, 'latin1'), 'HEAD: the head alone');
  }
});
