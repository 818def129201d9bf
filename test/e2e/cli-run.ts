/** Runs the kamen CLI this compiled test belongs to (not dist/): node arguments for spawn, and a finished run. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

/** The compiled CLI next to this compiled test. */
const mainUrl = new URL('../../src/cli/main.js', import.meta.url).href;
const script = `import { main } from ${JSON.stringify(mainUrl)}; main(['node', 'kamen', ...process.argv.slice(1)]).catch((e) => { console.error(e instanceof Error ? e.message : String(e)); process.exit(1); });`;

/** node's arguments that run `kamen <args…>` from this build. */
export function kamenArgs(...args: string[]): string[] {
  return ['--input-type=module', '-e', script, '--', ...args];
}

/** Runs `kamen <args…>` to its end. */
export function runKamen(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, kamenArgs(...args), { encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A running `kamen serve`. */
export interface Served {
  child: ChildProcess;
  url: string;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Resolves once the output matches `re`. */
  waitFor(re: RegExp): Promise<RegExpExecArray>;
  /** SIGTERM (or `signal`) and wait for the exit; resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `kamen serve <args…>`; resolves once it listens, rejects when it exits first (with its output). */
export function serveKamen(args: string[], env: Record<string, string> = {}): Promise<Served> {
  const child = spawn(process.execPath, kamenArgs('serve', ...args), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  const waiters: Array<{ re: RegExp; resolve: (m: RegExpExecArray) => void }> = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const onData = (d: Buffer): void => {
    out += d;
    for (const w of [...waiters]) {
      const m = w.re.exec(out);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const waitFor = (re: RegExp): Promise<RegExpExecArray> => {
    const m = re.exec(out);
    if (m) return Promise.resolve(m);
    return new Promise((resolve) => waiters.push({ re, resolve }));
  };
  return new Promise((resolve, reject) => {
    void exited.then((code) => reject(new Error(`kamen serve exited ${String(code)}: ${out}`)));
    void waitFor(/listening on (http:\/\/[\d.]+:\d+)/).then((m) =>
      resolve({
        child,
        url: m[1]!,
        output: () => out,
        waitFor,
        async stop(signal = 'SIGTERM') {
          if (child.exitCode === null) child.kill(signal);
          return exited;
        },
      }),
    );
  });
}
