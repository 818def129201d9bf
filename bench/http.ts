/**
 * HTTP benchmark: signed IAM GetUser, STS GetCallerIdentity and STS AssumeRole against kamen, each next to a bare
 * node:http server answering the same bytes, measured in the same run; prints medians and the ratio.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { median, processCpuSeconds, replay } from './load.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);

/**
 * The two loads each benchmark runs: keep-alive connections with one request in flight each, as the AWS SDKs and CLI
 * send them, and the same connections with four pipelined requests each (which favours the cheaper server more).
 */
const LOADS: Array<{ name: string; opts: { connections: number; depth: number } }> = [
  { name: '32 connections x 1 (as SDKs send)', opts: { connections: 32, depth: 1 } },
  { name: '16 connections x 4 pipelined', opts: { connections: 16, depth: 4 } },
];

interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

function startChild(args: string[]): Promise<{ child: ChildProcess; info: any }> {
  return new Promise((resolve, reject) => {
    // BENCH_CPU_PROF=<dir> writes a V8 CPU profile of each kamen server child there (for `node --cpu-prof` analysis).
    const prof = process.env.BENCH_CPU_PROF && args[0] === 'kamen' ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
    const child = spawn(process.execPath, [...prof, path.join(here, 'server-child.js'), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve({ child, info: JSON.parse(out.slice(0, nl)) });
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`server child exited ${code}`)));
  });
}

/** A raw, SigV4-signed HTTP/1.1 Query request (replayable for the signature's 15-minute window). */
async function signedQuery(port: number, service: string, body: string, creds: Creds): Promise<Buffer> {
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

/** Sends one raw request and returns {status, headers, body} of the answer. */
async function once(port: number, request: Buffer): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(request));
    let buf = Buffer.alloc(0);
    s.on('data', (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      const headEnd = buf.indexOf('\r\n\r\n');
      if (headEnd < 0) return;
      const head = buf.subarray(0, headEnd).toString('latin1').split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of head.slice(1)) {
        const i = line.indexOf(':');
        headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
      }
      const len = Number(headers['content-length'] ?? 0);
      if (buf.length < headEnd + 4 + len) return;
      s.end();
      delete headers['content-length'];
      delete headers['date'];
      delete headers['connection'];
      delete headers['keep-alive'];
      resolve({ status: Number(head[0]!.split(' ')[1]), headers, body: buf.subarray(headEnd + 4, headEnd + 4 + len).toString() });
    });
    s.on('error', reject);
  });
}

function xmlValue(xml: string, tag: string): string {
  const m = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml);
  if (!m) throw new Error(`no <${tag}> in ${xml.slice(0, 300)}`);
  return m[1]!;
}

