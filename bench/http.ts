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
 * Server processes per kamen variant (audit on, audit off). One process can run a steady 10-20% slower than an
 * identical one started beside it (where its memory landed, its threads' luck), and lasts the whole benchmark: a
 * variant measured as the mean of several processes is a variant, not one process's luck.
 */
const PROCESSES = Math.max(1, Number(process.env.BENCH_PROCESSES ?? 2));

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
    // A kamen child has an IPC channel: the benchmark detaches and attaches its auditor over it (setAudit).
    const stdio: Array<'ignore' | 'pipe' | 'inherit' | 'ipc'> = ['ignore', 'pipe', 'inherit', ...(args[0] === 'kamen' ? (['ipc'] as const) : [])];
    const child = spawn(process.execPath, [...prof, path.join(here, 'server-child.js'), ...args], { stdio, env });
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

/** One measured server process in a round. */
interface Measured {
  name: string;
  /** The variant it is one process of: its rounds' throughput is the mean of the variant's processes'. */
  variant: 'kamen' | 'audit off' | 'bare';
  port: number;
  pid: number;
  request: Buffer;
  rps: number[];
  cpu: number[];
  /** CPU per request of the main thread alone (the event loop). */
  loop: number[];
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/** Attaches (true) or detaches (false) a kamen child's auditor, once what it queued is stored (server-child.ts). */
function setAudit(k: KamenChild, on: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const answered = (msg: { audit?: boolean }): void => {
      k.child.off('message', answered);
      if (msg.audit === on) resolve();
      else reject(new Error(`the server answered audit ${msg.audit}`));
    };
    k.child.on('message', answered);
    k.child.send({ audit: on });
  });
}

/** Rounds of the same-process comparison (toggled); each takes 2 x SECONDS per audited process. */
const TOGGLE_ROUNDS = Number(process.env.BENCH_TOGGLE_ROUNDS ?? 10);

/**
 * The on/off ratio measured inside each audited process: its auditor attached for half a slice and detached for two
 * halves, then attached for a last half (A B B A, B A A B in the next round), at one request in flight per connection.
 * One process compared with itself has neither the luck of where a process's memory landed nor a twin's, so this is
 * the recording's own cost: the ratio printed is the median over processes and rounds. (The auditor detached, the
 * process still has its event writer thread, idle, and the code the JIT compiled for recording.)
 */
async function toggled(label: string, ons: KamenChild[], pinning: Pinning): Promise<void> {
  if (process.env.BENCH_FILTER && !label.includes(process.env.BENCH_FILTER)) return;
  const load = LOADS[0]!;
  if (process.env.BENCH_LOAD && !load.name.includes(process.env.BENCH_LOAD)) return;
  const ratios: number[] = [];
  const all: { on?: Totals; off?: Totals } = {};
  // Each state once unmeasured first (the JIT's code for the request path without recording).
  for (const k of ons) {
    await setAudit(k, false);
    await replay(k.port, k.requests.get(label)!, { seconds: SECONDS, ...load.opts });
    await setAudit(k, true);
    await replay(k.port, k.requests.get(label)!, { seconds: SECONDS, ...load.opts });
    pinning.add(k.pid);
  }
  for (let i = 0; i < TOGGLE_ROUNDS; i++) {
    for (const k of ons.map((_, j) => ons[(i + j) % ons.length]!)) {
      const round: { on?: Totals; off?: Totals } = {};
      const states = i % 2 === 0 ? [true, false, false, true] : [false, true, true, false];
      for (const on of states) {
        await setAudit(k, on);
        const r = await halfSlice(k.pid, k.port, k.requests.get(label)!, load.opts, label);
        if (on) round.on = addTotals(round.on, r);
        else round.off = addTotals(round.off, r);
      }
      await setAudit(k, true);
      ratios.push(round.on!.requests / round.on!.seconds / (round.off!.requests / round.off!.seconds));
      all.on = addTotals(all.on, round.on!);
      all.off = addTotals(all.off, round.off!);
    }
  }
  const perRequest = (t: Totals | undefined): string => (t?.loop !== undefined ? `${((t.loop * 1e6) / t.requests).toFixed(1)} µs` : 'n/a');
  console.log(
    `${label}, ${load.name}, each audited process with its auditor attached and detached in turns: audit on/off ${(100 * median(ratios)).toFixed(1)}% (middle half ${(100 * quantile(ratios, 0.25)).toFixed(1)}–${(100 * quantile(ratios, 0.75)).toFixed(1)}%; ${ratios.length} paired rounds over ${ons.length} processes); event-loop CPU per request: attached ${perRequest(all.on)}, detached ${perRequest(all.off)}`,
  );
}

