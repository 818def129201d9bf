/**
 * S3 benchmark: GetObject and PutObject of a 1 MiB object against kamen, next to a bare node:http server streaming the
 * same file from the same disk (and, for PUT, writing it as kamen does: temporary file, fsync, rename), each server in
 * its own child process, measured in the same run; prints medians of req/s and MB/s and the ratio. Then: `aws s3 cp`
 * of a 200 MiB file (the kamen child's RSS sampled during the upload, growth over its idle RSS; skipped without an
 * `aws` that honours AWS_ENDPOINT_URL), and ListObjectsV2 over a 100,000-key bucket (keys loaded through the store in
 * transactions; p50 of one 1,000-key page starting at random keys).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, replay } from './load.js';

const here = fileURLToPath(import.meta.url);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const SIZE = 1024 * 1024;
const MiB = 1024 * 1024;
const BUCKET = 'bench-bucket';
/** The `aws s3 cp` upload (MiB). */
const CP_MIB = Number(process.env.BENCH_S3_CP_MIB ?? 200);
/** Keys of the listing bucket, and how many pages are timed. */
const LIST_KEYS = Number(process.env.BENCH_S3_LIST_KEYS ?? 100_000);
const LIST_PAGES = Number(process.env.BENCH_S3_LIST_PAGES ?? 200);
const LIST_BUCKET = 'bench-list-bucket';

/** The i-th key of the listing bucket (sorted order = numeric order). */
const listKey = (i: number): string => `logs/2026/${String(i).padStart(7, '0')}.json`;

/** A header-signed S3 request (UNSIGNED-PAYLOAD), replayable within the signature's 15-minute window. */
function signed(port: number, method: string, p: string, creds: { ak: string; sk: string }, body?: Buffer, query = ''): Buffer {
  const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const date = amzDate.slice(0, 8);
  const host = `127.0.0.1:${port}`;
  const headers: Record<string, string> = { host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'x-amz-date': amzDate };
  const names = Object.keys(headers).sort();
  const canonical = [method, p, query, names.map((n) => `${n}:${headers[n]}\n`).join(''), names.join(';'), 'UNSIGNED-PAYLOAD'].join('\n');
  const scope = `${date}/us-east-1/s3/aws4_request`;
  const sts = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
  let k: Buffer | string = `AWS4${creds.sk}`;
  for (const part of [date, 'us-east-1', 's3', 'aws4_request']) k = createHmac('sha256', k).update(part).digest();
  const sig = createHmac('sha256', k).update(sts).digest('hex');
  headers['authorization'] = `AWS4-HMAC-SHA256 Credential=${creds.ak}/${scope}, SignedHeaders=${names.join(';')}, Signature=${sig}`;
  return raw(method, query ? `${p}?${query}` : p, headers, body);
}

function raw(method: string, p: string, headers: Record<string, string>, body?: Buffer): Buffer {
  let head = `${method} ${p} HTTP/1.1\r\n`;
  for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
  head += `content-length: ${body?.length ?? 0}\r\n\r\n`;
  return body ? Buffer.concat([Buffer.from(head), body]) : Buffer.from(head);
}

/** Child process: `--serve kamen <dir>` (a bucket holding `obj`) or `--serve bare <dir>` (the same bytes in <dir>/obj). */
async function serve(kind: string, dir: string): Promise<void> {
  const data = fs.readFileSync(path.join(dir, 'source'));
  if (kind === 'bare') {
    const file = path.join(dir, 'bare-obj');
    fs.writeFileSync(file, data);
    let n = 0;
    const server = http.createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
      if (req.method === 'GET') {
        res.writeHead(200, { 'content-length': SIZE, 'content-type': 'binary/octet-stream' });
        fs.createReadStream(file, { highWaterMark: 256 * 1024 }).pipe(res);
        return;
      }
      const tmp = path.join(dir, `bare-tmp-${n++}`);
      const out = fs.createWriteStream(tmp);
      req.pipe(out);
      out.on('finish', () => {
        const fd = fs.openSync(tmp, 'r');
        fs.fsync(fd, () => {
          fs.closeSync(fd);
          fs.rename(tmp, path.join(dir, 'bare-put'), () => res.writeHead(200, { 'content-length': 0 }).end());
        });
      });
    });
    server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: (server.address() as { port: number }).port })));
    return;
  }
  const { openKamen } = await import('../src/app.js');
  const { startServer } = await import('../src/http/server.js');
  const kamen = await openKamen({ dataDir: path.join(dir, 'kamen'), withCa: false, log: () => {} });
  const running = await startServer({ host: '127.0.0.1', port: 0, pipeline: kamen.pipeline });
  const creds = { ak: kamen.bootstrap!.accessKeyId, sk: kamen.bootstrap!.secretAccessKey };
  // Create the bucket and the object through the API itself.
  const mk = await status(running.port, signed(running.port, 'PUT', `/${BUCKET}`, creds));
  const put = await status(running.port, signed(running.port, 'PUT', `/${BUCKET}/obj`, creds, data));
  // The listing bucket: metadata rows written in transactions (every key points at the object's blob).
  const mkList = await status(running.port, signed(running.port, 'PUT', `/${LIST_BUCKET}`, creds));
  const blob = await kamen.store.getS3Object(BUCKET, 'obj');
  for (let i = 0; i < LIST_KEYS && blob; i += 5000) {
    await kamen.store.transaction(async () => {
      for (let j = i; j < Math.min(i + 5000, LIST_KEYS); j++) await kamen.store.putS3Object({ ...blob, bucket: LIST_BUCKET, key: listKey(j) });
    });
  }
  console.log(JSON.stringify({ port: running.port, ...creds, setup: [mk, put, mkList] }));
}