async function compare(label: string, kamen: { port: number; pid: number }, request: Buffer, tmp: string): Promise<void> {
  const kamenPort = kamen.port;
  // BENCH_FILTER=<substring> runs only the benchmarks whose label contains it.
  if (process.env.BENCH_FILTER && !label.includes(process.env.BENCH_FILTER)) return;
  const sample = await once(kamenPort, request);
  if (sample.status !== 200) throw new Error(`${label}: kamen answered ${sample.status}: ${sample.body}`);
  const file = path.join(tmp, `${label.replace(/\W+/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify(sample));
  const bare = await startChild(['bare', file]);
  try {
    // BENCH_LOAD=<substring> runs only the loads whose name contains it.
    for (const load of LOADS.filter((l) => !process.env.BENCH_LOAD || l.name.includes(process.env.BENCH_LOAD))) {
      const k: number[] = [];
      const b: number[] = [];
      const ratios: number[] = [];
      const cpu = { kamen: [] as number[], bare: [] as number[] };
      /** One timed run against `port`; records the server's CPU per request (far steadier on this VM than req/s). */
      const measure = async (who: 'kamen' | 'bare', port: number, pid: number) => {
        const before = processCpuSeconds(pid);
        const r = await replay(port, request, { seconds: SECONDS, ...load.opts });
        const after = processCpuSeconds(pid);
        if (who === 'kamen' && r.non2xx) throw new Error(`${label}: ${r.non2xx} non-2xx answers from kamen`);
        if (before !== undefined && after !== undefined) cpu[who].push(((after - before) * 1e6) / r.requests);
        return r.rps;
      };
      // One unmeasured round on each server first, so round 1 does not pay for JIT warm-up or cold caches.
      await replay(kamenPort, request, { seconds: SECONDS, ...load.opts });
      await replay(bare.info.port, request, { seconds: SECONDS, ...load.opts });
      for (let i = 0; i < ROUNDS; i++) {
        // Each round measures both servers back to back (alternating which goes first), so the ratio of one round
        // compares runs made under the same machine load; the ratio printed is the median of those.
        const runKamen = () => measure('kamen', kamenPort, kamen.pid);
        const runBare = () => measure('bare', bare.info.port, bare.child.pid!);
        let rk: number;
        let rb: number;
        if (i % 2 === 0) {
          rk = await runKamen();
          rb = await runBare();
        } else {
          rb = await runBare();
          rk = await runKamen();
        }
        k.push(rk);
        b.push(rb);
        ratios.push(rk / rb);
        // BENCH_VERBOSE=1 prints every round (to see the VM's swings).
        if (process.env.BENCH_VERBOSE) console.log(`  round ${i + 1} (${i % 2 === 0 ? 'kamen first' : 'bare first'}): kamen ${Math.round(rk)} req/s, bare ${Math.round(rb)} req/s, ${(100 * rk / rb).toFixed(1)}%`);
      }
      const mk = median(k);
      const mb = median(b);
      console.log(`${label}, ${load.name}: kamen ${Math.round(mk).toLocaleString('en-US')} req/s, bare node:http ${Math.round(mb).toLocaleString('en-US')} req/s, ratio ${(100 * median(ratios)).toFixed(1)}% (medians of ${ROUNDS} paired rounds x ${SECONDS}s)${cpu.kamen.length && cpu.bare.length ? `; server CPU per request: kamen ${Math.round(median(cpu.kamen))} µs, bare ${Math.round(median(cpu.bare))} µs` : ''}`);
    }
  } finally {
    bare.child.kill();
  }
}

/** Runs the HTTP benchmarks. */
export async function run(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-bench-'));
  const kamen = await startChild(['kamen', tmp]);
  try {
    const port: number = kamen.info.port;
    const server = { port, pid: kamen.child.pid! };
    const root: Creds = { accessKeyId: kamen.info.boot.accessKeyId, secretAccessKey: kamen.info.boot.secretAccessKey };
    const acct: string = kamen.info.boot.managementAccountId;
    const call = async (service: string, body: string, creds: Creds = root) => {
      const r = await once(port, await signedQuery(port, service, body, creds));
      if (r.status !== 200) throw new Error(`${body}: ${r.status} ${r.body}`);
      return r.body;
    };
    // An IAM user with a key and a policy allowing GetUser and AssumeRole; a role trusting the account.
    await call('iam', 'Action=CreateUser&Version=2010-05-08&UserName=bench');
    const doc = encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:GetUser', 'sts:AssumeRole'], Resource: '*' }] }));
    await call('iam', `Action=PutUserPolicy&Version=2010-05-08&UserName=bench&PolicyName=p&PolicyDocument=${doc}`);
    const keyXml = await call('iam', 'Action=CreateAccessKey&Version=2010-05-08&UserName=bench');
    const user: Creds = { accessKeyId: xmlValue(keyXml, 'AccessKeyId'), secretAccessKey: xmlValue(keyXml, 'SecretAccessKey') };
    const trust = encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${acct}:root` }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': 'bench-ext' } } }] }));
    await call('iam', `Action=CreateRole&Version=2010-05-08&RoleName=bench-role&AssumeRolePolicyDocument=${trust}`);

    await compare('IAM GetUser (IAM user, SigV4)', server, await signedQuery(port, 'iam', 'Action=GetUser&Version=2010-05-08', user), tmp);
    await compare('STS GetCallerIdentity (IAM user, SigV4)', server, await signedQuery(port, 'sts', 'Action=GetCallerIdentity&Version=2011-06-15', user), tmp);
    const assume = `Action=AssumeRole&Version=2011-06-15&RoleArn=${encodeURIComponent(`arn:aws:iam::${acct}:role/bench-role`)}&RoleSessionName=bench&ExternalId=bench-ext`;
    await compare('STS AssumeRole (trust + identity, mint, persist)', server, await signedQuery(port, 'sts', assume, user), tmp);
  } finally {
    kamen.child.kill('SIGTERM');
  }
}
