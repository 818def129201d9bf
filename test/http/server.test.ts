/** The API port on node:http: framing, pipelining order, keep-alive and close, body limits, Expect, no-Host, errors. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { openKamen, type Kamen } from '../../src/app.js';
import { createTurnBatcher, startServer, type RunningServer } from '../../src/http/server.js';
import { readVectors } from '../helpers/paths.js';
import { bytesOf, exchange } from './raw-client.js';

interface Case {
  name: string;
  raw: string;
  statuses: number[];
  closed: boolean;
  echoes: string[];
}

let kamen: Kamen;
let server: RunningServer;

before(async () => {
  kamen = await openKamen({ dataDir: ':memory:', withCa: false, log: () => {} });
  server = await startServer({ host: '127.0.0.1', port: 0, pipeline: kamen.pipeline });
});
after(async () => {
  await server.close();
  await kamen.close();
});

const { cases } = readVectors<{ cases: Case[] }>('http', 'server-requests.json');

for (const c of cases) {
  for (const delivery of ['at once', 'byte by byte'] as const) {
    test(`server: ${c.name} (${delivery})`, { timeout: 20_000 }, async () => {
      const raw = Buffer.from(c.raw, 'latin1');
      const chunks = delivery === 'byte by byte' ? [...raw].map((b) => Buffer.from([b])) : [raw];
      const r = await exchange(server.port, chunks, { answers: c.statuses.length, closed: c.closed });
      assert.deepEqual(r.answers.map((a) => a.status), c.statuses, r.raw.toString('latin1').slice(0, 400));
      assert.equal(r.closed, c.closed, 'connection closed');
      const echoed = r.answers.map((a) => /Could not find operation ([^<]*)</.exec(a.body)?.[1]).filter((x) => x !== undefined);
      assert.deepEqual(echoed, c.echoes);
      for (const a of r.answers) if (a.headers['content-type']?.includes('xml')) assert.ok(a.headers['date'], 'answers carry a Date');
    });
  }
}

test('server: answers leave in request order across a pipelined burst of 64', async () => {
  const reqs: string[] = [];
  for (let i = 0; i < 64; i++) {
    const body = `Action=Op${i}`;
    reqs.push(`POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
  }
  const r = await exchange(server.port, [Buffer.from(reqs.join(''))], { answers: 64, closed: false });
  assert.deepEqual(r.answers.map((a) => /Could not find operation ([^<]*)</.exec(a.body)?.[1]), reqs.map((_, i) => `Op${i}`));
});

test('server: Expect: 100-continue gets "100 Continue" before the body is sent; over the limit gets 413 instead', async () => {
  const sock = net.connect(server.port, '127.0.0.1');
  await new Promise((r) => sock.once('connect', r));
  sock.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nExpect: 100-continue\r\nContent-Length: 13\r\n\r\n');
  const interim = await new Promise<string>((r) => sock.once('data', (d) => r(d.toString())));
  assert.equal(interim, 'HTTP/1.1 100 Continue\r\n\r\n');
  sock.write('Action=AfterC');
  const final = await new Promise<string>((r) => sock.once('data', (d) => r(d.toString())));
  assert.match(final, /^HTTP\/1\.1 400 Bad Request\r\n/);
  assert.match(final, /Could not find operation AfterC/);
  sock.destroy();
  const big = await exchange(server.port, [Buffer.from('POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3000000\r\n\r\n')], { answers: 1, closed: true });
  assert.deepEqual(big.answers.map((a) => a.status), [413], 'no 100 Continue for a body over the limit');
});

test('server: a chunked body over the 2 MiB limit is 413 and closes; just under is read whole', { timeout: 30_000 }, async () => {
  const head = 'POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n';
  const piece = 64 * 1024;
  const over = bytesOf([head, ...Array.from({ length: 33 }, () => `${piece.toString(16)}\r\n${'a'.repeat(piece)}\r\n`), '0\r\n\r\n']);
  const r = await exchange(server.port, [over], { answers: 1, closed: true });
  assert.deepEqual(r.answers.map((a) => a.status), [413]);
  assert.equal(r.closed, true);
  const action = 'Action=Near&Pad=';
  const pad = 2 * 1024 * 1024 - action.length;
  const under = bytesOf([head, `${action.length.toString(16)}\r\n${action}\r\n`, `${pad.toString(16)}\r\n`, { repeat: 'b', times: pad }, '\r\n0\r\n\r\n']);
  const ok = await exchange(server.port, [under], { answers: 1, closed: false });
  assert.deepEqual(ok.answers.map((a) => a.status), [400]);
  assert.match(ok.answers[0]!.body, /Could not find operation Near</);
});

test('server: HEAD carries the length but no body; GET / and /health are the health check', async () => {
  const head = await exchange(server.port, [Buffer.from('HEAD /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')], { answers: 0, closed: true });
  const text = head.raw.toString('latin1');
  assert.match(text, /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(text, /content-length: 33\r\n/i);
  assert.ok(text.endsWith('\r\n\r\n'), 'HEAD has no body');
  for (const path of ['/', '/health']) {
    const r = await exchange(server.port, [Buffer.from(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`)], { answers: 1, closed: false });
    assert.deepEqual(r.answers.map((a) => [a.status, a.body]), [[200, '{"service":"kamen","status":"ok"}']]);
  }
});

test('server: a connection that is reset mid-request does not stop the server', async () => {
  for (let i = 0; i < 5; i++) {
    const s = net.connect(server.port, '127.0.0.1');
    await new Promise((r) => s.once('connect', r));
    s.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc');
    s.resetAndDestroy();
  }
  const r = await exchange(server.port, [Buffer.from('GET /health HTTP/1.1\r\nHost: x\r\n\r\n')], { answers: 1, closed: false });
  assert.deepEqual(r.answers.map((a) => a.status), [200]);
});

test('server: with a connection cap, connections over it are dropped at accept and the others still answered', async () => {
  const capped = await startServer({ host: '127.0.0.1', port: 0, pipeline: kamen.pipeline, limits: { maxConnections: 2 } });
  const open: net.Socket[] = [];
  try {
    for (let i = 0; i < 2; i++) {
      const s = net.connect(capped.port, '127.0.0.1');
      await new Promise((r) => s.once('connect', r));
      // A full answer proves the server accepted and serves this connection.
      s.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
      await new Promise((r) => s.once('data', r));
      open.push(s);
    }
    const third = await exchange(capped.port, [Buffer.from('GET /health HTTP/1.1\r\nHost: x\r\n\r\n')], { answers: 1, closed: true });
    assert.deepEqual(third.answers, [], 'the third connection gets no answer');
    assert.equal(third.closed, true);
    open[0]!.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
    const again = await new Promise<string>((r) => open[0]!.once('data', (d) => r(d.toString())));
    assert.match(again, /^HTTP\/1\.1 200 OK/);
  } finally {
    for (const s of open) s.destroy();
    await capped.close();
  }
});

test('server: the turn batcher runs every task of one turn together, in order, and one throwing stops none', async () => {
  const schedule = createTurnBatcher();
  const ran: string[] = [];
  schedule(() => ran.push('a'));
  schedule(() => {
    throw new Error('boom');
  });
  schedule(() => ran.push('c'));
  assert.deepEqual(ran, [], 'nothing runs while the turn is still reading');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(ran, ['a', 'c']);
});