/**
 * Measures one benchmark on kamen with auditing on, kamen with auditing off (PROCESSES processes of each) and a bare
 * node:http server answering kamen's bytes, in the same rounds (the order rotating each round), and prints the medians
 * and the ratios: each kamen to bare, and audit on to audit off (the throughput auditing costs).
 */
async function compare(label: string, ons: KamenChild[], offs: KamenChild[], tmp: string, pinning: Pinning): Promise<void> {
  // BENCH_FILTER=<substring> runs only the benchmarks whose label contains it.
  if (process.env.BENCH_FILTER && !label.includes(process.env.BENCH_FILTER)) return;
  const request = ons[0]!.requests.get(label)!;
  const sample = await once(ons[0]!.port, request);
  if (sample.status !== 200) throw new Error(`${label}: kamen answered ${sample.status}: ${sample.body}`);
  const file = path.join(tmp, `${label.replace(/\W+/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify(sample));
  const bare = await startChild(['bare', file]);
  try {
    // BENCH_LOAD=<substring> runs only the loads whose name contains it.
    for (const load of LOADS.filter((l) => !process.env.BENCH_LOAD || l.name.includes(process.env.BENCH_LOAD))) {
      const measured = (variant: Measured['variant'], k: KamenChild, i: number, n: number): Measured => ({ name: n > 1 ? `${variant} #${i + 1}` : variant, variant, port: k.port, pid: k.pid, request: k.requests.get(label)!, rps: [], cpu: [], loop: [] });
      // Interleaved (kamen #1, audit off #1, kamen #2, …, bare) so the rotation below keeps a variant's processes apart.
      const servers: Measured[] = [];
      for (let i = 0; i < ons.length; i++) {
        servers.push(measured('kamen', ons[i]!, i, ons.length));
        if (offs[i]) servers.push(measured('audit off', offs[i]!, i, offs.length));
      }
      servers.push({ name: 'bare', variant: 'bare', port: bare.info.port, pid: bare.child.pid!, request, rps: [], cpu: [], loop: [] });
      const variants = { kamen: newVariant(), off: newVariant(), bare: newVariant() };
      const variantOf = (m: Measured): Variant => (m.variant === 'kamen' ? variants.kamen : m.variant === 'audit off' ? variants.off : variants.bare);
      const ratios = { kamen: [] as number[], off: [] as number[], audit: [] as number[] };
      /** One timed run of half a round's time on a server: its requests, seconds, CPU and event-loop CPU. */
      const slice = (m: Measured): Promise<Totals> => halfSlice(m.pid, m.port, m.request, load.opts, m.variant === 'bare' ? undefined : `${label} (${m.name})`);
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
        const sums = new Map<Measured, Totals>();
        for (const m of [...order, ...[...order].reverse()]) sums.set(m, addTotals(sums.get(m), await slice(m)));
        const got = new Map<Variant, number[]>();
        const roundTotals = new Map<Variant, Totals>();
        for (const [m, t] of sums) {
          m.rps.push(t.requests / t.seconds);
          const v = variantOf(m);
          got.set(v, [...(got.get(v) ?? []), t.requests / t.seconds]);
          roundTotals.set(v, addTotals(roundTotals.get(v), t));
        }
        // A variant's throughput in the round: the mean of its processes'; its CPU per request: over all their requests.
        for (const [v, xs] of got) v.rps.push(xs.reduce((a, b) => a + b, 0) / xs.length);
        for (const [v, t] of roundTotals) {
          if (t.cpu !== undefined) v.cpu.push((t.cpu * 1e6) / t.requests);
          if (t.loop !== undefined) v.loop.push((t.loop * 1e6) / t.requests);
        }
        const last = (v: Variant): number => v.rps[v.rps.length - 1]!;
        ratios.kamen.push(last(variants.kamen) / last(variants.bare));
        if (offs.length) {
          ratios.off.push(last(variants.off) / last(variants.bare));
          ratios.audit.push(last(variants.kamen) / last(variants.off));
        }
        // BENCH_VERBOSE=1 prints every round (to see the VM's swings).
        if (process.env.BENCH_VERBOSE) console.log(`  round ${i + 1}: ${servers.map((m) => `${m.name} ${fmt(m.rps[m.rps.length - 1]!)} req/s`).join(', ')}`);
      }
      const { kamen, off, bare: b } = variants;
      const pct = (xs: number[]): string => `${(100 * median(xs)).toFixed(1)}%`;
      const cpu = (v: Variant): string => (v.cpu.length ? `${Math.round(median(v.cpu))} µs` : 'n/a');
      let line = `${label}, ${load.name}: kamen ${fmt(median(kamen.rps))} req/s, bare node:http ${fmt(median(b.rps))} req/s, ratio ${pct(ratios.kamen)}`;
      // The middle half of the rounds' on/off ratios shows how far this machine's swings move the median.
      const spread = (xs: number[]): string => `${(100 * quantile(xs, 0.25)).toFixed(1)}–${(100 * quantile(xs, 0.75)).toFixed(1)}%`;
      if (offs.length) line += `; audit off: kamen ${fmt(median(off.rps))} req/s, ratio ${pct(ratios.off)}; audit on/off ${pct(ratios.audit)} (middle half of rounds ${spread(ratios.audit)})`;
      const loop = (v: Variant): string => (v.loop.length ? `${Math.round(median(v.loop))} µs` : 'n/a');
      line += ` (medians of ${ROUNDS} rounds x ${SECONDS}s in two halves${PROCESSES > 1 ? `, ${PROCESSES} processes of each kamen` : ''}); server CPU per request: kamen ${cpu(kamen)}${offs.length ? `, audit off ${cpu(off)}` : ''}, bare ${cpu(b)}`;
      // The event loop's share: what bounds one server's throughput when another core is free for its threads.
      line += `; event-loop CPU per request: kamen ${loop(kamen)}${offs.length ? `, audit off ${loop(off)}` : ''}`;
      console.log(line);
      // Each process's median, to see whether one process of a variant ran apart from its twin.
      if (PROCESSES > 1) console.log(`  processes' medians: ${servers.map((m) => `${m.name} ${fmt(median(m.rps))} req/s`).join(', ')}`);
    }
  } finally {
    bare.child.kill();
  }
}

