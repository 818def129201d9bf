/**
 * Shared pieces of the scale benches: a kamen server child (SQLite or PostgreSQL) with its cold start, SigV4-signed
 * Query requests, keep-alive client connections, a closed-loop driver with latency percentiles, RSS from /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Access key credentials. */
export interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** A running kamen child. */
export interface KamenChild {
  child: ChildProcess;
  port: number;
  pid: number;
  boot: { accessKeyId: string; secretAccessKey: string; managementAccountId: string };
  /** Milliseconds from spawn to listening. */
  listenMs: number;
  stop(): Promise<void>;
}

/** Starts scale-server.js on `dataDir` (and `storeUrl`, and extra environment such as BENCH_EVENT_RETENTION_DAYS); resolves once it listens. */
export function startKamen(dataDir: string, storeUrl?: string, env: Record<string, string> = {}): Promise<KamenChild> {
  const started = performance.now();
  const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const flags = process.env.BENCH_NODE_FLAGS ? process.env.BENCH_NODE_FLAGS.split(' ') : [];
  const child = spawn(process.execPath, [...prof, ...flags, path.join(here, 'scale-server.js')], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env, BENCH_DATA_DIR: dataDir, BENCH_STORE_URL: storeUrl ?? '' },
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      const info = JSON.parse(out.slice(0, nl)) as { port: number; boot: KamenChild['boot'] };
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      resolve({
        child,
        port: info.port,
        pid: child.pid!,
        boot: info.boot,
        listenMs: performance.now() - started,
        stop: async () => {
          child.kill('SIGTERM');
          await exited;
        },
      });
    });
    child.on('error', reject);
    child.once('exit', (code) => reject(new Error(`kamen child exited ${code}`)));
  });
}

/** A raw SigV4-signed HTTP/1.1 Query request (replayable within the signature's 15-minute window). */
export async function signedQuery(port: number, service: string, body: string, creds: Creds): Promise<Buffer> {
  const signer = new SignatureV4({ service, region: 'us-east-1', credentials: creds, sha256: Sha256 });
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port,
    path: '/',
    query: {},
    headers: { host: `127.0.0.1:${port}`, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body,
  });
  let head = 'POST / HTTP/1.1\r\n';
  for (const [k, v] of Object.entries(signed.headers)) head += `${k}: ${v}\r\n`;
  head += `content-length: ${Buffer.byteLength(body)}\r\n\r\n`;
  return Buffer.from(head + body);
}

/** One keep-alive connection sending one request at a time. */
export class Conn {
  private sock: net.Socket;
  private buf: Buffer = Buffer.alloc(0);
  private waiting: ((r: { status: number; body: string }) => void) | undefined;
  private failed: ((e: Error) => void) | undefined;

  constructor(port: number) {
    this.sock = net.connect(port, '127.0.0.1');
    this.sock.setNoDelay(true);
    this.sock.on('data', (c: Buffer) => this.onData(c));
    this.sock.on('error', (e) => this.failed?.(e));
  }

  private onData(c: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, c]) : c;
    const headEnd = this.buf.indexOf('\r\n\r\n');
    if (headEnd < 0) return;
    const head = this.buf.subarray(0, headEnd).toString('latin1');
    const m = /content-length:\s*(\d+)/i.exec(head);
    const len = m ? Number(m[1]) : 0;
    if (this.buf.length < headEnd + 4 + len) return;
    const body = this.buf.subarray(headEnd + 4, headEnd + 4 + len).toString();
    this.buf = this.buf.subarray(headEnd + 4 + len);
    const w = this.waiting;
    this.waiting = undefined;
    w?.({ status: Number(head.slice(9, 12)), body });
  }

  /** Sends `req` and resolves with the answer's status and body. */
  send(req: Buffer): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.failed = reject;
      this.sock.write(req);
    });
  }

  close(): void {
    this.sock.end();
  }
}

/** Sends one request on a fresh connection. */
export async function once(port: number, req: Buffer): Promise<{ status: number; body: string }> {
  const c = new Conn(port);
  try {
    return await c.send(req);
  } finally {
    c.close();
  }
}

/** The text of the first <tag> in an XML answer. */
export function xmlValue(xml: string, tag: string): string {
  const m = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml);
  if (!m) throw new Error(`no <${tag}> in ${xml.slice(0, 300)}`);
  return m[1]!;
}

/** What a closed-loop run measured. */
export interface LoopResult {
  ops: number;
  seconds: number;
  opsPerSecond: number;
  errors: number;
  p50: number;
  p99: number;
  firstError?: string;
}

/** The q-quantile (0..1) of `xs`. */
export function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

/**
 * `clients` connections, each running `op(conn, client, seq)` back to back for `seconds` (an op may send several
 * requests; its latency is each request's, recorded through `time`). Optional `pace` waits before each op (rate limit).
 */
export async function closedLoop(
  port: number,
  clients: number,
  seconds: number,
  op: (send: (req: Buffer) => Promise<{ status: number; body: string }>, client: number, seq: number) => Promise<void>,
  pace?: () => Promise<void>,
): Promise<LoopResult> {
  const lat: number[] = [];
  let ops = 0;
  let errors = 0;
  let firstError: string | undefined;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      const conn = new Conn(port);
      const send = async (req: Buffer): Promise<{ status: number; body: string }> => {
        const t = performance.now();
        const r = await conn.send(req);
        lat.push(performance.now() - t);
        ops++;
        if (r.status !== 200) {
          errors++;
          firstError ??= `${r.status} ${r.body.slice(0, 200)}`;
        }
        return r;
      };
      try {
        for (let seq = 0; performance.now() < deadline; seq++) {
          if (pace) await pace();
          await op(send, client, seq);
        }
      } finally {
        conn.close();
      }
    }),
  );
  const secs = (performance.now() - started) / 1000;
  return { ops, seconds: secs, opsPerSecond: ops / secs, errors, p50: quantile(lat, 0.5), p99: quantile(lat, 0.99), ...(firstError ? { firstError } : {}) };
}

/** Resident set size of a process in MiB, from /proc (Linux); NaN elsewhere. */
export function rssMiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'latin1'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** Bytes under `dir` (files only). */
export function dirBytes(dir: string): number {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) total += dirBytes(p);
    else if (e.isFile()) total += fs.statSync(p).size;
  }
  return total;
}

/** Signs a call with `creds` and checks it answered 200; returns the body. */
export async function call(port: number, service: string, body: string, creds: Creds): Promise<string> {
  const r = await once(port, await signedQuery(port, service, body, creds));
  if (r.status !== 200) throw new Error(`${body.slice(0, 80)}: ${r.status} ${r.body.slice(0, 300)}`);
  return r.body;
}
