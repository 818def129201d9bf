/** Starts real kamen servers on free loopback ports and runs real AWS clients against them, in temporary homes. */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openKamen, type BootstrapInfo, type Kamen } from '../../src/app.js';
import type { Clock } from '../../src/clock.js';
import { startServer, type RunningServer } from '../../src/http/server.js';
import { tempDir } from '../helpers/temp-dir.js';

export interface TestKamen {
  dataDir: string;
  url: string;
  port: number;
  boot: BootstrapInfo;
  caPath: string;
  kamen: Kamen;
  /** Stops the server and closes the store; `restart` opens the same data dir on the same port again. */
  stop(): Promise<void>;
  restart(): Promise<void>;
}

/** A kamen server on 127.0.0.1:<free port> over a fresh temporary data dir. */
export async function startKamen(opts: { clock?: Clock; dataDir?: string } = {}): Promise<TestKamen> {
  const dataDir = opts.dataDir ?? tempDir('kamen-e2e-');
  let kamen = await openKamen({ dataDir, clock: opts.clock, log: () => {} });
  let running: RunningServer = await startServer({ host: '127.0.0.1', port: 0, pipeline: kamen.pipeline, ca: kamen.ca });
  const t: TestKamen = {
    dataDir,
    url: running.url,
    port: running.port,
    boot: kamen.bootstrap!,
    caPath: kamen.caPath,
    kamen,
    async stop() {
      await running.close();
      await kamen.close();
    },
    async restart() {
      kamen = await openKamen({ dataDir, clock: opts.clock, log: () => {} });
      running = await startServer({ host: '127.0.0.1', port: t.port, pipeline: kamen.pipeline, ca: kamen.ca });
      t.kamen = kamen;
    },
  };
  return t;
}

/** A temporary HOME with an empty ~/.aws, so a user's own files are never touched. */
export function tempHome(): string {
  const home = tempDir('kamen-home-');
  fs.mkdirSync(path.join(home, '.aws'), { recursive: true });
  return home;
}

/** The environment for a client process: ours without any AWS_* or proxy variables, plus `extra`. */
export function cleanEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined) continue;
    if (/^AWS_/i.test(k) || /^(HTTPS?|ALL|NO)_PROXY$/i.test(k)) continue;
    env[k] = v;
  }
  return { ...env, HOME: home, AWS_PAGER: '', AWS_DEFAULT_OUTPUT: 'json', ...extra };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  json<T = any>(): T;
}

/** Runs an aws CLI binary asynchronously (the server runs in this process, so never spawnSync against it). */
export function runAws(bin: string, args: string[], env: Record<string, string>, input?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code: code ?? -1,
        stdout,
        stderr,
        json() {
          return JSON.parse(stdout);
        },
      }),
    );
    child.stdin.end(input ?? '');
  });
}

/** The `aws` on PATH when it honours AWS_ENDPOINT_URL (v1 >= 1.29, v2 >= 2.13), else undefined. */
export function endpointUrlAws(): string | undefined {
  const r = spawnSync('aws', ['--version'], { encoding: 'utf8', env: cleanEnv(os.tmpdir()) });
  if (r.status !== 0) return undefined;
  const m = /aws-cli\/(\d+)\.(\d+)\./.exec(r.stdout + r.stderr);
  if (!m) return undefined;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  const ok = (major === 1 && minor >= 29) || (major === 2 && minor >= 13) || major > 2;
  if (!ok) return undefined;
  const which = spawnSync('sh', ['-c', 'command -v aws'], { encoding: 'utf8' });
  return which.stdout.trim() || 'aws';
}

/** Debian's aws-cli 2.9.19 (proxy mode only), when installed. */
export function debianAws(): string | undefined {
  return fs.existsSync('/usr/bin/aws') ? '/usr/bin/aws' : undefined;
}

/** Writes ~/.aws/credentials and ~/.aws/config in a temp home. */
export function writeAwsFiles(home: string, credentials: string, config: string): void {
  fs.writeFileSync(path.join(home, '.aws', 'credentials'), credentials);
  fs.writeFileSync(path.join(home, '.aws', 'config'), config);
}