/**
 * One timed run of half a round's time on a server (`pid` listening on `port`): its requests, seconds, CPU and
 * event-loop CPU. `checked` names a kamen server, whose every answer must be a 2xx.
 */
async function halfSlice(pid: number, port: number, request: Buffer, opts: { connections: number; depth: number }, checked: string | undefined): Promise<Totals> {
  const before = processCpuSeconds(pid);
  const loopBefore = processCpuSeconds(pid, true);
  const r = await replay(port, request, { seconds: SECONDS / 2, ...opts });
  const after = processCpuSeconds(pid);
  const loopAfter = processCpuSeconds(pid, true);
  if (checked !== undefined && r.non2xx) throw new Error(`${checked}: ${r.non2xx} non-2xx answers`);
  return { requests: r.requests, seconds: r.seconds, cpu: before !== undefined && after !== undefined ? after - before : undefined, loop: loopBefore !== undefined && loopAfter !== undefined ? loopAfter - loopBefore : undefined };
}

/** Requests, seconds, CPU seconds and event-loop CPU seconds of some timed runs. */
interface Totals {
  requests: number;
  seconds: number;
  cpu: number | undefined;
  loop: number | undefined;
}

function addTotals(a: Totals | undefined, b: Totals): Totals {
  const add = (x: number | undefined, y: number | undefined): number | undefined => (x === undefined || y === undefined ? undefined : x + y);
  return a ? { requests: a.requests + b.requests, seconds: a.seconds + b.seconds, cpu: add(a.cpu, b.cpu), loop: add(a.loop, b.loop) } : b;
}

/** A variant's figures per round: throughput (the mean of its processes'), CPU and event-loop CPU per request. */
interface Variant {
  rps: number[];
  cpu: number[];
  loop: number[];
}

const newVariant = (): Variant => ({ rps: [], cpu: [], loop: [] });

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
async function startKamen(tmp: string, audit: boolean, index: number): Promise<KamenChild> {
  const dir = path.join(tmp, `${audit ? 'audit-on' : 'audit-off'}-${index + 1}`);
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
  const ons: KamenChild[] = [];
  const offs: KamenChild[] = [];
  try {
    for (let i = 0; i < PROCESSES; i++) {
      ons.push(await startKamen(tmp, true, i));
      if (process.env.BENCH_AUDIT !== 'on') offs.push(await startKamen(tmp, false, i));
    }
    for (const [label] of benchmarks('')) {
      await compare(label, ons, offs, tmp, pinning);
      if (offs.length) await toggled(label, ons, pinning);
    }
  } finally {
    pinning.restore();
    // The servers' data dirs hold every audited request (gigabytes after a full run): removed once the servers exit.
    const all = [...ons, ...offs];
    const exited = all.map((k) => new Promise((r) => (k.child.exitCode !== null ? r(undefined) : k.child.once('exit', r))));
    for (const k of all) k.child.kill('SIGTERM');
    await Promise.all(exited);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