/** The resident set size of process `pid` in bytes (Linux /proc), or undefined. */
function rssOf(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** The `aws` on PATH when it honours AWS_ENDPOINT_URL (v1 >= 1.29, v2 >= 2.13), else undefined. */
function awsCli(): string | undefined {
  const r = spawnSync('aws', ['--version'], { encoding: 'utf8' });
  const m = /aws-cli\/(\d+)\.(\d+)\./.exec(`${r.stdout ?? ''}${r.stderr ?? ''}`);
  if (r.status !== 0 || !m) return undefined;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return (major === 1 && minor >= 29) || (major === 2 && minor >= 13) || major > 2 ? 'aws' : undefined;
}

/** `aws s3 cp` of a CP_MIB file to kamen while the kamen child's RSS is sampled every 20 ms; the growth over idle. */
async function cpRss(dir: string, pid: number, k: { port: number; ak: string; sk: string }): Promise<string> {
  const bin = awsCli();
  if (!bin) return 'skipped (no aws CLI honouring AWS_ENDPOINT_URL on PATH)';
  const file = path.join(dir, 'cp-source');
  const chunk = randomBytes(MiB);
  const fd = fs.openSync(file, 'w');
  for (let i = 0; i < CP_MIB; i++) fs.writeSync(fd, chunk);
  fs.closeSync(fd);
  const home = fs.mkdtempSync(path.join(dir, 'home-'));
  const env: Record<string, string> = {};
  for (const [n, v] of Object.entries(process.env)) if (v !== undefined && !/^AWS_/i.test(n) && !/_PROXY$/i.test(n)) env[n] = v;
  Object.assign(env, { HOME: home, AWS_ENDPOINT_URL: `http://127.0.0.1:${k.port}`, AWS_ACCESS_KEY_ID: k.ak, AWS_SECRET_ACCESS_KEY: k.sk, AWS_DEFAULT_REGION: 'us-east-1' });
  const idle = rssOf(pid) ?? 0;
  let peak = idle;
  const timer = setInterval(() => (peak = Math.max(peak, rssOf(pid) ?? 0)), 20);
  const started = performance.now();
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(bin, ['s3', 'cp', file, `s3://${BUCKET}/cp-object`, '--only-show-errors'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('close', (c) => resolve(c ?? -1));
  });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(timer);
  fs.rmSync(file, { force: true });
  if (code !== 0) return `aws s3 cp failed (exit ${code})`;
  return `server RSS +${((peak - idle) / MiB).toFixed(1)} MiB (idle ${(idle / MiB).toFixed(0)} MiB, peak ${(peak / MiB).toFixed(0)} MiB; goal < 64 MiB), ${(CP_MIB / seconds).toFixed(0)} MB/s`;
}

/** Sends one raw request and resolves with the time until its whole answer arrived (ms) and its status. */
function timed(port: number, req: Buffer): Promise<{ ms: number; status: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const s = require_net().connect(port, '127.0.0.1', () => s.write(req));
    let buf = Buffer.alloc(0);
    s.on('data', (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buf.subarray(0, end).toString('latin1');
      const len = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
      if (buf.length >= end + 4 + len) {
        s.destroy();
        resolve({ ms: performance.now() - started, status: Number(head.slice(9, 12)) });
      }
    });
    s.on('error', reject);
  });
}

