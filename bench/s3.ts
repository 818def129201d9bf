/**
 * S3 benchmark: GetObject and PutObject of a 1 MiB object against kamen, next to a bare node:http server streaming the
 * same file from the same disk (and, for PUT, writing it as kamen does: temporary file, fsync, rename), each server in
 * its own child process, measured in the same run; prints medians of req/s and MB/s and the ratio.
 */
import { spawn, type ChildProcess } from 'node:child_process';
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
const BUCKET = 'bench-bucket';

/** A header-signed S3 request (UNSIGNED-PAYLOAD), replayable within the signature's 15-minute window. */
function signed(port: number, method: string, p: string, creds: { ak: string; sk: string }, body?: Buffer): Buffer {
  const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const date = amzDate.slice(0, 8);
  const host = `127.0.0.1:${port}`;
  const headers: Record<string, string> = { host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'x-amz-date': amzDate };
  const names = Object.keys(headers).sort();
  const canonical = [method, p, '', names.map((n) => `${n}:${headers[n]}\n`).join(''), names.join(';'), 'UNSIGNED-PAYLOAD'].join('\n');
  const scope = `${date}/us-east-1/s3/aws4_request`;
  const sts = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
  let k: Buffer | string = `AWS4${creds.sk}`;
  for (const part of [date, 'us-east-1', 's3', 'aws4_request']) k = createHmac('sha256', k).update(part).digest();
  const sig = createHmac('sha256', k).update(sts).digest('hex');
  headers['authorization'] = `AWS4-HMAC-SHA256 Credential=${creds.ak}/${scope}, SignedHeaders=${names.join(';')}, Signature=${sig}`;
  return raw(method, p, headers, body);
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
  console.log(JSON.stringify({ port: running.port, ...creds, setup: [mk, put] }));
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
