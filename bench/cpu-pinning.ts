/**
 * Pins the event loops of the servers a benchmark compares to one CPU and the load generator to another (Linux,
 * `taskset`, two CPUs or more), so that every server is measured on the same CPU. On a virtual machine the CPUs differ
 * in speed from moment to moment (one was seen running the same server 40% slower than the other for minutes), and
 * where the scheduler happens to put each server's event loop then decides more of a comparison than the servers do.
 * Only the event loop (the thread whose ID is the process ID) is pinned: each server's other threads (its event writer,
 * its checkpointer, V8's helpers) run wherever the scheduler puts them, as they would without the benchmark.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';

/** A thread's CPU affinity mask as `taskset -p` prints it (hex), or undefined where it cannot be read. */
function affinity(tid: number): string | undefined {
  try {
    const out = execFileSync('taskset', ['-p', String(tid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return /mask:\s*([0-9a-f]+)/i.exec(out)?.[1];
  } catch {
    return undefined;
  }
}

/** Sets a thread's affinity (`taskset -p` arguments); false where it cannot. */
function setAffinity(args: string[]): boolean {
  try {
    execFileSync('taskset', args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** What pinCpus did, to undo: the load generator's affinity before. */
export interface Pinning {
  /** Pins a server's event loop to the servers' CPU (once its threads have started: they keep their affinity). */
  add(pid: number): void;
  /** Gives the load generator back its affinity (the servers exit on their own). */
  restore(): void;
  /** How the benchmark ran, for its report. */
  readonly description: string;
}

/**
 * Pins this process's main thread (the load generator) to the second CPU it may run on, and hands back how to pin
 * servers' event loops to the first; does nothing (and says so) on a machine or system where that is not possible.
 */
export function pinCpus(): Pinning {
  const before = os.platform() === 'linux' ? affinity(process.pid) : undefined;
  const mask = before === undefined ? 0n : BigInt(`0x${before}`);
  const cpus: number[] = [];
  for (let c = 0; c < 64 && cpus.length < 2; c++) if ((mask >> BigInt(c)) & 1n) cpus.push(c);
  if (cpus.length < 2 || !setAffinity(['-p', '-c', String(cpus[1]), String(process.pid)])) {
    return { add: () => {}, restore: () => {}, description: 'event loops not pinned (needs Linux, taskset and two CPUs)' };
  }
  return {
    add: (pid) => {
      setAffinity(['-p', '-c', String(cpus[0]), String(pid)]);
    },
    restore: () => {
      setAffinity(['-p', before!, String(process.pid)]);
    },
    description: `servers' event loops on CPU ${cpus[0]}, load generator on CPU ${cpus[1]}`,
  };
}
