/**
 * Starts a throwaway PostgreSQL cluster for tests: initdb into a temporary dir (as `nobody` when running as root), on a
 * free loopback port with its unix socket in that dir, fsync on; stopped and removed by `stop()` and, as a last resort,
 * when the process exits.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export interface TestCluster {
  /** postgres:// URL of `database` on the cluster (superuser `kamen`, trust auth on loopback only). */
  url(database: string): string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Runs one SQL statement on the `postgres` database (e.g. to terminate connections in fault tests). */
  exec(sql: string): Promise<void>;
  /** pg_ctl stop -m fast, then start again on the same port and data dir (restart faults). */
  restart(): Promise<void>;
  /** Stops the cluster now (immediate) without removing its data, until `restart()`. */
  kill(): void;
  /** Stops the cluster and removes its directory; safe to call twice. */
  stop(): Promise<void>;
}

/** The bin dir of the newest PostgreSQL installed (KAMEN_PG_BIN, /usr/lib/postgresql/<v>/bin, /usr/local/bin), or undefined. */
export function findPostgresBin(): string | undefined {
  const candidates: string[] = [];
  if (process.env.KAMEN_PG_BIN) candidates.push(process.env.KAMEN_PG_BIN);
  try {
    const versions = fs
      .readdirSync('/usr/lib/postgresql')
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) candidates.push(path.join('/usr/lib/postgresql', v, 'bin'));
  } catch {
    // no Debian layout
  }
  candidates.push('/usr/local/bin', '/usr/bin');
  return candidates.find((dir) => ['initdb', 'pg_ctl', 'postgres'].every((b) => fs.existsSync(path.join(dir, b))));
}

/** A loopback port free at the time of the call (bound to port 0, then released). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** True when every directory from `/` down to `dir` lets others search it (o+x). */
function traversableByOthers(dir: string): boolean {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if ((fs.statSync(d).mode & 0o001) === 0) return false;
    if (path.dirname(d) === d) return true;
  }
}

/** The uid/gid of `nobody`, used to run PostgreSQL when the tests run as root (initdb refuses root). */
function nobody(): { uid: number; gid: number } {
  const line = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('nobody:'));
  if (!line) throw new Error('running as root and there is no `nobody` user to run PostgreSQL as');
  const f = line.split(':');
  return { uid: Number(f[2]), gid: Number(f[3]) };
}

/** Starts a cluster with the binaries in `bin`. */
export async function startTestCluster(bin: string): Promise<TestCluster> {
  const asRoot = process.getuid?.() === 0;
  // As root, the cluster runs as `nobody`, which must be able to reach its directory: fall back to /tmp when a parent of
  // the temp dir (TMPDIR under /root, say) is closed to others.
  const base = asRoot && !traversableByOthers(os.tmpdir()) ? '/tmp' : os.tmpdir();
  const root = fs.mkdtempSync(path.join(base, 'kamen-pg-'));
  if (asRoot) {
    const { uid, gid } = nobody();
    fs.chownSync(root, uid, gid);
    fs.chmodSync(root, 0o700);
  }
  const dataDir = path.join(root, 'data');
  const logFile = path.join(root, 'server.log');
  const env = { ...process.env, LC_ALL: 'C', LANG: 'C', PGTZ: 'UTC' };
  const run = (cmd: string, args: string[]): string => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'nobody', '--', path.join(bin, cmd), ...args]] : [path.join(bin, cmd), args];
    return execFileSync(file as string, argv as string[], { env, cwd: root, stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 }).toString();
  };
  const postmasterPid = (): number | undefined => {
    try {
      return Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    } catch {
      return undefined;
    }
  };
  let stopped = false;
  const cleanup = (): void => {
    const pid = postmasterPid();
    if (pid) {
      try {
        process.kill(pid, 'SIGQUIT');
      } catch {
        // already gone
      }
    }
    fs.rmSync(root, { recursive: true, force: true });
  };
  // Last resort when the test process ends without stop() (a crash, an assertion thrown at top level), or is
  // interrupted: the postmaster runs detached, so it would outlive us. A signal is re-raised once we cleaned up.
  const onExit = (): void => {
    if (!stopped) cleanup();
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const onSignal = (sig: NodeJS.Signals): void => {
    onExit();
    process.kill(process.pid, sig);
  };
  const unhook = (): void => {
    process.removeListener('exit', onExit);
    for (const sig of signals) process.removeListener(sig, onSignal);
  };
  process.once('exit', onExit);
  for (const sig of signals) process.once(sig, onSignal);

  let port = 0;
  const start = (): void => {
    run('pg_ctl', [
      '-D',
      dataDir,
      '-w',
      '-t',
      '60',
      '-l',
      logFile,
      '-o',
      `-p ${port} -c listen_addresses=127.0.0.1 -k ${root} -c fsync=on -c synchronous_commit=on -c max_connections=200`,
      'start',
    ]);
  };
  try {
    run('initdb', ['-D', dataDir, '-U', 'kamen', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    for (let attempt = 0; ; attempt++) {
      port = await freePort();
      try {
        start();
        break;
      } catch (err) {
        // Another process may have taken the port between our probe and the server's bind: try another one.
        if (attempt >= 4) {
          const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
          throw new Error(`PostgreSQL did not start: ${String(err)}\n${log}`);
        }
      }
    }
  } catch (err) {
    stopped = true;
    unhook();
    cleanup();
    throw err;
  }

  const url = (database: string): string => `postgres://kamen@127.0.0.1:${port}/${database}`;
  const exec = async (sql: string): Promise<void> => {
    const client = new pg.Client({ connectionString: url('postgres') });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  return {
    url,
    exec,
    async createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
      await exec(`CREATE DATABASE ${name}`);
      return url(name);
    },
    async restart() {
      try {
        run('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
      } catch {
        // it was not running
      }
      start();
    },
    kill() {
      run('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      unhook();
      try {
        run('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
      } catch {
        // fall through to the forced cleanup
      }
      cleanup();
    },
  };
}

/**
 * The cluster for a test file, or the reason there is none: when the PostgreSQL binaries are missing, CI (CI=true) gets
 * an error (the test must fail, never silently skip), a developer machine gets a skip message.
 */
export async function clusterOrSkip(): Promise<{ cluster: TestCluster } | { skip: string }> {
  const bin = findPostgresBin();
  if (!bin) {
    const msg = 'PostgreSQL binaries (initdb, pg_ctl, postgres) not found in /usr/lib/postgresql/*/bin, /usr/local/bin or KAMEN_PG_BIN';
    if (process.env.CI === 'true') throw new Error(`${msg}; CI must install them (apt-get install postgresql, see .ci/run).`);
    return { skip: `${msg}; install postgresql to run these tests` };
  }
  return { cluster: await startTestCluster(bin) };
}
