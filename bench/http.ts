/**
 * HTTP benchmark: signed IAM GetUser, STS GetCallerIdentity and STS AssumeRole against kamen with auditing on and
 * with auditing off, each next to a bare node:http server answering the same bytes, measured in the same rounds;
 * prints medians, the ratios to bare and the audit on/off ratio (what recording every call costs).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pinCpus, type Pinning } from './cpu-pinning.js';
import { median, processCpuSeconds, quantile, replay } from './load.js';
import { signedQuery, type Creds } from './scale-kit.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 14);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 1);

/**
 * The two loads each benchmark runs: keep-alive connections with one request in flight each, as the AWS SDKs and CLI
 * send them, and the same connections with four pipelined requests each (which favours the cheaper server more).
 */
const LOADS: Array<{ name: string; opts: { connections: number; depth: number } }> = [
  { name: '32 connections x 1 (as SDKs send)', opts: { connections: 32, depth: 1 } },
  { name: '16 connections x 4 pipelined', opts: { connections: 16, depth: 4 } },
];

function startChild(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ child: ChildProcess; info: any }> {
  return new Promise((resolve, reject) => {
    // BENCH_CPU_PROF=<dir> writes a V8 CPU profile of each kamen server child there (for `node --cpu-prof` analysis).
    const prof = process.env.BENCH_CPU_PROF && args[0] === 'kamen' ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
    const child = spawn(process.execPath, [...prof, path.join(here, 'server-child.js'), ...args], { stdio: ['ignore', 'pipe', 'inherit'], env });
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

/** A kamen server child: audit on or off, with the signed request of each benchmark (its own keys). */
interface KamenChild {
  child: ChildProcess;
  port: number;
  pid: number;
  requests: Map<string, Buffer>;
}

/** One measured server in a round. */
interface Measured {
  name: string;
  port: number;
  pid: number;
  request: Buffer;
  rps: number[];
  cpu: number[];
  /** CPU per request of the main thread alone (the event loop). */
  loop: number[];
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/**
 * Measures one benchmark on kamen with auditing on, kamen with auditing off, and a bare node:http server answering
 * kamen's bytes, in the same rounds (the order rotating each round), and prints the medians and the ratios: each kamen
 * to bare, and audit on to audit off (the throughput auditing costs).
 */
async function compare(label: string, on: KamenChild, off: KamenChild | undefined, tmp: string, pinning: Pinning): Promise<void> {
  // BENCH_FILTER=<substring> runs only the benchmarks whose label contains it.
  if (process.env.BENCH_FILTER && !label.includes(process.env.BENCH_FILTER)) return;
  const request = on.requests.get(label)!;
  const sample = await once(on.port, request);
  if (sample.status !== 200) throw new Error(`${label}: kamen answered ${sample.status}: ${sample.body}`);
  const file = path.join(tmp, `${label.replace(/\W+/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify(sample));
  const bare = await startChild(['bare', file]);
  try {
    // BENCH_LOAD=<substring> runs only the loads whose name contains it.
    for (const load of LOADS.filter((l) => !process.env.BENCH_LOAD || l.name.includes(process.env.BENCH_LOAD))) {
      const servers: Measured[] = [
        { name: 'kamen', port: on.port, pid: on.pid, request, rps: [], cpu: [], loop: [] },
        ...(off ? [{ name: 'kamen audit off', port: off.port, pid: off.pid, request: off.requests.get(label)!, rps: [], cpu: [], loop: [] }] : []),
        { name: 'bare', port: bare.info.port, pid: bare.child.pid!, request, rps: [], cpu: [], loop: [] },
      ];
      const [kamen, noAudit, b] = [servers[0]!, off ? servers[1] : undefined, servers[servers.length - 1]!];
      const ratios = { kamen: [] as number[], off: [] as number[], audit: [] as number[] };
      /** One timed run of half a round's time on a server: its requests, seconds, CPU and event-loop CPU. */
      const slice = async (m: Measured): Promise<{ requests: number; seconds: number; cpu?: number; loop?: number }> => {
        const before = processCpuSeconds(m.pid);
        const loopBefore = processCpuSeconds(m.pid, true);
        const r = await replay(m.port, m.request, { seconds: SECONDS / 2, ...load.opts });
        const after = processCpuSeconds(m.pid);
        const loopAfter = processCpuSeconds(m.pid, true);
        if (m.name !== 'bare' && r.non2xx) throw new Error(`${label}: ${r.non2xx} non-2xx answers from ${m.name}`);
        return { requests: r.requests, seconds: r.seconds, cpu: before !== undefined && after !== undefined ? after - before : undefined, loop: loopBefore !== undefined && loopAfter !== undefined ? loopAfter - loopBefore : undefined };
      };
      const add = (x: number | undefined, y: number | undefined): number | undefined => (x === undefined || y === undefined ? undefined : x + y);
      // One unmeasured run on each server first, so round 1 does not pay for JIT warm-up or cold caches.
      for (const m of servers) await replay(m.port, m.request, { seconds: SECONDS, ...load.opts });
      // Then every server's event loop on one CPU (its threads, all started by now, stay free; cpu-pinning.ts).
      for (const m of servers) pinning.add(m.pid);
      for (let i = 0; i < ROUNDS; i++) {
        // Each round measures every server in two halves, in a rotating order and then in the reverse order (A B C C B
        // A), so each server's halves centre on the same moment: a drift in the machine's speed across the round falls
        // on every server alike. The ratios of one round compare runs made under the same machine load; the ratios
        // printed are the medians of those. The server's CPU per request is recorded too (far steadier on this VM
        // than req/s).
        const order = servers.map((_, j) => servers[(i + j) % servers.length]!);
        const sums = new Map<Measured, { requests: number; seconds: number; cpu: number | undefined; loop: number | undefined }>();
        for (const m of [...order, ...[...order].reverse()]) {
          const r = await slice(m);
          const was = sums.get(m);
          sums.set(m, was ? { requests: was.requests + r.requests, seconds: was.seconds + r.seconds, cpu: add(was.cpu, r.cpu), loop: add(was.loop, r.loop) } : { requests: r.requests, seconds: r.seconds, cpu: r.cpu, loop: r.loop });
        }
        const got = new Map<Measured, number>();
        for (const [m, t] of sums) {
          got.set(m, t.requests / t.seconds);
          m.rps.push(t.requests / t.seconds);
          if (t.cpu !== undefined) m.cpu.push((t.cpu * 1e6) / t.requests);
          if (t.loop !== undefined) m.loop.push((t.loop * 1e6) / t.requests);
        }
        ratios.kamen.push(got.get(kamen)! / got.get(b)!);
        if (noAudit) {
          ratios.off.push(got.get(noAudit)! / got.get(b)!);
          ratios.audit.push(got.get(kamen)! / got.get(noAudit)!);
        }
        // BENCH_VERBOSE=1 prints every round (to see the VM's swings).
        if (process.env.BENCH_VERBOSE) console.log(`  round ${i + 1}: ${servers.map((m) => `${m.name} ${fmt(got.get(m)!)} req/s`).join(', ')}`);
      }
      const pct = (xs: number[]): string => `${(100 * median(xs)).toFixed(1)}%`;
      const cpu = (m: Measured): string => (m.cpu.length ? `${Math.round(median(m.cpu))} µs` : 'n/a');
      let line = `${label}, ${load.name}: kamen ${fmt(median(kamen.rps))} req/s, bare node:http ${fmt(median(b.rps))} req/s, ratio ${pct(ratios.kamen)}`;
      // The middle half of the rounds' on/off ratios shows how far this machine's swings move the median.
      const spread = (xs: number[]): string => `${(100 * quantile(xs, 0.25)).toFixed(1)}–${(100 * quantile(xs, 0.75)).toFixed(1)}%`;
      if (noAudit) line += `; audit off: kamen ${fmt(median(noAudit.rps))} req/s, ratio ${pct(ratios.off)}; audit on/off ${pct(ratios.audit)} (middle half of rounds ${spread(ratios.audit)})`;
      const loop = (m: Measured): string => (m.loop.length ? `${Math.round(median(m.loop))} µs` : 'n/a');
      line += ` (medians of ${ROUNDS} rounds x ${SECONDS}s in two halves); server CPU per request: kamen ${cpu(kamen)}${noAudit ? `, audit off ${cpu(noAudit)}` : ''}, bare ${cpu(b)}`;
      // The event loop's share: what bounds one server's throughput when another core is free for its threads.
      line += `; event-loop CPU per request: kamen ${loop(kamen)}${noAudit ? `, audit off ${loop(noAudit)}` : ''}`;
      console.log(line);
    }
  } finally {
    bare.child.kill();
  }
}

/** The benchmarks' labels and request bodies (service, Query body), given the account the role lives in. */
function benchmarks(acct: string): Array<[string, string, string]> {
  const assume = `Action=AssumeRole&Version=2011-06-15&RoleArn=${encodeURIComponent(`arn:aws:iam::${acct}:role/bench-role`)}&RoleSessionName=bench&ExternalId=bench-ext`;
  return [
    ['IAM GetUser (IAM user, SigV4)', 'iam', 'Action=GetUser&Version=2010-05-08'],
    ['STS GetCallerIdentity (IAM user, SigV4)', 'sts', 'Action=GetCallerIdentity&Version=2011-06-15'],
    ['STS AssumeRole (trust + identity, mint, seal)', 'sts', assume],
  ];
}

/** Starts a kamen child (auditing on or off), creates the bench user and role in it, and signs each benchmark's request. */
async function startKamen(tmp: string, audit: boolean): Promise<KamenChild> {
  const dir = path.join(tmp, audit ? 'audit-on' : 'audit-off');
  fs.mkdirSync(dir);
  const { child, info } = await startChild(['kamen', dir], { ...process.env, BENCH_AUDIT: audit ? 'on' : 'off' });
  const port: number = info.port;
  const root: Creds = { accessKeyId: info.boot.accessKeyId, secretAccessKey: info.boot.secretAccessKey };
  const acct: string = info.boot.managementAccountId;
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
  const requests = new Map<string, Buffer>();
  for (const [label, service, body] of benchmarks(acct)) requests.set(label, await signedQuery(port, service, body, user));
  return { child, port, pid: child.pid!, requests };
}

/** Runs the HTTP benchmarks; BENCH_AUDIT=on measures only the audited server (no audit-off comparison). */
export async function run(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kamen-bench-'));
  const pinning = pinCpus();
  console.log(`http: ${pinning.description}`);
  const on = await startKamen(tmp, true);
  const off = process.env.BENCH_AUDIT === 'on' ? undefined : await startKamen(tmp, false);
  try {
    for (const [label] of benchmarks('')) await compare(label, on, off, tmp, pinning);
  } finally {
    pinning.restore();
    // The servers' data dirs hold every audited request (gigabytes after a full run): removed once the servers exit.
    const exited = [on, off].filter((k) => k !== undefined).map((k) => new Promise((r) => (k.child.exitCode !== null ? r(undefined) : k.child.once('exit', r))));
    on.child.kill('SIGTERM');
    off?.child.kill('SIGTERM');
    await Promise.all(exited);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
