/**
 * Differential HTTP test: the same malformed or hostile byte streams go to kamen's API port and to a bare node:http
 * server configured with the same limits; kamen must answer (or close) exactly as node:http does. Also: deadlines
 * (slowloris), and a body of many tiny chunks that must not hold up other connections.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { openKamen, type Kamen } from '../../src/app.js';
import { applyServerLimits, DEFAULT_LIMITS, httpServerOptions, startServer, type HttpLimits, type RunningServer } from '../../src/http/server.js';
import { listen, type Listening } from '../../src/http/listen.js';
import { readVectors } from '../helpers/paths.js';
import { bytesOf, exchange, parseResponses } from './raw-client.js';

interface Case {
  name: string;
  raw: Array<string | { repeat: string; times: number }>;
  expect: number;
}

const LIMITS: HttpLimits = { ...DEFAULT_LIMITS, maxHeaderBytes: 4096, headersTimeoutMs: 400, requestTimeoutMs: 800, keepAliveTimeoutMs: 5_000, checkIntervalMs: 100 };

let kamen: Kamen;
let api: RunningServer;
let bare: Listening;

before(async () => {
  kamen = await openKamen({ dataDir: ':memory:', withCa: false, log: () => {} });
  api = await startServer({ host: '127.0.0.1', port: 0, pipeline: kamen.pipeline, limits: LIMITS });
  const server = http.createServer(httpServerOptions(LIMITS), (req, res) => {
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  applyServerLimits(server, LIMITS);
  bare = await listen(server, '127.0.0.1', 0);
});
after(async () => {
  await api.close();
  await bare.close();
  await kamen.close();
});

/** The first final answer's status (0 when the server closed without one) and whether the connection closed. */
async function outcome(port: number, bytes: Buffer): Promise<{ status: number; closed: boolean }> {
  const r = await exchange(port, [bytes], { answers: 1, closed: true });
  return { status: r.answers.find((a) => a.status >= 200)?.status ?? 0, closed: r.closed };
}

const { cases } = readVectors<{ cases: Case[] }>('http', 'malformed.json');

for (const c of cases) {
  test(`differential: ${c.name}`, { timeout: 20_000 }, async () => {
    const bytes = bytesOf(c.raw);
    const fromBare = await outcome(bare.port, bytes);
    const fromKamen = await outcome(api.port, bytes);
    assert.deepEqual(fromBare, { status: c.expect, closed: true }, 'node:http itself answers as recorded');
    assert.deepEqual(fromKamen, fromBare, 'kamen answers as node:http does');
  });
}

/** Sends `head` then one more byte of `drip` at a time (each after the previous write drained) until the server closes. */
function slowSend(port: number, head: string, drip: string): Promise<{ answers: number[]; closed: boolean }> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    const got: Buffer[] = [];
    let i = 0;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      sock.destroy();
      resolve({ answers: parseResponses(Buffer.concat(got)).map((a) => a.status), closed: true });
    };
    const next = (): void => {
      if (done || sock.destroyed) return;
      sock.write(drip[i++ % drip.length]!, () => setTimeout(next, 20));
    };
    sock.on('data', (d: Buffer) => got.push(d));
    sock.on('end', finish);
    sock.on('close', finish);
    sock.on('error', finish);
    sock.on('connect', () => sock.write(head, next));
  });
}

test('differential: slowloris (a head that never ends) is cut off with 408 by both', { timeout: 30_000 }, async () => {
  const head = 'GET / HTTP/1.1\r\nHost: x\r\n';
  const drip = 'X-Slow: aaaaaaaa\r\n';
  const fromBare = await slowSend(bare.port, head, drip);
  const fromKamen = await slowSend(api.port, head, drip);
  assert.deepEqual(fromBare, { answers: [408], closed: true });
  assert.deepEqual(fromKamen, fromBare);
});

test('differential: a body that never ends is cut off with 408 by both', { timeout: 30_000 }, async () => {
  const head = 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n';
  const fromBare = await slowSend(bare.port, head, 'a');
  const fromKamen = await slowSend(api.port, head, 'a');
  assert.deepEqual(fromBare, { answers: [408], closed: true });
  assert.deepEqual(fromKamen, fromBare);
});

test('server: a body of 1,000,000 tiny chunks is read whole while another connection is answered first', { timeout: 60_000 }, async () => {
  const tiny = bytesOf([
    'POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n',
    '10\r\nAction=Tiny&Pad=\r\n',
    { repeat: '1\r\na\r\n', times: 1_000_000 },
    '0\r\n\r\n',
  ]);
  // The production deadlines: the upload itself may take longer than this file's short test deadlines.
  const server = await startServer({ host: '127.0.0.1', port: 0, pipeline: kamen.pipeline });
  const order: string[] = [];
  // The tiny-chunk upload is written in one go; the health check is sent right after it on another connection.
  const big = exchange(server.port, [tiny], { answers: 1, closed: false }).then((r) => {
    order.push('tiny');
    return r;
  });
  await new Promise((r) => setImmediate(r));
  const health = await exchange(server.port, [Buffer.from('GET /health HTTP/1.1\r\nHost: x\r\n\r\n')], { answers: 1, closed: false });
  order.push('health');
  const r = await big;
  await server.close();
  assert.deepEqual(health.answers.map((a) => a.status), [200]);
  assert.deepEqual(order, ['health', 'tiny'], 'the other connection was answered while the chunks were being read');
  assert.match(r.answers[0]!.body, /Could not find operation Tiny</);
});