/** p50 / p90 of ListObjectsV2 pages of 1,000 keys, each starting after a random key of the LIST_KEYS-key bucket. */
async function listPages(k: { port: number; ak: string; sk: string }): Promise<string> {
  const ms: number[] = [];
  let bad = 0;
  for (let i = 0; i < LIST_PAGES; i++) {
    const after = listKey(Math.floor(Math.random() * (LIST_KEYS - 1000)));
    const query = `list-type=2&max-keys=1000&start-after=${encodeURIComponent(after).replace(/%2F/g, '%2F')}`;
    const r = await timed(k.port, signed(k.port, 'GET', `/${LIST_BUCKET}`, k, undefined, query));
    if (r.status !== 200) bad++;
    ms.push(r.ms);
  }
  ms.sort((a, b) => a - b);
  return `p50 ${ms[Math.floor(ms.length / 2)]!.toFixed(1)} ms, p90 ${ms[Math.floor(ms.length * 0.9)]!.toFixed(1)} ms over ${LIST_PAGES} pages${bad ? `, ${bad} non-200` : ''}`;
}

let netModule: typeof import('node:net') | undefined;
function require_net(): typeof import('node:net') {
  if (!netModule) throw new Error('net not loaded');
  return netModule;
}

/** Sends one raw request and resolves with the answer's status (setup only). */
function status(port: number, req: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = require_net().connect(port, '127.0.0.1', () => s.write(req));
    let head = '';
    s.on('data', (c: Buffer) => {
      head += c.toString('latin1');
      if (head.includes('\r\n\r\n')) {
        s.destroy();
        resolve(Number(head.slice(9, 12)));
      }
    });
    s.on('error', reject);
  });
}

function startChild(kind: string, dir: string): Promise<{ child: ChildProcess; info: any }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [here, '--serve', kind, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve({ child, info: JSON.parse(out.slice(0, nl)) });
    });
    child.on('error', reject);
  });
}

/** Runs the S3 benchmark. */
export async function run(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-bench-s3-'));
  const data = randomBytes(SIZE);
  fs.writeFileSync(path.join(dir, 'source'), data);
  const kamen = await startChild('kamen', dir);
  const bare = await startChild('bare', dir);
  try {
    const k = kamen.info as { port: number; ak: string; sk: string; setup: number[] };
    netModule ??= await import('node:net');
    if (k.setup.some((s) => s !== 200)) throw new Error(`kamen setup failed: ${k.setup.join(',')}`);
    const cases = [
      { name: 'GetObject 1 MiB', kamen: signed(k.port, 'GET', `/${BUCKET}/obj`, k), bare: raw('GET', `/${BUCKET}/obj`, { host: `127.0.0.1:${bare.info.port}` }) },
      { name: 'PutObject 1 MiB', kamen: signed(k.port, 'PUT', `/${BUCKET}/put-obj`, k, data), bare: raw('PUT', `/${BUCKET}/obj`, { host: `127.0.0.1:${bare.info.port}` }, data) },
    ];
    for (const c of cases) {
      const kr: number[] = [];
      const br: number[] = [];
      let errors = 0;
      for (let i = 0; i < ROUNDS; i++) {
        const a = await replay(k.port, c.kamen, { connections: 8, depth: 1, seconds: SECONDS });
        const b = await replay(bare.info.port, c.bare, { connections: 8, depth: 1, seconds: SECONDS });
        errors += a.non2xx + b.non2xx;
        kr.push(a.rps);
        br.push(b.rps);
      }
      const km = median(kr);
      const bm = median(br);
      console.log(`${c.name}: kamen ${km.toFixed(0)} req/s (${km.toFixed(0)} MB/s), bare node ${bm.toFixed(0)} req/s (${bm.toFixed(0)} MB/s), ratio ${((km / bm) * 100).toFixed(0)}%${errors ? `, ${errors} non-2xx` : ''}`);
    }
    console.log(`ListObjectsV2 1,000-key page of a ${LIST_KEYS.toLocaleString('en-US')}-key bucket: ${await listPages(k)}`);
    console.log(`aws s3 cp ${CP_MIB} MiB: ${await cpRss(dir, kamen.child.pid!, k)}`);
  } finally {
    kamen.child.kill();
    bare.child.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--serve') {
  netModule = await import('node:net');
  await serve(process.argv[3]!, process.argv[4]!);
}
